// A Pigeon LAN node driven over stdin/stdout with JSON lines, run by test/net and the lan bench
// inside a namespace host (test/support/netns.ts). Inbound messages are kept in memory: this
// drives the network layer, not the store.
//
//   argv[2] (optional JSON): { name, port, mdnsInterval, recordTtl, idleCloseMs, workgroup, host, limits }
//   stdout events: {event:'ready', peerId, port, addresses} {event:'online'|'offline', peerId, ...}
//                  {event:'profile', ...} {event:'inbound', id, sender, kind, text}
//   stdin commands: {req, cmd:'send', to, text, count?, concurrent?} → {reply, ok, delivered, errors}
//                   {req, cmd:'rtt', to, text, count} → {times}   {req, cmd:'restart'} → {startedAt}
//                   {req, cmd:'peers'} → {peers, inboundCount, connections}
//                   {req, cmd:'profile', name, color, status, workgroup?, host?} {req, cmd:'stop'}
import '../../shared/polyfills.js'
import { createInterface } from 'node:readline'
import { pino } from 'pino'
import { createLanNetwork, type ChatLimits } from '../../app/core/net/index.js'
import { isPigeonError } from '../../shared/errors.js'
import { messageIdToString, newMessageId, type Envelope } from '../../shared/envelope.js'
import { generateIdentity } from '../../shared/identity.js'

interface PeerArgs {
  name?: string
  port?: number
  mdnsInterval?: number
  /** TTL of the node's mDNS records, s (how soon a killed node leaves the lists) */
  recordTtl?: number
  /** idle period before an mDNS-listed peer's connection is closed, ms */
  idleCloseMs?: number
  workgroup?: string
  host?: string
  /** keep-alive ping interval, ms */
  pingInterval?: number
  limits?: Partial<ChatLimits>
  /** print an 'inbound' line per message (off for benchmarks) */
  quiet?: boolean
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs
const out = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}
// the node's warnings and errors as 'log' lines on stdout, through a pino destination of our own
const logger = pino(
  {
    level: 'warn',
    base: null,
    timestamp: false,
    formatters: { level: (label) => ({ level: label }) },
  },
  {
    write: (line: string) => {
      const { msg, ...details } = JSON.parse(line) as { msg: string }
      out({ event: 'log', message: msg, ...details })
    },
  },
)

const identity = await generateIdentity()
let inboundCount = 0

function createLan(): ReturnType<typeof createLanNetwork> {
  const created = createLanNetwork({
    identity,
    listenPort: args.port ?? 0,
    mdns: { interval: args.mdnsInterval ?? 10_000, recordTtl: args.recordTtl },
    profile: {
      name: args.name ?? 'peer',
      color: 0x336699,
      status: 'online',
      ...(args.workgroup === undefined ? {} : { workgroup: args.workgroup }),
      ...(args.host === undefined ? {} : { host: args.host }),
    },
    idleCloseMs: args.idleCloseMs,
    limits: args.limits,
    pingInterval: args.pingInterval,
    logger,
  })
  created.onInbound(async (envelope) => {
    inboundCount++
    if (args.quiet === true) return
    out({
      event: 'inbound',
      id: messageIdToString(envelope.id),
      sender: envelope.sender,
      kind: envelope.kind,
      text: envelope.kind === 'text' ? envelope.text : undefined,
    })
  })
  created.on('peer:online', (detail) => out({ event: 'online', ...detail, at: Date.now() }))
  created.on('peer:offline', (detail) => out({ event: 'offline', ...detail, at: Date.now() }))
  created.on('profile', (profile) => out({ event: 'profile', ...profile }))
  return created
}

let lan = createLan()
let startedAt = Date.now()
await lan.start()
out({
  event: 'ready',
  peerId: lan.peerId,
  port: lan.listenPort,
  addresses: lan.addresses(),
  startedAt,
})

function textTo(to: string, text: string): Envelope {
  return {
    id: newMessageId(),
    sender: lan.peerId,
    to: { peer: to },
    sentAt: Date.now(),
    kind: 'text',
    text,
  }
}

async function send(to: string, text: string, count: number, concurrent: boolean): Promise<object> {
  let delivered = 0
  const errors: Record<string, number> = {}
  const one = async (i: number): Promise<void> => {
    try {
      await lan.deliver(to, textTo(to, count === 1 ? text : `${text} ${i}`))
      delivered++
    } catch (error) {
      const code = isPigeonError(error) ? error.code : String(error)
      errors[code] = (errors[code] ?? 0) + 1
    }
  }
  if (concurrent) await Promise.all(Array.from({ length: count }, (_, i) => one(i)))
  else for (let i = 0; i < count; i++) await one(i)
  return { delivered, errors }
}

/** round trips of one message at a time, for the benchmark: ms each */
async function rtt(to: string, text: string, count: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await lan.deliver(to, textTo(to, text))
    times.push(performance.now() - start)
  }
  return times
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const command = JSON.parse(line) as { req: number; cmd: string; [key: string]: unknown }
  const reply = (result: object): void => out({ reply: command.req, ok: true, ...result })
  try {
    switch (command.cmd) {
      case 'send': {
        const started = performance.now()
        const result = await send(
          String(command.to),
          String(command.text),
          Number(command.count ?? 1),
          command.concurrent === true,
        )
        reply({ ...result, ms: performance.now() - started })
        break
      }
      case 'rtt':
        reply({
          times: await rtt(String(command.to), String(command.text), Number(command.count ?? 1)),
        })
        break
      case 'peers':
        reply({ peers: lan.peers(), inboundCount, connections: lan.libp2p.getConnections().length })
        break
      case 'profile':
        await lan.setProfile({
          name: String(command.name),
          color: Number(command.color),
          status: command.status as 'online',
          ...(command.workgroup === undefined ? {} : { workgroup: String(command.workgroup) }),
          ...(command.host === undefined ? {} : { host: String(command.host) }),
        })
        reply({})
        break
      case 'restart':
        // same identity, a fresh node: what a user's restart looks like to the others
        await lan.stop()
        lan = createLan()
        startedAt = Date.now()
        await lan.start()
        reply({ startedAt, port: lan.listenPort })
        break
      case 'stop':
        await lan.stop()
        reply({})
        process.exit(0)
        break
      default:
        out({ reply: command.req, ok: false, error: `unknown command ${command.cmd}` })
    }
  } catch (error) {
    out({ reply: command.req, ok: false, error: (error as Error).message })
  }
}
