import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { backoffDelay } from './backoff.js'

const policy = { baseMs: 100, maxMs: 5_000 }

test('the delay doubles with each failure until the cap', () => {
  const low = (n: number): number => backoffDelay(n, policy, () => 0)
  const high = (n: number): number => backoffDelay(n, policy, () => 0.999999)
  assert.deepEqual([0, 1, 2, 3].map(low), [50, 100, 200, 400])
  assert.deepEqual([0, 1, 2].map(high), [100, 200, 400])
  assert.equal(high(50), 5_000)
  assert.equal(low(1_000), 2_500)
})

test('jitter keeps every delay between half the ceiling and the ceiling, never above the cap', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.double({ min: 0, max: 0.9999, noNaN: true }),
      (failures, r) => {
        const delay = backoffDelay(failures, policy, () => r)
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 30))
        return delay >= ceiling / 2 - 1 && delay <= ceiling && delay <= policy.maxMs
      },
    ),
  )
})
