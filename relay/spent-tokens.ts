// The one record of spent relay tokens (docs/protocol.md §5, docs/relay.md "Authentication"):
// CONNECT and invite redemption spend tokens in the same record, so a token opens one
// connection or redeems one invite, once. It outlives the process — a token seen seconds before
// a restart is still refused after it — in a small file in the data dir, or in Redis when
// clustered, so that a token spent on one node is spent on every node.
import { readFile, rename, writeFile, open, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Redis } from 'ioredis'
import { PigeonError } from '../shared/errors.js'
import type { TokenSpender } from '../shared/relay-token.js'

export const SPENT_TOKENS_FILE = 'spent-tokens'

export interface SpentTokens extends TokenSpender {
  close(): Promise<void>
}

/**
 * `<keepUntil ms> <key>` lines, appended. A spend resolves only once its line is on disk
 * (fdatasync), so an accepted token is never forgotten by a crash; spends that arrive together
 * share one sync (a reconnect storm costs a few syncs, not one per client). The file is rewritten
 * with only the live entries at start and whenever it holds mostly expired ones.
 */
class FileSpentTokens implements SpentTokens {
  readonly #path: string
  readonly #live: Map<string, number> // insertion order ≈ keepUntil order
  #file: FileHandle | undefined
  #lines = 0
  #pending: string[] = []
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = []
  #flushing: Promise<void> | undefined

  private constructor(path: string, live: Map<string, number>) {
    this.#path = path
    this.#live = live
  }

  static async open(dataDir: string, now: number): Promise<FileSpentTokens> {
    const path = join(dataDir, SPENT_TOKENS_FILE)
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const live = new Map<string, number>()
    for (const line of text.split('\n')) {
      const [until, key] = line.split(' ')
      if (key !== undefined && Number(until) > now) live.set(key, Number(until))
    }
    const spent = new FileSpentTokens(path, live)
    spent.#file = await spent.#rewrite()
    return spent
  }

  async spend(key: string, keepUntil: number): Promise<boolean> {
    this.#forgetExpired(Date.now())
    // decided synchronously: of two concurrent uses of one token, exactly one wins
    if (this.#live.has(key)) return false
    this.#live.set(key, keepUntil)
    this.#pending.push(`${keepUntil} ${key}\n`)
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    this.#flushing ??= this.#flush()
    try {
      await written
    } catch (cause) {
      // not on disk: refuse it rather than accept a token that a restart would forget
      throw new PigeonError(
        'RELAY_CONFIG_INVALID',
        `Cannot record a used token in ${this.#path}: ${(cause as Error).message}`,
        { cause },
      )
    }
    return true
  }

  async close(): Promise<void> {
    await this.#flushing
    await this.#file?.close()
    this.#file = undefined
  }

  /** one append and one sync for everything spent meanwhile, until nothing is pending */
  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const lines = this.#pending
      const waiters = this.#waiters
      this.#pending = []
      this.#waiters = []
      try {
        if (this.#file === undefined) throw new Error('closed')
        if (this.#lines > 1000 && this.#lines > 2 * this.#live.size) {
          await this.#file.close()
          this.#file = await this.#rewrite()
        } else {
          await this.#file.write(lines.join(''))
          await this.#file.datasync()
          this.#lines += lines.length
        }
        for (const waiter of waiters) waiter.resolve()
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error)
      }
    }
    this.#flushing = undefined
  }

  /** writes the live entries to a new file, swaps it in durably, and returns it open for appending */
  async #rewrite(): Promise<FileHandle> {
    const tmp = `${this.#path}.tmp`
    const body = [...this.#live].map(([key, until]) => `${until} ${key}\n`).join('')
    await writeFile(tmp, body, { mode: 0o600 })
    const file = await open(tmp, 'a')
    await file.datasync()
    await rename(tmp, this.#path)
    const dir = await open(dirname(this.#path), 'r')
    await dir.sync().finally(() => dir.close())
    this.#lines = this.#live.size
    return file
  }

  #forgetExpired(now: number): void {
    for (const [key, until] of this.#live) {
      if (until > now) break
      this.#live.delete(key)
    }
  }
}

/** SET NX with the entry's lifetime: atomic across every node sharing the Redis. */
class RedisSpentTokens implements SpentTokens {
  constructor(readonly redis: Redis) {}

  async spend(key: string, keepUntil: number): Promise<boolean> {
    const ttlMs = Math.max(1, keepUntil - Date.now())
    return (await this.redis.set(`pigeon:token:${key}`, '1', 'PX', ttlMs, 'NX')) !== null
  }

  async close(): Promise<void> {}
}

export async function openSpentTokens(options: {
  dataDir: string
  redis: Redis | undefined
}): Promise<SpentTokens> {
  return options.redis === undefined
    ? await FileSpentTokens.open(options.dataDir, Date.now())
    : new RedisSpentTokens(options.redis)
}
