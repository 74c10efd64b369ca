// What the relay keeps in its data directory besides the message store: its own Ed25519
// identity (whose PeerId is the relay id that client tokens are bound to) and the admin bearer
// token. Both are secrets, so both are created 0600 in a 0700 directory.
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PigeonError } from '../shared/errors.js'
import { generateIdentity, identityFromBytes, identityToBytes, type Identity } from '../shared/identity.js'

export const RELAY_KEY_FILE = 'relay.key'
export const ADMIN_TOKEN_FILE = 'admin-token'

export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw new PigeonError('RELAY_CONFIG_INVALID', `Cannot create the data directory ${dir}: ${(cause as Error).message}`, { cause })
  }
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PigeonError('RELAY_CONFIG_INVALID', `Cannot read ${path}: ${(error as Error).message}`, { cause: error })
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
