// The sending side of /pigeon/chat/1.0.0: one long-lived stream per peer carrying many
// envelopes, pipelined. Replies come back in the order the envelopes were sent (framing.ts), so
// the oldest unanswered envelope is always the one a reply belongs to.
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { PigeonError } from '../../../shared/errors.js'
import { messageIdToString } from '../../../shared/envelope.js'
import { decodeReply, FrameDecoder, isPermanentNack, NackReason, type Reply } from './framing.js'
import { FrameWriter } from './frame-writer.js'

export interface OutboundSessionOptions {
  /** how long the receiver may take to ack one envelope */
  ackTimeoutMs: number
  /** envelopes written but not yet acked; more wait here, unwritten, so memory stays bounded */
  maxInFlight: number
  /**
   * Asked when an ack is late: is the peer alive (a libp2p ping answered)? A busy peer (its CPU
   * or disk behind) gets more time, up to maxAckWaitMs; only a dead one is hung up on.
   */
  isAlive?: () => Promise<boolean>
  /** the longest an envelope may wait for its ack while the peer still answers pings */
  maxAckWaitMs?: number
  onClose?: () => void
}

interface Pending {
  id: Uint8Array
  frame: Uint8Array
  deadline: number
  /** when it was sent: the deadline is extended for a busy peer, never past maxAckWaitMs */
  sentAt: number
  resolve: () => void
  reject: (error: PigeonError) => void
}

const REPLY_MAX_BYTES = 64

const NACK_TEXT: Record<NackReason, string> = {
  [NackReason.malformed]: 'the peer could not read it (malformed envelope)',
  [NackReason.senderMismatch]: 'its sender is not the peer on this connection',
  [NackReason.rateLimited]: 'the peer is rate-limiting us; it will be retried',
  [NackReason.storeFailed]: 'the peer could not store it; it will be retried',
  [NackReason.rejected]:
    'the peer will never accept it (it is not addressed to that peer, or breaks its rules)',
}

export class OutboundSession {
  readonly #inFlight: Pending[] = []
  #inFlightHead = 0
  readonly #waiting: Pending[] = []
  readonly #writer: FrameWriter
  readonly #decoder = new FrameDecoder(REPLY_MAX_BYTES)
  #sweepTimer: ReturnType<typeof setInterval> | undefined
  #closedWith: PigeonError | undefined
  #probing = false

  readonly #options: OutboundSessionOptions

  constructor(
    readonly stream: Stream,
    readonly remotePeer: string,
    options: OutboundSessionOptions,
  ) {
    this.#options = options
    this.#writer = new FrameWriter(stream)
    stream.addEventListener('message', (event) => this.#onData(event.data))
    stream.addEventListener('close', () =>
      this.#fail(
        new PigeonError(
          'PEER_UNREACHABLE',
          `The connection to ${remotePeer} closed before it acknowledged the message.`,
        ),
      ),
    )
    stream.addEventListener('remoteCloseWrite', () => this.close())
  }

  get open(): boolean {
    return this.#closedWith === undefined
  }

  get pending(): number {
    return this.#inFlight.length - this.#inFlightHead + this.#waiting.length
  }

  /** Sends one encoded envelope; resolves when the peer acked it as stored. */
  send(id: Uint8Array, envelopeBytes: Uint8Array): Promise<void> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith)
    let entry!: Pending
    const promise = new Promise<void>((resolve, reject) => {
      entry = {
        id,
        frame: envelopeBytes,
        deadline: Date.now() + this.#options.ackTimeoutMs,
        sentAt: Date.now(),
        resolve,
        reject,
      }
    })
    if (this.#inFlight.length - this.#inFlightHead < this.#options.maxInFlight) this.#write(entry)
    else this.#waiting.push(entry)
    this.#sweepTimer ??= setInterval(
      () => this.#sweep(),
      Math.min(1000, Math.max(50, this.#options.ackTimeoutMs / 4)),
    )
    return promise
  }

  /** Ends the session; anything still unacked fails with PEER_UNREACHABLE (the router retries). */
  close(): void {
    if (this.#closedWith !== undefined) return
    this.#fail(
      new PigeonError('PEER_UNREACHABLE', `The session with ${this.remotePeer} was closed.`),
    )
  }

  #write(entry: Pending): void {
    this.#inFlight.push(entry)
    this.#writer.write(entry.frame)
  }

  #onData(chunk: Uint8Array | Uint8ArrayList): void {
    try {
      for (const frame of this.#decoder.push(chunk)) this.#onReply(decodeReply(frame))
    } catch (error) {
      const reason = error instanceof PigeonError ? error.message : String(error)
      this.#fail(
        new PigeonError(
          'PEER_UNREACHABLE',
          `The peer ${this.remotePeer} broke the chat protocol: ${reason}`,
        ),
      )
    }
  }

  #onReply(reply: Reply): void {
    const entry = this.#inFlight[this.#inFlightHead]
    if (entry === undefined)
      throw new PigeonError('FRAME_INVALID', 'a reply arrived for no message')
    if (!isZero(reply.id) && !sameBytes(reply.id, entry.id)) {
      throw new PigeonError(
        'FRAME_INVALID',
        `a reply for ${messageIdToString(reply.id)} arrived out of order`,
      )
    }
    this.#inFlight[this.#inFlightHead] = undefined as unknown as Pending
    this.#inFlightHead++
    if (this.#inFlightHead > 1024 && this.#inFlightHead * 2 > this.#inFlight.length) {
      this.#inFlight.splice(0, this.#inFlightHead)
      this.#inFlightHead = 0
    }
    if (reply.ok) entry.resolve()
    else {
      // a permanent refusal is DELIVERY_REJECTED: the router stops retrying it (shared/errors.ts)
      const code = isPermanentNack(reply.reason) ? 'DELIVERY_REJECTED' : 'DELIVERY_REFUSED'
      entry.reject(
        new PigeonError(
          code,
          `${this.remotePeer} refused message ${messageIdToString(entry.id)}: ${NACK_TEXT[reply.reason]}.`,
        ),
      )
    }
    const next = this.#waiting.shift()
    if (next !== undefined) this.#write(next)
  }

  #sweep(): void {
    const oldest = this.#inFlight[this.#inFlightHead] ?? this.#waiting[0]
    if (oldest === undefined) {
      clearInterval(this.#sweepTimer)
      this.#sweepTimer = undefined
      return
    }
    if (oldest.deadline > Date.now() || this.#probing) return
    const isAlive = this.#options.isAlive
    const maxWait = this.#options.maxAckWaitMs ?? this.#options.ackTimeoutMs
    if (isAlive !== undefined && Date.now() - oldest.sentAt < maxWait) {
      this.#probing = true
      void isAlive()
        .catch(() => false)
        .then((alive) => {
          this.#probing = false
          if (this.#closedWith !== undefined) return
          if (!alive) this.#timeOut()
          else {
            // busy, not dead: every envelope in flight gets another ack timeout
            const later = Date.now() + this.#options.ackTimeoutMs
            for (let i = this.#inFlightHead; i < this.#inFlight.length; i++)
              this.#inFlight[i]!.deadline = Math.max(this.#inFlight[i]!.deadline, later)
          }
        })
      return
    }
    this.#timeOut()
  }

  /** The receiver stopped answering: the stream is not worth keeping, everything on it fails
   * and the next delivery opens a fresh one. */
  #timeOut(): void {
    this.#fail(
      new PigeonError(
        'DELIVERY_TIMEOUT',
        `${this.remotePeer} did not acknowledge within ${this.#options.ackTimeoutMs} ms.`,
      ),
    )
  }

  #fail(error: PigeonError): void {
    if (this.#closedWith !== undefined) return
    this.#closedWith = error
    clearInterval(this.#sweepTimer)
    this.#sweepTimer = undefined
    const entries = [...this.#inFlight.slice(this.#inFlightHead), ...this.#waiting]
    this.#inFlight.length = 0
    this.#inFlightHead = 0
    this.#waiting.length = 0
    for (const entry of entries) entry.reject(error)
    if (this.stream.status === 'open') {
      if (error.code === 'PEER_UNREACHABLE' && entries.length === 0)
        void this.stream.close().catch(() => undefined)
      else this.stream.abort(error)
    }
    this.#options.onClose?.()
  }
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}
