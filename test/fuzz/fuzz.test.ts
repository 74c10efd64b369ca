// Every fuzz target (test/fuzz/README.md) with 10,000 inputs — the relay target with fewer, each
// of its inputs is a TCP connection to a real relay process — and a printed seed: no crash, no
// hang. `npm run fuzz -- <target>` runs 1,000,000.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runTarget } from './run.js'
import { targets } from './targets.js'

const seed =
  process.env['FUZZ_SEED'] !== undefined
    ? Number(process.env['FUZZ_SEED'])
    : (Math.random() * 2 ** 31) | 0

for (const name of Object.keys(targets)) {
  test(`fuzz ${name}: returns a value or a PigeonError, never another exception or a hang`, async (t) => {
    const { target } = await targets[name]!()
    const runs = target.testRuns ?? 10_000
    const result = await runTarget(name, { runs, seed })
    t.diagnostic(
      `${name}: seed ${seed}, ${result.runs} runs, ${result.crashes} crashes, ${result.hangs} hangs (replay: npm run fuzz -- ${name} --runs ${runs} --seed ${seed})`,
    )
    assert.equal(
      result.runs,
      runs,
      `ran ${result.runs} of ${runs} inputs\n${result.examples.join('\n')}`,
    )
    assert.deepEqual(
      { crashes: result.crashes, hangs: result.hangs },
      { crashes: 0, hangs: 0 },
      result.examples.join('\n'),
    )
  })
}

const broken = new URL('./fixtures/broken.ts', import.meta.url).href

test('the fuzz runner counts crashes and async hangs, and goes on', async () => {
  const result = await runTarget(broken, { runs: 100, seed, hangMs: 300 })
  assert.equal(result.runs, 100)
  assert.equal(result.crashes, 10, result.examples.join('\n'))
  assert.equal(result.hangs, 1, result.examples.join('\n'))
  assert.match(result.examples.join('\n'), /TypeError: not a PigeonError|not a PigeonError/)
})

test('the fuzz runner kills a target stuck in a synchronous loop and reports a hang', async () => {
  const result = await runTarget(broken, {
    runs: 100,
    seed,
    hangMs: 300,
    env: { BROKEN_SYNC_HANG: '1' },
  })
  assert.equal(result.hangs, 1, result.examples.join('\n'))
  assert.ok(result.runs < 100, `ran ${result.runs}`)
  assert.match(result.examples.join('\n'), /no progress/)
})
