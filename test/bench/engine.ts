// `npm run bench -- engine [count]`: the whole engine between two nodes on 127.0.0.1 (one
// process, mDNS off): a burst of messages sent (stored + queued), delivered over the LAN path
// (stored by the receiver, acked, then receipted), and the send → delivered latency of single
// messages. Reference in the same run, same connection: the bare LAN path (envelope delivered
// and acked with no store on either side), to show what the engine adds to the network.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNode, type RunningNode } from '../../app/node/start-node.js'
import type { MessageRow } from '../../app/core/store/index.js'
import { newMessageId } from '../../shared/envelope.js'
import { percentile, type BenchResult } from './table.js'

function deliveredCount(node: RunningNode, target: number): Promise<void> {
  let delivered = 0
  return new Promise((resolve) => {
    const onState = (m: MessageRow): void => {
      if (m.direction === 'out' && m.state === 'delivered' && ++delivered === target) {
        node.messenger.off('message-state', onState)
        resolve()
      }
    }
    node.messenger.on('message-state', onState)
  })
}

export async function run(args: string[]): Promise<BenchResult> {
  const count = Math.min(Math.max(Number(args[0] ?? 3_000) || 3_000, 100), 50_000)
  const dirs = [
    mkdtempSync(join(tmpdir(), 'pigeon-bench-a-')),
    mkdtempSync(join(tmpdir(), 'pigeon-bench-b-')),
  ]
  const base = { mdns: false, listenHost: '127.0.0.1' }
  const a = await startNode({ ...base, dataDir: dirs[0]!, name: 'A' })
  const b = await startNode({ ...base, dataDir: dirs[1]!, name: 'B', connect: a.addresses() })
  try {
    while (a.messenger.peer(b.peerId)?.online.length !== 1)
      await new Promise((r) => setTimeout(r, 20))

    // burst through the engine
    const all = deliveredCount(a, count)
    const start = performance.now()
    for (let i = 0; i < count; i++) a.messenger.send(b.peerId, `burst ${i} 你好`)
    const queuedMs = performance.now() - start
    await all
    const burstMs = performance.now() - start

    // one at a time: send → delivered
    const latencies: number[] = []
    for (let i = 0; i < 200; i++) {
      const one = deliveredCount(a, 1)
      const t = performance.now()
      a.messenger.send(b.peerId, `ping ${i}`)
      await one
      latencies.push(performance.now() - t)
    }
    latencies.sort((x, y) => x - y)

    // reference: the LAN path alone, same connection, acked with nothing stored
    const refStart = performance.now()
    for (let i = 0; i < count; i++) {
      await a.lan.deliver(b.peerId, {
        id: newMessageId(),
        sender: a.peerId,
        to: { peer: b.peerId },
        sentAt: Date.now(),
        kind: 'typing',
        typing: true,
      })
    }
    const refMs = performance.now() - refStart

    const json = {
      messages: count,
      engine_queued_per_s: Math.round((count / queuedMs) * 1000),
      engine_delivered_per_s: Math.round((count / burstMs) * 1000),
      engine_send_to_delivered_ms_p50: percentile(latencies, 50),
      engine_send_to_delivered_ms_p99: percentile(latencies, 99),
      lan_path_acked_per_s: Math.round((count / refMs) * 1000),
    }
    return {
      title: `Engine end to end, two nodes on 127.0.0.1 in one process (${count.toLocaleString('en-US')} messages)`,
      columns: ['measure', 'value'],
      rows: [
        ['sent (stored + queued), msgs/s', json.engine_queued_per_s],
        ['delivered (stored at B, acked, state at A), msgs/s', json.engine_delivered_per_s],
        ['send → delivered, one at a time, ms p50', json.engine_send_to_delivered_ms_p50],
        ['send → delivered, one at a time, ms p99', json.engine_send_to_delivered_ms_p99],
        [
          'reference: bare LAN path, acked one at a time (no store), msgs/s',
          json.lan_path_acked_per_s,
        ],
      ],
      notes: [
        `engine / bare path: ${((json.engine_delivered_per_s / json.lan_path_acked_per_s) * 100).toFixed(0)} % (each message is one receiver commit before its ack, plus the receipt back)`,
      ],
      json,
    }
  } finally {
    await b.stop()
    await a.stop()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}
