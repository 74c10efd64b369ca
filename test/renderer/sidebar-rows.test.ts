// The sidebar's derived lists (ui/sidebar-rows.dom.ts, ui/sidebar-items.dom.ts), pure logic: a
// presence update keeps every other row's object (the memoised rows skip them), the filter looks
// in name, host, address and workgroup, and a collapsed workgroup leaves only its header.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import i18next from 'i18next'
import type { PeerView } from '../../app/api/contract.js'
import { en } from '../../app/renderer/src/i18n/en.dom.js'
import {
  sidebarItems,
  workgroupKey,
  type SectionSpec,
} from '../../app/renderer/src/ui/sidebar-items.dom.js'
import { filterRows, RowCache, sidebarRows } from '../../app/renderer/src/ui/sidebar-rows.dom.js'

const i18n = i18next.createInstance()
await i18n.init({ resources: { en: { translation: en } }, lng: 'en' })

const peer = (i: number): PeerView => ({
  peerId: `peer-${String(i).padStart(3, '0')}`,
  name: `Person ${String(i).padStart(3, '0')}`,
  color: i % 12,
  status: 'online',
  online: true,
  paths: ['lan'],
  addresses: [`/ip4/10.0.${Math.floor(i / 200)}.${i % 200}/tcp/4001`],
  lastSeen: 1,
  workgroup: i % 10 === 0 ? null : `Dept ${i % 3}`,
  host: `pc-${i}`,
  fingerprint: '0000 0000',
  verified: false,
})

const sources = (peers: PeerView[]) => ({
  peers: new Map(peers.map((p) => [p.peerId, p])),
  conversations: new Map(),
  groups: new Map(),
  t: i18n.t,
  language: 'en',
})

const SECTIONS: SectionSpec[] = [
  { id: 'lan', title: 'LAN', testId: 'lan-list', always: true },
  { id: 'viaRelay', title: 'Relay', testId: 'relay-list' },
  { id: 'groups', title: 'Groups', testId: 'group-list' },
  { id: 'earlier', title: 'Earlier', testId: 'earlier-list' },
  { id: 'contacts', title: 'Contacts', testId: 'contacts-list' },
]

test('a presence update keeps every other row as the same object', () => {
  const peers = Array.from({ length: 300 }, (_, i) => peer(i))
  const cache = new RowCache()
  const before = sidebarRows(sources(peers), cache)
  assert.equal(before.lan.length, 300)
  peers[42] = { ...peer(42), status: 'busy' }
  const after = sidebarRows(sources(peers), cache)
  const changed = after.lan.filter((row, i) => row !== before.lan[i])
  assert.deepEqual(
    changed.map((r) => r.id),
    ['peer-042'],
  )
  assert.equal(changed[0]?.presence, 'busy')
})

test('the filter finds by name, host, address and workgroup, in any case', () => {
  const rows = sidebarRows(sources(Array.from({ length: 300 }, (_, i) => peer(i))), new RowCache())
  const ids = (filter: string) => filterRows(rows, filter).lan.map((r) => r.id)
  assert.deepEqual(ids('pc-237'), ['peer-237'])
  assert.deepEqual(ids('PERSON 011'), ['peer-011'])
  assert.deepEqual(ids('10.0.1.37'), ['peer-237'])
  assert.equal(ids('dept 2').length, 90)
  assert.equal(filterRows(rows, '  '), rows, 'a blank filter is no filter')
})

test('a collapsed workgroup contributes only its header; empty sections are left out', () => {
  const rows = sidebarRows(sources(Array.from({ length: 30 }, (_, i) => peer(i))), new RowCache())
  const open = sidebarItems(rows, SECTIONS, new Set())
  assert.deepEqual(
    open.filter((i) => i.kind !== 'row').map((i) => i.key),
    ['s:lan', 'w:lan:Dept 0', 'w:lan:Dept 1', 'w:lan:Dept 2', 'w:lan:'],
  )
  assert.equal(open.filter((i) => i.kind === 'row').length, 30)
  const folded = sidebarItems(rows, SECTIONS, new Set([workgroupKey('lan', 'Dept 1')]))
  assert.equal(folded.filter((i) => i.kind === 'row').length, 30 - 9)
  assert.ok(folded.some((i) => i.key === 'w:lan:Dept 1' && i.kind === 'workgroup' && !i.open))
  const last = folded[folded.length - 1]
  assert.ok(last?.kind === 'row' && last.workgroup === '' && last.position === last.size)
})
