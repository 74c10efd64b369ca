// protons-runtime 7.1.2 (and its main branch today) writes a uint64 in [2^31, 2^32) wrongly: its
// LongBits keeps the low 32 bits as a *signed* number (`lo | 0`), so writeVarint64 stops at the
// first byte and the envelope comes out corrupt — a 3 GB file offer's size is sent as 0, a
// version of 2^31 + 5 as 5, and some values make bytes the receiver refuses as truncated (found
// by `npm run fuzz -- envelope`). Every uint64 in shared/proto/envelope.proto is a safe integer
// (shared/envelope.ts checks), and protons' own uint64Number path (uint8-varint) encodes those
// right, so the writer takes that path for them. Imported once, by shared/envelope.ts.
import { writer } from 'protons-runtime'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

interface Uint64Writer {
  uint64(value: bigint): unknown
  uint64Number(value: number): unknown
}

const prototype = Object.getPrototypeOf(writer()) as Uint64Writer
const longBitsUint64 = prototype.uint64

prototype.uint64 = function uint64(this: Uint64Writer, value: bigint) {
  return value >= 0n && value <= MAX_SAFE
    ? this.uint64Number(Number(value))
    : longBitsUint64.call(this, value)
}
