// The journal's framing (docs/relay.md "The journal"): every record is
//   u32 length of the body | u32 CRC-32 of the body | body
// little-endian. A group of records goes to the file in one write(2), so a crash can tear only
// the last group, and none of its records had been acknowledged yet (their promises resolve after
// the write). Reading stops at the first frame that is short or fails its CRC: that and anything
// after it is the torn tail.
import { crc32 } from 'node:zlib'

const HEADER = 8
/** a record larger than this is not one the relay writes: treat it as damage, not as a length */
const MAX_BODY = 64 * 1024 * 1024

export function frame(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + body.length)
  out.writeUInt32LE(body.length, 0)
  out.writeUInt32LE(crc32(body), 4)
  body.copy(out, HEADER)
  return out
}

export interface Frames {
  bodies: Buffer[]
  /** bytes of whole, valid frames from the start; the file is cut back to this */
  valid: number
}

export function readFrames(data: Buffer): Frames {
  const bodies: Buffer[] = []
  let at = 0
  while (at + HEADER <= data.length) {
    const length = data.readUInt32LE(at)
    if (length > MAX_BODY || at + HEADER + length > data.length) break
    const body = data.subarray(at + HEADER, at + HEADER + length)
    if (crc32(body) !== data.readUInt32LE(at + 4)) break
    bodies.push(body)
    at += HEADER + length
  }
  return { bodies, valid: at }
}
