// Frames of /pigeon/file/1.0.0 (docs/protocol.md §11). Each is an unsigned-varint length and a
// body (it-length-prefixed's format, read with the chat protocol's FrameDecoder):
//   receiver → sender   REQUEST = 0x01 | transfer id (16) | entry (4) | first chunk (4) | count (4)
//                       CREDIT  = 0x02 | bytes (4)
//                       CLOSE   = 0x03 | transfer id (16) | outcome (1)
//                       CHANNEL = 0x04 | transfer id (16) | receiver's secret (32)
//   sender → receiver   DATA    = 0x10 | chunk (4) | the chunk's bytes
//                       CHANNEL_OPEN = 0x11 | port (2) | sender's secret (32)
//                       ERROR   = 0x1f | reason (1) | a UTF-8 sentence
// Numbers are big-endian.
import { Uint8ArrayList } from 'uint8arraylist'
import { PigeonError } from '../../../shared/errors.js'
import { encodeFrame } from '../net/framing.js'
import { varintLength } from '../net/frame-writer.js'

export const FILE_PROTOCOL = '/pigeon/file/1.0.0'
export const TRANSFER_ID_BYTES = 16
const REQUEST = 0x01
const CREDIT = 0x02
const CLOSE = 0x03
const CLOSE_BYTES = 1 + TRANSFER_ID_BYTES + 1
const CHANNEL = 0x04
const CHANNEL_BYTES = 1 + TRANSFER_ID_BYTES + 32
const DATA = 0x10
const CHANNEL_OPEN = 0x11
const CHANNEL_OPEN_BYTES = 1 + 2 + 32
/** each side's share of a data channel's key (docs/protocol.md §13) */
export const CHANNEL_SECRET_BYTES = 32
const ERROR = 0x1f
const REQUEST_BYTES = 1 + TRANSFER_ID_BYTES + 12
/** the DATA frame's bytes before the chunk */
export const DATA_HEADER_BYTES = 5
/** the largest frame a receiver sends: a sender refuses a longer prefix before reading it */
export const MAX_CONTROL_FRAME_BYTES = CHANNEL_BYTES

/** Why a sender refused a request (ERROR's reason byte). */
export const FileErrorReason = {
  /** no such transfer was offered to this peer (or it was withdrawn) */
  unknownTransfer: 1,
  /** the entry or chunk range is not in the offer */
  badRange: 2,
  /** the offered file changed or went away on the sender's disk */
  sourceChanged: 3,
  /** the sender has no data channel for this stream: keep pulling on it (docs/protocol.md §13) */
  noChannel: 4,
} as const
export type FileErrorReason = (typeof FileErrorReason)[keyof typeof FileErrorReason]

/** Why the receiver is finished with a transfer (CLOSE's outcome byte). */
export const FileCloseOutcome = { done: 1, declined: 2, cancelled: 3 } as const
export type FileCloseOutcome = keyof typeof FileCloseOutcome

export interface FileRequest {
  transferId: Uint8Array
  entry: number
  first: number
  count: number
}

export type ControlFrame =
  | ({ type: 'request' } & FileRequest)
  | { type: 'credit'; bytes: number }
  | { type: 'close'; transferId: Uint8Array; outcome: FileCloseOutcome }
  | { type: 'channel'; transferId: Uint8Array; secret: Uint8Array }
export type SenderFrame =
  | { type: 'data'; chunk: number; bytes: Uint8Array }
  | { type: 'channel-open'; port: number; secret: Uint8Array }
  | { type: 'error'; reason: number; message: string }

export function requestFrame(request: FileRequest): Uint8ArrayList {
  const body = new Uint8Array(REQUEST_BYTES)
  const view = new DataView(body.buffer)
  body[0] = REQUEST
  body.set(request.transferId, 1)
  view.setUint32(17, request.entry)
  view.setUint32(21, request.first)
  view.setUint32(25, request.count)
  return encodeFrame(body)
}

/** lets the sender put `bytes` more chunk bytes on the stream (docs/protocol.md §11) */
export function creditFrame(bytes: number): Uint8ArrayList {
  const body = new Uint8Array(5)
  body[0] = CREDIT
  new DataView(body.buffer).setUint32(1, bytes)
  return encodeFrame(body)
}

/** the receiver is finished with the transfer: the sender may stop offering it (docs/protocol.md §11) */
export function closeFrame(transferId: Uint8Array, outcome: FileCloseOutcome): Uint8ArrayList {
  const body = new Uint8Array(CLOSE_BYTES)
  body[0] = CLOSE
  body.set(transferId, 1)
  body[1 + TRANSFER_ID_BYTES] = FileCloseOutcome[outcome]
  return encodeFrame(body)
}

/** asks the sender for a data channel for this transfer (docs/protocol.md §13) */
export function channelFrame(transferId: Uint8Array, secret: Uint8Array): Uint8ArrayList {
  const body = new Uint8Array(CHANNEL_BYTES)
  body[0] = CHANNEL
  body.set(transferId, 1)
  body.set(secret, 1 + TRANSFER_ID_BYTES)
  return encodeFrame(body)
}

/** the sender listens for the data channel on `port` of the address this stream reached */
export function channelOpenFrame(port: number, secret: Uint8Array): Uint8ArrayList {
  const body = new Uint8Array(CHANNEL_OPEN_BYTES)
  body[0] = CHANNEL_OPEN
  new DataView(body.buffer).setUint16(1, port)
  body.set(secret, 3)
  return encodeFrame(body)
}

/** A DATA frame as a list (length prefix and header, then the chunk itself): the chunk is not copied. */
export function dataFrame(chunk: number, bytes: Uint8Array): Uint8ArrayList {
  let length = DATA_HEADER_BYTES + bytes.length
  const header = new Uint8Array(varintLength(length) + DATA_HEADER_BYTES)
  let offset = 0
  while (length >= 0x80) {
    header[offset++] = (length & 0x7f) | 0x80
    length = Math.floor(length / 0x80)
  }
  header[offset++] = length
  header[offset] = DATA
  new DataView(header.buffer).setUint32(offset + 1, chunk)
  return new Uint8ArrayList(header, bytes)
}

export function errorFrame(reason: FileErrorReason, message: string): Uint8ArrayList {
  const text = new TextEncoder().encode(message)
  return encodeFrame(Uint8Array.of(ERROR, reason, ...text))
}

export function decodeControl(frame: Uint8Array): ControlFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  if (frame.length === REQUEST_BYTES && frame[0] === REQUEST) {
    return {
      type: 'request',
      transferId: frame.slice(1, 17),
      entry: view.getUint32(17),
      first: view.getUint32(21),
      count: view.getUint32(25),
    }
  }
  if (frame.length === 5 && frame[0] === CREDIT) return { type: 'credit', bytes: view.getUint32(1) }
  if (frame.length === CLOSE_BYTES && frame[0] === CLOSE) {
    const code = frame[1 + TRANSFER_ID_BYTES]
    const outcome = (Object.keys(FileCloseOutcome) as FileCloseOutcome[]).find(
      (name) => FileCloseOutcome[name] === code,
    )
    if (outcome !== undefined)
      return { type: 'close', transferId: frame.slice(1, 1 + TRANSFER_ID_BYTES), outcome }
  }
  if (frame.length === CHANNEL_BYTES && frame[0] === CHANNEL)
    return {
      type: 'channel',
      transferId: frame.slice(1, 1 + TRANSFER_ID_BYTES),
      secret: frame.slice(1 + TRANSFER_ID_BYTES),
    }
  throw new PigeonError(
    'FRAME_INVALID',
    'The peer sent a file-protocol frame that is not a request, credit, close or channel request.',
  )
}

export function decodeSenderFrame(frame: Uint8Array): SenderFrame {
  if (frame.length >= DATA_HEADER_BYTES && frame[0] === DATA) {
    return {
      type: 'data',
      chunk: new DataView(frame.buffer, frame.byteOffset, 5).getUint32(1),
      bytes: frame.subarray(DATA_HEADER_BYTES),
    }
  }
  if (frame.length === CHANNEL_OPEN_BYTES && frame[0] === CHANNEL_OPEN) {
    return {
      type: 'channel-open',
      port: new DataView(frame.buffer, frame.byteOffset, 3).getUint16(1),
      secret: frame.slice(3),
    }
  }
  if (frame.length >= 2 && frame[0] === ERROR) {
    return {
      type: 'error',
      reason: frame[1]!,
      message: new TextDecoder().decode(frame.subarray(2)),
    }
  }
  throw new PigeonError(
    'FRAME_INVALID',
    'The sender sent a file-protocol frame that is neither data nor an error.',
  )
}

/** An ERROR frame as the receiver's error (docs/protocol.md §11 reasons). */
export function senderRefusal(frame: { reason: number; message: string }): PigeonError {
  const code =
    frame.reason === FileErrorReason.unknownTransfer
      ? 'FILE_TRANSFER_UNKNOWN'
      : frame.reason === FileErrorReason.sourceChanged
        ? 'FILE_SOURCE_CHANGED'
        : 'FILE_TRANSFER_FAILED'
  return new PigeonError(code, `The sender refused: ${frame.message.slice(0, 300)}`)
}
