// `npm run bench -- crash [--trials 100] [--messages 175] [--seed S]`: crash trials
// (test/support/crash-trial.ts) — a burst from Ada to Bo with Bo, Ada or the relay killed with
// SIGKILL at a random point, sometimes a second kill during the recovery — counting accepted,
// lost, duplicated and out-of-order messages. Reference, in the same run: the same burst with no
// kill. Target: 0 lost, 0 duplicated, 0 out of order.
import { parseArgs } from 'node:util'
import type { BenchResult } from './table.js'
import {
  describePlan,
  planTrials,
  runTrial,
  totals,
  type Role,
  type TrialResult,
  type TrialTotals,
} from '../support/crash-trial.js'

export async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      trials: { type: 'string', default: '100' },
      messages: { type: 'string', default: '175' },
      seed: { type: 'string' },
    },
    strict: false,
  })
  const trials = Number(values.trials)
  const messages = Number(values.messages)
  const seed = values.seed !== undefined ? Number(values.seed) : (Math.random() * 2 ** 31) | 0
  if (
    !Number.isSafeInteger(trials) ||
    trials < 1 ||
    !Number.isSafeInteger(messages) ||
    messages < 2 ||
    !Number.isSafeInteger(seed)
  ) {
    throw new Error('--trials ≥ 1, --messages ≥ 2 and --seed take whole numbers')
  }
  console.error(`crash trials: seed ${seed}, ${trials} trials of ${messages} messages`)

  const reference = await runTrial({ trial: -1, messages, path: 'relay', kills: [] })
  const results: TrialResult[] = []
  // a trial whose processes could not be started or restarted says nothing about delivery: it is
  // reported, not counted
  const errored: string[] = []
  for (const plan of planTrials(seed, trials, messages)) {
    try {
      const result = await runTrial(plan)
      results.push(result)
      console.error(
        `trial ${plan.trial} (${describePlan(plan)}): ${result.accepted} accepted, ${result.lost} lost, ${result.duplicated} duplicated, ${result.outOfOrder} out of order`,
      )
    } catch (error) {
      errored.push(
        `trial ${plan.trial} (${describePlan(plan)}): ${error instanceof Error ? error.message : String(error)}`,
      )
      console.error(`ERRORED ${errored.at(-1)}`)
    }
  }

  const row = (label: string, t: TrialTotals): Array<string | number> => [
    label,
    t.trials,
    t.accepted,
    t.delivered,
    t.lost,
    t.duplicated,
    t.outOfOrder,
    t.unanswered,
  ]
  const byVictim = (role: Role): TrialTotals =>
    totals(results.filter((r) => r.plan.kills[0]?.victim === role))
  const all = totals(results)
  const twice = totals(results.filter((r) => r.plan.kills.length > 1))
  const failed = results.filter((r) => r.lost + r.duplicated + r.outOfOrder > 0)
  return {
    title: `Crash trials (seed ${seed}, ${trials} trials, ${messages} messages each)`,
    columns: [
      'kill -9',
      'trials',
      'accepted',
      'delivered',
      'lost',
      'duplicated',
      'out of order',
      'unanswered',
    ],
    rows: [
      row('reference: same burst, no kill', totals([reference])),
      row('receiver (Bo) first', byVictim('receiver')),
      row('sender (Ada) first', byVictim('sender')),
      row('relay first', byVictim('relay')),
      row('… and a second kill during recovery', twice),
      row('all trials', all),
    ],
    notes: [
      "accepted: ids Ada's send returned (in her outbox); delivered/lost: of those, shown at Bo after every restart has settled;",
      'duplicated: shown more than once; out of order: shown before a message Ada sent earlier; unanswered: sends cut off by a killed sender (not counted as accepted).',
      ...errored.map((e) => `ERRORED (not counted) ${e}`),
      ...failed.map(
        (r) =>
          `FAILED trial ${r.plan.trial} (${describePlan(r.plan)}): ${r.lost} lost, ${r.duplicated} duplicated, ${r.outOfOrder} out of order`,
      ),
      `replay: npm run bench -- crash --trials ${trials} --messages ${messages} --seed ${seed}`,
    ],
    json: {
      seed,
      trials: all.trials,
      messages_per_trial: messages,
      accepted: all.accepted,
      delivered: all.delivered,
      lost: all.lost,
      duplicated: all.duplicated,
      out_of_order: all.outOfOrder,
      unanswered: all.unanswered,
      errored: errored.length,
      reference_accepted: reference.accepted,
      reference_delivered: reference.delivered,
      reference_lost: reference.lost,
      reference_duplicated: reference.duplicated,
    },
  }
}
