// The relay's packet handling: hostile bytes on a real `pigeon-relay` process's MQTT socket — random
// bytes, structured and mutated MQTT 3.1.1/5 packets — before any CONNECT and after an
// authenticated one, while Alice sends Bob QoS 1 messages through the same relay. Property: the
// relay keeps running, every one of Alice's messages is PUBACKed and reaches Bob, Bob stays
// connected, and nothing reaches Bob's inbox but Alice's messages and what the attacker, once
// authenticated, published to that inbox as any user may (docs/relay.md, docs/protocol.md §4).
// Over 350 lines on purpose: the packet generators and the property they are checked against
// belong together, so a failing seed can be read in one place.
import { connect, type Socket } from 'node:net'
import fc from 'fast-check'
import mqttPacket, { type Packet } from 'mqtt-packet'
import type { MqttClient } from 'mqtt'
import { createRelayToken } from '../../../shared/relay-token.js'
import {
  groupMetaTopic,
  groupTopic,
  inboxTopic,
  newGroupId,
  presenceTopic,
} from '../../../shared/topics.js'
import { connectAs } from '../../support/mqtt-clients.js'
import { startRelayProcess, type RelayProcess } from '../../support/relay-process.js'
import { identities } from '../envelopes.js'
import { mutated } from '../mutate.js'
import { hex, PropertyViolation, type FuzzTarget } from '../target.js'

const FAST = ['--publish-rate', '1000000', '--publish-burst', '1000000', '--queue-cap', '1000000']
/** a legitimate message that has not arrived after this long is lost (a liveness bound, not a timing assertion) */
const DELIVERY_LIMIT_MS = 4_000

interface Input {
  /** send a valid CONNECT (and wait for its CONNACK) before the hostile bytes */
  authenticated: boolean
  packets: Uint8Array[]
  /** one socket write for all packets (one read at the relay), or one write each */
  oneWrite: boolean
}

function generate(packet: Packet, protocolVersion: number): Uint8Array {
  try {
    return Uint8Array.from(mqttPacket.generate(packet, { protocolVersion }))
  } catch {
    return new Uint8Array() // mqtt-packet refuses to write some combinations; nothing to send
  }
}

/** PUBLISH payloads to `topic` in a byte stream, parsed the way aedes parses it */
function publishedTo(topic: string, bytes: Uint8Array): Set<string> {
  const found = new Set<string>()
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  parser.on('packet', (packet: Packet) => {
    if (packet.cmd === 'publish' && packet.topic === topic)
      found.add(Buffer.from(packet.payload).toString('hex'))
  })
  parser.on('error', () => undefined)
  parser.parse(Buffer.from(bytes))
  return found
}

function closedOrDone(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve()
    socket.once('close', () => resolve())
  })
}

export const target: FuzzTarget<Input> = {
  name: 'relay',
  attacks:
    'a real pigeon-relay process: random, structured and mutated MQTT packets before and after an authenticated CONNECT, while a legitimate pair exchanges QoS 1 messages',
  // each input is a TCP connection, a CONNECT and a QoS 1 round trip through the relay's store
  testRuns: 1_000,
  async setup() {
    const relay: RelayProcess = await startRelayProcess({ args: FAST })
    const [alice, bob, mallory] = await identities(3)
    const bobInbox = inboxTopic(bob!.peerId)
    const bobClient: MqttClient = await connectAs(relay.mqtt, bob!, relay.relayId, { clean: false })
    await bobClient.subscribeAsync(bobInbox, { qos: 1 })
    const aliceClient = await connectAs(relay.mqtt, alice!, relay.relayId, { clean: true })
    let bobDropped = false
    bobClient.on('close', () => (bobDropped = true))
    const legit = new Set<string>()
    const permitted = new Set<string>()
    const strays: string[] = []
    const waiting = new Map<string, () => void>()
    bobClient.on('message', (_topic, payload) => {
      const key = payload.toString('hex')
      waiting.get(key)?.()
      if (!legit.has(key) && !permitted.has(key)) strays.push(key)
    })
    let sequence = 0

    const groupId = newGroupId()
    const topic = fc.oneof(
      fc.constantFrom(
        bobInbox,
        presenceTopic(bob!.peerId),
        inboxTopic(mallory!.peerId),
        groupTopic(groupId),
        groupMetaTopic(groupId),
        '#',
        '+',
        'pigeon/v1/#',
        'pigeon/v1/inbox/+',
        'pigeon/v1/+/' + bob!.peerId,
        '$SYS/#',
        `${bobInbox}/#`,
        `${bobInbox}\u0000x`,
        '',
      ),
      fc.string({ maxLength: 30 }),
    )
    // mostly small; now and then above the relay's packet limit (98,304 bytes by default)
    const payload = fc.oneof(
      { weight: 8, arbitrary: fc.uint8Array({ minLength: 8, maxLength: 64 }) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 60_000, max: 110_000 })
          .map((n) => new Uint8Array(n).fill(0x61)),
      },
      { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
    )
    const id = fc.integer({ min: 0, max: 65_535 })
    const version = fc.constantFrom(3, 4, 4, 4, 5)
    const clientId = fc.oneof(
      fc.constantFrom(bob!.peerId, mallory!.peerId, alice!.peerId, ''),
      fc.string({ maxLength: 30 }),
    )
    const packet: fc.Arbitrary<Packet> = fc.oneof(
      fc.record({
        cmd: fc.constant('publish' as const),
        topic,
        payload: payload.map(Buffer.from),
        qos: fc.constantFrom(0 as const, 1 as const, 2 as const),
        retain: fc.boolean(),
        dup: fc.boolean(),
        messageId: id,
      }),
      fc.record({
        cmd: fc.constant('subscribe' as const),
        messageId: id,
        subscriptions: fc.array(
          fc.record({ topic, qos: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
          { minLength: 1, maxLength: 5 },
        ),
      }),
      fc.record({
        cmd: fc.constant('unsubscribe' as const),
        messageId: id,
        unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        cmd: fc.constant('connect' as const),
        clientId,
        username: fc.option(clientId, { nil: undefined }),
        password: fc.option(
          fc.oneof(
            fc.uint8Array({ maxLength: 120 }).map(Buffer.from),
            fc.constant(Buffer.from('v1.' + 'A'.repeat(110))),
          ),
          { nil: undefined },
        ),
        clean: fc.boolean(),
        keepalive: fc.integer({ min: 0, max: 65_535 }),
        protocolId: fc.constantFrom('MQTT', 'MQIsdp', 'XYZ'),
        protocolVersion: version,
        will: fc.option(
          fc.record({
            topic,
            payload: payload.map(Buffer.from),
            qos: fc.constantFrom(0 as const, 1 as const),
            retain: fc.boolean(),
          }),
          { nil: undefined },
        ),
      }),
      fc.record({
        cmd: fc.constantFrom(
          'puback' as const,
          'pubrec' as const,
          'pubrel' as const,
          'pubcomp' as const,
          'unsuback' as const,
        ),
        messageId: id,
      }),
      fc.constantFrom<Packet>(
        { cmd: 'pingreq' },
        { cmd: 'disconnect' },
        { cmd: 'pingresp' },
        { cmd: 'connack', returnCode: 0, sessionPresent: false },
        { cmd: 'auth', reasonCode: 0 },
      ),
    ) as fc.Arbitrary<Packet>
    const structured = fc.tuple(packet, version).map(([p, v]) => generate(p, v))
    const bytes = fc.oneof(
      { weight: 5, arbitrary: structured },
      { weight: 3, arbitrary: mutated(structured) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    )

    // the authentication window (docs/relay.md "Authentication"): a refused CONNECT (here padded
    // to exactly 64 KiB, which made the window reliable) with packets behind it in the same read
    const refusedConnect = fc
      .tuple(fc.constantFrom(0, 65_536), fc.boolean())
      .map(([size, padded]) => {
        const packetFor = (passwordBytes: number): Uint8Array =>
          generate(
            {
              cmd: 'connect',
              clientId: mallory!.peerId,
              username: mallory!.peerId,
              password: Buffer.alloc(passwordBytes, 0x41),
              clean: true,
              keepalive: 60,
              protocolId: 'MQTT',
              protocolVersion: 4,
            },
            4,
          )
        if (!padded || size === 0) return packetFor(110)
        const overhead = packetFor(0).length
        // the remaining-length varint grows by one byte past 16,383: solve for the exact total
        let password = size - overhead
        while (packetFor(password).length > size) password--
        return packetFor(password)
      })
    const behind = fc.array(
      fc.oneof(
        fc.tuple(payload, fc.constantFrom(0 as const, 1 as const)).map(([p, qos]) =>
          generate(
            {
              cmd: 'publish',
              topic: bobInbox,
              payload: Buffer.from(p),
              qos,
              retain: false,
              dup: false,
              messageId: 1,
            },
            4,
          ),
        ),
        fc.constant(
          generate(
            {
              cmd: 'subscribe',
              messageId: 2,
              subscriptions: [
                { topic: bobInbox, qos: 1 },
                { topic: presenceTopic(bob!.peerId), qos: 1 },
              ],
            },
            4,
          ),
        ),
      ),
      { minLength: 1, maxLength: 4 },
    )
    const window = fc.tuple(refusedConnect, behind).map(([c, rest]) => [c, ...rest])

    async function handshake(socket: Socket): Promise<void> {
      const password = await createRelayToken(mallory!, relay.relayId)
      const connack = new Promise<Packet>((resolve, reject) => {
        const parser = mqttPacket.parser({ protocolVersion: 4 })
        parser.once('packet', resolve)
        socket.on('data', (chunk: Buffer) => parser.parse(chunk))
        socket.once('close', () =>
          reject(new PropertyViolation("the relay closed a valid CONNECT's connection")),
        )
      })
      socket.write(
        generate(
          {
            cmd: 'connect',
            clientId: mallory!.peerId,
            username: mallory!.peerId,
            password: Buffer.from(password),
            clean: true,
            keepalive: 60,
            protocolId: 'MQTT',
            protocolVersion: 4,
          },
          4,
        ),
      )
      const reply = await connack
      if (reply.cmd !== 'connack' || reply.returnCode !== 0)
        throw new PropertyViolation(`a valid CONNECT was answered with ${JSON.stringify(reply)}`)
    }

    function checkRelay(): void {
      if (relay.child.exitCode !== null || relay.child.signalCode !== null)
        throw new PropertyViolation(
          `the relay process died (${relay.child.signalCode ?? relay.child.exitCode}): ${relay.stderr().slice(-2000)}`,
        )
      if (bobDropped)
        throw new PropertyViolation("Bob's connection was closed by someone else's packets")
      if (strays.length > 0)
        throw new PropertyViolation(
          `hostile bytes reached Bob's inbox: ${strays.splice(0).slice(0, 3).join(', ')}`,
        )
    }

    return {
      inputs: fc.oneof(
        {
          weight: 9,
          arbitrary: fc.record({
            authenticated: fc.boolean(),
            packets: fc.array(bytes, { minLength: 1, maxLength: 6 }),
            oneWrite: fc.boolean(),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            authenticated: fc.constant(false),
            packets: window,
            oneWrite: fc.boolean(),
          }),
        },
      ),
      async check(input) {
        checkRelay()
        const socket = connect(
          new URL(relay.mqtt).port === '' ? 1883 : Number(new URL(relay.mqtt).port),
          new URL(relay.mqtt).hostname,
        )
        socket.on('error', () => undefined) // the relay closing on us is a normal answer
        socket.resume() // read (and drop) what the relay answers, or its close is never seen
        const gone = closedOrDone(socket)
        await new Promise<void>((resolve) => {
          socket.once('connect', () => resolve())
          socket.once('close', () => resolve())
        })
        if (input.authenticated && !socket.destroyed) {
          await handshake(socket)
          // what an authenticated user sends to Bob's inbox is a message like any other
          for (const key of publishedTo(bobInbox, Buffer.concat(input.packets))) permitted.add(key)
        }
        if (!socket.destroyed) {
          if (input.oneWrite) socket.write(Buffer.concat(input.packets))
          else for (const p of input.packets) socket.write(p)
          socket.end()
        }
        await gone
        // Alice → Bob, QoS 1, through the same relay
        const key = Buffer.from(`legit ${sequence++}`).toString('hex')
        legit.add(key)
        const arrived = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(new PropertyViolation(`Alice's message ${sequence - 1} did not reach Bob`)),
            DELIVERY_LIMIT_MS,
          )
          waiting.set(key, () => {
            clearTimeout(timer)
            waiting.delete(key)
            resolve()
          })
        })
        await aliceClient.publishAsync(bobInbox, Buffer.from(key, 'hex'), { qos: 1 })
        await arrived
        checkRelay()
      },
      show: (input) =>
        `${input.authenticated ? 'after an authenticated CONNECT' : 'before any CONNECT'}, ${input.oneWrite ? 'one write' : 'a write each'}: ${input.packets.map((p) => (p.length > 400 ? `${hex(p.subarray(0, 200))}…(${p.length} bytes)` : hex(p))).join(' | ')}`,
      async close() {
        await new Promise((r) => setTimeout(r, 200)) // anything still in flight to Bob
        const leftover = strays.length
        await Promise.all([aliceClient.endAsync(true), bobClient.endAsync(true)])
        await relay.stop()
        relay.cleanup()
        if (leftover > 0)
          throw new PropertyViolation(`hostile bytes reached Bob's inbox after the last input`)
      },
    }
  },
}
