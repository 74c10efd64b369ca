// The relay's store layers — relay/coalesced-level.ts (batched writes, read cache) under
// aedes-persistence-level, wrapped by relay/queue.ts (cap and ordering) — must behave as an aedes
// persistence: aedes-persistence's own abstract test suite, run against exactly that stack.
import { after, test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import AsyncLevelPersistence from 'aedes-persistence-level/asyncPersistence.js'
import { coalescedLevel } from '../../relay/coalesced-level.js'
import { createMetrics } from '../../relay/metrics.js'
import { QueueLedger } from '../../relay/queue.js'

const require = createRequire(import.meta.url)
const abstractPersistence = require('aedes-persistence/abstract.js') as (opts: unknown) => void

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

abstractPersistence({
  test,
  testAsync: true,
  persistence: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pigeon-abstract-'))
    dirs.push(dir)
    const ledger = new QueueLedger({ cap: Number.MAX_SAFE_INTEGER, ttlMs: Number.MAX_SAFE_INTEGER, metrics: createMetrics() })
    return ledger.wrap(new AsyncLevelPersistence(coalescedLevel(new ClassicLevel<string, Buffer>(dir))))
  },
})
