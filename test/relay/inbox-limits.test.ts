// What a PUBACK into an inbox promises (docs/relay.md "Guarantees"): every acknowledged message is
// stored, even when a whole socket read of publishes meets the cap at once; one sender gets only
// its share of an inbox; an inbox nobody has a session for is refused, not acknowledged into
// nothing (issue 10 items 1, 2, 10).
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

test('a publish to an inbox nobody has a session for is refused, not acknowledged into nothing', async () => {
  const relay = await startRelayProcess({ args: unthrottled() })
  try {
    const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
    assert.equal(
      await acked(relay, alice, bob, 'into the void'),
      false,
      'a message for an inbox without a session was PUBACKed',
    )
    const text = await (await fetch(`${relay.http}/metrics`)).text()
    assert.match(text, /^pigeon_relay_acl_refusals_total\{reason="inbox_unknown"\} 1$/m)
    // once bob has had a session here, his inbox queues while he is away
    await goOffline(relay, bob)
    assert.equal(await acked(relay, alice, bob, 'queued'), true)
    assert.deepEqual(await collectInbox(relay, bob, 1), ['queued'])
  } finally {
    await closeAll()
    await relay.stop()
    relay.cleanup()
  }
})
