// The physical reference of the lan bench: the same length-prefixed payloads and 17-byte acks as
// /pigeon/chat/1.0.0, over a plain TCP socket (no Noise, no yamux, no protobuf decode, no libp2p).
//   server: argv[2] = '{"mode":"server","port":7400}'   → prints {"event":"ready"}
//   client: argv[2] = '{"mode":"client","host":"10.77.0.2","port":7400,"count":20000,"size":80,"window":4096}'
//           → prints {"event":"result","ms":…,"acked":…}
import { connect, createServer, type Socket } from 'node:net'
import { encodeFrame, encodeReply, FrameDecoder } from '../../app/core/net/framing.js'

const args = JSON.parse(process.argv[2] ?? '{}') as {
  mode: string
  host?: string
  port: number
  count?: number
  size?: number
  window?: number
}
const out = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

if (args.mode === 'server') {
  createServer((socket: Socket) => {
    socket.setNoDelay(true)
    const decoder = new FrameDecoder(64 * 1024)
    socket.on('data', (chunk) => {
      const acks: Uint8Array[] = []
      for (const frame of decoder.push(chunk))
        acks.push(encodeReply({ ok: true, id: frame.subarray(2, 18) }).subarray())
      if (acks.length > 0) socket.write(Buffer.concat(acks))
    })
    socket.on('error', () => undefined)
  }).listen(args.port, '0.0.0.0', () => out({ event: 'ready' }))
} else {
  const count = args.count ?? 20_000
  const window = args.window ?? 4096
  const payload = encodeFrame(crypto.getRandomValues(new Uint8Array(args.size ?? 80))).subarray()
  const socket = connect(args.port, args.host ?? '127.0.0.1')
  socket.setNoDelay(true)
  const decoder = new FrameDecoder(64)
  let sent = 0
  let acked = 0
  let started = 0
  const pump = (): void => {
    const batch: Uint8Array[] = []
    while (sent < count && sent - acked < window) {
      batch.push(payload)
      sent++
    }
    if (batch.length > 0) socket.write(Buffer.concat(batch))
  }
  socket.on('connect', () => {
    started = performance.now()
    pump()
  })
  socket.on('data', (chunk) => {
    for (const _ of decoder.push(chunk)) acked++
    if (acked >= count) {
      out({ event: 'result', ms: performance.now() - started, acked })
      process.exit(0)
    }
    pump()
  })
}
