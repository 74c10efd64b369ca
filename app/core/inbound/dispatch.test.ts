// The inbound dispatcher over the in-memory path (real SQLite): nothing is taken while the engine
// stops.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { isPigeonError } from '../../../shared/errors.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import { makeNode } from '../../../test/app/support/messenger-harness.js'

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
