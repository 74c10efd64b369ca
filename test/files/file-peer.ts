// A file-transfer peer driven over stdin/stdout with JSON lines, run inside a namespace host by
// the files bench (test/bench/files.ts) so that each side is its own process (RSS per side, and a
// kill -9 of the receiver). Not a test file. Each side can also move the same file over raw TCP and
// over a bare libp2p stream, the references measured in the same run.
//   argv[2]: { port, identityFile, dbFile, noiseJs?, dataChannel? (default true) }
//   stdout: {event:'ready', peerId}   {reply, ok, …}   {event:'progress', bytesDone}
//   stdin:  {req, cmd:'offer', peer, path} → {envelope (base64)}
//           {req, cmd:'receive', from, addr, envelope, target, abortAt?} → {ms, bytesReceived}
//           {req, cmd:'last-progress'} → {bytesDone} (the last receive's, also after it failed)
//           {req, cmd:'counters'} → {bytesSent, chunksSent, channels}   {req, cmd:'rss'} → {baseMiB, peakMiB} (resets the peak)
//           {req, cmd:'raw-serve', path, port}    {req, cmd:'raw-fetch', host, port, target} → {ms, bytes}
//           {req, cmd:'tar-serve', dir, name, port} {req, cmd:'tar-fetch', host, port, target} → {ms}
//           {req, cmd:'p2p-serve', path}          {req, cmd:'p2p-fetch', from, addr, target} → {ms, bytes}
import '../../shared/polyfills.js'
import {
  existsSync,
  readFileSync,
  writeFileSync,
  createReadStream,
  createWriteStream,
} from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { connect as tcpConnect, createServer } from 'node:net'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import BetterSqlite3 from 'better-sqlite3'
import { decodeEnvelope, encodeEnvelope, newMessageId } from '../../shared/envelope.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  type Identity,
} from '../../shared/identity.js'
import { startFilePeer } from './harness.js'

const BLOB_PROTOCOL = '/pigeon-bench/blob/1'
const args = JSON.parse(process.argv[2] ?? '{}') as {
  port?: number
  identityFile?: string
  dbFile?: string
  noiseJs?: boolean
  dataChannel?: boolean
}
const out = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

let identity: Identity
if (args.identityFile !== undefined && existsSync(args.identityFile))
  identity = identityFromBytes(new Uint8Array(readFileSync(args.identityFile)))
else {
  identity = await generateIdentity()
  if (args.identityFile !== undefined) writeFileSync(args.identityFile, identityToBytes(identity))
}
const peer = await startFilePeer({
  identity,
  listen: `/ip4/0.0.0.0/tcp/${args.port ?? 0}`,
  noiseJs: args.noiseJs === true,
  files: { dataChannel: args.dataChannel === false ? false : {} },
  ...(args.dbFile !== undefined && { db: new BetterSqlite3(args.dbFile) }),
})

let peak = 0
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss())
}, 20).unref()
const MiB = 1024 * 1024
let base = process.memoryUsage.rss()
let lastBytesDone = 0

async function dialAddr(addr: string): Promise<void> {
  await peer.node.dial(multiaddr(addr))
}

async function handle(command: Record<string, unknown>): Promise<object> {
  switch (command.cmd) {
    case 'offer': {
      const { offer } = await peer.files.offer(String(command.peer), String(command.path))
      const envelope = encodeEnvelope({
        id: newMessageId(),
        sender: identity.peerId,
        to: { peer: String(command.peer) },
        sentAt: Date.now(),
        kind: 'file-offer',
        file: offer,
      })
      return { envelope: Buffer.from(envelope).toString('base64') }
    }
    case 'receive': {
      await dialAddr(String(command.addr))
      const envelope = decodeEnvelope(Buffer.from(String(command.envelope), 'base64'))
      if (envelope.kind !== 'file-offer') throw new Error('not a file offer')
      const abortAt = Number(command.abortAt ?? 0)
      let lastReport = 0
      const started = performance.now()
      const result = await peer.files.receive({
        from: String(command.from),
        offer: envelope.file,
        targetDir: String(command.target),
        onProgress: ({ bytesDone, bytesTotal }) => {
          lastBytesDone = bytesDone
          // the bench kill -9s this process once it reports half
          if (abortAt > 0 && bytesDone >= abortAt * bytesTotal && lastReport < abortAt * bytesTotal)
            out({ event: 'progress', bytesDone })
          lastReport = bytesDone
        },
      })
      return {
        ms: performance.now() - started,
        bytesReceived: result.bytesReceived,
        path: result.path,
      }
    }
    case 'last-progress':
      return { bytesDone: lastBytesDone }
    case 'counters':
      return {
        bytesSent: peer.files.counters.bytesSent,
        chunksSent: peer.files.counters.chunksSent,
        channels: peer.files.channels,
      }
    case 'rss': {
      const result = {
        baseMiB: base / MiB,
        peakMiB: Math.max(peak, process.memoryUsage.rss()) / MiB,
      }
      base = process.memoryUsage.rss()
      peak = base
      return result
    }
    case 'raw-serve': {
      const path = String(command.path)
      const server = createServer((socket) =>
        createReadStream(path, { highWaterMark: MiB }).pipe(socket),
      )
      server.listen(Number(command.port), '0.0.0.0')
      await once(server, 'listening')
      return {}
    }
    case 'raw-fetch': {
      const started = performance.now()
      const socket = tcpConnect(Number(command.port), String(command.host))
      const file = createWriteStream(String(command.target))
      socket.pipe(file)
      await once(file, 'close')
      return { ms: performance.now() - started, bytes: file.bytesWritten }
    }
    case 'tar-serve': {
      // the folder reference: tar c | raw TCP (| tar x on the other side)
      const server = createServer((socket) => {
        const tar = spawn('tar', ['-c', '-C', String(command.dir), String(command.name)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
        tar.stdout.pipe(socket)
      })
      server.listen(Number(command.port), '0.0.0.0')
      await once(server, 'listening')
      return {}
    }
    case 'tar-fetch': {
      const started = performance.now()
      await mkdir(String(command.target), { recursive: true })
      const tar = spawn('tar', ['-x', '-C', String(command.target)], {
        stdio: ['pipe', 'ignore', 'inherit'],
      })
      tcpConnect(Number(command.port), String(command.host)).pipe(tar.stdin)
      const [code] = (await once(tar, 'exit')) as [number]
      if (code !== 0) throw new Error(`tar x exited with ${code}`)
      return { ms: performance.now() - started }
    }
    case 'p2p-serve': {
      const path = String(command.path)
      await peer.node.handle(BLOB_PROTOCOL, async (stream) => {
        const handle = await open(path, 'r')
        try {
          for (;;) {
            const buffer = new Uint8Array(MiB)
            const { bytesRead } = await handle.read(buffer, 0, MiB, null)
            if (bytesRead === 0) break
            if (!stream.send(buffer.subarray(0, bytesRead))) await stream.onDrain()
          }
          await stream.close()
        } finally {
          await handle.close()
        }
      })
      return {}
    }
    case 'p2p-fetch': {
      await dialAddr(String(command.addr))
      const started = performance.now()
      const stream = await peer.node.dialProtocol(multiaddr(String(command.addr)), BLOB_PROTOCOL)
      const handle = await open(String(command.target), 'w')
      let bytes = 0
      for await (const data of stream) {
        for (const piece of data instanceof Uint8Array ? [data] : [...data]) {
          await handle.write(piece)
          bytes += piece.length
        }
      }
      await handle.close()
      return { ms: performance.now() - started, bytes }
    }
    default:
      throw new Error(`unknown command ${String(command.cmd)}`)
  }
}

out({ event: 'ready', peerId: identity.peerId })
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const command = JSON.parse(line) as { req: number; [key: string]: unknown }
  handle(command).then(
    (result) => out({ reply: command.req, ok: true, ...result }),
    (error: unknown) => out({ reply: command.req, ok: false, error: (error as Error).message }),
  )
}
