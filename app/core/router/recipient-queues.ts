// The outbox router's in-memory state per recipient (docs/architecture.md §4): whether a drain is
// running, whether another is wanted, and the one timer that wakes the queue at its next due row.
// Only scheduling lives here; the rows themselves are the SQLite outbox, so a restart loses
// nothing but these flags. Kept apart from outbox-router.ts so the router reads as the drain.

export interface RecipientQueue {
  draining: boolean
  /** more may have been queued (or the peer came online) while a drain was running */
  again: boolean
  /** the peer came online during an attempt: a failure then retries at once, not after back-off */
  woken: boolean
  timer?: NodeJS.Timeout
  timerAt?: number
}

export class RecipientQueues {
  readonly #queues = new Map<string, RecipientQueue>()
  readonly #now: () => number
  /** a timer fired: the recipient's queue is due */
  readonly #onDue: (recipient: string) => void
  #idle: Array<() => void> = []

  constructor(now: () => number, onDue: (recipient: string) => void) {
    this.#now = now
    this.#onDue = onDue
  }

  /** The recipient's queue state, made on first use. */
  get(recipient: string): RecipientQueue {
    let queue = this.#queues.get(recipient)
    if (queue === undefined) {
      queue = { draining: false, again: false, woken: false }
      this.#queues.set(recipient, queue)
    }
    return queue
  }

  /** A drain runs or is wanted for some recipient. */
  busy(): boolean {
    for (const queue of this.#queues.values()) if (queue.draining || queue.again) return true
    return false
  }

  /** Resolves when no recipient is busy (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.busy()) await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  /** A drain ended: wakes settled() when nothing else is busy. */
  drained(): void {
    if (!this.busy()) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /** Wakes the queue at `at`, unless its timer already fires no later. */
  schedule(recipient: string, queue: RecipientQueue, at: number): void {
    if (queue.timer !== undefined && queue.timerAt !== undefined && queue.timerAt <= at) return
    clearTimeout(queue.timer)
    queue.timerAt = at
    queue.timer = setTimeout(
      () => {
        queue.timer = undefined
        queue.timerAt = undefined
        this.#onDue(recipient)
      },
      Math.max(0, at - this.#now()),
    )
    queue.timer.unref()
  }

  /** Stops every timer and forgets every queue (the router stopped). */
  clear(): void {
    for (const queue of this.#queues.values()) clearTimeout(queue.timer)
    this.#queues.clear()
  }
}
