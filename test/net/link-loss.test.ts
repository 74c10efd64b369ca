// A pulled cable during a conversation: the others notice by missed keep-alive pings, ask the
// peer by mDNS to confirm its records (RFC 6762 §10.4), hear nothing and mark it offline; when the
// cable is back, the next mDNS round finds it again and it is online once more.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createLan } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'

test('a peer whose link is cut goes offline, and comes back online when it is restored', async (t) => {
  const lan = await createLan({ hosts: 2 })
  const options = { pingInterval: 1000, mdnsInterval: 2000 }
  const a = PeerProcess.start(lan.hosts[0]!, 'test/support/net-peer.ts', { name: 'a', ...options })
  const b = PeerProcess.start(lan.hosts[1]!, 'test/support/net-peer.ts', { name: 'b', ...options })
  t.after(async () => {
    a.kill()
    b.kill()
    await lan.destroy()
  })
  const idA = String((await a.waitForEvent('ready')).peerId)
  const idB = String((await b.waitForEvent('ready')).peerId)
  await a.waitForEvent('online', (e) => e.peerId === idB)
  // listed peers are connected on first use (docs/protocol.md §16): a message makes the link
  const before = await a.request('send', { to: idB, text: 'before the cut' })
  assert.equal(before.delivered, 1)

  await lan.cutLink(lan.hosts[1]!)
  await a.waitForEvent('offline', (e) => e.peerId === idB, 60_000)
  await b.waitForEvent('offline', (e) => e.peerId === idA, 60_000)
  const failed = await a.request('send', { to: idB, text: 'into the void' })
  assert.equal(failed.delivered, 0)

  const onlineBefore = a.events('online').length
  await lan.restoreLink(lan.hosts[1]!)
  await a.waitFor(
    (e) =>
      e.event === 'online' && e.peerId === idB && a.events('online').indexOf(e) >= onlineBefore,
    60_000,
    'back online',
  )
  const sent = await a.request('send', { to: idB, text: 'welcome back' })
  assert.equal(sent.delivered, 1)
  await b.waitForEvent('inbound', (e) => e.text === 'welcome back')
})
