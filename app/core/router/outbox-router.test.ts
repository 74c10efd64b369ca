import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test, type TestContext } from 'node:test'
import { pino } from 'pino'
import { generateIdentity } from '../../../shared/identity.js'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import type { DeliveryPath, PathEvents, PathName } from '../delivery.js'
import { Store, type MessageRow } from '../store/index.js'
import { OutboxRouter, RELAY_REPUBLISH_MS } from './outbox-router.js'

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
  const logged: Array<{ msg: string; err?: string }> = []
  // random 0: each delay is exactly half its ceiling; long base so no timer fires during the test
  const router = new OutboxRouter({
    store,
    me,
    paths: [path],
    backoff: { baseMs: 60_000, maxMs: 240_000 },
    now: () => clock,
    reconnect: (recipient) => redials.push(recipient),
    random: () => 0,
    log: pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
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
  // and was logged to the logger the router was given, one line with the reason
  assert.deepEqual(
    logged.map(({ msg, err }) => [msg, err]),
    Array(5).fill([
      `delivery to ${peer} failed`,
      `No path reaches ${peer} now; its messages stay queued.`,
    ]),
  )
  // not due yet: a kick does not try again
  router.kick(peer)
  await router.settled()
  assert.equal(store.outbox.head(peer, 1)[0]?.attempts, 5)

  net.up(peer) // the path reports the peer online: retried at once, and delivered
  await router.settled()
  assert.equal(store.outbox.size(), 0)
})

/**
 * A path for the router's logic, scripted per test: `reach` says whether it can reach the peer,
 * `answer` acks (returns) or refuses (throws) each delivery. The relay one stands for a relay that
 * PUBACKs into an inbox nobody reads (docs/protocol.md §6 "Delivery"); the real relay and nodes
 * are exercised by test/delivery/relay-black-hole.test.ts.
 */
class ScriptedPath implements DeliveryPath {
  readonly delivered: Envelope[] = []
  reach = false
  answer: (envelope: Envelope) => void = () => undefined
  readonly #events = new EventEmitter()

  constructor(readonly name: PathName) {}

  canReach(): boolean {
    return this.reach
  }

  async deliver(_peerId: string, envelope: Envelope): Promise<void> {
    this.answer(envelope)
    this.delivered.push(envelope)
  }

  onInbound(): void {}

  on<K extends keyof PathEvents>(event: K, listener: (detail: PathEvents[K]) => void): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof PathEvents>(event: K, listener: (detail: PathEvents[K]) => void): void {
    this.#events.off(event, listener)
  }

  online(peerId: string): void {
    this.reach = true
    this.#events.emit('peer:online', { peerId, addresses: [] })
  }
}

async function twoPaths(t: TestContext) {
  const me = (await generateIdentity()).peerId
  const peer = (await generateIdentity()).peerId
  const lan = new ScriptedPath('lan')
  const relay = new ScriptedPath('relay')
  const store = Store.open(':memory:')
  const clock = { now: 1_000_000 }
  const states: MessageRow[] = []
  const redials: string[] = []
  const router = new OutboxRouter({
    store,
    me,
    paths: [lan, relay],
    now: () => clock.now,
    random: () => 0,
    onMessageState: (message) => states.push(message),
    reconnect: (recipient) => redials.push(recipient),
  })
  t.after(() => {
    router.stop()
    store.close()
  })
  router.start()
  const send = (text: string): MessageRow => {
    const message = store.queueOutgoing(
      { id: newMessageId(clock.now), sender: me, recipient: peer, sentAt: clock.now, text },
      clock.now,
    )
    router.kick(peer)
    return message
  }
  return { me, peer, lan, relay, store, clock, router, states, redials, send }
}

const texts = (envelopes: Envelope[]): string[] =>
  envelopes.map((e) => (e.kind === 'text' ? e.text : e.kind))

test('a relay PUBACK is not delivery: the rows stay, are not republished, and go direct once the peer is on the LAN', async (t) => {
  const { peer, lan, relay, store, clock, router, redials, send } = await twoPaths(t)
  relay.reach = true // only the relay reaches the peer; it stores, the peer never reads it
  const sent = Array.from({ length: 20 }, (_, i) => send(`m${i}`))
  await router.settled()
  assert.deepEqual(
    texts(relay.delivered),
    sent.map((m) => m.text),
  )
  assert.ok(sent.every((m) => store.messages.get(m.id)?.state === 'sent'))
  assert.equal(store.outbox.size(), 20, 'still the sender’s responsibility')
  // and the LAN is still being tried: the peer is redialled on the usual back-off
  assert.ok(redials.includes(peer))
  const retryAt = store.outbox.head(peer, 1)[0]!.nextAttemptAt
  assert.ok(retryAt > clock.now && retryAt < clock.now + RELAY_REPUBLISH_MS)

  // the relay reconnects, the router is kicked, time passes short of the republish wait: nothing
  // is published again — the relay has it
  router.wake(peer)
  clock.now += RELAY_REPUBLISH_MS - 1
  router.kick(peer)
  await router.settled()
  assert.equal(relay.delivered.length, 20)
  // something new still goes to the relay at once, behind the ones it holds
  const late = send('late')
  await router.settled()
  assert.deepEqual(texts(relay.delivered.slice(20)), ['late'])

  lan.online(peer) // the peer shows up on the LAN: everything only relayed goes direct, in order
  await router.settled()
  assert.deepEqual(
    texts(lan.delivered),
    [...sent, late].map((m) => m.text),
  )
  assert.equal(relay.delivered.length, 21)
  assert.equal(store.outbox.size(), 0)
  assert.ok([...sent, late].every((m) => store.messages.get(m.id)?.state === 'delivered'))
})

test('a relayed row leaves on the delivered receipt, and is republished to the relay only after the long wait', async (t) => {
  const { peer, relay, store, clock, router, send } = await twoPaths(t)
  relay.reach = true
  const [a, b] = [send('a'), send('b')]
  await router.settled()
  assert.equal(store.outbox.size(), 2)
  // the receipt comes back through the relay for a: its row goes, b's stays
  store.applyReceipt(peer, [a.id], 'delivered')
  assert.equal(store.messages.get(a.id)?.state, 'delivered')
  assert.deepEqual(
    store.outbox.head(peer, 10).map((r) => r.messageId),
    [b.id],
  )
  clock.now += RELAY_REPUBLISH_MS
  router.kick(peer)
  await router.settled()
  assert.deepEqual(texts(relay.delivered), ['a', 'b', 'b'], 'b once more, after the wait')
  assert.equal(store.outbox.size(), 1)
})

test('a permanent error marks the message failed with its reason, and the queue moves on', async (t) => {
  const { lan, store, router, states, send } = await twoPaths(t)
  lan.reach = true
  lan.answer = (envelope) => {
    if (envelope.kind === 'text' && envelope.text === 'two')
      throw new PigeonError('ENVELOPE_OVERSIZE', 'The message is too large for any peer.')
  }
  const sent = ['one', 'two', 'three'].map(send)
  await router.settled()
  assert.deepEqual(texts(lan.delivered), ['one', 'three'])
  const failed = store.messages.get(sent[1]!.id)
  assert.equal(failed?.state, 'failed')
  assert.equal(failed?.failure, 'The message is too large for any peer.')
  assert.ok(states.some((m) => m.state === 'failed' && m.failure === failed?.failure))
  assert.deepEqual(
    [sent[0], sent[2]].map((m) => store.messages.get(m!.id)?.state),
    ['delivered', 'delivered'],
  )
  assert.equal(store.outbox.size(), 0, 'nothing left to retry')
  // a retryable refusal is still retried, not failed
  lan.answer = () => {
    throw new PigeonError('DELIVERY_REFUSED', 'the peer could not store it')
  }
  const four = send('four')
  await router.settled()
  assert.equal(store.messages.get(four.id)?.state, 'pending')
  assert.equal(store.outbox.size(), 1)
})

test('a file offer waits for the LAN without holding up the texts behind it, which go by the relay', async (t) => {
  const me = (await generateIdentity()).peerId
  const peer = (await generateIdentity()).peerId
  const lan = new ScriptedPath('lan')
  const relay = new ScriptedPath('relay')
  const store = Store.open(':memory:')
  const clock = { now: 1_000_000 }
  const offerId = newMessageId(clock.now)
  const offer: Envelope = {
    id: offerId,
    sender: me,
    to: { peer },
    sentAt: clock.now,
    kind: 'file-offer',
    file: { name: 'report.pdf', size: 5, sha256: new Uint8Array(32) },
  }
  const router = new OutboxRouter({
    store,
    me,
    paths: [lan, relay],
    now: () => clock.now,
    random: () => 0,
    fileOffer: (id) => (Buffer.from(id).equals(Buffer.from(offerId)) ? offer : undefined),
  })
  t.after(() => {
    router.stop()
    store.close()
  })
  router.start()
  relay.reach = true
  store.queueOutgoing(
    {
      id: offerId,
      sender: me,
      recipient: peer,
      sentAt: clock.now,
      text: 'report.pdf',
      kind: 'file',
    },
    clock.now,
  )
  store.queueOutgoing(
    { id: newMessageId(clock.now), sender: me, recipient: peer, sentAt: clock.now, text: 'hello' },
    clock.now,
  )
  router.kick(peer)
  await router.settled()
  assert.deepEqual(texts(relay.delivered), ['hello'])
  assert.equal(store.messages.get(offerId)?.state, 'pending')
  // queued after the offer's first try: it does not wait behind the offer's retry
  store.queueOutgoing(
    { id: newMessageId(clock.now), sender: me, recipient: peer, sentAt: clock.now, text: 'later' },
    clock.now,
  )
  router.kick(peer)
  await router.settled()
  assert.deepEqual(texts(relay.delivered), ['hello', 'later'])

  lan.online(peer)
  await router.settled()
  assert.deepEqual(texts(lan.delivered).slice(0, 1), ['file-offer'])
  assert.equal(store.messages.get(offerId)?.state, 'delivered')
})
