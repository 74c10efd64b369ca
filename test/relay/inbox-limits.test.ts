// What a PUBACK into an inbox promises (docs/relay.md "Guarantees"): every acknowledged message is
// stored, even when a whole socket read of publishes meets the cap at once; one sender gets only
// its share of an inbox; an inbox nobody has a session for gets one on its first publish, and one
// sender may start only so many that nobody claims.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { startRelayProcess, unthrottled, type RelayProcess } from '../support/relay-process.js'
import { closeAll, closed, collect, connectAs } from '../support/mqtt-clients.js'
import { bytesOf, rawConnect } from '../support/raw-mqtt.js'

async function goOffline(relay: RelayProcess, who: Identity): Promise<void> {
  const client = await connectAs(relay.mqtt, who, relay.relayId)
  await client.subscribeAsync(inboxTopic(who.peerId), { qos: 1 })
  await client.endAsync()
}

async function fill(
  relay: RelayProcess,
  from: Identity,
  to: Identity,
  n: number,
  tag: string,
): Promise<void> {
  const sender = await connectAs(relay.mqtt, from, relay.relayId, { clean: true })
  const window: Array<Promise<unknown>> = []
  for (let i = 0; i < n; i++) {
    window.push(sender.publishAsync(inboxTopic(to.peerId), `${tag}${i}`, { qos: 1 }))
    if (window.length >= 64) await Promise.all(window.splice(0))
  }
  await Promise.all(window)
  await sender.endAsync()
}

/** Publishes one QoS 1 message and reports whether it was PUBACKed (false: the relay closed the connection). */
async function acked(
  relay: RelayProcess,
  from: Identity,
  to: Identity,
  text: string,
): Promise<boolean> {
  const client = await connectAs(relay.mqtt, from, relay.relayId, { clean: true })
  client.on('error', () => undefined)
  const gone = closed(client)
  const ack = client.publishAsync(inboxTopic(to.peerId), text, { qos: 1 }).then(
    () => true,
    () => false,
  )
  const outcome = await Promise.race([ack, gone.then(() => false)])
  await client.endAsync(true)
  return outcome
}

async function collectInbox(relay: RelayProcess, who: Identity, n: number): Promise<string[]> {
  const client = await connectAs(relay.mqtt, who, relay.relayId)
  const inbox = collect(client)
  await client.subscribeAsync(inboxTopic(who.peerId), { qos: 1 })
  await inbox.waitFor(n)
  await new Promise((r) => setTimeout(r, 300)) // anything beyond n would come right behind
  await client.endAsync()
  return inbox.messages.map((m) => m.payload.toString())
}

test('100 publishes in one socket write into an inbox at 960 of 1,000: every PUBACKed one is stored', async () => {
  const relay = await startRelayProcess({
    args: unthrottled(1000),
  })
  let again: RelayProcess | undefined
  try {
    const [alice, bob, carol] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ])
    await goOffline(relay, bob)
    await fill(relay, alice, bob, 960, 'a')

    const raw = await rawConnect(relay.mqtt, carol, relay.relayId)
    const burst = Array.from({ length: 100 }, (_, i) => ({
      cmd: 'publish',
      topic: inboxTopic(bob.peerId),
      payload: Buffer.from(`c${i}`),
      qos: 1,
      messageId: i + 1,
      retain: false,
      dup: false,
    }))
    raw.write(bytesOf(burst)) // one write: the relay reads them together
    await Promise.race([raw.closed(), raw.waitFor('puback', 100)])
    const pubacks = raw.received
      .filter((p) => p.cmd === 'puback')
      .map((p) => (p as { messageId: number }).messageId)
    const ackedIds = pubacks.map((id) => `c${id - 1}`)
    assert.ok(ackedIds.length <= 40, `${ackedIds.length} PUBACKs for 40 free places`)

    assert.equal(await relay.stop(), 0)
    again = await startRelayProcess({
      dataDir: relay.dataDir,
      args: unthrottled(1000),
    })
    const stored = await collectInbox(again, bob, 960 + ackedIds.length)
    const lost = ackedIds.filter((id) => !stored.includes(id))
    assert.deepEqual(
      lost,
      [],
      `${lost.length} of ${ackedIds.length} acknowledged messages were not stored`,
    )
    assert.ok(stored.length <= 1000, `${stored.length} stored past the cap of 1,000`)
    assert.ok(await raw.closed(), 'publishing past the cap did not close the connection')
  } finally {
    await closeAll()
    await relay.stop()
    await again?.stop()
    relay.cleanup()
  }
})

test('one sender fills only its share of an inbox; another sender still gets through', async () => {
  const relay = await startRelayProcess({
    args: [...unthrottled(), '--queue-cap', '10', '--sender-share', '4'],
  })
  try {
    const [mallory, alice, bob] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ])
    await goOffline(relay, bob)
    await fill(relay, mallory, bob, 4, 'm')
    assert.equal(
      await acked(relay, mallory, bob, 'm-over'),
      false,
      'a fifth message from one sender was accepted past its share',
    )
    for (let i = 0; i < 4; i++)
      assert.equal(
        await acked(relay, alice, bob, `a${i}`),
        true,
        `alice's message ${i} was refused`,
      )
    const text = await (await fetch(`${relay.http}/metrics`)).text()
    assert.match(text, /^pigeon_relay_acl_refusals_total\{reason="share_full"\} 1$/m)
    assert.deepEqual((await collectInbox(relay, bob, 8)).sort(), [
      'a0',
      'a1',
      'a2',
      'a3',
      'm0',
      'm1',
      'm2',
      'm3',
    ])
    // collected: the share is free again
    assert.equal(await acked(relay, mallory, bob, 'm-after'), true)
  } finally {
    await closeAll()
    await relay.stop()
    relay.cleanup()
  }
})

test('a publish to an inbox never seen here is stored, survives kill -9, and reaches its owner once on its first connect', async () => {
  const relay = await startRelayProcess({ args: unthrottled() })
  let again: RelayProcess | undefined
  try {
    const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
    // bob has never connected to this relay
    for (let i = 0; i < 3; i++)
      assert.equal(await acked(relay, alice, bob, `first${i}`), true, `message ${i} refused`)
    await relay.kill9()
    again = await startRelayProcess({ dataDir: relay.dataDir, args: unthrottled() })
    // the app's first connect: clean=false, then its inbox SUBSCRIBE (QoS 1)
    assert.deepEqual(await collectInbox(again, bob, 3), ['first0', 'first1', 'first2'])
    const later = await connectAs(again.mqtt, bob, again.relayId)
    const redelivered = collect(later)
    await later.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
    await new Promise((r) => setTimeout(r, 300))
    assert.deepEqual(redelivered.messages, [], 'the queue was delivered twice')
    await later.endAsync()
  } finally {
    await closeAll()
    await relay.stop()
    await again?.stop()
    relay.cleanup()
  }
})

test('one sender may start only --max-created-inboxes inboxes whose owners have not connected', async () => {
  const relay = await startRelayProcess({ args: [...unthrottled(), '--max-created-inboxes', '2'] })
  try {
    const [mallory, carol, b1, b2, b3, b4] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ])
    assert.equal(await acked(relay, mallory, b1, 'x'), true)
    assert.equal(await acked(relay, mallory, b2, 'x'), true)
    assert.equal(await acked(relay, mallory, b1, 'again'), true, 'a started inbox is charged once')
    assert.equal(
      await acked(relay, mallory, b3, 'x'),
      false,
      'a third unclaimed inbox was started by one sender',
    )
    const text = await (await fetch(`${relay.http}/metrics`)).text()
    assert.match(text, /^pigeon_relay_acl_refusals_total\{reason="inbox_create_limit"\} 1$/m)
    assert.equal(await acked(relay, carol, b3, 'from carol'), true, 'another sender was refused')
    // b1 connects: its inbox is claimed, and mallory may start another
    assert.deepEqual(await collectInbox(relay, b1, 2), ['x', 'again'])
    assert.equal(await acked(relay, mallory, b4, 'x'), true)
    assert.deepEqual(await collectInbox(relay, b3, 1), ['from carol'])
  } finally {
    await closeAll()
    await relay.stop()
    relay.cleanup()
  }
})
