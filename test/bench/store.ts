// `npm run bench -- store [count]`: the user's store on this disk — an inbound message stored
// (message + conversation + queued receipt, one transaction each, as the engine does before it
// acks), an outgoing one queued, an outbox row completed, and search over the history, both the
// trigram index (3+ characters) and the short-query scan. Reference in the same run: a bare
// one-row INSERT per transaction on the same file system, the floor any per-message commit pays.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Store } from '../../app/core/store/index.js'
import { newMessageId } from '../../shared/envelope.js'
import { percentile, type BenchResult } from './table.js'

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000)
}

function timed(fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

export async function run(args: string[]): Promise<BenchResult> {
  const count = Math.min(Math.max(Number(args[0] ?? 20_000) || 20_000, 1_000), 200_000)
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-bench-store-'))
  try {
    // reference: one-row insert, one commit each, same pragmas
    const raw = new BetterSqlite3(join(dir, 'raw.db'))
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.exec('CREATE TABLE t (id BLOB PRIMARY KEY, text TEXT) STRICT')
    const insert = raw.prepare('INSERT INTO t VALUES (?, ?)')
    const rawMs = timed(() => {
      for (let i = 0; i < count; i++) insert.run(newMessageId(), `message ${i} 今天吃饭了吗`)
    })
    raw.close()

    const store = Store.open(join(dir, 'pigeon.db'))
    const senders = ['alice', 'bob', 'carol', 'dave']
    const inboundMs = timed(() => {
      for (let i = 0; i < count; i++) {
        const text = `message ${i} 今天吃饭了吗 see you at ${i % 24}:00`
        store.storeInbound(
          { id: newMessageId(), sender: senders[i % 4]!, sentAt: Date.now(), text },
          'lan',
          Date.now(),
        )
      }
    })
    const indexMs = timed(() => store.messages.flushSearchIndex())
    const outgoingMs = timed(() => {
      for (let i = 0; i < count; i++) {
        store.queueOutgoing(
          {
            id: newMessageId(),
            sender: 'me',
            recipient: 'bob',
            sentAt: Date.now(),
            text: `reply ${i}`,
          },
          Date.now(),
        )
      }
    })
    const rows = store.outbox.head('bob', count)
    const completeMs = timed(() => {
      for (const row of rows) store.completeOutbox(row, 'lan', 'delivered')
    })
    const searchTimes = (query: string): number[] => {
      const times: number[] = []
      for (let i = 0; i < 50; i++) times.push(timed(() => store.messages.search(query, 50)))
      return times.sort((a, b) => a - b)
    }
    const fts = searchTimes('吃饭了')
    const short = searchTimes('吃饭')
    store.close()

    const json = {
      messages: count,
      inbound_stored_per_s: perSecond(count, inboundMs),
      outgoing_queued_per_s: perSecond(count, outgoingMs),
      outbox_completed_per_s: perSecond(rows.length, completeMs),
      search_index_per_s: perSecond(count, indexMs),
      search_fts_ms_p50: fts[25] ?? Number.NaN,
      search_fts_ms_p95: percentile(fts, 95),
      search_short_ms_p50: short[25] ?? Number.NaN,
      raw_insert_commits_per_s: perSecond(count, rawMs),
    }
    return {
      title: `Store (${count.toLocaleString('en-US')} messages, WAL, synchronous=NORMAL)`,
      columns: ['operation', 'result', 'vs raw one-row commit'],
      rows: [
        [
          'inbound stored (message + conversation + receipt row), msgs/s',
          json.inbound_stored_per_s,
          `${((json.inbound_stored_per_s / json.raw_insert_commits_per_s) * 100).toFixed(0)} %`,
        ],
        [
          'outgoing queued (message + outbox row), msgs/s',
          json.outgoing_queued_per_s,
          `${((json.outgoing_queued_per_s / json.raw_insert_commits_per_s) * 100).toFixed(0)} %`,
        ],
        ['outbox row completed (acked), rows/s', json.outbox_completed_per_s, ''],
        ['search index flush (batched), msgs/s', json.search_index_per_s, ''],
        [
          'search 3+ chars (trigram FTS), ms p50 / p95',
          `${json.search_fts_ms_p50.toFixed(2)} / ${json.search_fts_ms_p95.toFixed(2)}`,
          '',
        ],
        ['search 2 chars (scan), ms p50', json.search_short_ms_p50, ''],
        ['reference: raw one-row INSERT per commit, /s', json.raw_insert_commits_per_s, '100 %'],
      ],
      notes: [
        'Each inbound message is its own transaction, committed before the path acks it (crash safety).',
      ],
      json,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
