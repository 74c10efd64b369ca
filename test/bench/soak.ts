// `npm run bench -- soak [--minutes N] [--conns N] [--rate N] [--pairs N]`: pigeon-relay holding
// `conns` authenticated connections (default 9,000; most idle, `pairs` sender/receiver pairs
// among them) under a steady QoS 1 load of `rate` messages/s for `minutes` (default 10). Prints
// the relay's RSS over time, messages sent (PUBACKed) / received / lost, and p99 latency; the
// target (docs/relay.md "Benchmarks") is RSS growth < 5 % from minute 2 to the end and 0 lost.
import { parseArgs } from 'node:util'
import mqtt, { type MqttClient } from 'mqtt'
import { generateIdentity } from '../../shared/identity.js'
import { inboxTopic } from '../../shared/topics.js'
import { idleConnections, relayTarget, rssKiB } from '../support/relay-load.js'
import { startRelayProcess } from '../support/relay-process.js'
import { percentile, type BenchResult } from './table.js'

const PAYLOAD_BYTES = 200

function progress(text: string): void {
  process.stderr.write(`[bench soak] ${text}\n`)
}

export async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      minutes: { type: 'string', default: '10' },
      conns: { type: 'string', default: '9000' },
      rate: { type: 'string', default: '500' },
      pairs: { type: 'string', default: '50' },
    },
    strict: false,
  })
  const minutes = Number(values.minutes)
  const pairs = Number(values.pairs)
  const rate = Number(values.rate)
  const idleCount = Number(values.conns) - 2 * pairs
  const relay = await startRelayProcess({
    args: [
      ...['--publish-rate', '100000', '--publish-burst', '100000'],
      ...['--max-connections', String(Number(values.conns) + 1000)],
      ...['--log-level', 'warn', '--connect-timeout', '300s'],
    ],
    timeoutMs: 30_000,
  })
  const pid = relay.child.pid!
  const target = relayTarget('pigeon-relay', relay)
  const clients: MqttClient[] = []
  let idle: Awaited<ReturnType<typeof idleConnections>> | undefined
  try {
    progress(`${idleCount} idle connections`)
    idle = await idleConnections(target, idleCount)
    const ids = await Promise.all(Array.from({ length: 2 * pairs }, () => generateIdentity()))
    const connect = async (i: number, clean: boolean): Promise<MqttClient> =>
      await mqtt.connectAsync(`mqtt://${target.host}:${target.port}`, {
        ...(await target.login(ids[i]!)),
        clean,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 60_000,
      })
    const received = new Set<number>()
    const latencies: number[] = []
    const senders: MqttClient[] = []
    for (let i = 0; i < pairs; i++) {
      const receiver = await connect(2 * i, false)
      await receiver.subscribeAsync(inboxTopic(ids[2 * i]!.peerId), { qos: 1 })
      receiver.on('message', (_topic, payload) => {
        received.add(payload.readUInt32LE(8))
        latencies.push(performance.now() - payload.readDoubleLE(0))
      })
      clients.push(receiver)
      senders.push(await connect(2 * i + 1, true))
    }
    clients.push(...senders)
    progress(`steady load: ${rate} msgs/s for ${minutes} min`)
    let seq = 0
    const acked = new Set<number>()
    const tickMs = 100
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
    const timer = setInterval(() => {
      for (let k = 0; k < perTick; k++) {
        const n = seq++
        const i = n % pairs
        const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61)
        payload.writeDoubleLE(performance.now(), 0)
        payload.writeUInt32LE(n, 8)
        senders[i]!.publishAsync(inboxTopic(ids[2 * i]!.peerId), payload, { qos: 1 }).then(
          () => acked.add(n),
          () => undefined,
        )
      }
    }, tickMs)
    const samples: Array<[number, number]> = []
    const started = performance.now()
    const sampleMs = Math.max(5_000, (minutes * 60_000) / 20)
    while (performance.now() - started < minutes * 60_000) {
      await new Promise((r) => setTimeout(r, sampleMs))
      const at = (performance.now() - started) / 60_000
      samples.push([at, rssKiB(pid) / 1024])
      progress(
        `${at.toFixed(1)} min: RSS ${(rssKiB(pid) / 1024).toFixed(1)} MiB, ${received.size} received`,
      )
    }
    clearInterval(timer)
    // let what is in flight arrive
    const settleBy = performance.now() + 15_000
    while (performance.now() < settleBy && [...acked].some((n) => !received.has(n)))
      await new Promise((r) => setTimeout(r, 250))
    const lost = [...acked].filter((n) => !received.has(n)).length
    latencies.sort((a, b) => a - b)
    const warm = samples.find(([at]) => at >= Math.min(2, minutes / 5)) ?? samples[0]!
    const last = samples.at(-1)!
    const growth = ((last[1] - warm[1]) / warm[1]) * 100
    return {
      title: `Soak: ${Number(values.conns).toLocaleString('en-US')} authenticated connections, ${rate} QoS 1 msgs/s of ${PAYLOAD_BYTES} B over ${pairs} pairs, ${minutes} min`,
      columns: ['measure', 'value'],
      rows: [
        ...samples.map(
          ([at, mib]) => [`RSS at ${at.toFixed(1)} min (MiB)`, mib] as [string, number],
        ),
        [`RSS growth ${warm[0].toFixed(1)} min → end (%)`, growth],
        ['messages sent (PUBACKed)', acked.size],
        ['messages received (distinct)', received.size],
        ['lost (PUBACKed, never received)', lost],
        [
          'latency p50 / p99 (ms)',
          `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`,
        ],
      ],
      notes: ['Relay and load generator on one machine; RSS from /proc/<pid>/status.'],
      json: { rss_growth_pct: growth, sent: acked.size, received: received.size, lost },
    }
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)))
    for (const socket of idle?.sockets ?? []) socket.destroy()
    await relay.stop()
    relay.cleanup()
  }
}
