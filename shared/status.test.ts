import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPeerStatus, PEER_STATUS_WORDS, PEER_STATUSES } from './status.js'

test('the statuses are recognised, and nothing else is', () => {
  for (const status of PEER_STATUSES) assert.ok(isPeerStatus(status))
  for (const other of ['', 'Online', 'offline', 'away ', 1, null, undefined, ['busy']]) {
    assert.equal(isPeerStatus(other), false, JSON.stringify(other))
  }
  assert.equal(PEER_STATUS_WORDS, 'online, away or busy')
})
