// What a fuzz target is: an arbitrary of inputs and a check that throws when the property breaks.
// The property of every target (test/fuzz/README.md): the code under test returns a valid value or
// throws a PigeonError with one of its stable codes (shared/errors.ts) — never any other exception,
// never a hang — and what it returns survives a round trip.
import type fc from 'fast-check'
import { isPigeonError, type PigeonErrorCode } from '../../shared/errors.js'

export interface FuzzHarness<I> {
  inputs: fc.Arbitrary<I>
  /** resolves when the property holds for this input; throws (anything) when it does not */
  check(input: I): void | Promise<void>
  /** the input, printable, for a report */
  show(input: I): string
  close?(): Promise<void>
}

export interface FuzzTarget<I = unknown> {
  name: string
  /** what it attacks, one line (the README's table) */
  attacks: string
  /** inputs per `npm test` run, when 10,000 would take too long (the relay target's socket writes) */
  testRuns?: number
  setup(): Promise<FuzzHarness<I>>
}

/** The property broke: the message says how, for the report. */
export class PropertyViolation extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PropertyViolation'
  }
}

function describe(error: unknown): string {
  if (isPigeonError(error)) return `PigeonError ${error.code}: ${error.message}`
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return `a thrown ${typeof error}: ${String(error)}`
}

/** A refusal is only a PigeonError with one of `codes`; anything else breaks the property. */
export function expectRefusal(
  error: unknown,
  codes: readonly PigeonErrorCode[],
  what: string,
): void {
  if (error instanceof PropertyViolation) throw error
  if (isPigeonError(error) && codes.includes(error.code)) return
  throw new PropertyViolation(`${what} threw ${describe(error)}`, { cause: error })
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  )
}

/** Byte arrays as hex and undefined keys dropped, so two decoded values compare as data. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return hex(value)
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    )
  }
  return value
}
