// `npm run bench -- files [MiB]`: one file (1 GiB by default) between two network
// namespaces on one bridge (test/support/netns.ts), each side its own process
// (test/files/file-peer.ts), disk to disk, in the same run:
//   raw TCP          the reference: the file piped into a socket and out into a file
//   libp2p stream    TCP + Noise + yamux, the file sent in 1 MiB pieces, send()/onDrain()
//   Pigeon           /pigeon/file/1.0.0 keying the data channel (AES-256-GCM over plain TCP,
//                    docs/protocol.md §13) that carries it: credit, per-chunk SHA-256 before
//                    each write, the whole file's SHA-256, partial file and rename (§11)
//   Electron, Noise  Pigeon kept on the libp2p stream with Noise's pure-JS ChaCha20-Poly1305 —
//                    what Electron (BoringSSL has no ChaCha20-Poly1305) would get on libp2p alone;
//                    its data channel's AES-256-GCM is BoringSSL's native one: the Pigeon row
// plus each side's RSS growth during the Pigeon transfer; the resume overhead (the receiver is
// killed with SIGKILL at half, restarted with the same identity and store, and resumes; the
// chunks the sender sent twice are counted); a folder of 10,000 4-KiB files against
// tar | raw TCP | tar x; and the relay path (test/bench/files-relay.ts) for min(200, MiB) MiB.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LIMITS } from '../../shared/limits.js'
import { randomFile } from '../files/harness.js'
import { createLan, type LanHost } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'
import { filesReport } from './files-report.js'
import { relayBlobThroughput } from './files-relay.js'
import type { BenchResult } from './table.js'

const MiB = 1024 * 1024
const SENDER_PORT = 7500
const RECEIVER_PORT = 7501
const JS_SENDER_PORT = 7502
const JS_RECEIVER_PORT = 7503
const RAW_PORT = 7600
const FOLDER_FILES = 10_000

async function makeFolder(root: string, files: number): Promise<void> {
  const block = Buffer.alloc(4096)
  for (let i = 0; i < files; i++) {
    const sub = join(root, `d${i % 100}`)
    if (i < 100) await mkdir(sub, { recursive: true })
    block.writeUInt32BE(i, 0)
    await writeFile(join(sub, `f${i}.bin`), block)
  }
}

export async function run(argv: string[]): Promise<BenchResult> {
  // `npm run bench -- files 256` moves 256 MiB instead (index.ts passes the arguments after the name on)
  const size = Number(argv[0] ?? 1024) * MiB
  if (!Number.isInteger(size) || size <= 0) throw new Error('usage: npm run bench -- files [MiB]')
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-bench-files-'))
  const lan = await createLan({ hosts: 2 })
  const [hostA, hostB] = [lan.hosts[0]!, lan.hosts[1]!]
  const receiverArgs = {
    port: RECEIVER_PORT,
    identityFile: join(dir, 'receiver.key'),
    dbFile: join(dir, 'receiver.db'),
  }
  const startPeer = async (
    host: LanHost,
    peerArgs: object,
  ): Promise<{ peer: PeerProcess; id: string }> => {
    const peer = PeerProcess.start(host, 'test/files/file-peer.ts', peerArgs)
    return { peer, id: String((await peer.waitForEvent('ready', undefined, 30_000)).peerId) }
  }
  const a = await startPeer(hostA, { port: SENDER_PORT })
  let b = await startPeer(hostB, receiverArgs)
  const addrA = `/ip4/${hostA.address}/tcp/${SENDER_PORT}/p2p/${a.id}`
  const long = 600_000
  const step = (what: string): void => {
    process.stderr.write(`files bench: ${what}\n`)
  }
  try {
    const source = join(dir, 'source.bin')
    await randomFile(source, size)

    step('raw TCP')
    await a.peer.request('raw-serve', { path: source, port: RAW_PORT })
    const raw = await b.peer.request(
      'raw-fetch',
      { host: hostA.address, port: RAW_PORT, target: join(dir, 'raw.bin') },
      long,
    )
    if (Number(raw.bytes) !== size) throw new Error(`raw TCP moved ${String(raw.bytes)} bytes`)
    await rm(join(dir, 'raw.bin'))

    step('libp2p stream')
    await a.peer.request('p2p-serve', { path: source })
    const p2p = await b.peer.request(
      'p2p-fetch',
      { from: a.id, addr: addrA, target: join(dir, 'p2p.bin') },
      long,
    )
    if (Number(p2p.bytes) !== size)
      throw new Error(`the libp2p stream moved ${String(p2p.bytes)} bytes`)
    await rm(join(dir, 'p2p.bin'))

    step('Pigeon')
    const offerStarted = performance.now()
    const offer = await a.peer.request('offer', { peer: b.id, path: source }, long)
    const offerMs = performance.now() - offerStarted
    await a.peer.request('rss')
    await b.peer.request('rss')
    const pigeon = await b.peer.request(
      'receive',
      { from: a.id, addr: addrA, envelope: offer.envelope, target: join(dir, 'in') },
      long,
    )
    const rssA = await a.peer.request('rss')
    const rssB = await b.peer.request('rss')
    const channels = Number((await a.peer.request('counters')).channels)
    if ((await stat(String(pigeon.path))).size !== size)
      throw new Error('the received file has the wrong size')
    await rm(join(dir, 'in'), { recursive: true })

    step('Electron cipher: Pigeon on the libp2p stream, Noise with pure-JS ChaCha20-Poly1305')
    const jsArgs = { noiseJs: true, dataChannel: false }
    const c = await startPeer(hostA, { port: JS_SENDER_PORT, ...jsArgs })
    const d = await startPeer(hostB, { port: JS_RECEIVER_PORT, ...jsArgs })
    let noiseJs: Record<string, unknown>
    try {
      const jsOffer = await c.peer.request('offer', { peer: d.id, path: source }, long)
      noiseJs = await d.peer.request(
        'receive',
        {
          from: c.id,
          addr: `/ip4/${hostA.address}/tcp/${JS_SENDER_PORT}/p2p/${c.id}`,
          envelope: jsOffer.envelope,
          target: join(dir, 'in-js'),
        },
        long,
      )
      if (Number((await c.peer.request('counters')).channels) !== 0)
        throw new Error('the Noise-JS pair used a data channel')
    } finally {
      c.peer.kill()
      d.peer.kill()
    }
    await rm(join(dir, 'in-js'), { recursive: true })

    step('resume')
    // resume: SIGKILL at half, restart with the same identity and store, pull the rest
    const resumeOffer = await a.peer.request('offer', { peer: b.id, path: source }, long)
    const sentBefore = Number((await a.peer.request('counters')).bytesSent)
    // written to its stdin rather than request()ed: the process is killed before it could reply
    const command = {
      req: 0,
      cmd: 'receive',
      from: a.id,
      addr: addrA,
      envelope: resumeOffer.envelope,
      target: join(dir, 'resume'),
      abortAt: 0.5,
    }
    b.peer.child.stdin!.write(`${JSON.stringify(command)}\n`)
    await b.peer.waitForEvent('progress', undefined, long)
    b.peer.kill('SIGKILL')
    await b.peer.exited
    b = await startPeer(hostB, receiverArgs)
    const resumed = await b.peer.request(
      'receive',
      { from: a.id, addr: addrA, envelope: resumeOffer.envelope, target: join(dir, 'resume') },
      long,
    )
    if ((await stat(String(resumed.path))).size !== size)
      throw new Error('the resumed file has the wrong size')
    const resent = Number((await a.peer.request('counters')).bytesSent) - sentBefore - size
    const resentChunks = resent / LIMITS.fileChunkBytes

    // a folder of many small files against tar over raw TCP
    step('folder')
    const folder = join(dir, 'folder')
    await makeFolder(folder, FOLDER_FILES)
    await a.peer.request('tar-serve', { dir, name: 'folder', port: RAW_PORT + 1 })
    const tar = await b.peer.request(
      'tar-fetch',
      { host: hostA.address, port: RAW_PORT + 1, target: join(dir, 'tar-out') },
      long,
    )
    const folderOfferStarted = performance.now()
    const folderOffer = await a.peer.request('offer', { peer: b.id, path: folder }, long)
    const folderOfferMs = performance.now() - folderOfferStarted
    const folderIn = await b.peer.request(
      'receive',
      { from: a.id, addr: addrA, envelope: folderOffer.envelope, target: join(dir, 'folder-in') },
      long,
    )

    step('relay')
    const relayMib = Math.min(200, size / MiB)
    const relay = await relayBlobThroughput(relayMib)

    return filesReport({
      size,
      folderFiles: FOLDER_FILES,
      relayMib,
      ms: {
        raw: Number(raw.ms),
        p2p: Number(p2p.ms),
        pigeon: Number(pigeon.ms),
        noiseJs: Number(noiseJs.ms),
        offer: offerMs,
        folder: Number(folderIn.ms),
        tar: Number(tar.ms),
        folderOffer: folderOfferMs,
      },
      rss: { sender: rssA, receiver: rssB },
      channels,
      resentChunks,
      relayMiBs: relay.relayMiBs,
    })
  } finally {
    a.peer.kill()
    b.peer.kill()
    await lan.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
