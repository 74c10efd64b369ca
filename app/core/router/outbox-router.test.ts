import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateIdentity } from '../../../shared/identity.js'
import { newMessageId } from '../../../shared/envelope.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import { Store } from '../store/index.js'
import { OutboxRouter } from './outbox-router.js'

test('each failure pushes the next attempt further out, up to the cap; coming online makes it due now', async (t) => {
  const me = (await generateIdentity()).peerId
  const peer = (await generateIdentity()).peerId
  const net = new MemoryNetwork()
  const path = net.path(me)
  net.path(peer).onInbound(async () => {}) // a receiver that stores nothing but acks
  net.up(me)
  const store = Store.open(':memory:')
  let clock = 1_000_000
  const redials: string[] = []
  // random 0: each delay is exactly half its ceiling; long base so no timer fires during the test
  const router = new OutboxRouter({
    store,
    me,
    paths: [path],
    backoff: { baseMs: 60_000, maxMs: 240_000 },
    now: () => clock,
    reconnect: (recipient) => redials.push(recipient),
    random: () => 0,
  })
  t.after(() => {
    router.stop()
    store.close()
  })
  router.start()
  store.queueOutgoing(
    { id: newMessageId(), sender: me, recipient: peer, sentAt: clock, text: 'hi' },
    clock,
  )
  const delays: number[] = []
  for (let i = 0; i < 5; i++) {
    clock = store.outbox.head(peer, 1)[0]!.nextAttemptAt
    router.kick(peer)
    await router.settled()
    const row = store.outbox.head(peer, 1)[0]!
    assert.equal(row.attempts, i + 1)
    delays.push(row.nextAttemptAt - clock)
  }
  assert.deepEqual(delays, [30_000, 60_000, 120_000, 120_000, 120_000])
  // each retry that found no path asked for the peer to be redialled
  assert.deepEqual(redials, [peer, peer, peer, peer, peer])
  // not due yet: a kick does not try again
  router.kick(peer)
  await router.settled()
  assert.equal(store.outbox.head(peer, 1)[0]?.attempts, 5)

  net.up(peer) // the path reports the peer online: retried at once, and delivered
  await router.settled()
  assert.equal(store.outbox.size(), 0)
})
