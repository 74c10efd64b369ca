// `npm run bench -- wire`: bytes on the wire for one text message, Pigeon vs XMPP, and seal+open
// throughput. Direct bytes are measured for real: two libp2p nodes (TCP + Noise + yamux) on
// loopback with a byte-counting TCP proxy between them. Relayed bytes are the exact MQTT PUBLISH
// (mqtt-packet) carrying the sealed envelope. The XMPP stanzas are built as a modern client
// (Conversations) sends them, with receipts, markers and origin-id since Pigeon gives those too.
import { once } from 'node:events'
import net from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import * as lp from 'it-length-prefixed'
import mqttPacket from 'mqtt-packet'
import {
  encodeEnvelope,
  messageIdToString,
  newMessageId,
  type Envelope,
} from '../../shared/envelope.js'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { openSealed, seal } from '../../shared/seal.js'
import { inboxTopic } from '../../shared/topics.js'
import type { BenchResult } from './table.js'

const TEXT_20 = 'see you at 3pm, ok?!'
const TEXT_500 = (
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(9) + 'Sed do eiusmod.'
).slice(0, 500)
const PROTOCOL = '/pigeon/chat/1.0.0'
/** TLS 1.3 record: 5-byte header + content type + 16-byte AEAD tag (XMPP runs over TLS, as Pigeon over Noise) */
const TLS_RECORD_OVERHEAD = 22

function textEnvelope(from: Identity, to: Identity, text: string): Envelope {
  return {
    id: newMessageId(),
    sender: from.peerId,
    to: { peer: to.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text,
  }
}

// --- direct: measured -------------------------------------------------------------------------

interface CountingProxy {
  port: number
  forwarded: () => number
  close: () => void
}

async function countingProxy(targetPort: number): Promise<CountingProxy> {
  let bytes = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => {
      bytes += chunk.length
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => client.write(chunk))
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as net.AddressInfo).port,
    forwarded: () => bytes,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

async function node(identity: Identity): Promise<Libp2p> {
  return await createLibp2p({
    privateKey: identity.privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
}

/** Client→server TCP payload bytes for one framed envelope on an open, warmed-up stream. */
async function measureDirect(alice: Identity, bob: Identity, texts: string[]): Promise<number[]> {
  const sender = await node(alice)
  const receiver = await node(bob)
  let received = 0
  let arrived: (() => void) | undefined
  await receiver.handle(PROTOCOL, (stream) => {
    stream.addEventListener('message', () => {
      received += 1
      arrived?.()
    })
  })
  const port = Number(/\/tcp\/(\d+)/.exec(receiver.getMultiaddrs()[0]!.toString())?.[1])
  const proxy = await countingProxy(port)
  try {
    const stream = await sender.dialProtocol(
      multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${bob.peerId}`),
      PROTOCOL,
    )
    const sendOne = async (text: string): Promise<number> => {
      const before = proxy.forwarded()
      const done = new Promise<void>((resolve) => (arrived = resolve))
      const target = received + 1
      stream.send(lp.encode.single(encodeEnvelope(textEnvelope(alice, bob, text))).subarray())
      while (received < target) await done
      await new Promise((resolve) => setTimeout(resolve, 50)) // let any trailing frame through
      return proxy.forwarded() - before
    }
    await sendOne('warm-up') // stream opening and protocol negotiation are not per-message cost
    const sizes: number[] = []
    for (const text of texts) sizes.push(await sendOne(text))
    return sizes
  } finally {
    proxy.close()
    await sender.stop()
    await receiver.stop()
  }
}

// --- relayed: exact packet ----------------------------------------------------------------------

async function relayedBytes(alice: Identity, bob: Identity, text: string): Promise<number> {
  const sealed = await seal(textEnvelope(alice, bob, text), alice, bob.peerId)
  const packet = mqttPacket.generate({
    cmd: 'publish',
    topic: inboxTopic(bob.peerId),
    payload: Buffer.from(sealed),
    qos: 1,
    messageId: 4242,
    dup: false,
    retain: false,
  })
  return packet.length
}

// --- XMPP references ----------------------------------------------------------------------------

const JID_FROM = 'alice.liddell@chat.example.org/Conversations.x7Fq2'
const JID_TO = 'bob.marley@chat.example.org'

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function base64Of(length: number): string {
  return Buffer.alloc(length, 0x5a).toString('base64')
}

function xmppStanza(text: string): number {
  const id = crypto.randomUUID()
  const stanza =
    `<message xmlns='jabber:client' from='${JID_FROM}' to='${JID_TO}' type='chat' id='${id}'>` +
    `<body>${xmlEscape(text)}</body>` +
    `<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>` +
    `<origin-id xmlns='urn:xmpp:sid:0' id='${id}'/>` +
    `<active xmlns='http://jabber.org/protocol/chatstates'/></message>`
  return Buffer.byteLength(stanza) + TLS_RECORD_OVERHEAD
}

function omemoStanza(text: string): number {
  const id = crypto.randomUUID()
  // XEP-0384 (eu.siacs.conversations.axolotl, as deployed): the 16-byte key + 16-byte tag inside
  // a SignalMessage (version 1 + ratchet key 33 + counters + 48-byte CBC ciphertext + 8-byte MAC,
  // protobuf-framed ≈ 98 bytes), a 12-byte IV, and the AES-GCM body as long as the text.
  const stanza =
    `<message xmlns='jabber:client' from='${JID_FROM}' to='${JID_TO}' type='chat' id='${id}'>` +
    `<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1357924680'>` +
    `<key rid='246813579'>${base64Of(98)}</key><iv>${base64Of(12)}</iv></header>` +
    `<payload>${base64Of(Buffer.byteLength(text))}</payload></encrypted>` +
    `<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>` +
    `<origin-id xmlns='urn:xmpp:sid:0' id='${id}'/><store xmlns='urn:xmpp:hints'/>` +
    `<encryption xmlns='urn:xmpp:eme:0' name='OMEMO' namespace='eu.siacs.conversations.axolotl'/></message>`
  return Buffer.byteLength(stanza) + TLS_RECORD_OVERHEAD
}

// --- seal + open throughput ---------------------------------------------------------------------

async function sealOpenPerSecond(alice: Identity, bob: Identity): Promise<number> {
  const payload = 'x'.repeat(1024)
  const deadline = performance.now() + 2_000
  let count = 0
  const started = performance.now()
  while (performance.now() < deadline) {
    const envelope = textEnvelope(alice, bob, payload)
    const opened = await openSealed(await seal(envelope, alice, bob.peerId), bob)
    if (messageIdToString(opened.id) !== messageIdToString(envelope.id))
      throw new Error('seal/open mismatch')
    count += 1
  }
  return count / ((performance.now() - started) / 1000)
}

export async function run(): Promise<BenchResult> {
  const alice = await generateIdentity()
  const bob = await generateIdentity()
  const [direct20, direct500] = (await measureDirect(alice, bob, [TEXT_20, TEXT_500])) as [
    number,
    number,
  ]
  const envelope20 = encodeEnvelope(textEnvelope(alice, bob, TEXT_20)).length
  const envelope500 = encodeEnvelope(textEnvelope(alice, bob, TEXT_500)).length
  const relayed20 = await relayedBytes(alice, bob, TEXT_20)
  const relayed500 = await relayedBytes(alice, bob, TEXT_500)
  const xmpp20 = xmppStanza(TEXT_20)
  const xmpp500 = xmppStanza(TEXT_500)
  const omemo20 = omemoStanza(TEXT_20)
  const omemo500 = omemoStanza(TEXT_500)
  const perSecond = await sealOpenPerSecond(alice, bob)
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`
  return {
    title: 'wire: bytes per text message (sender → next hop, TCP payload)',
    columns: ['message', 'envelope', 'Pigeon', 'XMPP reference', 'ratio'],
    rows: [
      [
        'direct, 20 chars (Noise + yamux + length prefix)',
        envelope20,
        direct20,
        `${xmpp20} (stanza + TLS)`,
        ratio(direct20, xmpp20),
      ],
      [
        'direct, 500 chars',
        envelope500,
        direct500,
        `${xmpp500} (stanza + TLS)`,
        ratio(direct500, xmpp500),
      ],
      [
        'relayed, 20 chars (sealed, MQTT PUBLISH QoS 1)',
        envelope20,
        relayed20,
        `${omemo20} (OMEMO + TLS)`,
        ratio(relayed20, omemo20),
      ],
      [
        'relayed, 500 chars',
        envelope500,
        relayed500,
        `${omemo500} (OMEMO + TLS)`,
        ratio(relayed500, omemo500),
      ],
      ['seal + open, 1 KiB text (per second, one core)', '', Math.round(perSecond), '', ''],
    ],
    notes: [
      'Direct bytes are counted on a real libp2p TCP connection; relayed bytes exclude TLS to the relay (plain MQTT).',
      'Targets: direct ≤ 0.5× XMPP, relayed ≤ 0.4× OMEMO.',
    ],
    json: {
      direct_20_bytes: direct20,
      xmpp_20_bytes: xmpp20,
      relayed_20_bytes: relayed20,
      omemo_20_bytes: omemo20,
      direct_500_bytes: direct500,
      xmpp_500_bytes: xmpp500,
      relayed_500_bytes: relayed500,
      omemo_500_bytes: omemo500,
      seal_open_per_s: Math.round(perSecond),
    },
  }
}
