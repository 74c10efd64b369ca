// The single-node stores (docs/relay.md "The journal"): the journal, the default, refuses a second
// relay on the same --data (its LOCK); --store level still keeps a queue across a restart; an
// unknown --store is one line and exit 2.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rmSync } from 'node:fs'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { closeAll, connectAs, connectCollecting } from '../support/mqtt-clients.js'
import {
  newDataDir,
  runRelayExpectingExit,
  startRelayProcess,
  unthrottled,
} from '../support/relay-process.js'

const PORTS = ['--host', '127.0.0.1', '--mqtt-port', '0', '--http-port', '0']

test('a second relay on the data dir of a running one is refused in one line, exit 2', async (t) => {
  const dir = newDataDir()
  const first = await startRelayProcess({ dataDir: dir })
  t.after(async () => {
    await first.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const { code, stderr } = await runRelayExpectingExit(['--data', dir, ...PORTS])
  assert.equal(code, 2)
  assert.match(
    stderr.trim(),
    /^.*is in use by another relay process \(pid \d+\); stop it or pick another --data\.$/,
  )
})

test('--store level keeps a queue across a restart; an unknown --store is refused', async (t) => {
  const dir = newDataDir()
  t.after(async () => {
    await closeAll()
    rmSync(dir, { recursive: true, force: true })
  })
  const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
  const args = ['--store', 'level', ...unthrottled()]
  const relay = await startRelayProcess({ dataDir: dir, args })
  const away = await connectAs(relay.mqtt, bob, relay.relayId)
  await away.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  await away.endAsync()
  const sender = await connectAs(relay.mqtt, alice, relay.relayId)
  for (let i = 0; i < 20; i++)
    await sender.publishAsync(inboxTopic(bob.peerId), `m${i}`, { qos: 1 })
  await sender.endAsync()
  assert.equal(await relay.stop(), 0)

  const again = await startRelayProcess({ dataDir: dir, args })
  t.after(() => again.stop())
  const { inbox } = await connectCollecting(again.mqtt, bob, again.relayId)
  await inbox.waitFor(20)
  assert.deepEqual(
    inbox.messages.map((m) => m.payload.toString()),
    Array.from({ length: 20 }, (_, i) => `m${i}`),
  )

  const refused = await runRelayExpectingExit([
    '--data',
    newDataDir(),
    '--store',
    'sqlite',
    ...PORTS,
  ])
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /--store must be journal or level, not "sqlite"\./)
})
