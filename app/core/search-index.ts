// Search indexing runs in batches off the inbound path (store migration 002): inbound texts only
// queue themselves, and this timer indexes the queue every half second and once more at stop.
import { errorText, type Logger } from './log.js'
import type { Store } from './store/index.js'

const SEARCH_INDEX_INTERVAL_MS = 500

export class SearchIndexTimer {
  readonly #store: Store
  readonly #log: Logger
  #timer: NodeJS.Timeout | undefined

  constructor(store: Store, log: Logger) {
    this.#store = store
    this.#log = log
  }

  start(): void {
    this.#timer = setInterval(() => this.#flush(), SEARCH_INDEX_INTERVAL_MS)
    this.#timer.unref()
  }

  /** Stops the timer and indexes what is still queued, so a search after a restart finds it. */
  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#flush()
  }

  #flush(): void {
    try {
      this.#store.messages.flushSearchIndex()
    } catch (error) {
      this.#log.warn({ err: errorText(error) }, 'search index update failed (retried later)')
    }
  }
}
