// Frames of /pigeon/chat/1.0.0 (docs/protocol.md, "Direct chat"): every frame is an unsigned
// varint length followed by that many bytes (it-length-prefixed's format).
//   dialer → listener: one encoded Envelope per frame (shared/envelope.ts)
//   listener → dialer: one reply per envelope, in the order the envelopes arrived:
//     ACK  = 0x01 ‖ message id (16 bytes)            — stored; 17 bytes
//     NACK = 0x02 ‖ message id (16 bytes) ‖ reason    — not stored; 18 bytes (isPermanentNack)
//   The id is all zeros when the envelope could not be decoded far enough to read it.
import * as lp from 'it-length-prefixed'
import { Uint8ArrayList } from 'uint8arraylist'
import { PigeonError } from '../../../shared/errors.js'

export const MESSAGE_ID_BYTES = 16
const ACK = 0x01
const NACK = 0x02

/** Why a receiver refused an envelope; permanent ones will never be accepted on a retry. */
export const NackReason = {
  /** the bytes are not a valid envelope */
  malformed: 1,
  /** envelope.sender is not the peer authenticated on this connection */
  senderMismatch: 2,
  /** the sender exceeded its messages-per-second allowance; retry later */
  rateLimited: 3,
  /** the receiver could not store it; retry later */
  storeFailed: 4,
  /** the receiver will never take it: addressed to someone else, or refused by its rules */
  rejected: 5,
} as const
export type NackReason = (typeof NackReason)[keyof typeof NackReason]

/**
 * The reasons no retry can change (docs/protocol.md §6): the sender's router marks the message
 * failed instead of sending it again. A receiver older than reason 5 never sends it; a sender
 * older than it cannot read it and retries, as it did for every refusal before.
 */
export function isPermanentNack(reason: NackReason): boolean {
  return (
    reason === NackReason.malformed ||
    reason === NackReason.senderMismatch ||
    reason === NackReason.rejected
  )
}

export type Reply = { ok: true; id: Uint8Array } | { ok: false; id: Uint8Array; reason: NackReason }

export function encodeFrame(payload: Uint8Array): Uint8ArrayList {
  return lp.encode.single(payload)
}

export function encodeReply(reply: Reply): Uint8ArrayList {
  return encodeFrame(replyPayload(reply))
}

/** the reply frame's body, without its length prefix */
export function replyPayload(reply: Reply): Uint8Array {
  const body = new Uint8Array(reply.ok ? 1 + MESSAGE_ID_BYTES : 2 + MESSAGE_ID_BYTES)
  body[0] = reply.ok ? ACK : NACK
  if (reply.id.length === MESSAGE_ID_BYTES) body.set(reply.id, 1)
  if (!reply.ok) body[1 + MESSAGE_ID_BYTES] = reply.reason
  return body
}

export function decodeReply(frame: Uint8Array): Reply {
  const id = frame.subarray(1, 1 + MESSAGE_ID_BYTES)
  if (frame.length === 1 + MESSAGE_ID_BYTES && frame[0] === ACK) return { ok: true, id: id.slice() }
  if (frame.length === 2 + MESSAGE_ID_BYTES && frame[0] === NACK) {
    const reason = frame[1 + MESSAGE_ID_BYTES] as NackReason
    if (Object.values(NackReason).includes(reason)) return { ok: false, id: id.slice(), reason }
  }
  throw new PigeonError(
    'FRAME_INVALID',
    'The peer sent a reply frame that is neither an ACK nor a NACK.',
  )
}

/**
 * Splits a byte stream into frames as chunks arrive. A length prefix above maxBytes throws
 * FRAME_OVERSIZE before the body is buffered, so a peer cannot make us hold a huge frame.
 */
export class FrameDecoder {
  readonly #buffer = new Uint8ArrayList()

  readonly #maxBytes: number

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  /** bytes received but not yet returned as a frame */
  get buffered(): number {
    return this.#buffer.byteLength
  }

  *push(chunk: Uint8Array | Uint8ArrayList): Generator<Uint8Array> {
    this.#buffer.append(chunk)
    for (;;) {
      const header = this.#readLength()
      if (header === undefined) return
      const { length, prefixBytes } = header
      if (this.#buffer.byteLength < prefixBytes + length) return
      const frame = this.#buffer.subarray(prefixBytes, prefixBytes + length)
      this.#buffer.consume(prefixBytes + length)
      yield frame
    }
  }

  #readLength(): { length: number; prefixBytes: number } | undefined {
    let length = 0
    // a length up to maxBytes (64 KiB) fits in 3 varint bytes; 4 allows limits up to 256 MiB
    for (let i = 0; i < 4; i++) {
      if (i >= this.#buffer.byteLength) return undefined
      const byte = this.#buffer.get(i)
      length += (byte & 0x7f) * 2 ** (7 * i)
      if (length > this.#maxBytes) break
      if ((byte & 0x80) === 0) return { length, prefixBytes: i + 1 }
    }
    throw new PigeonError(
      'FRAME_OVERSIZE',
      `The peer announced a frame larger than ${this.#maxBytes} bytes; the stream is closed.`,
    )
  }
}
