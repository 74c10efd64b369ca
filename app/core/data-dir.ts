// Where a Pigeon user's data lives, and the identity key in it. One data dir = one user: several
// users on one host just use several data dirs; one node runs on it at a time (data-dir-lock.ts),
// and its history is only ever opened under its own key (loadOrCreateIdentity). Resolution: --data, then PIGEON_HOME, then the
// platform's convention. Everything is passed in (env, platform, home) so nothing here reads
// process-global state.
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PigeonError } from '../../shared/errors.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  type Identity,
} from '../../shared/identity.js'
import {
  readSecretFile,
  writeSecretFile,
  type SecretFormat,
} from '../../shared/node/secret-file.js'
import { LOCK_FILE } from './data-dir-lock.js'
import { storageError } from './storage-error.js'

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
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (error) {
    throw storageError(error, join(dir, IDENTITY_FILE))
  }
}

/** The data dir's identity key file, for shared/node/secret-file.ts. */
export const IDENTITY_FORMAT: SecretFormat<Identity> = {
  what: 'a Pigeon identity key',
  parse: identityFromBytes,
  remedy:
    "Restore it from a backup (pigeon identity import <file>), or start with --new-identity to archive this data dir's history and start as a new user.",
}

/**
 * The data dir's identity; made (and saved 0600) on first use, so the PeerId survives restarts.
 * `owner` is whose the history is (the store's own PeerId, table me): a history is never taken
 * over by another key, since peers would see a stranger and the old groups would show me as gone.
 * No key beside someone's history is IDENTITY_MISSING, another one's key IDENTITY_MISMATCH.
 */
export async function loadOrCreateIdentity(dir: string, owner?: string): Promise<Identity> {
  const file = join(dir, IDENTITY_FILE)
  const identity = readSecretFile(file, IDENTITY_FORMAT)
  if (identity !== undefined) {
    if (owner !== undefined && identity.peerId !== owner) {
      throw new PigeonError(
        'IDENTITY_MISMATCH',
        `The history in ${dir} belongs to ${owner}, but ${file} is the key of ${identity.peerId}. Put ${owner}'s key back (pigeon identity import <backup file>), or start with --new-identity to archive this history and start as a new user.`,
      )
    }
    return identity
  }
  if (owner !== undefined) {
    throw new PigeonError(
      'IDENTITY_MISSING',
      `${file} is missing, and the history in ${dir} belongs to ${owner}. Restore the key from a backup (pigeon identity import <backup file>), or start with --new-identity to archive this history and start as a new user.`,
    )
  }
  ensureDataDir(dir)
  const made = await generateIdentity()
  try {
    // exclusive: a key is never replaced, even by a second start racing this one
    writeSecretFile(file, identityToBytes(made), { exclusive: true })
  } catch (error) {
    throw storageError(error, file)
  }
  return made
}

/** What an archive keeps out: the lock (held by whoever archives) and earlier archives. */
const NOT_ARCHIVED = (name: string): boolean =>
  name === LOCK_FILE || name.startsWith(`${LOCK_FILE}-`) || name.startsWith('archive-')

/**
 * Moves the data dir's identity, history and other files into <dir>/archive-<UTC time>/ so a
 * new identity starts on an empty dir (`pigeon start --new-identity`) and nothing is deleted.
 * Call it holding the data dir's lock. Returns the archive, or undefined when there was nothing.
 */
export function archiveDataDir(dir: string, now: Date): string | undefined {
  const names = readdirSync(dir).filter((name) => !NOT_ARCHIVED(name))
  if (names.length === 0) return undefined
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-')
  let archive = join(dir, `archive-${stamp}`)
  for (let n = 2; existsSync(archive); n += 1) archive = join(dir, `archive-${stamp}-${n}`)
  try {
    mkdirSync(archive, { mode: 0o700 })
    for (const name of names) renameSync(join(dir, name), join(archive, name))
  } catch (error) {
    throw storageError(error, archive)
  }
  return archive
}
