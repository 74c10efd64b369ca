// The CLI beyond the LAN: pigeon relay set|off|status, pigeon link, pigeon contact add|list and
// pigeon doctor, against real `pigeon start` processes (mDNS off, 127.0.0.1) and a real relay.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connectToDataDir } from '../../app/api/discover.js'
import { eventually } from '../app/support/wait.js'
import { pigeon, startPigeon, tempDataDir } from '../app/support/cli.js'
import { startRelayProcess } from '../support/relay-process.js'

test('relay set, status and off while the node runs; a bad address is one clear line', async (t) => {
  const relay = await startRelayProcess()
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada'])
  const off = await pigeon('relay', 'status', '--data', ada.dataDir)
  assert.match(off.stdout, /state\s+off/)

  const bad = await pigeon('relay', 'set', 'mqtt://127.0.0.1:1883', '--data', ada.dataDir)
  assert.notEqual(bad.code, 0)
  assert.match(bad.stderr, /^pigeon: .*relay id/m)
  assert.equal(bad.stderr.trim().split('\n').length, 1)

  const address = `${relay.mqtt}#${relay.relayId}`
  const set = await pigeon('relay', 'set', address, '--data', ada.dataDir)
  assert.equal(set.code, 0, set.stderr)
  const api = await connectToDataDir(ada.dataDir)
  await eventually(
    async () => (await api.relayStatus()).state === 'connected',
    'connected to the relay',
  )
  const status = await pigeon('relay', 'status', '--data', ada.dataDir, '--json')
  assert.equal(JSON.parse(status.stdout).url, address)
  assert.equal(await api.getSetting('relayUrl'), address, 'remembered for the next start')

  const doctor = await pigeon('doctor', '--data', ada.dataDir)
  assert.equal(doctor.code, 0, doctor.stdout)
  assert.match(doctor.stdout, /ok\s+relay\s+Connected to the relay/)

  const offAgain = await pigeon('relay', 'off', '--data', ada.dataDir)
  assert.match(offAgain.stdout, /state\s+off/)
  assert.equal(await api.getSetting('relayUrl'), null)
})

test('a contact added from a pigeon: link is reached through the relay, and doctor says why', async (t) => {
  const relay = await startRelayProcess()
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  const address = `${relay.mqtt}#${relay.relayId}`
  const bo = await startPigeon(t, tempDataDir(t, 'bo'), ['--name', 'Bo', '--relay', address])
  // Ada has no relay yet: adding Bo's link gives her Bo's relay
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada'])

  const link = await pigeon('link', '--data', bo.dataDir)
  assert.equal(link.code, 0, link.stderr)
  assert.match(link.stdout, /[█▀▄]/, 'a QR code for the terminal')
  const bare = (await pigeon('link', '--no-qr', '--data', bo.dataDir)).stdout.trim()
  assert.match(bare, new RegExp(`^pigeon:${bo.peerId}\\?name=Bo&relay=`))

  const added = await pigeon('contact', 'add', bare, '--data', ada.dataDir)
  assert.equal(added.code, 0, added.stderr)
  assert.match(added.stdout, new RegExp(`added Bo ${bo.peerId}`))
  const adaApi = await connectToDataDir(ada.dataDir)
  assert.equal((await adaApi.relayStatus()).url, address)
  await eventually(
    async () =>
      (await adaApi.peers()).some((p) => p.peerId === bo.peerId && p.paths.includes('relay')),
    'Bo online through the relay',
  )

  const sent = await adaApi.send('Bo', 'found you by your link')
  await eventually(
    async () =>
      (await adaApi.history(bo.peerId)).find((m) => m.id === sent.id)?.state === 'delivered',
    'delivered through the relay',
  )

  const list = await pigeon('contact', 'list', '--data', ada.dataDir, '--json')
  assert.ok(
    (JSON.parse(list.stdout) as Array<{ peerId: string }>).some((p) => p.peerId === bo.peerId),
  )

  const doctor = await pigeon('doctor', 'Bo', '--data', ada.dataDir)
  assert.match(doctor.stdout, /online through the relay/)
  assert.match(doctor.stdout, /never been seen on this LAN/)

  const broken = await pigeon('contact', 'add', 'pigeon:not-a-peer', '--data', ada.dataDir)
  assert.notEqual(broken.code, 0)
  assert.match(broken.stderr, /^pigeon: .*PeerId/m)
})
