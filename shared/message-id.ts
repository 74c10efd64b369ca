// Message ids are UUIDv7 (RFC 9562 §5.7): 48-bit Unix ms, then randomness. Time-ordered, so the
// outbox and history sort by id, and the receiver can dedup by id without coordination.
// Within one millisecond the 12-bit rand_a field is a counter (RFC 9562 §6.2 method 1), so ids
// made by one process are strictly increasing.
import { randomBytes } from '@noble/hashes/utils.js'
import { PigeonError } from './errors.js'

export const MESSAGE_ID_BYTES = 16

let lastMs = 0
let counter = 0

export function newMessageId(now: number = Date.now()): Uint8Array {
  const id = randomBytes(MESSAGE_ID_BYTES)
  let ms = Math.max(now, lastMs)
  if (ms === lastMs) {
    counter += 1
    if (counter > 0xfff) {
      ms += 1
      counter = 0
    }
  } else {
    counter = id[6]! & 0x07 // a random start leaves room to count up
  }
  lastMs = ms
  // 48-bit big-endian timestamp
  id[0] = Math.floor(ms / 2 ** 40) & 0xff
  id[1] = Math.floor(ms / 2 ** 32) & 0xff
  id[2] = (ms >>> 24) & 0xff
  id[3] = (ms >>> 16) & 0xff
  id[4] = (ms >>> 8) & 0xff
  id[5] = ms & 0xff
  id[6] = 0x70 | ((counter >>> 8) & 0x0f) // version 7
  id[7] = counter & 0xff
  id[8] = 0x80 | (id[8]! & 0x3f) // variant 10
  return id
}

export function messageIdTime(id: Uint8Array): number {
  let ms = 0
  for (let i = 0; i < 6; i++) ms = ms * 256 + (id[i] ?? 0)
  return ms
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function messageIdToString(id: Uint8Array): string {
  let out = ''
  for (const byte of id) out += HEX[byte]
  return out
}

export function messageIdFromString(hex: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/i.test(hex)) {
    throw new PigeonError(
      'ENVELOPE_INVALID_FIELD',
      `"${hex.slice(0, 40)}" is not a message id (32 hex digits).`,
    )
  }
  const id = new Uint8Array(MESSAGE_ID_BYTES)
  for (let i = 0; i < MESSAGE_ID_BYTES; i++)
    id[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return id
}
