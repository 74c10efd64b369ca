// `npm run bench -- relay [--pairs N] [--messages N] [--drain N] [--conns N]`: the same workload
// against pigeon-relay and Debian's mosquitto (persistence on), both on loopback, in one run:
// - N sender/receiver pairs, QoS 1, 200-byte payloads: delivered msgs/s, p50/p99 latency, and
//   broker CPU time per delivered message from /proc/<pid>/stat (on two cores the load
//   generator competes with the broker, so CPU per message is the fair comparison);
// - offline drain: messages queued for an absent client, delivered on reconnect;
// - broker memory per idle authenticated connection (VmRSS delta / connections), with minimal
//   hand-written CONNECTs so the load generator itself stays small: 2 s after the last CONNACK,
//   and with --settle S again after S more seconds of idling, both brokers alike (docs/relay.md
//   "Memory per connection": the relay collects a storm's garbage 1 s after it, and from then on
//   the delta can fall below the live objects, since the heap before the storm held garbage too).
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import mqtt, { type MqttClient } from 'mqtt'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { idleConnections, relayTarget, type Target } from '../support/relay-load.js'
import { inboxTopic } from '../../shared/topics.js'
import { startMosquitto } from '../support/brokers.js'
import { startRelayProcess } from '../support/relay-process.js'
import { startRelayNodes } from '../support/relay-cluster.js'
import { percentile, type BenchResult } from './table.js'

function progress(text: string): void {
  process.stderr.write(`[bench relay] ${text}\n`)
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
const PAYLOAD_BYTES = 200

function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[11], fields[12] are utime and stime (the 14th and 15th of proc(5))
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLK_TCK
}

async function client(target: Target, identity: Identity, clean: boolean): Promise<MqttClient> {
  return await mqtt.connectAsync(`mqtt://${target.host}:${target.port}`, {
    ...(await target.login(identity)),
    clean,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
  })
}

/** `nodes`: one broker, or cluster nodes: each pair's receiver on one node, its sender on the next */
export async function throughput(
  nodes: Target | Target[],
  pairs: number,
  perPair: number,
): Promise<{ msgsPerS: number; p50: number; p99: number; cpuUsPerMsg: number }> {
  const targets = Array.isArray(nodes) ? nodes : [nodes]
  const cpuOf = (): number => targets.reduce((sum, t) => sum + cpuMicros(t.pid), 0)
  const ids = await Promise.all(Array.from({ length: pairs * 2 }, () => generateIdentity()))
  const latencies: number[] = []
  const receivers: MqttClient[] = []
  const senders: MqttClient[] = []
  let delivered = 0
  const total = pairs * perPair
  let allDelivered!: () => void
  const done = new Promise<void>((resolve) => (allDelivered = resolve))
  for (let i = 0; i < pairs; i++) {
    const receiver = await client(targets[i % targets.length]!, ids[2 * i]!, false)
    await receiver.subscribeAsync(inboxTopic(ids[2 * i]!.peerId), { qos: 1 })
    receiver.on('message', (_topic, payload) => {
      latencies.push(performance.now() - payload.readDoubleLE(0))
      if (++delivered === total) allDelivered()
    })
    receivers.push(receiver)
    senders.push(await client(targets[(i + 1) % targets.length]!, ids[2 * i + 1]!, true))
  }
  const cpuBefore = cpuOf()
  const started = performance.now()
  await Promise.all(
    senders.map(async (sender, i) => {
      const topic = inboxTopic(ids[2 * i]!.peerId)
      const window: Array<Promise<unknown>> = []
      for (let n = 0; n < perPair; n++) {
        const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61)
        payload.writeDoubleLE(performance.now(), 0)
        window.push(sender.publishAsync(topic, payload, { qos: 1 }))
        if (window.length >= 32) await Promise.all(window.splice(0))
      }
      await Promise.all(window)
    }),
  )
  await done
  const seconds = (performance.now() - started) / 1000
  const cpu = cpuOf() - cpuBefore
  await Promise.all([...receivers, ...senders].map((c) => c.endAsync(true)))
  latencies.sort((a, b) => a - b)
  return {
    msgsPerS: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuUsPerMsg: cpu / delivered,
  }
}

async function drain(
  target: Target,
  count: number,
): Promise<{ msgsPerS: number; queueSeconds: number }> {
  const [receiverId, senderId] = await Promise.all([generateIdentity(), generateIdentity()])
  const topic = inboxTopic(receiverId.peerId)
  const first = await client(target, receiverId, false)
  await first.subscribeAsync(topic, { qos: 1 })
  await first.endAsync()
  const sender = await client(target, senderId, true)
  const queueStart = performance.now()
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x62)
  const window: Array<Promise<unknown>> = []
  for (let n = 0; n < count; n++) {
    window.push(sender.publishAsync(topic, payload, { qos: 1 }))
    if (window.length >= 256) await Promise.all(window.splice(0))
  }
  await Promise.all(window)
  const queueSeconds = (performance.now() - queueStart) / 1000
  await sender.endAsync()
  // let the broker finish writing what it acknowledged
  await new Promise((r) => setTimeout(r, 500))
  let received = 0
  let allIn!: () => void
  const complete = new Promise<void>((resolve) => (allIn = resolve))
  const started = performance.now()
  const receiver = mqtt.connect(`mqtt://${target.host}:${target.port}`, {
    ...(await target.login(receiverId)),
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
  })
  receiver.on('message', () => {
    if (++received === count) allIn()
  })
  const timeout = setTimeout(allIn, 90_000)
  await complete
  clearTimeout(timeout)
  const seconds = (performance.now() - started) / 1000
  await receiver.endAsync(true)
  return { msgsPerS: received / seconds, queueSeconds }
}

/** Cluster mode on one Redis: delivered msgs/s and CPU per message, 1 node vs 3 nodes. */
async function clusterRows(
  args: string[],
  pairs: number,
  perPair: number,
): Promise<Array<Array<string | number>>> {
  const measured = []
  for (const count of [1, 3]) {
    progress(`cluster: ${count} node(s) on Redis`)
    const cluster = await startRelayNodes(count, args)
    try {
      const targets = cluster.nodes.map((node, i) => relayTarget(`node ${i + 1}`, node))
      measured.push(await throughput(targets, pairs, perPair))
    } finally {
      await cluster.stop()
    }
  }
  const [one, three] = measured as [
    Awaited<ReturnType<typeof throughput>>,
    Awaited<ReturnType<typeof throughput>>,
  ]
  return [
    [
      'cluster on Redis: delivered msgs/s, 1 node → 3 nodes',
      one.msgsPerS,
      three.msgsPerS,
      `${(three.msgsPerS / one.msgsPerS).toFixed(2)}×`,
    ],
    [
      'cluster on Redis: CPU µs / msg (all nodes), 1 → 3',
      one.cpuUsPerMsg,
      three.cpuUsPerMsg,
      `${(three.cpuUsPerMsg / one.cpuUsPerMsg).toFixed(2)}×`,
    ],
    [
      'cluster on Redis: latency p50 (ms), 1 → 3',
      one.p50,
      three.p50,
      `${(three.p50 / one.p50).toFixed(2)}×`,
    ],
  ]
}

export async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      pairs: { type: 'string', default: '10' },
      messages: { type: 'string', default: '2000' },
      drain: { type: 'string', default: '100000' },
      conns: { type: 'string', default: '5000' },
      // also measure after the connections idled this many seconds (0: not)
      settle: { type: 'string', default: '0' },
      // the single-node store: journal (the default) or level, for the comparison in docs/relay.md
      store: { type: 'string', default: 'journal' },
      // also measure cluster mode: one relay on Redis, then three (pairs spread across nodes)
      cluster: { type: 'boolean', default: false },
    },
    strict: false,
  })
  const pairs = Number(values.pairs)
  const perPair = Number(values.messages)
  const drainCount = Number(values.drain)
  const conns = Number(values.conns)
  const settleMs = Number(values.settle) * 1000
  const store = String(values.store)

  const relayArgs = [
    '--publish-rate',
    '1000000',
    '--publish-burst',
    '1000000',
    '--queue-cap',
    String(drainCount + 1000),
    '--sender-share',
    String(drainCount + 1000),
    '--max-connections',
    String(conns + 1000),
    '--log-level',
    'warn',
    '--connect-timeout',
    '120s',
  ]
  const relay = await startRelayProcess({
    args: ['--store', store, ...relayArgs],
    timeoutMs: 30_000,
    // e.g. RELAY_NODE_OPTIONS='--require ./prof.cjs' with a script that drives node:inspector's
    // Profiler, to profile the relay (Node 20 refuses --cpu-prof in NODE_OPTIONS)
    env:
      process.env['RELAY_NODE_OPTIONS'] === undefined
        ? {}
        : { NODE_OPTIONS: process.env['RELAY_NODE_OPTIONS'] },
  })
  const mosquitto = await startMosquitto({
    persistence: true,
    extraConfig: ['max_inflight_messages 0', 'max_queued_bytes 0', 'max_connections -1'],
  })
  const targets: Target[] = [
    relayTarget('pigeon-relay', relay),
    {
      name: 'mosquitto',
      pid: mosquitto.pid,
      host: '127.0.0.1',
      port: mosquitto.port,
      login: async (identity) => ({
        clientId: identity.peerId,
        username: identity.peerId,
        password: 'unused',
      }),
    },
  ]
  const results: Record<
    string,
    {
      tp: Awaited<ReturnType<typeof throughput>>
      drain: Awaited<ReturnType<typeof drain>>
      kib: number
      settledKib: number
    }
  > = {}
  try {
    for (const target of targets) {
      // idle connections first: after the drain both brokers keep freed heap that new
      // connections would reuse, hiding their cost from the RSS delta
      progress(`${target.name}: idle connections`)
      const idle = await idleConnections(target, conns, settleMs)
      for (const socket of idle.sockets) socket.destroy()
      await new Promise((r) => setTimeout(r, 1000))
      progress(`${target.name}: throughput`)
      const tp = await throughput(target, pairs, perPair)
      progress(`${target.name}: offline drain`)
      const dr = await drain(target, drainCount)
      results[target.name] = {
        tp,
        drain: dr,
        kib: idle.kibPerConn,
        settledKib: idle.settledKibPerConn,
      }
    }
  } finally {
    await relay.stop()
    relay.cleanup()
    await mosquitto.stop()
  }
  const cluster = values.cluster === true ? await clusterRows(relayArgs, pairs, perPair) : []
  const r = results['pigeon-relay']!
  const m = results['mosquitto']!
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`
  return {
    title: `Relay: ${pairs} pairs × ${perPair} QoS 1 msgs of ${PAYLOAD_BYTES} B; drain ${drainCount.toLocaleString('en-US')}; ${conns.toLocaleString('en-US')} idle connections`,
    columns: ['measure', 'pigeon-relay', 'mosquitto', 'relay / mosquitto'],
    rows: [
      ['delivered msgs/s', r.tp.msgsPerS, m.tp.msgsPerS, ratio(r.tp.msgsPerS, m.tp.msgsPerS)],
      ['latency p50 (ms)', r.tp.p50, m.tp.p50, ratio(r.tp.p50, m.tp.p50)],
      ['latency p99 (ms)', r.tp.p99, m.tp.p99, ratio(r.tp.p99, m.tp.p99)],
      [
        'broker CPU µs / delivered msg',
        r.tp.cpuUsPerMsg,
        m.tp.cpuUsPerMsg,
        ratio(r.tp.cpuUsPerMsg, m.tp.cpuUsPerMsg),
      ],
      [
        'queueing for an absent client (s)',
        r.drain.queueSeconds,
        m.drain.queueSeconds,
        ratio(r.drain.queueSeconds, m.drain.queueSeconds),
      ],
      [
        'offline drain msgs/s',
        r.drain.msgsPerS,
        m.drain.msgsPerS,
        ratio(r.drain.msgsPerS, m.drain.msgsPerS),
      ],
      ['KiB per idle authenticated connection, 2 s after', r.kib, m.kib, ratio(r.kib, m.kib)],
      ...(settleMs > 0
        ? [
            [
              `KiB per idle authenticated connection, idle ${values.settle} s`,
              r.settledKib,
              m.settledKib,
              ratio(r.settledKib, m.settledKib),
            ],
          ]
        : []),
      ...cluster,
    ],
    notes: [
      'Both brokers on 127.0.0.1, load generator in this process (2 cores shared). CPU from /proc/<pid>/stat utime+stime.',
      `mosquitto: Debian package, persistence on (its own temp dir), anonymous; pigeon-relay: ${store} store, token auth, ACL, rate limits raised for the run.`,
      'Targets (docs/relay.md "Benchmarks and sizing"): msgs/s ≥ mosquitto, CPU per message ≤ 3×, p50 ≤ 2×, drain ≥ 0.5×, ≤ 6 KiB per idle connection.',
    ],
    json: {
      relay_msgs_per_s: Math.round(r.tp.msgsPerS),
      mosquitto_msgs_per_s: Math.round(m.tp.msgsPerS),
      relay_cpu_us_per_msg: Number(r.tp.cpuUsPerMsg.toFixed(1)),
      mosquitto_cpu_us_per_msg: Number(m.tp.cpuUsPerMsg.toFixed(1)),
      relay_p50_ms: Number(r.tp.p50.toFixed(2)),
      mosquitto_p50_ms: Number(m.tp.p50.toFixed(2)),
      relay_p99_ms: Number(r.tp.p99.toFixed(2)),
      mosquitto_p99_ms: Number(m.tp.p99.toFixed(2)),
      relay_kib_per_conn: Number(r.kib.toFixed(2)),
      mosquitto_kib_per_conn: Number(m.kib.toFixed(2)),
      drain_msgs_per_s: Math.round(r.drain.msgsPerS),
      mosquitto_drain_msgs_per_s: Math.round(m.drain.msgsPerS),
    },
  }
}
