// The composition root in-process (real store, real LAN node on 127.0.0.1, mDNS off): the relay
// setting is changed only through RelayChoice, so a bad `--relay` refuses to start and leaves the
// remembered relay as it was (it used to be stored first, and then every later start failed).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateIdentity } from '../../shared/identity.js'
import { isPigeonError } from '../../shared/errors.js'
import { tempDataDir } from '../../test/app/support/cli.js'
import { SETTING_RELAY, startNode } from './start-node.js'

const base = { mdns: false, listenHost: '127.0.0.1' }

test('a bad --relay refuses to start and keeps the relay remembered from before', async (t) => {
  const dataDir = tempDataDir(t, 'relay-setting')
  // nothing listens on port 1 of loopback: the link only retries, which is all this test needs
  const address = `mqtt://127.0.0.1:1#${(await generateIdentity()).peerId}`
  const first = await startNode({ ...base, dataDir, relay: address })
  assert.equal(first.relay.url, address)
  await first.stop()

  await assert.rejects(
    startNode({ ...base, dataDir, relay: 'not a relay' }),
    (error) => isPigeonError(error) && error.code === 'RELAY_URL_INVALID',
  )

  const again = await startNode({ ...base, dataDir })
  t.after(() => again.stop())
  assert.equal(again.relay.url, address)
  assert.equal(again.store.settings.get(SETTING_RELAY), address)
})

test("--relay '' forgets the remembered relay", async (t) => {
  const dataDir = tempDataDir(t, 'relay-forget')
  const address = `mqtt://127.0.0.1:1#${(await generateIdentity()).peerId}`
  await (await startNode({ ...base, dataDir, relay: address })).stop()
  const node = await startNode({ ...base, dataDir, relay: '' })
  t.after(() => node.stop())
  assert.equal(node.relay.url, undefined)
  assert.equal(node.store.settings.get(SETTING_RELAY), null)
})
