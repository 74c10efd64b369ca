// The other listeners: MQTT over TLS (--tls-cert/--tls-key, a throwaway self-signed certificate
// made by openssl) and MQTT over WebSocket (--ws-port); a message crosses from one to the other.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { startRelayProcess } from '../support/relay-process.js'
import { closeAll, collect, connectAs } from '../support/mqtt-clients.js'

test('a client on TLS and a client on WebSocket talk through one relay', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-tls-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )

  const relay = await startRelayProcess({
    args: ['--tls-cert', cert, '--tls-key', key, '--ws-port', '0'],
  })
  t.after(async () => {
    await closeAll()
    await relay.stop()
    relay.cleanup()
  })
  assert.match(relay.mqtt, /^mqtts:\/\//)
  assert.match(relay.ws ?? '', /^ws:\/\//)

  const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
  const overTls = await connectAs(relay.mqtt, bob, relay.relayId, {
    ca: readFileSync(cert),
    rejectUnauthorized: true,
  })
  const inbox = collect(overTls)
  await overTls.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  const overWs = await connectAs(relay.ws!, alice, relay.relayId)
  await overWs.publishAsync(inboxTopic(bob.peerId), 'via websocket, to tls', { qos: 1 })
  await inbox.waitFor(1)
  assert.equal(inbox.messages[0]?.payload.toString(), 'via websocket, to tls')
})
