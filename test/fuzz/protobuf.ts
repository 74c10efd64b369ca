// Near-valid protobuf, built field by field (https://protobuf.dev/programming-guides/encoding/):
// the right field numbers with mostly the right wire types and sizes, sometimes the wrong ones,
// overlong varints, unknown fields, repeated singular fields and invalid UTF-8 in strings — the
// inputs that get past a decoder's first checks, which random bytes rarely do.
import fc from 'fast-check'

export type Field =
  | { no: number; wire: 0; value: bigint; overlong?: boolean }
  | { no: number; wire: 1 | 2 | 5; bytes: Uint8Array }
  | { no: number; wire: 3 | 4 | 6 | 7 }

function varint(value: bigint, overlong = false): number[] {
  const out: number[] = []
  let rest = BigInt.asUintN(64, value)
  do {
    const low = Number(rest & 0x7fn)
    rest >>= 7n
    out.push(rest > 0n ? low | 0x80 : low)
  } while (rest > 0n)
  if (overlong) {
    // the same value with redundant continuation bytes, up to 11 bytes (one more than allowed)
    out[out.length - 1]! |= 0x80
    while (out.length < 10) out.push(0x80)
    out.push(0x00)
  }
  return out
}

export function encodeFields(fields: readonly Field[]): Uint8Array {
  const out: number[] = []
  for (const field of fields) {
    out.push(...varint(BigInt(field.no) * 8n + BigInt(field.wire)))
    if (field.wire === 0) out.push(...varint(field.value, field.overlong))
    else if (field.wire === 2) {
      out.push(...varint(BigInt(field.bytes.length)))
      out.push(...field.bytes)
    } else if (field.wire === 1 || field.wire === 5)
      out.push(
        ...field.bytes.subarray(0, field.wire === 1 ? 8 : 4),
        ...new Uint8Array(Math.max(0, (field.wire === 1 ? 8 : 4) - field.bytes.length)),
      )
  }
  return Uint8Array.from(out)
}

const utf8 = new TextEncoder()

/** Byte sequences that are not UTF-8 (RFC 3629 §3): a lone continuation, overlong NUL, a surrogate, a cut sequence. */
export const INVALID_UTF8 = [
  [0xff],
  [0x80],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
].map((b) => Uint8Array.from(b))

export const anyVarint = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.constantFrom(
    0n,
    1n,
    2n ** 31n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 63n,
    2n ** 64n - 1n,
  ),
)

/** a string field's bytes: mostly valid UTF-8, sometimes with an invalid sequence inside */
export const stringBytes = (maxLength = 40): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength }).map((s) => utf8.encode(s)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ maxLength: 8 }),
          fc.constantFrom(...INVALID_UTF8),
          fc.string({ maxLength: 8 }),
        )
        .map(([a, bad, b]) => Uint8Array.from([...utf8.encode(a), ...bad, ...utf8.encode(b)])),
    },
  )

export function bytesField(no: number, bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Field> {
  return bytes.map((b) => ({ no, wire: 2 as const, bytes: b }))
}

export function varintField(
  no: number,
  value: fc.Arbitrary<bigint> = anyVarint,
): fc.Arbitrary<Field> {
  return fc
    .tuple(value, fc.nat(20))
    .map(([v, r]) => ({ no, wire: 0 as const, value: v, overlong: r === 0 }))
}

export function messageField(no: number, fields: fc.Arbitrary<Field[]>): fc.Arbitrary<Field> {
  return fields.map((f) => ({ no, wire: 2 as const, bytes: encodeFields(f) }))
}

/** a field with any number and any wire type, valid or not */
export const noiseField: fc.Arbitrary<Field> = fc.oneof(
  fc.record({
    no: fc.integer({ min: 1, max: 20 }),
    wire: fc.constant(0 as const),
    value: anyVarint,
  }),
  fc.record({
    no: fc.integer({ min: 1, max: 20 }),
    wire: fc.constantFrom(1 as const, 2 as const, 5 as const),
    bytes: fc.uint8Array({ maxLength: 24 }),
  }),
  fc.record({
    no: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 29 - 1 })),
    wire: fc.constantFrom(3 as const, 4 as const, 6 as const, 7 as const),
  }),
)

/** the expected field, usually; its wrong-typed or missing twin sometimes; a stray field now and then */
export function nearly(good: fc.Arbitrary<Field>, no: number): fc.Arbitrary<Field[]> {
  const wrong = fc.oneof(varintField(no), bytesField(no, fc.uint8Array({ maxLength: 40 })))
  return fc.oneof(
    { weight: 12, arbitrary: good.map((f) => [f]) },
    { weight: 1, arbitrary: fc.constant<Field[]>([]) },
    { weight: 1, arbitrary: wrong.map((f) => [f]) },
    { weight: 1, arbitrary: fc.tuple(good, good).map(([a, b]) => [a, b]) },
    { weight: 1, arbitrary: fc.tuple(good, noiseField).map(([a, b]) => [a, b]) },
  )
}

/** concatenates field groups, in order or shuffled */
export function message(groups: Array<fc.Arbitrary<Field[]>>): fc.Arbitrary<Field[]> {
  return fc.tuple(fc.tuple(...groups), fc.boolean(), fc.nat()).map(([parts, shuffle, seed]) => {
    const fields = parts.flat()
    if (!shuffle) return fields
    // a cheap deterministic shuffle from the generated seed, so a failure replays
    return fields
      .map((f, i) => ({ f, k: (seed * (i + 7919)) % 104729 }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.f)
  })
}
