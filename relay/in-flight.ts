// Work the relay must let finish before it closes its store (docs/relay.md "Shutdown"): a
// SIGTERM while publishes were being checked or stored, or a long SUBSCRIBE was being written,
// closed LevelDB under them, and the next call's LEVEL_DATABASE_NOT_OPEN went unhandled and took
// the process down with exit code 1. Every persistence call and every publish
// check is tracked here, and every stream read from the store; close() waits until none is left
// (or a few seconds have passed), then closes the store.

interface StreamLike {
  on(event: string, listener: (...args: unknown[]) => void): unknown
  pipe: unknown
}

function isStream(value: unknown): value is StreamLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StreamLike).on === 'function' &&
    typeof (value as StreamLike).pipe === 'function'
  )
}

export class InFlight {
  readonly #pending = new Set<Promise<unknown>>()
  readonly #onStreamError: (error: unknown) => void

  /** `onStreamError`: aedes pipes some store streams without an error handler (subscribe.js), where an error would be thrown */
  constructor(onStreamError: (error: unknown) => void) {
    this.#onStreamError = onStreamError
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work)
    const forget = (): void => void this.#pending.delete(work)
    work.then(forget, forget)
    return work
  }

  get size(): number {
    return this.#pending.size
  }

  /**
   * Resolves once nothing tracked is running, including what the finishing work started, or
   * after `timeoutMs` (a stream piped to a client that is gone may never end).
   */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#pending.size > 0 && Date.now() < deadline) {
      const timer = new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, deadline - Date.now())).unref(),
      )
      await Promise.race([Promise.allSettled([...this.#pending]), timer])
      await new Promise((resolve) => setImmediate(resolve)) // let callbacks start their next step
    }
  }

  #trackStream(stream: StreamLike): void {
    stream.on('error', this.#onStreamError)
    this.track(
      new Promise<void>((resolve) => {
        for (const event of ['end', 'close', 'error']) stream.on(event, () => resolve())
      }),
    )
  }

  /** Tracks every promise-returning method of an aedes persistence. */
  wrap<T extends object>(persistence: T): T {
    const track = this.track.bind(this)
    const trackStream = this.#trackStream.bind(this)
    // one wrapper per method, made on first use: aedes looks a method up on every call, and a
    // fresh bound function and closure per call were a measurable part of the relay's GC work
    const wrappers = new Map<PropertyKey, { of: unknown; wrapper: unknown }>()
    return new Proxy(persistence, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property) // receiver = target: private fields
        if (typeof value !== 'function') return value
        const known = wrappers.get(property)
        if (known?.of === value) return known.wrapper
        const method = (value as (...args: unknown[]) => unknown).bind(target)
        // aedes requires some methods (setup) to be async functions, not just to return promises
        const wrapper =
          value.constructor.name === 'AsyncFunction'
            ? async (...args: unknown[]) => await track(method(...args) as Promise<unknown>)
            : (...args: unknown[]) => {
                const result = method(...args)
                if (result instanceof Promise) return track(result)
                if (isStream(result)) trackStream(result)
                return result
              }
        wrappers.set(property, { of: value, wrapper })
        return wrapper
      },
    })
  }
}
