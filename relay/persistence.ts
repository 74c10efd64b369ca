// Where queued messages, sessions, retained presence and group documents live (docs/relay.md
// "Guarantees", "The journal"). Default: the journal in <data>/journal (relay/journal/: memory +
// append-only log). --store level: aedes-persistence-level over classic-level in <data>/store.
// --redis: cluster mode, aedes-persistence-redis for state and mqemitter-redis for fan-out.
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { Redis } from 'ioredis'
import MQEmitterRedis from 'mqemitter-redis'
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js'
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js'
import { PigeonError } from '../shared/errors.js'
import { coalescedLevel } from './coalesced-level.js'
import { openJournal } from './journal/open.js'
import { withRetainedStreams } from './aedes/retained-streams.js'

export interface Store {
  kind: 'journal' | 'level' | 'redis'
  /** an aedes 1.x async persistence */
  persistence: unknown
  /** cluster fan-out; undefined = aedes' in-process mqemitter */
  mq: unknown
  /** the Redis connection, when clustered (shared token-replay cache, invites) */
  redis: Redis | undefined
  close(): Promise<void>
}

export interface StoreOptions {
  dataDir: string
  redisUrl: string | undefined
  queueCap: number
  queueTtlMs: number
  /** one node: the journal (default) or LevelDB (docs/relay.md "The journal") */
  store?: 'journal' | 'level'
  fsyncEveryAck?: boolean
  /** a cluster link's trouble (Redis gone, reconnecting): logged, never fatal */
  onLinkError?: (error: Error) => void
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.redisUrl !== undefined) return await openRedis(options)
  if (options.store === 'level') return await openLevel(options.dataDir)
  return openJournal(options.dataDir, options.fsyncEveryAck === true ? 0 : 1000)
}

async function openLevel(dataDir: string): Promise<Store> {
  const path = join(dataDir, 'store')
  const db = new ClassicLevel<string, Buffer>(path)
  try {
    await db.open()
  } catch (cause) {
    // LEVEL_LOCKED only: a read-only LOCK file also says "lock" in its message, and is not another process
    const locked = (cause as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED'
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      locked
        ? `The message store ${path} is in use by another relay process; stop it or pick another --data.`
        : `Cannot open the message store ${path}: ${(cause as Error).message}`,
      { cause },
    )
  }
  const view = coalescedLevel(db)
  return {
    kind: 'level',
    persistence: new AsyncLevelPersistence(view),
    mq: undefined,
    redis: undefined,
    close: async () => {
      await view.close() // lets pending batched writes land first
    },
  }
}

async function openRedis(options: StoreOptions): Promise<Store> {
  const url = options.redisUrl as string
  const conn = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 })
  try {
    await conn.connect()
  } catch (cause) {
    conn.disconnect()
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      `Cannot reach Redis at ${url}: ${(cause as Error).message}`,
      { cause },
    )
  }
  // The fan-out's subscriber connection runs no ready check: after a reconnect ioredis would send
  // INFO on a connection still in subscriber mode, which Redis refuses, and mqemitter-redis turns
  // that into an 'error' event. Its errors go to the log; ioredis reconnects by itself.
  const mq = MQEmitterRedis({
    subConn: new Redis(url, { enableReadyCheck: false }),
    pubConn: new Redis(url),
  })
  ;(mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', (error: Error) =>
    options.onLinkError?.(error),
  )
  const ttlSeconds = Math.ceil(options.queueTtlMs / 1000)
  const persistence = new AsyncRedisPersistence({
    conn,
    // aedes-persistence-redis delivers at most this many queued packets per session; the cap
    // bounds a queue anyway, so let a reconnecting client get all of it.
    maxSessionDelivery: options.queueCap,
    // queued packets expire in Redis itself, on top of the relay's own expiry check
    packetTTL: () => ttlSeconds,
  })
  return {
    kind: 'redis',
    persistence: withRetainedStreams(persistence),
    mq,
    redis: conn,
    close: async () => {
      await new Promise<void>((resolve) =>
        (mq as unknown as { close(cb: () => void): void }).close(resolve),
      )
      await conn.quit().catch(() => undefined)
    },
  }
}
