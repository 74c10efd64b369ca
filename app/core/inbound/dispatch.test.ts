// The inbound dispatcher over the in-memory path (real SQLite): what has no handler yet is acked
// and named in a warning, and nothing is taken while the engine stops.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { isPigeonError } from '../../../shared/errors.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import { makeNode } from '../../../test/app/support/messenger-harness.js'

const offer = (sender: string, to: string): Envelope => ({
  id: newMessageId(),
  sender,
  to: { peer: to },
  sentAt: Date.now(),
  kind: 'file-offer',
  file: { name: 'notes.txt', size: 5, sha256: new Uint8Array(32) },
})

test('a kind without a handler (a file offer) is acked, so the sender stops, and named in a warning', async (t) => {
  const net = new MemoryNetwork()
  const warnings: string[] = []
  const alice = await makeNode(t, net, 'alice')
  // the warnings, through a pino destination of the test's own
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) },
  )
  const bob = await makeNode(t, net, 'bob', { logger })
  net.up(alice.peerId)
  net.up(bob.peerId)
  await alice.path.deliver(bob.peerId, offer(alice.peerId, bob.peerId))
  assert.deepEqual(warnings, [`ignored a file-offer envelope from ${alice.peerId}`])
  assert.equal(bob.messenger.history(alice.peerId).length, 0)
})

test('a stopped engine refuses what arrives, so the path does not ack it', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId)
  net.up(bob.peerId)
  await bob.messenger.stop()
  const text: Envelope = {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: bob.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: 'too late',
  }
  await assert.rejects(
    alice.path.deliver(bob.peerId, text),
    (e) => isPigeonError(e) && e.code === 'DELIVERY_REFUSED',
  )
  assert.equal(bob.store.messages.history(alice.peerId, { limit: 5 }).length, 0)
})
