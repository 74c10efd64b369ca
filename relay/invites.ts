// Invite-only mode (docs/relay.md "Invites"): the admin creates single-use codes over the admin
// API; a user redeems one over HTTP with a relay token as proof that it holds the key, and from
// then on that key may connect. Stored in the data dir, or in Redis when clustered so every node
// admits the same keys.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { readSecretFile, writeSecretFile, type SecretFormat } from '../shared/node/secret-file.js'

interface InviteStore {
  addCode(code: string, createdAt: number): Promise<void>
  /** true when the code existed and is now gone (single use) */
  takeCode(code: string): Promise<boolean>
  admit(peerId: string, at: number): Promise<void>
  isAdmitted(peerId: string): Promise<boolean>
  counts(): Promise<{ open: number; admitted: number }>
}

interface FileState {
  codes: Record<string, number>
  admitted: Record<string, number>
}

/** invites.json: open codes and admitted keys (docs/relay.md, Data directory) */
const INVITES_FORMAT: SecretFormat<FileState> = {
  what: 'the open invite codes and admitted keys (JSON)',
  parse: (bytes) => {
    const state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as FileState
    if (typeof state?.codes !== 'object' || typeof state.admitted !== 'object') {
      throw new Error('no codes and admitted')
    }
    return state
  },
  remedy:
    'Restore it from a backup of the data directory; moving it away forgets the open codes and admits nobody until they redeem a new code.',
}

class FileInviteStore implements InviteStore {
  readonly #path: string
  readonly #state: FileState

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'invites.json')
    this.#state = readSecretFile(this.#path, INVITES_FORMAT) ?? { codes: {}, admitted: {} }
  }

  // atomic and synced (shared/node/secret-file.ts): a code taken stays taken after a crash
  #save(): void {
    writeSecretFile(this.#path, JSON.stringify(this.#state))
  }

  async addCode(code: string, createdAt: number): Promise<void> {
    this.#state.codes[code] = createdAt
    this.#save()
  }
  async takeCode(code: string): Promise<boolean> {
    if (!Object.hasOwn(this.#state.codes, code)) return false
    delete this.#state.codes[code]
    this.#save()
    return true
  }
  async admit(peerId: string, at: number): Promise<void> {
    this.#state.admitted[peerId] = at
    this.#save()
  }
  async isAdmitted(peerId: string): Promise<boolean> {
    return Object.hasOwn(this.#state.admitted, peerId)
  }
  async counts(): Promise<{ open: number; admitted: number }> {
    return {
      open: Object.keys(this.#state.codes).length,
      admitted: Object.keys(this.#state.admitted).length,
    }
  }
}

class RedisInviteStore implements InviteStore {
  constructor(readonly redis: Redis) {}
  async addCode(code: string, createdAt: number): Promise<void> {
    await this.redis.hset('pigeon:invites', code, String(createdAt))
  }
  async takeCode(code: string): Promise<boolean> {
    return (await this.redis.hdel('pigeon:invites', code)) === 1
  }
  async admit(peerId: string, at: number): Promise<void> {
    await this.redis.hset('pigeon:admitted', peerId, String(at))
  }
  async isAdmitted(peerId: string): Promise<boolean> {
    return (await this.redis.hexists('pigeon:admitted', peerId)) === 1
  }
  async counts(): Promise<{ open: number; admitted: number }> {
    return {
      open: await this.redis.hlen('pigeon:invites'),
      admitted: await this.redis.hlen('pigeon:admitted'),
    }
  }
}

export class InviteBook {
  readonly #store: InviteStore
  readonly #admittedCache = new Set<string>()

  constructor(options: { dataDir: string; redis: Redis | undefined }) {
    this.#store =
      options.redis === undefined
        ? new FileInviteStore(options.dataDir)
        : new RedisInviteStore(options.redis)
  }

  async create(): Promise<string> {
    const code = randomBytes(16).toString('base64url')
    await this.#store.addCode(code, Date.now())
    return code
  }

  /** false when the code is unknown or already used */
  async redeem(code: string, peerId: string): Promise<boolean> {
    if (await this.isAdmitted(peerId)) return true
    if (!(await this.#store.takeCode(code))) return false
    await this.#store.admit(peerId, Date.now())
    this.#admittedCache.add(peerId)
    return true
  }

  async isAdmitted(peerId: string): Promise<boolean> {
    if (this.#admittedCache.has(peerId)) return true
    const admitted = await this.#store.isAdmitted(peerId)
    if (admitted) this.#admittedCache.add(peerId)
    return admitted
  }

  counts(): Promise<{ open: number; admitted: number }> {
    return this.#store.counts()
  }
}
