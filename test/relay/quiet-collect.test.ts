// relay/quiet-collect.ts: one full collection once a burst of connections has gone quiet; none
// for a handful of connections, none while they keep arriving, and one per burst.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { QuietCollector } from '../../relay/quiet-collect.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// the collector's clock is ours: "quiet" is decided by it, so a slow machine changes nothing
let clock = 0

function collector(minConnections: number): { quiet: QuietCollector; runs: () => number } {
  let runs = 0
  const quiet = new QuietCollector({
    collect: () => runs++,
    quietMs: 40,
    minConnections,
    now: () => clock,
  })
  return { quiet, runs: () => runs }
}

/** lets the collector's timers fire, with `advance` ms passed on its clock */
async function later(advance: number): Promise<void> {
  clock += advance
  await sleep(150)
}

test('a burst followed by quiet gets one collection', async () => {
  const { quiet, runs } = collector(5)
  for (let i = 0; i < 20; i++) quiet.connected()
  await later(100)
  assert.equal(runs(), 1)
  quiet.close()
})

test('fewer connections than the minimum get none', async () => {
  const { quiet, runs } = collector(5)
  for (let i = 0; i < 4; i++) quiet.connected()
  await later(100)
  assert.equal(runs(), 0)
  quiet.close()
})

test('none while connections keep arriving; one once they stop; the next burst gets its own', async () => {
  const { quiet, runs } = collector(5)
  // one connection every 10 ms of the collector's clock, each within the 40 ms of quiet asked for,
  // while its timers fire several times
  for (let i = 0; i < 8; i++) {
    quiet.connected()
    clock += 10
    await sleep(60)
  }
  assert.equal(runs(), 0)
  await later(100)
  assert.equal(runs(), 1)
  for (let i = 0; i < 5; i++) quiet.connected()
  await later(100)
  assert.equal(runs(), 2)
  quiet.close()
})
