import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MessageView } from '../api/contract.js'
import { formatMessages } from './output.js'

test('history shows a failed message with the reason it can never be delivered', () => {
  const base: MessageView = {
    id: '0'.repeat(32),
    conversation: 'bob-peer',
    from: 'me-peer',
    direction: 'out',
    kind: 'text',
    text: 'hello',
    sentAt: Date.UTC(2026, 11, 1),
    receivedAt: null,
    state: 'failed',
    path: null,
    failure: 'bob-peer refused message 0: the peer will never accept it.',
    replyTo: null,
    mentions: [],
    recalledAt: null,
  }
  const names = new Map([['bob-peer', 'Bob']])
  const lines = formatMessages(
    [base, { ...base, state: 'delivered', path: 'lan', failure: null }],
    names,
    'me-peer',
  ).split('\n')
  assert.deepEqual(lines, [
    `2026-12-01 00:00:00  ${base.id}  me → Bob  [failed]  hello`,
    `    not sent: ${base.failure}`,
    `2026-12-01 00:00:00  ${base.id}  me → Bob  [delivered/lan]  hello`,
  ])
})
