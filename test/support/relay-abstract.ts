// aedes-persistence's abstract test suite run against one of the relay's store stacks, with the
// queue ledger (relay/queue.ts) on top as the relay runs it; each test gets a fresh directory.
import { after, test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMetrics } from '../../relay/metrics.js'
import { QueueLedger } from '../../relay/queue.js'

const require = createRequire(import.meta.url)
const abstractPersistence = require('aedes-persistence/abstract.js') as (opts: unknown) => void

export function runAbstractSuite(open: (dir: string) => object): void {
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
      const ledger = new QueueLedger({
        cap: Number.MAX_SAFE_INTEGER,
        ttlMs: Number.MAX_SAFE_INTEGER,
        metrics: createMetrics(),
      })
      return ledger.wrap(open(dir))
    },
  })
}
