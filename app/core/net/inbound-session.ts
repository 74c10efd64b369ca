// The receiving side of /pigeon/chat/1.0.0: frames are handed on in order — all those already
// received at once, so the engine can store them in one commit — and each gets exactly one reply
// (framing.ts), in order, once its envelope is stored — or refused. Nothing a peer
// sends can throw out of here: bad input becomes a NACK, a log line, and at worst a closed stream.
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { isPermanentError, isPigeonError } from '../../../shared/errors.js'
import { decodeEnvelope, type Envelope } from '../../../shared/envelope.js'
import { replyPayload, FrameDecoder, MESSAGE_ID_BYTES, NackReason, type Reply } from './framing.js'
import { FrameWriter } from './frame-writer.js'
import type { ThrottledLog } from './throttled-log.js'
import type { TokenBucket } from './token-bucket.js'

export interface InboundSessionOptions {
  maxFrameBytes: number
  /** refused frames tolerated on one stream before it is closed */
  maxStrikes: number
  /** the peer's allowance; shared by all its streams */
  bucket: TokenBucket
  log: ThrottledLog
  /** stores the envelope (or applies it, for profiles); rejects when it could not */
  accept: (envelope: Envelope) => Promise<void>
  /** the peer broke the protocol badly enough that its connection should go */
  onAbuse: (reason: string) => void
}

/** frames decoded but not yet handled, above which we stop reading (yamux then stops the sender) */
const HIGH_WATER = 512
/** frames handed to the store together; their replies are awaited in order */
const WINDOW = 256

export class InboundSession {
  readonly #decoder: FrameDecoder
  readonly #writer: FrameWriter
  readonly #queue: Uint8Array[] = []
  #queueHead = 0
  #running = false
  #strikes = 0
  #paused = false

  readonly #stream: Stream
  readonly #remotePeer: string
  readonly #options: InboundSessionOptions

  constructor(stream: Stream, remotePeer: string, options: InboundSessionOptions) {
    this.#stream = stream
    this.#remotePeer = remotePeer
    this.#options = options
    this.#decoder = new FrameDecoder(options.maxFrameBytes)
    this.#writer = new FrameWriter(stream)
    stream.addEventListener('message', (event) => this.#onData(event.data))
    stream.addEventListener('remoteCloseWrite', () => {
      if (!this.#running && this.#queued === 0) void stream.close().catch(() => undefined)
    })
  }

  get #queued(): number {
    return this.#queue.length - this.#queueHead
  }

  #onData(chunk: Uint8Array | Uint8ArrayList): void {
    try {
      for (const frame of this.#decoder.push(chunk)) this.#queue.push(frame)
    } catch (error) {
      // an oversize length prefix: the frame boundaries are lost, so the stream is too
      const message = isPigeonError(error) ? error.message : String(error)
      this.#options.log.warn(
        this.#remotePeer,
        { peer: this.#remotePeer, code: 'FRAME_OVERSIZE' },
        message,
      )
      this.#stream.abort(error instanceof Error ? error : new Error(message))
      this.#options.onAbuse('oversize frame')
      return
    }
    if (this.#queued > HIGH_WATER && !this.#paused) {
      this.#paused = true
      this.#stream.pause()
    }
    if (!this.#running) void this.#drain()
  }

  async #drain(): Promise<void> {
    this.#running = true
    try {
      while (this.#queued > 0 && this.#stream.status === 'open') {
        // Every frame already here is handed to the store at once, in order, so the engine can
        // commit them together; the replies still go out one per frame, in arrival order.
        const pending: Array<Promise<Reply>> = []
        while (this.#queued > 0 && pending.length < WINDOW) {
          const frame = this.#queue[this.#queueHead]!
          this.#queue[this.#queueHead++] = undefined as unknown as Uint8Array
          pending.push(this.#handle(frame))
        }
        if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#queueHead)
          this.#queueHead = 0
        }
        if (this.#paused && this.#queued < HIGH_WATER / 2) {
          this.#paused = false
          this.#stream.resume()
        }
        for (const next of pending) {
          const reply = await next
          this.#writer.write(replyPayload(reply))
          if (
            !reply.ok &&
            reply.reason !== NackReason.rateLimited &&
            reply.reason !== NackReason.storeFailed
          ) {
            if (++this.#strikes >= this.#options.maxStrikes) {
              this.#writer.flush()
              this.#stream.abort(new Error('too many refused frames'))
              this.#options.onAbuse(`${this.#strikes} refused frames`)
              return
            }
          }
        }
      }
      if (this.#stream.remoteWriteStatus === 'closed' && this.#stream.status === 'open') {
        this.#writer.flush()
        await this.#stream.close().catch(() => undefined)
      }
    } finally {
      this.#running = false
    }
  }

  async #handle(frame: Uint8Array): Promise<Reply> {
    if (!this.#options.bucket.take()) {
      this.#options.log.warn(
        `${this.#remotePeer}:rate`,
        { peer: this.#remotePeer },
        'peer exceeds its message rate; refusing',
      )
      return { ok: false, id: idOf(frame), reason: NackReason.rateLimited }
    }
    let envelope: Envelope
    try {
      envelope = decodeEnvelope(frame)
    } catch (error) {
      const code = isPigeonError(error) ? error.code : 'ENVELOPE_MALFORMED'
      this.#options.log.warn(
        `${this.#remotePeer}:malformed`,
        { peer: this.#remotePeer, code, bytes: frame.length },
        'refused a malformed envelope',
      )
      return { ok: false, id: new Uint8Array(MESSAGE_ID_BYTES), reason: NackReason.malformed }
    }
    if (envelope.sender !== this.#remotePeer) {
      this.#options.log.warn(
        `${this.#remotePeer}:sender`,
        { peer: this.#remotePeer, claimed: envelope.sender },
        'refused an envelope whose sender is not the connected peer',
      )
      return { ok: false, id: envelope.id, reason: NackReason.senderMismatch }
    }
    try {
      await this.#options.accept(envelope)
      return { ok: true, id: envelope.id }
    } catch (error) {
      if (isPermanentError(error)) {
        // e.g. addressed to someone else: sending it again cannot help, so say so (NACK 5)
        this.#options.log.warn(
          `${this.#remotePeer}:rejected`,
          { peer: this.#remotePeer, code: error.code },
          `refused an envelope for good: ${error.message}`,
        )
        return { ok: false, id: envelope.id, reason: NackReason.rejected }
      }
      this.#options.log.warn(
        `${this.#remotePeer}:store`,
        { peer: this.#remotePeer, err: String(error) },
        'could not store an envelope; not acked',
      )
      return { ok: false, id: envelope.id, reason: NackReason.storeFailed }
    }
  }
}

/**
 * The message id without a full decode: the envelope's field 1 (bytes, 16) comes first in every
 * envelope we encode. Only used to label a rate-limit NACK; zeros when it is not there.
 */
function idOf(frame: Uint8Array): Uint8Array {
  if (frame.length >= 2 + MESSAGE_ID_BYTES && frame[0] === 0x0a && frame[1] === MESSAGE_ID_BYTES) {
    return frame.slice(2, 2 + MESSAGE_ID_BYTES)
  }
  return new Uint8Array(MESSAGE_ID_BYTES)
}
