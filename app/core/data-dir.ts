// Where a Pigeon user's data lives, and the identity key in it. One data dir = one user: several
// users on one host just use several data dirs. Resolution: --data, then PIGEON_HOME, then the
// platform's convention. Everything is passed in (env, platform, home) so nothing here reads
// process-global state.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PigeonError } from '../../shared/errors.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  type Identity,
} from '../../shared/identity.js'

export interface DataDirInput {
  /** --data */
  flag?: string
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  home: string
}

export const IDENTITY_FILE = 'identity.key'
export const DATABASE_FILE = 'pigeon.db'

export function resolveDataDir({ flag, env, platform, home }: DataDirInput): string {
  if (flag !== undefined && flag !== '') return resolve(flag)
  if (env.PIGEON_HOME !== undefined && env.PIGEON_HOME !== '') return resolve(env.PIGEON_HOME)
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Pigeon')
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pigeon')
    default: {
      const xdg = env.XDG_DATA_HOME
      return join(
        xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'),
        'pigeon',
      )
    }
  }
}

/** Creates the data dir (0700: it holds a private key and the history) if missing. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
}

/** Writes a secret file atomically with mode 0600 (never briefly readable by others). */
export function writeSecretFile(file: string, data: Uint8Array | string): void {
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, data, { mode: 0o600 })
  chmodSync(temp, 0o600)
  renameSync(temp, file)
}

/** The data dir's identity; made (and saved 0600) on first use, so the PeerId survives restarts. */
export async function loadOrCreateIdentity(dir: string): Promise<Identity> {
  const file = join(dir, IDENTITY_FILE)
  if (existsSync(file)) {
    try {
      return identityFromBytes(new Uint8Array(readFileSync(file)))
    } catch (cause) {
      throw new PigeonError(
        'IDENTITY_FILE_INVALID',
        `${file} is not a Pigeon identity key; restore it from a backup, or move it away to start as a new user.`,
        { cause },
      )
    }
  }
  ensureDataDir(dir)
  const identity = await generateIdentity()
  writeSecretFile(file, identityToBytes(identity))
  return identity
}
