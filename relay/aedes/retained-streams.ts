// aedes 1.2 and aedes-persistence-redis 11.2 disagree on one method's shape (docs/relay.md "The
// aedes seams"); this adapts the persistence to what aedes calls.
import { Readable } from 'node:stream'

/**
 * aedes 1.2 pipes the result of createRetainedStreamCombi (lib/handlers/subscribe.js), but
 * aedes-persistence-redis 11.2 returns an async generator there: a SUBSCRIBE would crash the
 * process. Wrap those results in a Readable.
 */
export function withRetainedStreams<T extends object>(persistence: T): T {
  const streaming = new Set(['createRetainedStreamCombi', 'createRetainedStream'])
  return new Proxy(persistence, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property) // receiver = target: private fields
      if (typeof value !== 'function') return value
      const bound = (value as (...args: unknown[]) => unknown).bind(target)
      if (typeof property !== 'string' || !streaming.has(property)) return bound
      return (...args: unknown[]) => {
        const result = bound(...args) as AsyncIterable<unknown> & { pipe?: unknown }
        return typeof result.pipe === 'function' ? result : Readable.from(result)
      }
    },
  })
}
