// The journal's recovery (docs/relay.md "The journal"): what was acknowledged comes back after a
// restart without a clean close (kill -9), a torn last group is cut off, and compaction keeps the
// log bounded while the state it rebuilds stays the same.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JournalPersistence } from '../../relay/journal/persistence.js'

interface Queued {
  topic: string
  payload: Buffer
  brokerCounter: number
  messageId?: number
}

function fresh(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-journal-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'journal.log')
}

const packet = (n: number) => ({
  cmd: 'publish',
  topic: `pigeon/v1/inbox/bob`,
  payload: Buffer.from(`message ${n}`),
  qos: 1,
  retain: false,
  dup: false,
  brokerId: 'broker-a',
  brokerCounter: n,
  clientId: 'alice',
})
const bob = { id: 'bob' }
const sub = { clientId: 'bob', topic: 'pigeon/v1/inbox/bob', qos: 1 }

async function queued(store: JournalPersistence): Promise<Queued[]> {
  const out: Queued[] = []
  for await (const p of store.outgoingStream(bob)) out.push(p as Queued)
  return out
}

test('a restart without close replays everything that was acknowledged, in order', async (t) => {
  const path = fresh(t)
  const first = JournalPersistence.open({ path }).persistence
  await first.setup({ id: 'broker-a' })
  await first.addSubscriptions(bob, [{ ...sub, rh: 0, rap: false, nl: false }])
  await first.storeRetained({ ...packet(0), topic: 'pigeon/v1/presence/bob', retain: true })
  for (let n = 1; n <= 4; n++) await first.outgoingEnqueueCombi([sub], packet(n))
  await first.outgoingUpdate(bob, { ...packet(1), messageId: 7 })
  await first.outgoingUpdate(bob, { ...packet(2), messageId: 8 })
  await first.outgoingClearMessageId(bob, { messageId: 7 })
  await first.putWill(bob, { ...packet(9), topic: 'will/bob' })
  // no destroy(): the process "dies" here, the file stays as written

  const { persistence: second, replayed, tornBytes } = JournalPersistence.open({ path })
  assert.equal(tornBytes, 0)
  assert.ok(replayed >= 9)
  const list = await queued(second)
  assert.deepEqual(
    list.map((p) => [p.brokerCounter, p.messageId, p.payload.toString()]),
    [
      [2, 8, 'message 2'],
      [3, undefined, 'message 3'],
      [4, undefined, 'message 4'],
    ],
  )
  assert.deepEqual(
    (await second.subscriptionsByClient(bob)).map((s) => s.topic),
    ['pigeon/v1/inbox/bob'],
  )
  assert.equal((await second.subscriptionsByTopic('pigeon/v1/inbox/bob')).length, 1)
  const retained: Array<{ topic: string }> = []
  for await (const p of second.createRetainedStream('pigeon/v1/presence/+')) retained.push(p)
  assert.deepEqual(
    retained.map((p) => p.topic),
    ['pigeon/v1/presence/bob'],
  )
  // a will keeps the id of the broker that stored it, so the new broker sends it
  assert.equal(((await second.getWill(bob)) as { brokerId: string }).brokerId, 'broker-a')
  await second.destroy()
})

test('a torn last group is cut off and the log goes on from there', async (t) => {
  const path = fresh(t)
  const first = JournalPersistence.open({ path }).persistence
  for (let n = 1; n <= 3; n++) await first.outgoingEnqueueCombi([sub], packet(n))
  const whole = statSync(path).size
  // half a frame: a length that promises more than follows, as a write cut by a crash leaves
  appendFileSync(path, Buffer.from([200, 0, 0, 0, 1, 2, 3]))

  const second = JournalPersistence.open({ path })
  assert.equal(second.tornBytes, 7)
  assert.equal(statSync(path).size, whole)
  assert.deepEqual(
    (await queued(second.persistence)).map((p) => p.brokerCounter),
    [1, 2, 3],
  )
  await second.persistence.outgoingEnqueueCombi([sub], packet(4))
  const third = JournalPersistence.open({ path })
  assert.equal(third.tornBytes, 0)
  assert.deepEqual(
    (await queued(third.persistence)).map((p) => p.brokerCounter),
    [1, 2, 3, 4],
  )
  await second.persistence.destroy()
  await third.persistence.destroy()
})

test('compaction keeps the log bounded and the state it rebuilds unchanged', async (t) => {
  const path = fresh(t)
  const store = JournalPersistence.open({ path, compactBytes: 4096 }).persistence
  await store.addSubscriptions(bob, [{ ...sub, rh: 0, rap: false, nl: false }])
  for (let n = 1; n <= 2000; n++) {
    await store.outgoingEnqueueCombi([sub], packet(n))
    if (n % 10 === 0) continue // every tenth stays queued
    await store.outgoingUpdate(bob, { ...packet(n), messageId: (n % 60_000) + 1 })
    await store.outgoingClearMessageId(bob, { messageId: (n % 60_000) + 1 })
  }
  await store.outgoingUpdate(bob, { ...packet(2000), messageId: 99 })
  // numbering is logged without being waited for; an acknowledged write after it is in the same
  // group or a later one, so once that resolves the numbering is in the file too
  await store.outgoingEnqueueCombi([sub], packet(2001))
  // 2000 enqueues of ~200 bytes alone are ~400 KB; compaction keeps only the ~200 queued
  assert.ok(statSync(path).size < 100_000, `log is ${statSync(path).size} bytes`)
  const reopened = JournalPersistence.open({ path }).persistence
  const list = await queued(reopened)
  assert.deepEqual(
    list.map((p) => p.brokerCounter),
    [...Array.from({ length: 200 }, (_, i) => (i + 1) * 10), 2001],
  )
  assert.equal(list.at(-2)?.messageId, 99)
  assert.equal((await reopened.subscriptionsByClient(bob)).length, 1)
  await store.destroy()
  await reopened.destroy()
})
