// Two `pigeon start` nodes that cannot reach each other directly (mDNS off, no --connect) chat
// through a real pigeon-relay process on 127.0.0.1: sent (the relay has it) → delivered (receipt),
// and a message to an offline peer waits at the relay until it comes back.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connectToDataDir } from '../../app/api/discover.js'
import type { MessageView } from '../../app/api/contract.js'
import { eventually } from '../app/support/wait.js'
import { pigeon, startPigeon, tempDataDir } from '../app/support/cli.js'
import { startRelayProcess } from '../support/relay-process.js'

async function find(dataDir: string, peer: string, id: string): Promise<MessageView | undefined> {
  return (await (await connectToDataDir(dataDir)).history(peer)).find((m) => m.id === id)
}

test('without a LAN link, messages go through the relay and are receipted back', async (t) => {
  const relay = await startRelayProcess()
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  const address = `${relay.mqtt}#${relay.relayId}`
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada', '--relay', address])
  const boDir = tempDataDir(t, 'bo')
  const bo = await startPigeon(t, boDir, ['--name', 'Bo', '--relay', address])
  assert.match(
    ada.stdout,
    new RegExp(`^relay\\s+${address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'),
  )

  const sent = await pigeon('send', '--data', ada.dataDir, bo.peerId, '经由中继 via the relay')
  assert.equal(sent.code, 0, sent.stderr)
  const id = sent.stdout.trim()
  await eventually(
    async () => (await find(boDir, ada.peerId, id))?.path === 'relay',
    'arrived at Bo over the relay',
  )
  await eventually(
    async () => (await find(ada.dataDir, bo.peerId, id))?.state === 'delivered',
    "Bo's receipt at Ada",
  )
  assert.equal((await find(ada.dataDir, bo.peerId, id))?.path, 'relay')

  // Bo goes away; the relay keeps what Ada sends meanwhile
  bo.child.kill('SIGTERM')
  assert.equal(await bo.exited, 0)
  const later = (
    await pigeon('send', '--data', ada.dataDir, bo.peerId, 'while you were out')
  ).stdout.trim()
  await eventually(
    async () => (await find(ada.dataDir, bo.peerId, later))?.state === 'sent',
    'the relay took it',
  )
  await startPigeon(t, boDir) // the relay address was remembered
  await eventually(
    async () => (await find(boDir, ada.peerId, later))?.text === 'while you were out',
    'queued message arrived',
  )
  await eventually(
    async () => (await find(ada.dataDir, bo.peerId, later))?.state === 'delivered',
    'delivered',
  )
})
