// The frames of /pigeon/file/1.0.0 (docs/protocol.md §11): exact sizes, round trips through the
// chat protocol's frame splitter, and refusal of anything else.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  creditFrame,
  dataFrame,
  decodeControl,
  decodeSenderFrame,
  errorFrame,
  FileErrorReason,
  requestFrame,
} from '../../app/core/files/file-frames.js'
import { FrameDecoder } from '../../app/core/net/framing.js'
import { isPigeonError } from '../../shared/errors.js'

const split = (bytes: Uint8Array, max: number): Uint8Array[] => [
  ...new FrameDecoder(max).push(bytes),
]

test('REQUEST is 29 bytes and CREDIT 5, and both round-trip', () => {
  const transferId = crypto.getRandomValues(new Uint8Array(16))
  const request = requestFrame({
    transferId,
    entry: 0xffffffff,
    first: 7,
    count: 300_000,
  }).subarray()
  assert.equal(request.length, 1 + 29)
  const credit = creditFrame(2 * 1024 * 1024).subarray()
  assert.equal(credit.length, 1 + 5)
  const [a, b] = split(new Uint8Array([...request, ...credit]), 29)
  assert.deepEqual(decodeControl(a!), {
    type: 'request',
    transferId,
    entry: 0xffffffff,
    first: 7,
    count: 300_000,
  })
  assert.deepEqual(decodeControl(b!), { type: 'credit', bytes: 2 * 1024 * 1024 })
})

test('DATA keeps the chunk as is (prefix and header in front) and ERROR carries a sentence', () => {
  for (const size of [0, 1, 122, 123, 16_384, 1024 * 1024 + 1]) {
    const chunk = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)))
    const bytes = new Uint8Array(size)
    bytes.set(chunk)
    const frame = dataFrame(41, bytes)
    const frames = split(frame.subarray(), 4 * 1024 * 1024 + 5)
    assert.equal(frames.length, 1)
    const decoded = decodeSenderFrame(frames[0]!)
    assert.equal(decoded.type, 'data')
    assert.ok(
      decoded.type === 'data' &&
        decoded.chunk === 41 &&
        Buffer.from(decoded.bytes).equals(Buffer.from(bytes)),
    )
  }
  const error = decodeSenderFrame(
    split(errorFrame(FileErrorReason.sourceChanged, 'a.txt changed — 改了').subarray(), 1000)[0]!,
  )
  assert.deepEqual(error, { type: 'error', reason: 3, message: 'a.txt changed — 改了' })
})

test('anything else is refused, and a sender refuses a control frame longer than a REQUEST before reading it', () => {
  for (const bad of [
    new Uint8Array(0),
    Uint8Array.of(1, 2, 3),
    Uint8Array.of(2, 0, 0, 0),
    new Uint8Array(29).fill(9),
    Uint8Array.of(0x10),
  ]) {
    assert.throws(
      () => decodeControl(bad),
      (e) => isPigeonError(e) && e.code === 'FRAME_INVALID',
    )
  }
  for (const bad of [
    new Uint8Array(0),
    Uint8Array.of(0x10, 0, 0),
    Uint8Array.of(0x1f),
    Uint8Array.of(0x01, 0, 0, 0, 0, 0),
  ]) {
    assert.throws(
      () => decodeSenderFrame(bad),
      (e) => isPigeonError(e) && e.code === 'FRAME_INVALID',
    )
  }
  assert.throws(
    () => split(creditFrame(1).subarray().with(0, 30), 29),
    (e) => isPigeonError(e) && e.code === 'FRAME_OVERSIZE',
  )
})
