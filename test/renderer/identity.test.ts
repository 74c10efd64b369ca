// Who is who in the UI (app/renderer/src/ui/identity.dom.ts), pure logic: which peers share a
// name, which address is shown, what the conversation header warns about, what the filter finds.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PeerView } from '../../app/api/contract.js'
import {
  identityWarning,
  ipOf,
  matchesFilter,
  nameClashes,
  whereLabel,
} from '../../app/renderer/src/ui/identity.dom.js'

const peer = (peerId: string, name: string | null, more: Partial<PeerView> = {}): PeerView => ({
  peerId,
  name,
  color: null,
  status: 'online',
  online: true,
  paths: ['lan'],
  addresses: [],
  lastSeen: 1,
  workgroup: null,
  host: null,
  fingerprint: `${peerId.padEnd(4, '0')} 0000`,
  verified: false,
  ...more,
})

test('names that two peers share, case and spaces aside; a lone name clashes with nobody', () => {
  const peers = new Map(
    [peer('b1', 'Bob'), peer('b2', ' bob'), peer('c', 'Carol'), peer('x', null)].map((p) => [
      p.peerId,
      p,
    ]),
  )
  const clashes = nameClashes(peers)
  assert.deepEqual([...clashes.keys()].sort(), ['b1', 'b2'])
  assert.deepEqual(
    clashes.get('b1')?.map((p) => p.peerId),
    ['b2'],
  )
})

test('the address shown is the first one not on loopback, beside the host name', () => {
  const p = peer('a', 'Ada', {
    host: 'ada-pc',
    addresses: ['/ip4/127.0.0.1/tcp/1/p2p/a', '/ip4/10.0.0.7/tcp/1/p2p/a'],
  })
  assert.equal(ipOf(p), '10.0.0.7')
  assert.equal(whereLabel(p), 'ada-pc · 10.0.0.7')
  assert.equal(whereLabel(peer('b', 'Bo')), undefined)
})

test('the header warns of a new key under a verified name first, then of a contact of the same name', () => {
  const mine = peer('b1', 'Bob')
  const contact = peer('b0', 'Bob')
  const verified = peer('b2', 'Bob', { verified: true })
  const isContact = (id: string): boolean => id === 'b0'
  assert.deepEqual(identityWarning(mine, [contact, verified], isContact), {
    kind: 'key-changed',
    other: verified,
  })
  assert.deepEqual(identityWarning(mine, [contact], isContact), {
    kind: 'same-name',
    other: contact,
  })
  assert.equal(identityWarning(mine, [peer('b3', 'Bob')], isContact), undefined, 'a stranger')
  assert.equal(identityWarning({ ...mine, verified: true }, [contact], isContact), undefined)
})

test('the filter finds any substring of any field, case-insensitive; empty finds all', () => {
  assert.ok(matchesFilter('STA', 'Bob', 'hostA · 10.0.0.2'))
  assert.ok(matchesFilter('研发', 'Bob', null, '研发部'))
  assert.ok(!matchesFilter('carol', 'Bob', 'hostA'))
  assert.ok(matchesFilter('  ', 'Bob'))
})
