// The relay's store layers — relay/coalesced-level.ts (batched writes, read cache) under
// aedes-persistence-level, wrapped by relay/queue.ts (cap and ordering) — must behave as an aedes
// persistence: aedes-persistence's own abstract test suite, run against exactly that stack.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js'
import { coalescedLevel } from '../../relay/coalesced-level.js'
import { createMetrics } from '../../relay/metrics.js'
import { QueueLedger } from '../../relay/queue.js'
import { runAbstractSuite } from '../support/relay-abstract.js'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

runAbstractSuite(
  (dir) => new AsyncLevelPersistence(coalescedLevel(new ClassicLevel<string, Buffer>(dir))),
)

// Our own check on the same stack: a retained message (how presence and group documents are kept)
// is readable by a subscription at once, while its write may still sit in the coalescing batch.
test('a retained message written through the stack is found by the next subscription at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-retained-'))
  dirs.push(dir)
  const ledger = new QueueLedger({ cap: 10, ttlMs: 60_000, metrics: createMetrics() })
  const store = ledger.wrap(
    new AsyncLevelPersistence(coalescedLevel(new ClassicLevel<string, Buffer>(dir))),
  ) as unknown as {
    storeRetained: (packet: object) => Promise<void>
    createRetainedStream: (pattern: string) => AsyncIterable<{ topic: string; payload: Buffer }>
    destroy?: () => Promise<void>
  }
  const topic = 'pigeon/v1/presence/12D3KooWExample'
  await store.storeRetained({
    cmd: 'publish',
    topic,
    payload: Buffer.from([1, 2, 3]),
    qos: 1,
    retain: true,
    brokerId: 'b',
    brokerCounter: 1,
  })
  const found: Array<{ topic: string; payload: Buffer }> = []
  for await (const packet of store.createRetainedStream(topic)) found.push(packet)
  assert.deepEqual(
    found.map((p) => [p.topic, [...p.payload]]),
    [[topic, [1, 2, 3]]],
  )
  await store.destroy?.()
})
