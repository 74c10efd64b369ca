// `npm run bench -- relay-heap [--conns N]`: what each idle authenticated connection holds in
// pigeon-relay's heap (docs/relay.md "Memory per connection"). Two V8 heap snapshots of the relay
// process (--heapsnapshot-signal), before and after N idle connections; the table lists the
// object kinds whose total size grew most, per connection, with RSS per connection beside it,
// and where that RSS is: process.memoryUsage() (V8 heap reserved vs used, external) and
// /proc/<pid>/smaps_rollup, 2 s after the connections and again after they idled --settle s.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { idleConnections, relayTarget, rssKiB } from '../support/relay-load.js'
import { startRelayProcess } from '../support/relay-process.js'
import type { BenchResult } from './table.js'

interface HeapFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

/** self size summed by "type:constructor name" (strings and code by type only) */
function sizesByKind(path: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as HeapFile
  const fields = heap.snapshot.meta.node_fields
  const types = heap.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const out = new Map<string, { bytes: number; count: number }>()
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt!]!]!
    const named = type === 'object' || type === 'closure' || type === 'native'
    const key = named ? `${type}:${heap.strings[heap.nodes[i + nameAt!]!]}` : type
    const entry = out.get(key) ?? { bytes: 0, count: 0 }
    entry.bytes += heap.nodes[i + sizeAt!]!
    entry.count += 1
    out.set(key, entry)
  }
  return out
}

/** KiB: the relay's own process.memoryUsage() (admin API) and anonymous memory from smaps_rollup */
async function memory(
  relay: { http: string; adminToken: string },
  pid: number,
): Promise<Record<string, number>> {
  const response = await fetch(`${relay.http}/admin/stats`, {
    headers: { authorization: `Bearer ${relay.adminToken}` },
  })
  const { memory } = (await response.json()) as { memory: Record<string, number> }
  const anonymous = /^Anonymous:\s+(\d+) kB/m.exec(
    readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'),
  )
  const kib = Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, v / 1024]))
  return { ...kib, anonymous: Number(anonymous?.[1] ?? NaN) }
}

async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  for (;;) {
    await new Promise((r) => setTimeout(r, 500))
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'))
    if (file === undefined) continue
    const size = statSync(join(dir, file)).size
    await new Promise((r) => setTimeout(r, 1500))
    if (statSync(join(dir, file)).size === size && size > 0) return join(dir, file)
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      conns: { type: 'string', default: '5000' },
      settle: { type: 'string', default: '60' },
    },
    strict: false,
  })
  const conns = Number(values.conns)
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-heap-'))
  const relay = await startRelayProcess({
    args: ['--max-connections', String(conns + 1000), '--log-level', 'warn'],
    env: { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` },
    timeoutMs: 30_000,
  })
  const pid = relay.child.pid!
  try {
    const target = relayTarget('pigeon-relay', relay)
    // a few connections first, so code and caches every connection shares are in both snapshots
    const warm = await idleConnections(target, 50)
    const first = await snapshot(pid, dir)
    const rssBefore = rssKiB(pid)
    const memBefore = await memory(relay, pid)
    const idle = await idleConnections(target, conns)
    const rssAfter = rssKiB(pid)
    const memAfter = await memory(relay, pid)
    await new Promise((r) => setTimeout(r, Number(values.settle) * 1000))
    const memSettled = await memory(relay, pid)
    const second = await snapshot(pid, dir)
    const perConn = (field: string): [string, number, number] => [
      `${field} (KiB / connection): 2 s after, idle ${values.settle} s`,
      (memAfter[field]! - memBefore[field]!) / conns,
      (memSettled[field]! - memBefore[field]!) / conns,
    ]
    const a = sizesByKind(first)
    const b = sizesByKind(second)
    const growth = [...b]
      .map(([kind, { bytes, count }]) => ({
        kind,
        bytes: (bytes - (a.get(kind)?.bytes ?? 0)) / conns,
        count: (count - (a.get(kind)?.count ?? 0)) / conns,
      }))
      .sort((x, y) => y.bytes - x.bytes)
    const total = growth.reduce((sum, g) => sum + g.bytes, 0)
    for (const socket of [...idle.sockets, ...warm.sockets]) socket.destroy()
    return {
      title: `pigeon-relay heap per idle authenticated connection (${conns.toLocaleString('en-US')} connections)`,
      columns: ['object kind', 'bytes / connection', 'objects / connection'],
      rows: [
        ['all heap objects', total, growth.reduce((sum, g) => sum + g.count, 0)],
        ['RSS (KiB / connection)', (rssAfter - rssBefore) / conns, ''],
        ...['rss', 'anonymous', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map(perConn),
        ...growth.slice(0, 20).map((g) => [g.kind, g.bytes, g.count] as [string, number, number]),
      ],
      notes: [
        'Self sizes from two V8 heap snapshots, by node type and constructor name.',
        "memoryUsage rows: the relay's process.memoryUsage() (heapTotal = V8 heap reserved, heapUsed = in objects, live or not yet collected) and smaps_rollup Anonymous.",
      ],
      json: {
        heap_bytes_per_conn: Math.round(total),
        rss_kib_per_conn: (rssAfter - rssBefore) / conns,
        settled_rss_kib_per_conn: (memSettled['rss']! - memBefore['rss']!) / conns,
        settled_heap_used_kib_per_conn: (memSettled['heapUsed']! - memBefore['heapUsed']!) / conns,
      },
    }
  } finally {
    await relay.stop()
    relay.cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
}
