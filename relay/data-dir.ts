// What the relay keeps in its data directory besides the message store: its own Ed25519
// identity (whose PeerId is the relay id that client tokens are bound to) and the admin bearer
// token. Both are secrets: created 0600 in a 0700 directory, written and read by
// shared/node/secret-file.ts like the app's identity key (one set of errors for a damaged one).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PigeonError } from '../shared/errors.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  type Identity,
} from '../shared/identity.js'
import { loadOrCreateSecretFile, type SecretFormat } from '../shared/node/secret-file.js'

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

/** relay.key: the relay's Ed25519 key (docs/relay.md, Data directory). */
const RELAY_KEY_FORMAT: SecretFormat<Identity> = {
  what: "the relay's identity key",
  parse: identityFromBytes,
  remedy:
    "Restore it from a backup of the data directory (or copy it from another node of this relay). Moving it away makes a new key at the next start, but a new key is a new relay id: every user must then re-enter the relay's address.",
}

/** admin-token: the admin API's bearer token, one line of text. */
const ADMIN_TOKEN_FORMAT: SecretFormat<string> = {
  what: 'an admin token (one line of text)',
  parse: (bytes) => {
    const token = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim()
    if (token === '' || /\s/.test(token)) throw new Error('not one word')
    return token
  },
  remedy: 'Delete it: the next start makes a new token (give it to whoever uses the admin API).',
}

export function loadRelayIdentity(dir: string): Promise<Identity> {
  return loadOrCreateSecretFile(
    join(dir, RELAY_KEY_FILE),
    RELAY_KEY_FORMAT,
    generateIdentity,
    identityToBytes,
  )
}

export function loadAdminToken(dir: string): Promise<string> {
  return loadOrCreateSecretFile(
    join(dir, ADMIN_TOKEN_FILE),
    ADMIN_TOKEN_FORMAT,
    () => randomBytes(32).toString('base64url'),
    (token) => `${token}\n`,
  )
}
