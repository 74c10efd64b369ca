// A raw libp2p node (not a Pigeon: no chat handler, no mDNS) that abuses /pigeon/chat/1.0.0 on
// command, for test/net. JSON lines like net-peer.ts:
//   {req, cmd:'connect', addr}                        dial the victim
//   {req, cmd:'malformed', count}                     frames of random bytes
//   {req, cmd:'spoof', count, claim}                  valid envelopes claiming another sender
//   {req, cmd:'flood', count}                         valid envelopes as fast as the stream takes
//   {req, cmd:'oversize'}                             a length prefix of 1 MiB
//   → {reply, ok, acked, nacks: {reason: n}, closed}
import '../../shared/polyfills.js'
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { CHAT_PROTOCOL } from '../../app/core/net/chat-service.js'
import { decodeReply, encodeFrame, FrameDecoder } from '../../app/core/net/framing.js'
import { encodeEnvelope, newMessageId } from '../../shared/envelope.js'
import { generateIdentity } from '../../shared/identity.js'

const out = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}
const identity = await generateIdentity()
const node = await createLibp2p({
  privateKey: identity.privateKey,
  addresses: { listen: ['/ip4/0.0.0.0/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
})
out({ event: 'ready', peerId: identity.peerId })
let victim: ReturnType<typeof multiaddr> | undefined

interface Outcome {
  acked: number
  nacks: Record<string, number>
  closed: boolean
}

/** sends frames on a fresh chat stream and collects the replies until all came or it closed */
async function abuse(frames: Uint8Array[], expectReplies: number): Promise<Outcome> {
  if (victim === undefined) throw new Error('connect first')
  const stream: Stream = await node.dialProtocol(victim, CHAT_PROTOCOL)
  const outcome: Outcome = { acked: 0, nacks: {}, closed: false }
  const decoder = new FrameDecoder(64)
  let replies = 0
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000)
    const finish = (): void => {
      clearTimeout(timer)
      resolve()
    }
    stream.addEventListener('message', (event) => {
      for (const frame of decoder.push(event.data)) {
        const reply = decodeReply(frame)
        if (reply.ok) outcome.acked++
        else outcome.nacks[reply.reason] = (outcome.nacks[reply.reason] ?? 0) + 1
        if (++replies >= expectReplies) finish()
      }
    })
    stream.addEventListener('close', () => {
      outcome.closed = true
      finish()
    })
  })
  for (const frame of frames) {
    if (stream.status !== 'open') break
    if (!stream.send(frame)) await stream.onDrain().catch(() => undefined)
  }
  await done
  if (stream.status === 'open') stream.abort(new Error('done'))
  return outcome
}

function textFrom(sender: string, to: string): Uint8Array {
  return encodeEnvelope({
    id: newMessageId(),
    sender,
    to: { peer: to },
    sentAt: Date.now(),
    kind: 'text',
    text: 'flood',
  })
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const command = JSON.parse(line) as { req: number; cmd: string; [key: string]: unknown }
  try {
    const count = Number(command.count ?? 1)
    let result: object = {}
    switch (command.cmd) {
      case 'connect': {
        victim = multiaddr(String(command.addr))
        await node.dial(victim)
        break
      }
      case 'malformed': {
        const frames = Array.from({ length: count }, (_, i) => {
          const junk = crypto.getRandomValues(new Uint8Array(1 + (i % 200)))
          junk[0] = 0xff // never a valid first protobuf tag of an envelope
          return encodeFrame(junk).subarray()
        })
        result = await abuse(frames, count)
        break
      }
      case 'spoof': {
        const to = String(command.to)
        result = await abuse(
          Array.from({ length: count }, () =>
            encodeFrame(textFrom(String(command.claim), to)).subarray(),
          ),
          count,
        )
        break
      }
      case 'flood': {
        const to = String(command.to)
        result = await abuse(
          Array.from({ length: count }, () =>
            encodeFrame(textFrom(identity.peerId, to)).subarray(),
          ),
          count,
        )
        break
      }
      case 'oversize': {
        const header = Uint8Array.of(0x80, 0x80, 0x40) // varint 1 MiB
        result = await abuse([header, new Uint8Array(4096)], 1)
        break
      }
      default:
        throw new Error(`unknown command ${command.cmd}`)
    }
    out({ reply: command.req, ok: true, ...result })
  } catch (error) {
    out({ reply: command.req, ok: false, error: (error as Error).message })
  }
}
