import assert from 'node:assert/strict'
import { test } from 'node:test'
import { notifyDecision } from './notify.js'

test('muted notifies only a mention, busy is quiet, off is off', () => {
  const base = { enabled: true, muted: false, mentionsMe: false, myStatus: 'online' } as const
  assert.equal(notifyDecision(base), 'sound')
  assert.equal(notifyDecision({ ...base, myStatus: 'away' }), 'sound')
  assert.equal(notifyDecision({ ...base, myStatus: 'busy' }), 'quiet')
  assert.equal(notifyDecision({ ...base, muted: true }), 'none')
  assert.equal(notifyDecision({ ...base, muted: true, mentionsMe: true }), 'sound')
  assert.equal(
    notifyDecision({ ...base, muted: true, mentionsMe: true, myStatus: 'busy' }),
    'quiet',
  )
  assert.equal(notifyDecision({ ...base, enabled: false, mentionsMe: true }), 'none')
})
