// Write coalescing for the LevelDB store. aedes-persistence-level issues several small puts, gets
// and deletes per QoS 1 message (enqueue, update with the packet id, clear on PUBACK); each is
// one native call and one log write. This hands the persistence a view of the database in which
// the writes of one event-loop turn go to LevelDB as one atomic batch, while gets and iterators
// see them at once. A write's promise resolves only when its batch is written, so nothing is
// acknowledged to the persistence earlier than before (kill -9 safety is unchanged).
// Recently written keys stay readable from memory: nearly every get in that flow reads a key
// written moments before, and LevelDB gets were the relay's largest CPU cost per message.
// Every write goes through this view, so the cache cannot go stale.
import type { ClassicLevel } from 'classic-level'
import { boundMethod } from './bound-methods.js'

type Op = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string }

const DELETED = Symbol('deleted')
const RECENT_KEYS = 20_000
// Read only by iterating (aedes-persistence-level loads subscriptions at start and streams
// retained messages), never by get: keeping them would only hold memory — 20,000 retained group
// documents of up to 96 KiB, or a large SUBSCRIBE's subscriptions.
const NEVER_GOT = ['subscriptions:', 'retained:']

export function coalescedLevel(db: ClassicLevel<string, Buffer>): ClassicLevel<string, Buffer> {
  let ops: Op[] = []
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = []
  let flushing: Promise<void> = Promise.resolve()
  let scheduled = false
  /** newest pending value per key, with the batch generation that will write it */
  const overlay = new Map<string, { value: Buffer | typeof DELETED; generation: number }>()
  let generation = 0
  /** written and flushed: insertion order = age, oldest evicted first */
  const recent = new Map<string, Buffer | typeof DELETED>()

  function remember(key: string, value: Buffer | typeof DELETED): void {
    recent.delete(key)
    if (NEVER_GOT.some((prefix) => key.startsWith(prefix))) return
    recent.set(key, value)
    if (recent.size > RECENT_KEYS) recent.delete(recent.keys().next().value as string)
  }

  function flush(): void {
    scheduled = false
    const batch = ops
    const batchWaiters = waiters
    const batchGeneration = generation++
    ops = []
    waiters = []
    flushing = db.batch(batch, { valueEncoding: 'buffer' }).then(
      () => {
        for (const op of batch) {
          const pending = overlay.get(op.key)
          if (pending?.generation === batchGeneration) {
            overlay.delete(op.key)
            remember(op.key, pending.value)
          }
        }
        for (const w of batchWaiters) w.resolve()
      },
      (error: unknown) => {
        for (const op of batch) {
          recent.delete(op.key)
          if (overlay.get(op.key)?.generation === batchGeneration) overlay.delete(op.key)
        }
        for (const w of batchWaiters) w.reject(error)
      },
    )
  }

  function enqueue(batch: Op[]): Promise<void> {
    for (const op of batch) {
      ops.push(op)
      overlay.set(op.key, { value: op.type === 'put' ? op.value : DELETED, generation })
    }
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
  }

  function chainedBatch() {
    const collected: Op[] = []
    const chain = {
      put(key: string, value: Buffer) {
        collected.push({ type: 'put', key, value })
        return chain
      },
      del(key: string) {
        collected.push({ type: 'del', key })
        return chain
      },
      write: () => enqueue(collected),
    }
    return chain
  }

  /** iterators read LevelDB itself: let every pending write land first */
  async function settled(): Promise<void> {
    while (scheduled || ops.length > 0) {
      await new Promise((resolve) => setImmediate(resolve))
    }
    await flushing.catch(() => undefined)
  }

  function iterate(method: 'values' | 'keys' | 'iterator') {
    return (options: unknown) => ({
      async *[Symbol.asyncIterator]() {
        await settled()
        yield* (db[method] as (o: unknown) => AsyncIterable<unknown>)(options)
      },
    })
  }

  const view = {
    put: (key: string, value: Buffer) => enqueue([{ type: 'put', key, value }]),
    del: (key: string) => enqueue([{ type: 'del', key }]),
    batch: (operations?: Op[]) => (operations === undefined ? chainedBatch() : enqueue(operations)),
    get: async (key: string, options?: unknown) => {
      const pending = overlay.get(key)
      const known = pending !== undefined ? pending.value : recent.get(key)
      if (known !== undefined) return known === DELETED ? undefined : known
      return await db.get(key, options as never)
    },
    clear: async (options: unknown) => {
      await settled()
      recent.clear() // a range delete: forget rather than work out which keys it covered
      return await db.clear(options as never)
    },
    values: iterate('values'),
    keys: iterate('keys'),
    iterator: iterate('iterator'),
    close: async () => {
      await settled()
      await db.close()
    },
  }
  return new Proxy(db, {
    get(target, property) {
      if (typeof property === 'string' && Object.hasOwn(view, property))
        return view[property as keyof typeof view]
      const value: unknown = Reflect.get(target, property) // receiver = target: private fields
      return boundMethod(target, property, value)
    },
  })
}
