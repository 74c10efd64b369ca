import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PathName } from '../delivery.js'
import { DirectProbe } from './direct-probe.js'

test('a peer reached only through the relay is redialled on a growing back-off until the LAN has it again', () => {
  let now = 0
  const dialled: Array<[string, number]> = []
  const probe = new DirectProbe({
    redial: (peerId) => dialled.push([peerId, now]),
    now: () => now,
    backoff: { baseMs: 2_000, maxMs: 8_000 },
    random: () => 0.999_999,
  })
  const paths = (...names: PathName[]): Set<PathName> => new Set(names)

  probe.update('bob', paths('lan', 'relay'))
  probe.update('carol', paths())
  assert.deepEqual(probe.probing(), [], 'on the LAN, or offline: nothing to probe')

  probe.update('bob', paths('relay'))
  for (now = 0; now <= 30_000; now += 500) probe.tick()
  assert.deepEqual(
    dialled.map(([, at]) => at),
    [2_000, 6_000, 14_000, 22_000, 30_000],
    'doubling from 2 s, at most 8 s apart',
  )
  probe.update('bob', paths('relay', 'lan'))
  const before = dialled.length
  for (; now <= 60_000; now += 500) probe.tick()
  assert.equal(dialled.length, before, 'back on the LAN: no more probes')

  probe.update('bob', paths('relay'))
  probe.update('bob', paths())
  for (; now <= 90_000; now += 500) probe.tick()
  assert.equal(
    dialled.length,
    before,
    'offline altogether: the router redials when something is queued',
  )
})

test('probes are jittered like every other retry (shared/backoff.ts): at the low end each wait is half', () => {
  let now = 0
  const dialled: number[] = []
  const probe = new DirectProbe({
    redial: () => dialled.push(now),
    now: () => now,
    backoff: { baseMs: 2_000, maxMs: 8_000 },
    random: () => 0,
  })
  probe.update('bob', new Set<PathName>(['relay']))
  for (now = 0; now <= 16_000; now += 500) probe.tick()
  assert.deepEqual(dialled, [1_000, 3_000, 7_000, 11_000, 15_000])
})
