// What the relay keeps in its data directory besides the message store: its own Ed25519
// identity (whose PeerId is the relay id that client tokens are bound to) and the admin bearer
// token. Both are secrets, so both are created 0600 in a 0700 directory.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PigeonError } from '../shared/errors.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  type Identity,
} from '../shared/identity.js'

export const RELAY_KEY_FILE = 'relay.key'
export const ADMIN_TOKEN_FILE = 'admin-token'

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM'])

function notWritable(dir: string, cause: NodeJS.ErrnoException): PigeonError {
  const why =
    cause.code === 'EROFS'
      ? 'is on a read-only file system'
      : `is not writable by this user (uid ${process.getuid?.() ?? '?'})`
  return new PigeonError(
    'RELAY_CONFIG_INVALID',
    `The data directory ${dir} ${why} (${cause.code}): the relay writes its key, message store and used tokens there. ${
      cause.code === 'EROFS' ? 'Mount it read-write' : 'Give this user write access (chown/chmod)'
    }, or pick another --data.`,
    { cause },
  )
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    // a recursive mkdir under a read-only parent says ENOENT: create the first missing level
    // alone to get the real reason
    let missing = dir
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing)
    mkdirSync(missing, { mode: 0o700 })
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  }
}

/** Creates the data dir if needed, and proves that it is writable before anything else opens in it. */
export function ensureDataDir(dir: string): void {
  try {
    makeDir(dir)
    const probe = join(dir, `.write-test-${process.pid}`)
    writeFileSync(probe, '')
    rmSync(probe)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code !== undefined && NOT_WRITABLE.has(code))
      throw notWritable(dir, cause as NodeJS.ErrnoException)
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      `Cannot use the data directory ${dir}: ${(cause as Error).message}`,
      { cause },
    )
  }
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      `Cannot read ${path}: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

function writeSecret(path: string, data: Uint8Array | string): void {
  // 'wx': never overwrite a key another process just created
  writeFileSync(path, data, { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
}

export async function loadRelayIdentity(dir: string): Promise<Identity> {
  const path = join(dir, RELAY_KEY_FILE)
  const existing = readIfExists(path)
  if (existing !== undefined) return identityFromBytes(new Uint8Array(existing))
  const identity = await generateIdentity()
  writeSecret(path, identityToBytes(identity))
  return identity
}

export function loadAdminToken(dir: string): string {
  const path = join(dir, ADMIN_TOKEN_FILE)
  const existing = readIfExists(path)
  if (existing !== undefined) return existing.toString('utf8').trim()
  const token = randomBytes(32).toString('base64url')
  writeSecret(path, `${token}\n`)
  return token
}
