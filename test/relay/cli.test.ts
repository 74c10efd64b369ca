// The pigeon-relay command: settings precedence (flag > env > file > default), one-line errors
// with a non-zero exit, the relay's identity and secrets on disk, HTTP endpoints, and SIGTERM.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseRelayConfig, type RelayConfig } from '../../relay/config.js'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { newDataDir, runRelayExpectingExit, startRelayProcess } from '../support/relay-process.js'
import { closeAll, closed, connectAs } from '../support/mqtt-clients.js'

function configOf(argv: string[], env: Record<string, string> = {}): RelayConfig {
  const outcome = parseRelayConfig(argv, env)
  assert.equal(outcome.kind, 'config')
  return (outcome as { config: RelayConfig }).config
}

test('a flag beats the env, the env beats the file, the file beats the default', (t) => {
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'relay.json')
  writeFileSync(
    file,
    JSON.stringify({ 'mqtt-port': 1001, 'http-port': 1002, 'queue-cap': 7, 'invite-only': true }),
  )
  const config = configOf(['--config', file, '--mqtt-port', '3001'], {
    PIGEON_RELAY_MQTT_PORT: '2001',
    PIGEON_RELAY_HTTP_PORT: '2002',
  })
  assert.equal(config.mqttPort, 3001)
  assert.equal(config.httpPort, 2002)
  assert.equal(config.queueCap, 7)
  assert.equal(config.inviteOnly, true)
  assert.equal(config.host, '127.0.0.1')
  assert.equal(configOf(['--queue-ttl', '2h']).queueTtlMs, 7_200_000)
  assert.equal(configOf([], { PIGEON_RELAY_CONFIG: file }).queueCap, 7)
})

test('bad settings give one clear line and exit code 2', async (t) => {
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const badJson = join(dir, 'bad.json')
  writeFileSync(badJson, '{ nope')
  const unknownKey = join(dir, 'unknown.json')
  writeFileSync(unknownKey, JSON.stringify({ 'mqtt-prot': 1 }))
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--no-such-flag'], {}, /unknown option/],
    [['--mqtt-port', '70000'], {}, /--mqtt-port must be a whole number/],
    [[], { PIGEON_RELAY_QUEUE_CAP: 'lots' }, /PIGEON_RELAY_QUEUE_CAP must be a whole number/],
    [['--config', badJson], {}, /not valid JSON/],
    [['--config', unknownKey], {}, /unknown key "mqtt-prot"/],
    [['--tls-cert', '/x.pem'], {}, /--tls-cert and --tls-key go together/],
    [['--redis', 'localhost:6379'], {}, /--redis must be a redis:\/\/ URL/],
  ]
  for (const [args, env, message] of cases) {
    const result = await runRelayExpectingExit(['--data', dir, ...args], env)
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, message)
    assert.equal(result.stderr.trim().split('\n').length, 1, `more than one line: ${result.stderr}`)
  }
})

test('the relay keeps a 0600 key whose PeerId is its id, serves /healthz and /metrics, guards admin, and stops on SIGTERM with 0', async () => {
  const relay = await startRelayProcess()
  try {
    assert.equal(statSync(join(relay.dataDir, 'relay.key')).mode & 0o777, 0o600)
    assert.equal(statSync(join(relay.dataDir, 'admin-token')).mode & 0o777, 0o600)
    assert.match(relay.relayId, /^12D3KooW/)
    const health = (await (await fetch(`${relay.http}/healthz`)).json()) as {
      ok: boolean
      relayId: string
    }
    assert.deepEqual(health, { ok: true, relayId: relay.relayId })

    const alice = await generateIdentity()
    const client = await connectAs(relay.mqtt, alice, relay.relayId)
    await client.subscribeAsync(inboxTopic(alice.peerId), { qos: 1 })
    await client.publishAsync(inboxTopic(alice.peerId), 'x', { qos: 1 })
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    for (const name of [
      'pigeon_relay_connected_clients 1',
      'pigeon_relay_messages_in_total 1',
      'pigeon_relay_queued_messages',
      'pigeon_relay_auth_refusals_total',
      'pigeon_relay_acl_refusals_total',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(metrics.includes(name), `metrics lack ${name}`)
    }

    assert.equal((await fetch(`${relay.http}/admin/stats`)).status, 401)
    assert.equal(
      (await fetch(`${relay.http}/admin/stats`, { headers: { authorization: 'Bearer wrong' } }))
        .status,
      401,
    )
    const stats = (await (
      await fetch(`${relay.http}/admin/stats`, {
        headers: { authorization: `Bearer ${relay.adminToken}` },
      })
    ).json()) as { connectedClients: number }
    assert.equal(stats.connectedClients, 1)

    const gone = closed(client)
    const kicked = await fetch(`${relay.http}/admin/clients/${alice.peerId}/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${relay.adminToken}` },
    })
    assert.equal(kicked.status, 200)
    assert.ok(await gone, 'the admin disconnect did not close the client')
  } finally {
    await closeAll()
    assert.equal(await relay.stop(), 0)
    assert.ok(relay.logs.some((l) => l['event'] === 'stopped'))
    relay.cleanup()
  }
})

test('a restart keeps the relay id', async () => {
  const first = await startRelayProcess()
  await first.stop()
  const second = await startRelayProcess({ dataDir: first.dataDir })
  try {
    assert.equal(second.relayId, first.relayId)
  } finally {
    await second.stop()
    second.cleanup()
  }
})
