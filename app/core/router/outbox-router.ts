// Drains the outbox (DESIGN.md "The router"): for each recipient, the rows go out strictly in
// queue order, one at a time, over the first path that can reach the peer ('lan' before 'relay').
// An ack removes the row and moves the message forward; a failure keeps the row and retries it
// after an exponential, jittered back-off — or at once when a path reports the peer online.
// Nothing here is in memory only: the queue is the SQLite outbox, so a restart resumes it.
import { ENVELOPE_LIMITS, newMessageId, type Envelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type { DeliveryPath, PathEvents, PathName } from '../delivery.js'
import type { MessageRow, MessageState, OutboxRow, Store } from '../store/index.js'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js'

export interface OutboxRouterOptions {
  store: Store
  /** my PeerId: the sender of everything queued here */
  me: string
  /** tried in this order */
  paths: readonly DeliveryPath[]
  backoff?: BackoffPolicy
  /** an attempt that neither acks nor fails within this long counts as failed */
  deliveryTimeoutMs?: number
  now?: () => number
  random?: () => number
  /** a text message moved forward because a path acked it */
  onMessageState?: (message: MessageRow) => void
  /**
   * No path reaches the peer at a retry: try to bring it back (the LAN network redials its last
   * known addresses); success shows up as a 'peer:online' event, which wakes the queue.
   */
  reconnect?: (recipient: string) => void
  /** an attempt failed (for logs); the row stays queued */
  onAttemptFailed?: (recipient: string, error: unknown) => void
}

interface RecipientQueue {
  draining: boolean
  /** more may have been queued (or the peer came online) while a drain was running */
  again: boolean
  /** the peer came online during an attempt: a failure then retries at once, not after back-off */
  woken: boolean
  timer?: NodeJS.Timeout
  timerAt?: number
}

/** what an ack means for the message: the receiver stored it, or only the relay did */
const ACKED_STATE: Record<PathName, MessageState> = { lan: 'delivered', relay: 'sent' }

export class OutboxRouter {
  readonly #store: Store
  readonly #me: string
  readonly #paths: readonly DeliveryPath[]
  readonly #backoff: BackoffPolicy
  readonly #timeoutMs: number
  readonly #now: () => number
  readonly #random: () => number
  readonly #options: OutboxRouterOptions
  readonly #queues = new Map<string, RecipientQueue>()
  #idle: Array<() => void> = []
  #running = false

  readonly #onPeerOnline = ({ peerId }: PathEvents['peer:online']): void => {
    this.wake(peerId)
  }

  constructor(options: OutboxRouterOptions) {
    this.#options = options
    this.#store = options.store
    this.#me = options.me
    this.#paths = options.paths
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF
    this.#timeoutMs = options.deliveryTimeoutMs ?? 15_000
    this.#now = options.now ?? Date.now
    this.#random = options.random ?? Math.random
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    for (const path of this.#paths) path.on('peer:online', this.#onPeerOnline)
    for (const { recipient } of this.#store.outbox.recipients()) this.kick(recipient)
  }

  stop(): void {
    if (!this.#running) return
    this.#running = false
    for (const path of this.#paths) path.off('peer:online', this.#onPeerOnline)
    for (const queue of this.#queues.values()) clearTimeout(queue.timer)
    this.#queues.clear()
  }

  /** Something was queued for `recipient`: deliver what is due. */
  kick(recipient: string): void {
    if (!this.#running) return
    const queue = this.#queue(recipient)
    if (queue.draining) {
      queue.again = true
      return
    }
    void this.#drain(recipient, queue)
  }

  /** The peer is reachable again: everything queued for it is due now. */
  wake(recipient: string): void {
    if (!this.#running) return
    this.#store.outbox.wake(recipient, this.#now())
    const queue = this.#queue(recipient)
    queue.woken = true
    this.kick(recipient)
  }

  /** Resolves when no recipient has a due row left to try (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.#busy()) await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  #busy(): boolean {
    for (const queue of this.#queues.values()) if (queue.draining || queue.again) return true
    return false
  }

  #queue(recipient: string): RecipientQueue {
    let queue = this.#queues.get(recipient)
    if (queue === undefined) {
      queue = { draining: false, again: false, woken: false }
      this.#queues.set(recipient, queue)
    }
    return queue
  }

  async #drain(recipient: string, queue: RecipientQueue): Promise<void> {
    queue.draining = true
    try {
      while (this.#running) {
        queue.again = false
        // one row is enough to decide; only a receipt run needs the rows behind it
        const head = this.#store.outbox.head(recipient, 1)[0]
        if (head === undefined) break
        const now = this.#now()
        if (head.nextAttemptAt > now) {
          this.#schedule(recipient, queue, head.nextAttemptAt)
          break
        }
        const batch =
          head.kind === 'receipt'
            ? receiptRun(this.#store.outbox.head(recipient, ENVELOPE_LIMITS.maxReceiptIds))
            : [head]
        const envelope = this.#envelopeFor(recipient, batch, now)
        if (envelope === undefined) {
          // the message is gone (deleted); nothing left to send for this row
          this.#store.outbox.remove(head)
          continue
        }
        queue.woken = false
        const path = await this.#attempt(recipient, envelope)
        if (!this.#running) break
        if (path !== undefined) {
          for (const row of batch) {
            const moved = this.#store.completeOutbox(row, path, ACKED_STATE[path])
            if (moved !== undefined) this.#options.onMessageState?.(moved)
          }
          continue
        }
        if (queue.woken) {
          queue.woken = false
          this.#store.outbox.reschedule(head, head.attempts + 1, this.#now())
          continue
        }
        const at = this.#now() + backoffDelay(head.attempts, this.#backoff, this.#random)
        this.#store.outbox.reschedule(head, head.attempts + 1, at)
        this.#schedule(recipient, queue, at)
        break
      }
    } catch (error) {
      // a store error (disk full, closed during shutdown): try again later rather than crash
      this.#options.onAttemptFailed?.(recipient, error)
      if (this.#running) this.#schedule(recipient, queue, this.#now() + this.#backoff.maxMs)
    } finally {
      queue.draining = false
      if (queue.again && this.#running) this.kick(recipient)
      else if (!this.#busy()) for (const resolve of this.#idle.splice(0)) resolve()
    }
  }

  #schedule(recipient: string, queue: RecipientQueue, at: number): void {
    if (queue.timer !== undefined && queue.timerAt !== undefined && queue.timerAt <= at) return
    clearTimeout(queue.timer)
    queue.timerAt = at
    queue.timer = setTimeout(
      () => {
        queue.timer = undefined
        queue.timerAt = undefined
        this.kick(recipient)
      },
      Math.max(0, at - this.#now()),
    )
    queue.timer.unref()
  }

  /** Tries each path that can reach the peer, in order; the name of the one that acked. */
  async #attempt(recipient: string, envelope: Envelope): Promise<PathName | undefined> {
    let tried = false
    for (const path of this.#paths) {
      if (!path.canReach(recipient)) continue
      tried = true
      try {
        await withTimeout(path.deliver(recipient, envelope), this.#timeoutMs)
        return path.name
      } catch (error) {
        this.#options.onAttemptFailed?.(recipient, error)
      }
    }
    if (!tried) {
      this.#options.reconnect?.(recipient)
      this.#options.onAttemptFailed?.(
        recipient,
        new PigeonError(
          'PEER_UNREACHABLE',
          `No path reaches ${recipient} now; the message stays queued.`,
        ),
      )
    }
    return undefined
  }

  #envelopeFor(recipient: string, batch: OutboxRow[], now: number): Envelope | undefined {
    const head = batch[0]
    if (head === undefined) return undefined
    const base = { sender: this.#me, to: { peer: recipient } }
    if (head.kind === 'receipt') {
      // a fresh id per attempt: receipts are idempotent, and a reused id could be taken for a replay
      const state = head.receiptState ?? 'delivered'
      return {
        ...base,
        id: newMessageId(now),
        sentAt: now,
        kind: 'receipt',
        state,
        ids: batch.map((r) => r.messageId),
      }
    }
    const message = this.#store.messages.get(head.messageId)
    if (message === undefined || message.text === null) return undefined
    return { ...base, id: message.id, sentAt: message.sentAt, kind: 'text', text: message.text }
  }
}

/** Consecutive receipt rows of the same state at the head of the queue travel as one envelope. */
function receiptRun(rows: OutboxRow[]): OutboxRow[] {
  const first = rows[0]
  const run: OutboxRow[] = []
  for (const row of rows) {
    if (row.kind !== 'receipt' || row.receiptState !== first?.receiptState) break
    run.push(row)
  }
  return run
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PigeonError('DELIVERY_TIMEOUT', `No ack within ${ms} ms; the message stays queued.`),
        ),
      ms,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
