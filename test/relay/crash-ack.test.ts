// "Every message is either on disk or acknowledged by whoever holds it next": once a sender has
// the relay's PUBACK it stops publishing the message there (its row waits for the recipient's
// receipt), so a PUBACK from the relay must mean the message is in the offline subscriber's
// queue on disk. Each round kills the relay with SIGKILL the moment the sender sees
// the PUBACK of message k (from inside mqtt.js' publish callback, while later messages are still
// in flight), restarts it on the same data dir, and checks that every PUBACKed message reaches
// the subscriber. Unacknowledged ones may or may not arrive (the sender still holds them).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { MqttClient } from 'mqtt'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { startRelayProcess, unthrottled, type RelayProcess } from '../support/relay-process.js'
import { closeAll, closed, connectAs } from '../support/mqtt-clients.js'

const FAST = unthrottled(20_000)
const MESSAGES = 400

/**
 * Publishes MESSAGES QoS 1 messages, at most `window` unacknowledged at a time, and SIGKILLs the
 * relay on the PUBACK of message number `killAt`. Resolves with every id the sender saw PUBACKed.
 */
async function publishUntilKilled(
  relay: RelayProcess,
  sender: MqttClient,
  topic: string,
  round: number,
  window: number,
  killAt: number,
): Promise<Set<string>> {
  const acked = new Set<string>()
  const gone = closed(sender, 20_000)
  let sent = 0
  let settled = 0
  let killed = false
  const pump = (): void => {
    while (!killed && sent < MESSAGES && sent - settled < window) {
      const id = `r${round}-m${sent++}`
      sender.publish(topic, id, { qos: 1 }, (error) => {
        settled++
        if (!error) acked.add(id) // null on PUBACK
        if (!killed && acked.size === killAt + 1) {
          // synchronously, before this process does anything else: the relay has just sent this PUBACK
          relay.child.kill('SIGKILL')
          killed = true
        }
        pump()
      })
    }
  }
  pump()
  assert.ok(await gone, 'the relay did not go away')
  await relay.kill9() // waits for the exit (and kills, should the k-th PUBACK never have come)
  return acked
}

/** Collects the subscriber's queue after the restart until every expected id came (or a deadline). */
async function drainInbox(
  relay: RelayProcess,
  bob: Awaited<ReturnType<typeof generateIdentity>>,
  expected: Set<string>,
): Promise<string[]> {
  const received: string[] = []
  const client = await connectAs(relay.mqtt, bob, relay.relayId, {
    beforeConnack: (c) => c.on('message', (_topic, payload) => received.push(payload.toString())),
  })
  const deadline = Date.now() + 20_000
  const missing = (): number => [...expected].filter((id) => !received.includes(id)).length
  while (missing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  // anything queued beyond the acked ones comes right behind them
  await new Promise((r) => setTimeout(r, 300))
  await client.endAsync()
  return received
}

test('kill -9 right after a PUBACK, restart: every acknowledged message reaches the offline subscriber', async (t) => {
  // all at once (one socket read holds ~170 PUBLISHes), the app router's window of 32, small windows
  const rounds = [
    { window: MESSAGES, killAt: 0 },
    { window: MESSAGES, killAt: 150 },
    { window: MESSAGES, killAt: 300 },
    { window: 32, killAt: 0 },
    { window: 32, killAt: 40 },
    { window: 32, killAt: 200 },
    { window: 8, killAt: 5 },
    { window: 8, killAt: 100 },
    { window: 1, killAt: 0 },
    { window: 1, killAt: 20 },
  ]
  const failures: string[] = []
  for (const [round, { window, killAt }] of rounds.entries()) {
    const first = await startRelayProcess({ args: FAST })
    let second: RelayProcess | undefined
    try {
      const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
      const topic = inboxTopic(bob.peerId)
      const offline = await connectAs(first.mqtt, bob, first.relayId)
      await offline.subscribeAsync(topic, { qos: 1 })
      await offline.endAsync()

      const sender = await connectAs(first.mqtt, alice, first.relayId, { clean: true })
      sender.on('error', () => undefined) // the reset after the kill is the point
      const acked = await publishUntilKilled(first, sender, topic, round, window, killAt)
      await closeAll()
      assert.ok(acked.size > killAt, `round ${round}: only ${acked.size} PUBACKs before the kill`)

      second = await startRelayProcess({ dataDir: first.dataDir, args: FAST })
      const received = await drainInbox(second, bob, acked)
      const lost = [...acked].filter((id) => !received.includes(id))
      const doubled = received.filter((id, i) => received.indexOf(id) !== i)
      t.diagnostic(
        `round ${round}: window ${window}, kill at PUBACK ${killAt}: ${acked.size} acked, ${received.length} delivered, ${lost.length} lost, ${doubled.length} doubled`,
      )
      if (lost.length > 0)
        failures.push(
          `round ${round} (window ${window}, kill at PUBACK ${killAt}): ${lost.length} of ${acked.size} acknowledged messages lost, e.g. ${lost.slice(0, 3).join(', ')}`,
        )
      // nobody retransmits here, so the queue holds each message once
      assert.deepEqual(doubled, [], `round ${round}: delivered twice`)
      assert.ok(
        received.every((id) => id.startsWith(`r${round}-m`)),
        `round ${round}: something else was delivered`,
      )
    } finally {
      await closeAll()
      await first.kill9()
      await second?.stop()
      first.cleanup()
    }
  }
  assert.deepEqual(failures, [], 'acknowledged messages were lost in a relay crash')
})
