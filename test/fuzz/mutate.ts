// Mutations of valid inputs, the way a damaged link or an attacker changes them: bit flips,
// overwritten bytes, truncation, inserted and deleted runs, and splices of two valid inputs.
import fc from 'fast-check'

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'splice'; at: number; other: Uint8Array; from: number }

function mutation(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Mutation> {
  const at = fc.nat()
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('flip' as const),
        at,
        bit: fc.integer({ min: 0, max: 7 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('set' as const),
        at,
        value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0xc0, 0xed),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('insert' as const),
        at,
        bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('delete' as const),
        at,
        length: fc.integer({ min: 1, max: 16 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('duplicate' as const),
        at,
        length: fc.integer({ min: 1, max: 40 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('splice' as const),
        at,
        other: valid,
        from: fc.nat(),
      }),
    },
  )
}

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length
  const at = n === 0 ? 0 : m.at % (n + 1)
  switch (m.op) {
    case 'flip': {
      if (n === 0) return bytes
      const out = bytes.slice()
      out[m.at % n]! ^= 1 << m.bit
      return out
    }
    case 'set': {
      if (n === 0) return bytes
      const out = bytes.slice()
      out[m.at % n] = m.value
      return out
    }
    case 'truncate':
      return bytes.slice(0, at)
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)])
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)])
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)])
    case 'splice':
      return Buffer.concat([bytes.subarray(0, at), m.other.subarray(m.from % (m.other.length + 1))])
  }
}

/** One to four mutations of a valid input. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutation(valid), { minLength: 1, maxLength: 4 }))
    .map(([bytes, mutations]) => Uint8Array.from(mutations.reduce(apply, bytes)))
}
