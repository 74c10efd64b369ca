// Drains the outbox (docs/architecture.md §4, docs/protocol.md §6 "Delivery"): for each recipient,
// the rows go out strictly in queue order over the first path that can reach the peer ('lan'
// before 'relay'). A LAN ack removes the row and moves the message forward. A relay's PUBACK only
// means the relay holds it: the row stays, marked relayed, until the recipient's delivered receipt
// or a LAN ack — when the peer shows up on the LAN, what only the relay has is delivered directly
// (the receiver dedups by id); the relay gets it again only after RELAY_REPUBLISH_MS. A retryable
// failure keeps the row and retries it after an exponential, jittered back-off — or at once when a
// path reports the peer online; a permanent one (isPermanentError) marks the message failed, with
// the reason, and the queue moves on. Nothing here is in memory only: the queue is the SQLite
// outbox, so a restart resumes it.
import type { Envelope } from '../../../shared/envelope.js'
import { isPermanentError, PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { DeliveryPath, PathEvents, PathName } from '../delivery.js'
import type { MessageRow, MessageState, OutboxRow, Store } from '../store/index.js'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../../shared/backoff.js'
import { withTimeout } from '../../../shared/with-timeout.js'
import { errorText, silentLogger, type Logger } from '../log.js'
import {
  envelopeFor,
  isLanOnlyOffer,
  windowItems,
  type EnvelopeSource,
} from './outbox-envelopes.js'
import { RecipientQueues, type RecipientQueue } from './recipient-queues.js'

export interface OutboxRouterOptions {
  store: Store
  /** my PeerId: the sender of everything queued here */
  me: string
  /** tried in this order */
  paths: readonly DeliveryPath[]
  backoff?: BackoffPolicy
  /**
   * Envelopes handed to the path at once per recipient (default 32), in queue order. 1 makes
   * every delivery wait for the previous ack: then even a refused message cannot be overtaken
   * by a newer one at the receiver (with a window it is retried before anything newer is sent,
   * but later ones already in flight may land first; history sorts by id either way).
   */
  maxInFlight?: number
  /** an attempt that neither acks nor fails within this long counts as failed */
  deliveryTimeoutMs?: number
  now?: () => number
  random?: () => number
  /** a text message moved forward because a path acked it, or failed for good */
  onMessageState?: (message: MessageRow) => void
  /** the `file offer` envelope of a file message of mine (app/core/files/transfers.ts) */
  fileOffer?: (messageId: Uint8Array) => Envelope | undefined
  /**
   * No path reaches the peer at a retry: try to bring it back (the LAN network redials its last
   * known addresses); success shows up as a 'peer:online' event, which wakes the queue.
   */
  reconnect?: (recipient: string) => void
  /** where a failed attempt (the row stays queued) and a row given up on are logged; default silent */
  log?: Logger
}

/** what an ack means for the message: the receiver stored it, or only the relay did */
const ACKED_STATE: Record<PathName, MessageState> = { lan: 'delivered', relay: 'sent' }

/**
 * A row the relay has taken is published to it again only this long after (docs/protocol.md §6
 * "Delivery"): the relay keeps it for the recipient (docs/relay.md), so sooner would only fill
 * the recipient's inbox with copies; this covers a relay that lost its store or expired the
 * message. Relay reconnects do not republish: a PUBACK means stored.
 */
export const RELAY_REPUBLISH_MS = 6 * 60 * 60_000

/** how one envelope's attempt ended */
type Outcome = { path: PathName } | { permanent: unknown } | undefined

export class OutboxRouter {
  readonly #store: Store
  readonly #envelopeSource: EnvelopeSource
  readonly #paths: readonly DeliveryPath[]
  readonly #backoff: BackoffPolicy
  readonly #log: Logger
  readonly #timeoutMs: number
  readonly #window: number
  readonly #now: () => number
  readonly #random: () => number
  readonly #options: OutboxRouterOptions
  readonly #queues: RecipientQueues
  #running = false

  readonly #onPeerOnline = ({ peerId }: PathEvents['peer:online']): void => {
    this.wake(peerId)
  }

  constructor(options: OutboxRouterOptions) {
    this.#options = options
    this.#store = options.store
    this.#envelopeSource = { store: options.store, me: options.me, fileOffer: options.fileOffer }
    this.#paths = options.paths
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF
    this.#log = options.log ?? silentLogger()
    this.#timeoutMs = options.deliveryTimeoutMs ?? 15_000
    this.#window = Math.max(1, Math.min(options.maxInFlight ?? 32, LIMITS.receiptIds))
    this.#now = options.now ?? Date.now
    this.#random = options.random ?? Math.random
    this.#queues = new RecipientQueues(this.#now, (recipient) => this.kick(recipient))
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
    this.#queues.clear()
  }

  /** Something was queued for `recipient`: deliver what is due. */
  kick(recipient: string): void {
    if (!this.#running) return
    const queue = this.#queues.get(recipient)
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
    const queue = this.#queues.get(recipient)
    queue.woken = true
    this.kick(recipient)
  }

  /** Resolves when no recipient has a due row left to try (for tests and orderly shutdown). */
  settled(): Promise<void> {
    return this.#queues.settled()
  }

  async #drain(recipient: string, queue: RecipientQueue): Promise<void> {
    queue.draining = true
    try {
      while (this.#running) {
        queue.again = false
        const now = this.#now()
        // with a direct path every row is due, the relayed ones too (the receiver dedups); with the
        // relay alone, the rows it already holds wait for their receipt (or a republish)
        const direct = this.#paths.some((p) => p.name !== 'relay' && p.canReach(recipient))
        const republishBefore = now - RELAY_REPUBLISH_MS
        const rows = direct
          ? this.#store.outbox.head(recipient, this.#window)
          : this.#store.outbox.headForRelay(recipient, this.#window, republishBefore)
        const head = rows[0]
        if (head === undefined) {
          if (!direct) this.#awaitReceipts(recipient, queue, now)
          break
        }
        if (head.nextAttemptAt > now) {
          this.#queues.schedule(recipient, queue, head.nextAttemptAt)
          break
        }
        queue.woken = false
        let failed: OutboxRow | undefined
        if (!this.#paths.some((path) => path.canReach(recipient))) {
          this.#options.reconnect?.(recipient)
          this.#attemptFailed(
            recipient,
            new PigeonError(
              'PEER_UNREACHABLE',
              `No path reaches ${recipient} now; its messages stay queued.`,
            ),
          )
          failed = head
        } else {
          failed = await this.#sendWindow(recipient, rows, now, republishBefore)
          if (!this.#running) break
        }
        if (failed === undefined) continue
        if (queue.woken) {
          // the peer came back while this attempt failed: try again at once
          queue.woken = false
          this.#store.outbox.reschedule(failed, failed.attempts + 1, this.#now())
          continue
        }
        const at = this.#now() + backoffDelay(failed.attempts, this.#backoff, this.#random)
        this.#store.outbox.reschedule(failed, failed.attempts + 1, at)
        this.#queues.schedule(recipient, queue, at)
        break
      }
    } catch (error) {
      // a store error (disk full, closed during shutdown): try again later rather than crash
      this.#attemptFailed(recipient, error)
      if (this.#running) this.#queues.schedule(recipient, queue, this.#now() + this.#backoff.maxMs)
    } finally {
      queue.draining = false
      if (queue.again && this.#running) this.kick(recipient)
      else this.#queues.drained()
    }
  }

  /**
   * Hands the due rows at the head of the queue to the paths, in queue order, all at once (the
   * LAN path keeps them in order on one stream), and settles them in queue order once all have
   * answered. Returns the first row that failed, if any: it is retried before anything newer. A
   * row that failed for good is settled as failed instead, and the queue goes on past it.
   */
  async #sendWindow(
    recipient: string,
    rows: OutboxRow[],
    now: number,
    republishBefore: number,
  ): Promise<OutboxRow | undefined> {
    const work: Array<{ rows: OutboxRow[]; envelope: Envelope | { permanent: unknown } }> = []
    for (const item of windowItems(rows, now)) {
      let envelope: Envelope | { permanent: unknown } | undefined
      try {
        envelope = envelopeFor(this.#envelopeSource, recipient, item, now)
      } catch (error) {
        // a stored group document that no longer decodes, say: it never will
        if (!isPermanentError(error)) throw error
        envelope = { permanent: error }
      }
      // no envelope: the message is gone (deleted), nothing left to send for this row
      if (envelope === undefined) for (const row of item) this.#store.outbox.remove(row)
      else if (this.#waitsForLan(recipient, envelope))
        // parked like a row the relay holds (head() still has it, headForRelay() not until the
        // republish wait), so the texts behind it go by the relay meanwhile
        for (const row of item) this.#store.outbox.markRelayed(row, now)
      else work.push({ rows: item, envelope })
    }
    const results = await Promise.all(
      work.map(({ rows: item, envelope }) => {
        if ('permanent' in envelope) return Promise.resolve<Outcome>(envelope)
        // the relay has this one already: only another path, unless it is time to republish
        const relayed = item[0]?.relayedAt
        const viaRelay = relayed === null || relayed === undefined || relayed <= republishBefore
        return this.#attempt(recipient, envelope, viaRelay)
      }),
    )
    if (!this.#running) return undefined
    let failed: OutboxRow | undefined
    const moved: MessageRow[] = []
    const given: Array<{ row: OutboxRow; error: unknown }> = []
    const at = this.#now()
    // one commit for the whole window's acks, not one per row
    this.#store.transaction(() => {
      work.forEach(({ rows: item }, i) => {
        const outcome = results[i]
        if (outcome === undefined) {
          failed ??= item[0]
          return
        }
        for (const row of item) {
          const message =
            'path' in outcome
              ? this.#store.completeOutbox(row, outcome.path, ACKED_STATE[outcome.path], at)
              : this.#store.failOutbox(row, reasonOf(outcome.permanent))
          if (message !== undefined) moved.push(message)
          if ('permanent' in outcome) given.push({ row, error: outcome.permanent })
        }
      })
    })
    for (const { row, error } of given) {
      this.#log.warn(
        { err: errorText(error) },
        `gave up on a ${row.kind} to ${row.recipient}: it can never be delivered`,
      )
    }
    for (const message of moved) this.#options.onMessageState?.(message)
    return failed
  }

  /**
   * Everything queued for the recipient is with the relay, waiting for its receipt: keep trying
   * to bring the LAN back on the usual back-off (the first row's attempts count the tries), and
   * look again when the first relayed row is due for a republish.
   */
  #awaitReceipts(recipient: string, queue: RecipientQueue, now: number): void {
    const first = this.#store.outbox.head(recipient, 1)[0]
    const relayedAt = this.#store.outbox.firstRelayedAt(recipient)
    if (first === undefined || relayedAt === undefined) return
    let retryAt = first.nextAttemptAt
    if (retryAt <= now) {
      this.#options.reconnect?.(recipient)
      retryAt = now + backoffDelay(first.attempts, this.#backoff, this.#random)
      this.#store.outbox.reschedule(first, first.attempts + 1, retryAt)
    }
    this.#queues.schedule(recipient, queue, Math.min(retryAt, relayedAt + RELAY_REPUBLISH_MS))
  }

  /**
   * Tries each path that can reach the peer, in order (the relay only when `viaRelay`): the one
   * that acked; or the error, when it is permanent — no other path can do better with an envelope
   * that cannot be encoded or that the recipient refuses for good; undefined: retry later.
   */
  async #attempt(recipient: string, envelope: Envelope, viaRelay: boolean): Promise<Outcome> {
    for (const path of this.#paths) {
      // a LAN file offer is only worth the LAN; one with a relay blob (docs/protocol.md §12)
      // goes either way
      const lanOnly = isLanOnlyOffer(envelope)
      if ((path.name === 'relay' && (!viaRelay || lanOnly)) || !path.canReach(recipient)) continue
      try {
        const ms = this.#timeoutMs
        await withTimeout(
          path.deliver(recipient, envelope),
          ms,
          () =>
            new PigeonError(
              'DELIVERY_TIMEOUT',
              `No ack within ${ms} ms; the message stays queued.`,
            ),
        )
        return { path: path.name }
      } catch (error) {
        if (isPermanentError(error)) return { permanent: error }
        this.#attemptFailed(recipient, error)
      }
    }
    return undefined
  }

  #attemptFailed(recipient: string, error: unknown): void {
    this.#log.warn({ err: errorText(error) }, `delivery to ${recipient} failed`)
  }

  /** A LAN-only file offer while only the relay reaches the peer. */
  #waitsForLan(recipient: string, envelope: Envelope | { permanent: unknown }): boolean {
    if (!('kind' in envelope) || !isLanOnlyOffer(envelope)) return false
    return !this.#paths.some((path) => path.name !== 'relay' && path.canReach(recipient))
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
