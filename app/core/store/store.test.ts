// The store's unit tests, one file for the Store facade's promises (queue, receipts, groups, the
// outbox, search): over 350 lines because each test builds its rows inline, on purpose, so a
// failing test reads without jumping to fixtures.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { LIMITS } from '../../../shared/limits.js'
import { newMessageId } from '../../../shared/message-id.js'
import { Store } from './index.js'

const ME = 'me-peer'
const ALICE = 'alice-peer'
const BOB = 'bob-peer'

function openTemp(t: TestContext): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-store-'))
  const file = join(dir, 'pigeon.db')
  const store = Store.open(file)
  t.after(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { store, file }
}

function receive(
  store: Store,
  sender: string,
  text: string,
  id = newMessageId(),
  via: 'lan' | 'relay' = 'relay',
) {
  return store.storeInbound({ id, sender, sentAt: Date.now(), text }, via, Date.now())
}

test('the store file uses WAL and survives reopening', (t) => {
  const { store, file } = openTemp(t)
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal')
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(statSync(`${file}-wal`).mode & 0o777, 0o600)
  const { message } = receive(store, ALICE, 'persisted')
  store.close()
  const again = Store.open(file)
  t.after(() => again.close())
  assert.equal(again.messages.get(message.id)?.text, 'persisted')
})

test('over the LAN the ack is the receipt: no delivered receipt is queued, unless the relay brings a copy later', (t) => {
  const { store } = openTemp(t)
  const id = newMessageId()
  receive(store, ALICE, 'direct', id, 'lan')
  assert.equal(store.outbox.head(ALICE, 10).length, 0)
  assert.equal(receive(store, ALICE, 'direct', id, 'relay').inserted, false)
  assert.deepEqual(
    store.outbox.head(ALICE, 10).map((r) => r.receiptState),
    ['delivered'],
  )
})

test('a message the relay brought first and the LAN brings again is stored once and receipted once', (t) => {
  // the sender keeps a relayed message until it hears (docs/protocol.md §6 Delivery), so when it
  // meets me on the LAN it sends it again: the LAN ack says "stored", the relay copy's receipt stays
  const { store } = openTemp(t)
  const id = newMessageId()
  assert.equal(receive(store, ALICE, 'via relay', id, 'relay').inserted, true)
  assert.equal(receive(store, ALICE, 'via relay', id, 'lan').inserted, false)
  assert.equal(store.messages.history(ALICE, { limit: 10 }).length, 1)
  assert.equal(store.conversations.get(ALICE)?.unread, 1)
  assert.deepEqual(
    store.outbox.head(ALICE, 10).map((r) => r.receiptState),
    ['delivered'],
  )
  assert.equal(store.messages.get(id)?.path, 'relay')
})

test('an inbound duplicate is stored once, counted unread once, receipted once', (t) => {
  const { store } = openTemp(t)
  const id = newMessageId()
  assert.equal(receive(store, ALICE, 'hello', id).inserted, true)
  const dup = receive(store, ALICE, 'hello again?', id)
  assert.equal(dup.inserted, false)
  assert.equal(dup.message.text, 'hello')
  assert.equal(store.messages.history(ALICE, { limit: 10 }).length, 1)
  assert.equal(store.conversations.get(ALICE)?.unread, 1)
  const receipts = store.outbox.head(ALICE, 10)
  assert.equal(receipts.length, 1)
  assert.equal(receipts[0]?.kind, 'receipt')
  assert.equal(receipts[0]?.receiptState, 'delivered')
  // once that receipt has gone, a copy again through the relay means the sender never heard it
  // (it republishes until it does): receipted again, still stored once
  store.outbox.remove(receipts[0]!)
  assert.equal(receive(store, ALICE, 'hello', id).inserted, false)
  assert.deepEqual(
    store.outbox.head(ALICE, 10).map((r) => r.kind),
    ['receipt'],
  )
})

test('an inbound message is all or nothing: a failure inside the transaction leaves no trace', (t) => {
  const { store } = openTemp(t)
  const id = newMessageId()
  // the receipt insert (last step) fails: the message and conversation before it must vanish too
  store.db.exec('ALTER TABLE outbox RENAME TO outbox_gone')
  assert.throws(() => receive(store, ALICE, 'half?', id))
  store.db.exec('ALTER TABLE outbox_gone RENAME TO outbox')
  assert.equal(store.messages.get(id), undefined)
  assert.equal(store.conversations.get(ALICE), undefined)
})

test('an outgoing message and its outbox row are written together, queued in send order', (t) => {
  const { store } = openTemp(t)
  const ids = [0, 1, 2].map(() => newMessageId())
  for (const [i, id] of ids.entries()) {
    store.queueOutgoing({ id, sender: ME, recipient: BOB, sentAt: Date.now(), text: `m${i}` }, 100)
  }
  store.queueOutgoing(
    { id: newMessageId(), sender: ME, recipient: ALICE, sentAt: Date.now(), text: 'x' },
    50,
  )
  const queue = store.outbox.head(BOB, 10)
  assert.deepEqual(
    queue.map((r) => r.messageId),
    ids,
  )
  assert.deepEqual(
    store.outbox.recipients().map((r) => r.recipient),
    [ALICE, BOB],
  )
  assert.equal(store.messages.get(ids[0]!)?.state, 'pending')
  // rescheduling a row never changes its place in the queue
  store.outbox.reschedule(queue[0]!, 1, 10_000)
  assert.deepEqual(
    store.outbox.head(BOB, 10).map((r) => r.messageId),
    ids,
  )
  store.outbox.wake(BOB, 200)
  assert.equal(store.outbox.head(BOB, 1)[0]?.nextAttemptAt, 200)
})

test('completing an outbox row moves the message forward, never back', (t) => {
  const { store } = openTemp(t)
  const id = newMessageId()
  store.queueOutgoing({ id, sender: ME, recipient: BOB, sentAt: 1, text: 'hi' }, 1)
  const row = store.outbox.head(BOB, 1)[0]!
  assert.equal(store.completeOutbox(row, 'lan', 'delivered')?.state, 'delivered')
  assert.equal(store.outbox.size(), 0)
  assert.equal(store.messages.get(id)?.path, 'lan')
  assert.equal(store.messages.advance(id, 'sent'), false)
  assert.equal(store.messages.get(id)?.state, 'delivered')
})

test('receipts only move my messages to the peer that sends the receipt', (t) => {
  const { store } = openTemp(t)
  const toBob = newMessageId()
  const toAlice = newMessageId()
  store.queueOutgoing({ id: toBob, sender: ME, recipient: BOB, sentAt: 1, text: 'b' }, 1)
  store.queueOutgoing({ id: toAlice, sender: ME, recipient: ALICE, sentAt: 1, text: 'a' }, 1)
  const changed = store.applyReceipt(BOB, [toBob, toAlice], 'read')
  assert.deepEqual(
    changed.map((m) => m.id),
    [toBob],
  )
  assert.equal(store.messages.get(toAlice)?.state, 'pending')
  assert.deepEqual(store.applyReceipt(BOB, [toBob], 'delivered'), [])
  assert.equal(store.messages.get(toBob)?.state, 'read')
})

test('marking a conversation read clears unread and queues one read receipt per message', (t) => {
  const { store } = openTemp(t)
  receive(store, ALICE, 'one')
  receive(store, ALICE, 'two')
  const read = store.markConversationRead(ALICE, 5)
  assert.equal(read.length, 2)
  assert.equal(store.conversations.get(ALICE)?.unread, 0)
  const kinds = store.outbox.head(ALICE, 10).map((r) => r.receiptState)
  assert.deepEqual(kinds, ['delivered', 'delivered', 'read', 'read'])
  assert.deepEqual(store.markConversationRead(ALICE, 6), [])
})

test('search finds Chinese text by any substring of three or more characters', (t) => {
  const { store } = openTemp(t)
  receive(store, ALICE, '我们明天去北京吃烤鸭')
  receive(store, BOB, '上海的天气很好')
  assert.deepEqual(
    store.messages.search('北京吃烤', 10).map((m) => m.text),
    ['我们明天去北京吃烤鸭'],
  )
  assert.deepEqual(
    store.messages.search('天去北', 10).map((m) => m.text),
    ['我们明天去北京吃烤鸭'],
  )
  assert.deepEqual(
    store.messages.search('天气很', 10).map((m) => m.sender),
    [BOB],
  )
  assert.deepEqual(store.messages.search('广州的', 10), [])
})

test('queries shorter than three characters fall back to a substring scan', (t) => {
  const { store } = openTemp(t)
  receive(store, ALICE, '我们明天去北京吃烤鸭')
  receive(store, BOB, '北方很冷')
  receive(store, BOB, 'see you at 10% off_peak')
  assert.deepEqual(
    store.messages.search('北京', 10).map((m) => m.sender),
    [ALICE],
  )
  assert.equal(store.messages.search('北', 10).length, 2)
  assert.equal(store.messages.search('鸭', 10).length, 1)
  assert.equal(store.messages.search('0%', 10).length, 1)
  assert.equal(store.messages.search('f_', 10).length, 1)
  assert.equal(store.messages.search('%', 10).length, 1)
  assert.equal(store.messages.search('_x', 10).length, 0)
})

test('search finds English substrings case-insensitively, and FTS syntax is just text', (t) => {
  const { store } = openTemp(t)
  receive(store, ALICE, 'Meeting moved to Thursday')
  receive(store, BOB, 'he said "NEAR" AND OR *')
  assert.deepEqual(
    store.messages.search('thurs', 10).map((m) => m.sender),
    [ALICE],
  )
  assert.deepEqual(
    store.messages.search('ting mov', 10).map((m) => m.sender),
    [ALICE],
  )
  assert.deepEqual(
    store.messages.search('tH', 10).map((m) => m.sender),
    [ALICE],
  )
  assert.deepEqual(
    store.messages.search('"NEAR" AND', 10).map((m) => m.sender),
    [BOB],
  )
  assert.deepEqual(
    store.messages.search('AND OR *', 10).map((m) => m.sender),
    [BOB],
  )
  assert.deepEqual(store.messages.search('  ', 10), [])
})

test('history pages backwards from a message id, oldest first within a page', (t) => {
  const { store } = openTemp(t)
  const ids = Array.from({ length: 5 }, (_, i) => receive(store, ALICE, `m${i}`).message.id)
  const latest = store.messages.history(ALICE, { limit: 2 })
  assert.deepEqual(
    latest.map((m) => m.text),
    ['m3', 'm4'],
  )
  const older = store.messages.history(ALICE, { before: ids[3], limit: 2 })
  assert.deepEqual(
    older.map((m) => m.text),
    ['m1', 'm2'],
  )
  assert.deepEqual(store.messages.history(ALICE, { before: ids[0], limit: 2 }), [])
})

test('a peer profile only ever moves to a newer version', (t) => {
  const { store } = openTemp(t)
  assert.equal(
    store.peers.applyProfile({
      peerId: ALICE,
      name: 'Alice',
      color: 0xff0000,
      status: 'online',
      version: 2,
    }),
    true,
  )
  assert.equal(
    store.peers.applyProfile({ peerId: ALICE, name: 'Old', color: 0, status: 'busy', version: 1 }),
    false,
  )
  assert.equal(store.peers.get(ALICE)?.name, 'Alice')
  store.peers.seen(ALICE, ['/ip4/10.0.0.2/tcp/4001'], 7)
  store.peers.seen(ALICE, [], 8)
  assert.deepEqual(store.peers.get(ALICE)?.addresses, ['/ip4/10.0.0.2/tcp/4001'])
  assert.equal(store.peers.get(ALICE)?.lastSeen, 8)
})

test('settings keep JSON values', (t) => {
  const { store } = openTemp(t)
  store.settings.set('listenPort', 4001)
  store.settings.set('ui', { theme: 'dark' })
  assert.equal(store.settings.get('listenPort'), 4001)
  assert.deepEqual(store.settings.get('ui'), { theme: 'dark' })
  assert.equal(store.settings.get('missing'), undefined)
})

test('a receipt that overtakes the ack takes the message out of the outbox', (t) => {
  const { store } = openTemp(t)
  const id = newMessageId()
  store.queueOutgoing({ id, sender: ME, recipient: BOB, sentAt: 1, text: 'hi' }, 1)
  store.applyReceipt(BOB, [id], 'delivered')
  assert.equal(store.outbox.size(), 0)
  assert.equal(store.messages.get(id)?.path, null)
  // the late ack still records which path carried it
  assert.equal(store.messages.advance(id, 'delivered', 'lan'), true)
  assert.equal(store.messages.get(id)?.path, 'lan')
  assert.equal(store.messages.get(id)?.state, 'delivered')
})

test('completing a row whose seq was freed and reused never removes the newer row', (t) => {
  const { store } = openTemp(t)
  const one = newMessageId()
  store.queueOutgoing({ id: one, sender: ME, recipient: BOB, sentAt: 1, text: 'one' }, 1)
  const inFlight = store.outbox.head(BOB, 1)[0]!
  // Bob's receipt overtakes the ack and empties the queue; the next message may get the same seq
  store.applyReceipt(BOB, [one], 'delivered')
  const two = newMessageId()
  store.queueOutgoing({ id: two, sender: ME, recipient: BOB, sentAt: 2, text: 'two' }, 2)
  store.completeOutbox(inFlight, 'lan', 'delivered')
  store.outbox.reschedule(inFlight, 9, 99)
  const queued = store.outbox.head(BOB, 10)
  assert.deepEqual(
    queued.map((r) => [r.messageId, r.attempts]),
    [[two, 0]],
  )
})

test('a claimed time my clock finds implausible cannot pin a message above or below the rest of history', (t) => {
  const { store } = openTemp(t)
  const now = Date.UTC(2026, 11, 1)
  const year = 365 * 24 * 60 * 60_000
  // an id claiming time `ms`, made by hand: this process's own id generator must not be moved
  const idAt = (ms: number): Uint8Array => {
    const id = newMessageId()
    for (let i = 5, v = ms; i >= 0; i--, v = Math.floor(v / 256)) id[i] = v % 256
    return id
  }
  const at = (id: Uint8Array, sentAt: number, text: string, when: number) =>
    store.storeInbound({ id, sender: ALICE, sentAt, text }, 'lan', when).message
  at(idAt(now - 60_000), now - 60_000, 'a minute old', now)
  // ten years ahead (the id and sent_at agree), and from 1970: both placed when they arrived
  const future = at(idAt(now + 10 * year), now + 10 * year, 'from the future', now + 1)
  at(idAt(now - 10_000), now - 10_000, 'plausible, sorted by its id', now + 2)
  const past = at(idAt(1), 1, 'from 1970', now + 3)
  // a lie in one of the two is enough: a plausible sent_at with a far-future id
  at(idAt(now + year), now + 4, 'future id only', now + 4)
  at(idAt(now + 5), now + 5, 'after them all', now + 5)
  // a clock a little fast (within the skew) keeps its own order
  at(idAt(now + LIMITS.clockSkewMs), now + LIMITS.clockSkewMs, 'fast clock', now + 6)
  const order = store.messages.history(ALICE, { limit: 50 }).map((m) => m.text)
  assert.deepEqual(order, [
    'a minute old',
    'plausible, sorted by its id',
    'from the future',
    'from 1970',
    'future id only',
    'after them all',
    'fast clock',
  ])
  // shown with the time it arrived, and paging from it continues in the same order
  assert.equal(future.sentAt, now + 1)
  assert.equal(past.sentAt, now + 3)
  const before = store.messages.history(ALICE, { before: past.id, limit: 2 }).map((m) => m.text)
  assert.deepEqual(before, ['plausible, sorted by its id', 'from the future'])
})
