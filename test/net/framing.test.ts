// The pure parts of /pigeon/chat/1.0.0: frame splitting, ACK/NACK frames, the token bucket.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  decodeReply,
  encodeFrame,
  encodeReply,
  FrameDecoder,
  NackReason,
} from '../../app/core/net/framing.js'
import { FrameWriter } from '../../app/core/net/frame-writer.js'
import { TokenBucket } from '../../app/core/net/token-bucket.js'
import type { Stream } from '@libp2p/interface'
import { isPigeonError } from '../../shared/errors.js'

test('frames survive any split of the byte stream into chunks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
      (payloads, cuts) => {
        const wire = new Uint8ArrayList(...payloads.map((p) => encodeFrame(p))).subarray()
        const decoder = new FrameDecoder(1000)
        const got: Uint8Array[] = []
        let offset = 0
        for (let i = 0; offset < wire.length; i++) {
          const size = cuts[i % cuts.length]!
          for (const frame of decoder.push(wire.subarray(offset, offset + size))) got.push(frame)
          offset += size
        }
        assert.deepEqual(
          got.map((f) => [...f]),
          payloads.map((p) => [...p]),
        )
        assert.equal(decoder.buffered, 0)
      },
    ),
  )
})

test('a length prefix above the limit is refused before its body arrives', () => {
  const decoder = new FrameDecoder(64 * 1024)
  const header = encodeFrame(new Uint8Array(64 * 1024 + 1)).subarray(0, 3)
  assert.throws(
    () => [...decoder.push(header)],
    (e) => isPigeonError(e) && e.code === 'FRAME_OVERSIZE',
  )
  // an endless varint is refused too, not buffered forever
  assert.throws(
    () => [...new FrameDecoder(64 * 1024).push(new Uint8Array(8).fill(0xff))],
    (e) => isPigeonError(e) && e.code === 'FRAME_OVERSIZE',
  )
})

test('a frame of exactly the limit is accepted', () => {
  const decoder = new FrameDecoder(64 * 1024)
  const frames = [...decoder.push(encodeFrame(new Uint8Array(64 * 1024).fill(7)))]
  assert.equal(frames.length, 1)
  assert.equal(frames[0]!.length, 64 * 1024)
})

test('ACK and NACK frames round-trip and are 17 and 18 bytes', () => {
  const id = crypto.getRandomValues(new Uint8Array(16))
  const ack = encodeReply({ ok: true, id }).subarray()
  assert.equal(ack.length, 1 + 17)
  assert.deepEqual(decodeReply(ack.subarray(1)), { ok: true, id })
  const nack = encodeReply({ ok: false, id, reason: NackReason.rateLimited }).subarray()
  assert.equal(nack.length, 1 + 18)
  assert.deepEqual(decodeReply(nack.subarray(1)), { ok: false, id, reason: NackReason.rateLimited })
})

test('a reply frame that is neither ACK nor NACK is rejected', () => {
  for (const bad of [
    new Uint8Array(0),
    Uint8Array.of(1),
    new Uint8Array(17).fill(3),
    Uint8Array.of(2, ...new Uint8Array(16), 99),
  ]) {
    assert.throws(
      () => decodeReply(bad),
      (e) => isPigeonError(e) && e.code === 'FRAME_INVALID',
    )
  }
})

test('the token bucket allows a burst, then the rate', () => {
  let now = 0
  const bucket = new TokenBucket(10, 5, () => now)
  const takes = (n: number): number =>
    Array.from({ length: n }, () => bucket.take()).filter(Boolean).length
  assert.equal(takes(8), 5)
  now += 500 // half a second at 10/s
  assert.equal(takes(8), 5)
  now += 100_000 // refills only up to the burst
  assert.equal(takes(20), 5)
})

test('the frame writer sends one buffer per turn, byte-identical to it-length-prefixed frames', async () => {
  const sent: Uint8Array[] = []
  const stream = {
    writeStatus: 'writable',
    send: (data: Uint8Array) => sent.push(data),
  } as unknown as Stream
  const writer = new FrameWriter(stream)
  const payloads = [
    new Uint8Array(0),
    new Uint8Array(127).fill(1),
    new Uint8Array(128).fill(2),
    new Uint8Array(70_000).fill(3),
  ]
  for (const payload of payloads) writer.write(payload)
  assert.equal(sent.length, 0, 'nothing is sent before the turn ends')
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(sent.length, 1)
  assert.deepEqual(
    [...sent[0]!],
    [...new Uint8ArrayList(...payloads.map((p) => encodeFrame(p))).subarray()],
  )
})
