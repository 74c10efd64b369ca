// The /pigeon/chat/1.0.0 frame reader (app/core/net/framing.ts, docs/protocol.md "Direct chat"):
// the first code to see a LAN peer's bytes, before any envelope is decoded.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import {
  decodeReply,
  encodeFrame,
  FrameDecoder,
  NackReason,
  replyPayload,
  type Reply,
} from '../../../app/core/net/framing.js'
import { mutated } from '../mutate.js'
import {
  expectRefusal,
  hex,
  plain,
  PropertyViolation,
  sameBytes,
  type FuzzTarget,
} from '../target.js'

type Input =
  | { kind: 'stream'; bytes: Uint8Array; cuts: number[]; maxBytes: number; payloads?: Uint8Array[] }
  | { kind: 'reply'; bytes: Uint8Array }
  | { kind: 'valid-reply'; reply: Reply }

/** all frames of a stream fed in pieces (cut at `cuts`), and whether it ended in FRAME_OVERSIZE */
function read(
  bytes: Uint8Array,
  cuts: number[],
  maxBytes: number,
): { frames: Uint8Array[]; oversize: boolean; buffered: number } {
  const decoder = new FrameDecoder(maxBytes)
  const frames: Uint8Array[] = []
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  let from = 0
  try {
    for (const to of [...points, bytes.length]) {
      for (const frame of decoder.push(bytes.subarray(from, to))) {
        if (frame.length > maxBytes)
          throw new PropertyViolation(
            `a ${frame.length}-byte frame passed a ${maxBytes}-byte limit`,
          )
        frames.push(frame.slice())
      }
      from = to
    }
  } catch (error) {
    expectRefusal(error, ['FRAME_OVERSIZE'], 'FrameDecoder.push')
    return { frames, oversize: true, buffered: decoder.buffered }
  }
  return { frames, oversize: false, buffered: decoder.buffered }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => encodeFrame(p).subarray())))
}

function checkStream(input: Extract<Input, { kind: 'stream' }>): void {
  const whole = read(input.bytes, [], input.maxBytes)
  const pieces = read(input.bytes, input.cuts, input.maxBytes)
  // how the bytes were split by TCP must not change what is read
  // (what is still buffered when a prefix is refused depends on the cuts, so it is not compared)
  const same =
    whole.oversize === pieces.oversize &&
    isDeepStrictEqual(plain(whole.frames), plain(pieces.frames)) &&
    (whole.oversize || whole.buffered === pieces.buffered)
  if (!same) throw new PropertyViolation('the same stream cut differently gave different frames')
  if (input.payloads !== undefined) {
    if (
      whole.oversize ||
      whole.buffered !== 0 ||
      !isDeepStrictEqual(plain(whole.frames), plain(input.payloads))
    )
      throw new PropertyViolation('decode(encode(frames)) is not the frames')
  }
  // encode(decode(b)) reads back as the same frames
  const again = read(concat(whole.frames), input.cuts, input.maxBytes)
  if (
    again.oversize ||
    again.buffered !== 0 ||
    !isDeepStrictEqual(plain(again.frames), plain(whole.frames))
  )
    throw new PropertyViolation('re-encoded frames do not read back the same')
}

function checkReply(bytes: Uint8Array): void {
  let reply: Reply
  try {
    reply = decodeReply(bytes)
  } catch (error) {
    expectRefusal(error, ['FRAME_INVALID'], 'decodeReply')
    return
  }
  if (!sameBytes(replyPayload(reply), bytes))
    throw new PropertyViolation('a decoded reply does not encode back to its bytes')
}

export const target: FuzzTarget<Input> = {
  name: 'framing',
  attacks:
    'FrameDecoder and decodeReply (app/core/net/framing.ts): random and mutated length-prefixed streams cut at random points, overlong varints, random replies',
  async setup() {
    const payloads = fc.array(
      fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 120, maxLength: 300 })),
      { maxLength: 6 },
    )
    const maxBytes = fc.constantFrom(
      0,
      1,
      127,
      128,
      200,
      16_383,
      16_384,
      64 * 1024,
      2 ** 21,
      2 ** 28 - 1,
    )
    const cuts = fc.array(fc.nat(), { maxLength: 8 })
    const id = fc.uint8Array({ minLength: 16, maxLength: 16 })
    const reply: fc.Arbitrary<Reply> = fc.oneof(
      id.map((i) => ({ ok: true as const, id: i })),
      fc
        .tuple(id, fc.constantFrom(...Object.values(NackReason)))
        .map(([i, reason]) => ({ ok: false as const, id: i, reason })),
    )
    const replyBytes = reply.map(replyPayload)
    // varints with redundant continuation bytes and the biggest lengths a prefix can say
    const prefixes = fc.constantFrom(
      [0x80, 0x00],
      [0xff, 0xff, 0xff, 0x7f],
      [0x80, 0x80, 0x80, 0x80, 0x00],
      [0xff, 0xff, 0xff, 0xff, 0x0f],
      [0x81, 0x80, 0x80, 0x00],
      [0x80, 0x80, 0x01],
    )
    return {
      inputs: fc.oneof(
        fc.record({
          kind: fc.constant('stream' as const),
          bytes: fc.uint8Array({ maxLength: 300 }),
          cuts,
          maxBytes,
        }),
        fc.record({
          kind: fc.constant('stream' as const),
          bytes: mutated(payloads.map(concat)),
          cuts,
          maxBytes,
        }),
        fc.record({
          kind: fc.constant('stream' as const),
          bytes: fc
            .tuple(prefixes, fc.uint8Array({ maxLength: 40 }))
            .map(([p, rest]) => Uint8Array.from([...p, ...rest])),
          cuts,
          maxBytes,
        }),
        fc.tuple(payloads, cuts).map(([p, c]) => ({
          kind: 'stream' as const,
          bytes: concat(p),
          cuts: c,
          maxBytes: 64 * 1024,
          payloads: p,
        })),
        fc.record({
          kind: fc.constant('reply' as const),
          bytes: fc.oneof(fc.uint8Array({ maxLength: 24 }), mutated(replyBytes)),
        }),
        reply.map((r) => ({ kind: 'valid-reply' as const, reply: r })),
      ),
      check(input) {
        if (input.kind === 'stream') checkStream(input)
        else if (input.kind === 'reply') checkReply(input.bytes)
        else if (
          !isDeepStrictEqual(plain(decodeReply(replyPayload(input.reply))), plain(input.reply))
        )
          throw new PropertyViolation('decodeReply(encode(r)) is not r')
      },
      show: (input) =>
        input.kind === 'valid-reply'
          ? JSON.stringify(plain(input.reply))
          : input.kind === 'reply'
            ? `reply ${hex(input.bytes)}`
            : `stream max ${input.maxBytes} cuts ${input.cuts.join(',')} ${hex(input.bytes)}`,
    }
  },
}
