// A few crash trials (test/support/crash-trial.ts) in every `npm test`: the receiver, the sender
// and the relay each killed with SIGKILL mid-burst, sometimes again during the recovery; after
// everything restarts, nothing Ada's `send` accepted is lost, shown twice or out of her order.
// `npm run bench -- crash` runs 100. CRASH_SEED=<n> replays a printed seed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describePlan, planTrials, runTrial } from '../support/crash-trial.js'

const TRIALS = 3
const MESSAGES = 40
const seed =
  process.env['CRASH_SEED'] !== undefined
    ? Number(process.env['CRASH_SEED'])
    : (Math.random() * 2 ** 31) | 0

test(`kill -9 mid-burst (receiver, sender, relay; again during recovery): nothing accepted is lost, doubled or reordered (seed ${seed})`, async (t) => {
  for (const plan of planTrials(seed, TRIALS, MESSAGES)) {
    const result = await runTrial(plan)
    const { accepted, delivered, lost, duplicated, outOfOrder, unanswered } = result
    t.diagnostic(
      `trial ${plan.trial} (${describePlan(plan)}): ${accepted} accepted, ${delivered} delivered, ${lost} lost, ${duplicated} duplicated, ${outOfOrder} out of order, ${unanswered} unanswered`,
    )
    assert.ok(accepted > 0, `trial ${plan.trial}: nothing was accepted`)
    assert.deepEqual(
      { lost, duplicated, outOfOrder },
      { lost: 0, duplicated: 0, outOfOrder: 0 },
      `trial ${plan.trial} (${describePlan(plan)}, seed ${seed})`,
    )
  }
})
