// The journal store (relay/journal/) wrapped by the queue ledger (relay/queue.ts), as the relay
// runs it, must behave as an aedes persistence: aedes-persistence's own abstract test suite.
import { join } from 'node:path'
import { JournalPersistence } from '../../relay/journal/persistence.js'
import { runAbstractSuite } from '../support/relay-abstract.js'

runAbstractSuite((dir) => JournalPersistence.open({ path: join(dir, 'journal.log') }).persistence)
