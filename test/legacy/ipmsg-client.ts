// A scripted IP Messenger client for `npm run bench -- lan` (test/bench/legacy-lan.ts), run in a
// test namespace by PeerProcess: UDP 2425 on all addresses like iptux, driven by JSON lines on
// stdin. `enter` sends a BR_ENTRY to Pigeon's address (as IP Messenger does to the hosts of its
// broadcast list: the test LAN's namespaces have no route for 255.255.255.255 from a wildcard
// socket) and answers with the time
// until Pigeon's ANSENTRY — Pigeon answers only once it has the peer online (docs/protocol.md §15);
// `rtt` sends SENDMSG+SENDCHECKOPT to Pigeon one at a time and times each RECVMSG, which Pigeon
// sends after storing the message. Pigeon's own SENDMSGs are answered with RECVMSG. `fetch` waits
// for Pigeon's next file offer (SENDMSG|FILEATTACHOPT) and pulls it over TCP with GETFILEDATA, as
// an IP Messenger client does, timing the bytes from request to Pigeon's close.
import { createSocket, type RemoteInfo } from 'node:dgram'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { Mode, Opt } from '../../app/core/legacy/ipmsg-commands.js'
import { readDatagram, type Datagram } from '../../app/core/legacy/ipmsg-datagram.js'
import { formatEntry } from '../../app/core/legacy/ipmsg-entry.js'
import { formatFileRequest } from '../../app/core/legacy/ipmsg-file-request.js'
import { formatAnsweredNo, formatMessage } from '../../app/core/legacy/ipmsg-message.js'
import { formatPacket } from '../../app/core/legacy/ipmsg-packet.js'

const args = JSON.parse(process.argv[2] ?? '{}') as { user?: string; host?: string }
const user = args.user ?? 'bench'
const host = args.host ?? 'bench-pc'
const socket = createSocket('udp4')
let packetNo = 1
let waiter: { match: (d: Datagram) => boolean; resolve: (d: Datagram) => void } | undefined

const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`)
const send = (
  command: number,
  extra: Uint8Array,
  to: { address: string; port: number },
): number => {
  const no = packetNo++
  socket.send(
    formatPacket({ version: '1', packetNo: no, user, host, command, extra }),
    to.port,
    to.address,
  )
  return no
}
const next = (match: (d: Datagram) => boolean): Promise<Datagram> =>
  new Promise((resolve) => (waiter = { match, resolve }))

socket.on('message', (bytes: Buffer, from: RemoteInfo) => {
  let d: Datagram
  try {
    d = readDatagram(new Uint8Array(bytes))
  } catch {
    return
  }
  if (d.kind === 'message') send(Mode.RECVMSG, formatAnsweredNo(d.packet.packetNo), from)
  if (waiter?.match(d) === true) {
    const w = waiter
    waiter = undefined
    w.resolve(d)
  }
})

socket.bind(2425, '0.0.0.0', () => {
  socket.setBroadcast(true)
  out({ event: 'ready' })
})

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line) as {
    req: number
    cmd: string
    to?: string
    count?: number
    text?: string
  }
  void (async () => {
    if (req.cmd === 'enter') {
      const answered = next((d) => d.kind === 'entry' && d.answer)
      const started = performance.now()
      send(Mode.BR_ENTRY, formatEntry({ nickname: user, group: 'bench', ext: {} }), {
        address: req.to ?? '',
        port: 2425,
      })
      await answered
      out({ reply: req.req, ok: true, ms: performance.now() - started })
    } else if (req.cmd === 'exit') {
      send(Mode.BR_EXIT, new Uint8Array([0]), { address: req.to ?? '', port: 2425 })
      out({ reply: req.req, ok: true })
    } else if (req.cmd === 'fetch') {
      const offer = await next((d) => d.kind === 'message' && d.files.length > 0)
      const socket = connect({ host: req.to ?? '', port: 2425 })
      await new Promise((resolve) => socket.once('connect', resolve))
      const started = performance.now()
      const request = { folder: false, packetNo: offer.packet.packetNo, fileId: 0, offset: 0 }
      socket.write(formatFileRequest({ user, host, packetNo: packetNo++ }, request))
      let bytes = 0
      for await (const chunk of socket) bytes += (chunk as Buffer).length
      out({ reply: req.req, ok: true, ms: performance.now() - started, bytes })
    } else if (req.cmd === 'rtt') {
      const times: number[] = []
      for (let i = 0; i < (req.count ?? 1); i++) {
        // at most one text per 70 ms: under the bridge's rate limit per source (20/s)
        const started = performance.now()
        const no = packetNo
        const answered = next((d) => d.kind === 'recv' && d.answered === no)
        const extra = formatMessage(`${req.text ?? ''} ${i}`)
        const to = { address: req.to ?? '', port: 2425 }
        socket.send(
          formatPacket({
            version: '1',
            packetNo: packetNo++,
            user,
            host,
            command: Mode.SENDMSG | Opt.SENDCHECK,
            extra,
          }),
          to.port,
          to.address,
        )
        await answered
        times.push(performance.now() - started)
        await new Promise((r) => setTimeout(r, Math.max(0, 70 - (performance.now() - started))))
      }
      out({ reply: req.req, ok: true, times })
    }
  })().catch((error: unknown) => out({ reply: req.req, ok: false, error: String(error) }))
})
