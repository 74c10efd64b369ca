// SIGTERM while the relay is busy (docs/relay.md "Shutdown"; a SIGTERM during a long SUBSCRIBE
// crashed the relay with an unhandled LEVEL_DATABASE_NOT_OPEN): it stops cleanly, exit code 0, nothing
// unhandled on stderr, and every message it PUBACKed is there after the restart.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic, presenceTopic } from '../../shared/topics.js'
import { startRelayProcess, unthrottled, type RelayProcess } from '../support/relay-process.js'
import { closeAll, collect, connectAs } from '../support/mqtt-clients.js'
import { bytesOf, rawConnect } from '../support/raw-mqtt.js'

const ARGS = unthrottled(20_000)

test('SIGTERM during a burst of publishes and a large SUBSCRIBE: exit 0, nothing unhandled, every PUBACKed message kept', async (t) => {
  const relay = await startRelayProcess({ args: ARGS })
  let again: RelayProcess | undefined
  try {
    const [alice, bob, carol] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ])
    const offline = await connectAs(relay.mqtt, bob, relay.relayId)
    await offline.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
    await offline.endAsync()
    // presence retained for some of the 800 topics: after the SUBACK, aedes streams them from
    // the store (lib/handlers/subscribe.js completeSubscribe), which is where the SIGTERM lands
    const watchers = await Promise.all(Array.from({ length: 800 }, () => generateIdentity()))
    for (const w of watchers.slice(0, 60)) {
      const client = await connectAs(relay.mqtt, w, relay.relayId, { clean: true })
      await client.publishAsync(presenceTopic(w.peerId), 'online', { qos: 1, retain: true })
      await client.endAsync()
    }

    const subscriber = await rawConnect(relay.mqtt, carol, relay.relayId, { clean: false })
    const sender = await rawConnect(relay.mqtt, alice, relay.relayId)
    const burst = Array.from({ length: 2000 }, (_, i) => ({
      cmd: 'publish',
      topic: inboxTopic(bob.peerId),
      payload: Buffer.from(`b${i}`),
      qos: 1,
      messageId: i + 1,
      retain: false,
      dup: false,
    }))
    subscriber.write(
      bytesOf([
        {
          cmd: 'subscribe',
          messageId: 1,
          subscriptions: watchers.map((w) => ({ topic: presenceTopic(w.peerId), qos: 1 })),
        },
      ]),
    )
    sender.write(bytesOf(burst))
    await subscriber.waitFor('suback', 1, 60_000)
    const code = await relay.stop() // SIGTERM with work in flight
    const acked = sender.received
      .filter((p) => p.cmd === 'puback')
      .map((p) => `b${(p as { messageId: number }).messageId - 1}`)
    assert.equal(code, 0, `exit code ${code}; stderr: ${relay.stderr().slice(0, 2000)}`)
    assert.doesNotMatch(relay.stderr(), /LEVEL_DATABASE_NOT_OPEN|Unhandled|Error/i)
    assert.ok(!relay.logs.some((l) => l['level'] === 60), 'a fatal error was logged')

    t.diagnostic(`${acked.length} of ${burst.length} PUBACKed before the SIGTERM`)
    again = await startRelayProcess({ dataDir: relay.dataDir, args: ARGS })
    const back = await connectAs(again.mqtt, bob, again.relayId)
    const inbox = collect(back)
    await inbox.waitFor(acked.length)
    const got = new Set(inbox.messages.map((m) => m.payload.toString()))
    const lost = acked.filter((id) => !got.has(id))
    assert.deepEqual(
      lost,
      [],
      `${lost.length} of ${acked.length} PUBACKed messages lost in the shutdown`,
    )
  } finally {
    await closeAll()
    await relay.stop()
    await again?.stop()
    relay.cleanup()
  }
})
