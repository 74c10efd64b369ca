// IP Messenger's discovery pattern, as the reference of the lan-scale bench: each host
// broadcasts one BR_ENTRY when it starts and every host that hears it answers ANSENTRY by
// unicast (IP Messenger protocol, "IPMSG_BR_ENTRY" / "IPMSG_ANSENTRY", UDP port 2425). Real UDP
// sockets in the namespace this runs in (one per host address, plus one per host for
// broadcasts); prints {packets sent, all_known_ms after the last start, window_ms} as JSON.
//
//   argv[2] JSON: { addresses: string[], broadcast: string, staggerMs: number }
import dgram from 'node:dgram'

const PORT = 2425
const BR_ENTRY = 0x1
const ANSENTRY = 0x3

interface Args {
  addresses: string[]
  broadcast: string
  staggerMs: number
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args
let packets = 0
let packetNo = 1
const known = new Map<string, Set<string>>()
const started = Date.now()
let lastStart = started

/** one packet on the wire (a broadcast counts once, however many hosts hear it) */
function message(host: string, command: number): Buffer {
  packets++
  return Buffer.from(`1:${packetNo++}:user:${host}:${command}:${host}\0workgroup\0`)
}

function bindSocket(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  return new Promise((resolve) => socket.bind(PORT, address, () => resolve(socket)))
}

function hear(self: string, data: Buffer): string | undefined {
  const [, , , host, command] = data.toString().split(':')
  if (host === undefined || host === self) return undefined
  known.get(self)!.add(host)
  return (Number(command) & 0xff) === BR_ENTRY ? host : undefined
}

const sockets: dgram.Socket[] = []
/** a host starts: it listens, then broadcasts its entry */
async function start(address: string): Promise<void> {
  known.set(address, new Set())
  const unicast = await bindSocket(address)
  const broadcasts = await bindSocket('0.0.0.0')
  unicast.setBroadcast(true)
  sockets.push(unicast, broadcasts)
  unicast.on('message', (data) => hear(address, data))
  broadcasts.on('message', (data, rinfo) => {
    if (rinfo.address === address) return // my own broadcast; other hosts' sockets get it too
    const newcomer = hear(address, data)
    if (newcomer !== undefined) unicast.send(message(address, ANSENTRY), PORT, newcomer)
  })
  lastStart = Date.now()
  unicast.send(message(address, BR_ENTRY), PORT, args.broadcast)
}

for (const address of args.addresses) {
  await start(address)
  await new Promise((r) => setTimeout(r, args.staggerMs))
}

const deadline = started + args.addresses.length * args.staggerMs + 30_000
const everyone = args.addresses.length - 1
while ([...known.values()].some((peers) => peers.size < everyone) && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 20))
const done = Date.now()
for (const socket of sockets) socket.close()
process.stdout.write(
  `${JSON.stringify({ packets, all_known_ms: done - lastStart, window_ms: done - started })}\n`,
)
