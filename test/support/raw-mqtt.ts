// Raw MQTT 3.1.1 over a plain TCP socket, for attacks a well-behaved client library will not
// send: packets pipelined behind a CONNECT in one write, CONNECTs of an exact size, malformed
// bytes; and a client that controls what arrives in one socket read (a hundred PUBLISHes in one
// write), which mqtt.js does not let a test decide. Packets are made and read by mqtt-packet, the
// same codec aedes uses.
import { connect, type Socket } from 'node:net'
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet'
import type { Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { inboxTopic, presenceTopic } from '../../shared/topics.js'

export type { Packet }

export const encode = (packet: Packet): Buffer => mqttPacket.generate(packet)

/** the size of one socket read on the relay: a CONNECT this big is read alone */
export const SIXTY_FOUR_KIB = 65_536

/**
 * A CONNECT of exactly `totalBytes` on the wire (when given), padded with the payload of a last
 * will on the client's own presence topic, which the relay allows: only the size is unusual.
 */
export function connectBytes(options: {
  clientId: string
  username?: string
  password?: string
  totalBytes?: number
  will?: IConnectPacket['will']
}): Buffer {
  const base: IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: false,
    keepalive: 30,
    clientId: options.clientId,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: Buffer.from(options.password) }),
    ...(options.will === undefined ? {} : { will: options.will }),
  }
  if (options.totalBytes === undefined) return encode(base)
  let padding = 0
  for (;;) {
    const packet = encode({
      ...base,
      will: {
        topic: `pigeon/v1/presence/${options.clientId}`,
        payload: Buffer.alloc(padding, 0x61),
        qos: 0,
        retain: false,
      },
    })
    if (packet.length === options.totalBytes) return packet
    padding += options.totalBytes - packet.length // the length prefix may grow: converge in a step or two
    if (padding < 0) throw new Error(`a CONNECT cannot be as small as ${options.totalBytes} bytes`)
  }
}

export interface RawExchange {
  /** every packet the server sent until it closed the connection (or until timeoutMs) */
  received: Packet[]
  /** true when the server closed the connection, false when the wait ran out */
  closedByServer: boolean
}

/**
 * Opens a TCP connection to an mqtt:// URL, makes `writes` back to back (and `afterConnack` once a
 * CONNACK came), and collects what the server sends until it closes the connection. A refused client is closed right after its CONNACK
 * [MQTT-3.2.2-5]; the timeout only bounds a server that, wrongly, keeps it open.
 */
export function exchangeRaw(
  url: string,
  writes: Buffer[],
  options: { afterConnack?: Buffer; timeoutMs?: number } = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url)
  const received: Packet[] = []
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
    parser.on('packet', (packet: Packet) => {
      received.push(packet)
      if (packet.cmd === 'connack' && options.afterConnack !== undefined)
        socket.write(options.afterConnack)
    })
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ received, closedByServer: false })
    }, options.timeoutMs ?? 10_000)
    socket.on('connect', () => {
      // back to back: each write leaves as soon as the previous one is handed to the kernel
      const next = (i: number): void => {
        const bytes = writes[i]
        if (bytes !== undefined) socket.write(bytes, () => setImmediate(next, i + 1))
      }
      next(0)
    })
    socket.on('data', (chunk) => parser.parse(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // the server may reset a connection it refused while our bytes were still arriving
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
        clearTimeout(timer)
        reject(error)
      }
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ received, closedByServer: true })
    })
  })
}

/** One line for what the server did: the packets it sent, then whether it closed the connection. */
export function summary(exchange: RawExchange): string {
  const parts = exchange.received.map((p) => {
    if (p.cmd === 'connack') return `connack ${p.returnCode ?? '?'}`
    if (p.cmd === 'suback') return `suback ${p.granted.join(',')}`
    return p.cmd
  })
  parts.push(exchange.closedByServer ? 'closed' : 'left open')
  return parts.join(', ')
}

/**
 * The packets that try to reach a victim: 10 QoS 0 and 10 QoS 1 publishes to its inbox (payloads
 * "intruder-…"), and SUBSCRIBEs to its presence and inbox. `rotate` picks which kind comes first,
 * i.e. is read right behind the CONNECT.
 */
export function intrusion(victim: string, rotate = 0): Buffer[] {
  const publish = (qos: 0 | 1, i: number): Packet => ({
    cmd: 'publish',
    topic: inboxTopic(victim),
    payload: Buffer.from(`intruder-q${qos}-${i}`),
    qos,
    retain: false,
    dup: false,
    ...(qos === 1 ? { messageId: 100 + i } : {}),
  })
  const groups: Packet[][] = [
    Array.from({ length: 10 }, (_, i) => publish(0, i)),
    Array.from({ length: 10 }, (_, i) => publish(1, i)),
    [
      {
        cmd: 'subscribe',
        messageId: 200,
        subscriptions: [{ topic: presenceTopic(victim), qos: 1 }],
      },
      { cmd: 'subscribe', messageId: 201, subscriptions: [{ topic: inboxTopic(victim), qos: 1 }] },
    ],
  ]
  return [...groups.slice(rotate % 3), ...groups.slice(0, rotate % 3)].flat().map(encode)
}

/**
 * A CONNECT from `connect()` with the intrusion behind it, in one write and in two back-to-back
 * writes, with each kind of packet first once (behind a 64 KiB CONNECT, what follows is read
 * separately, while the CONNECT is still being checked — docs/relay.md "Authentication"): the
 * outcomes seen, joined by " | " (one, when the relay answers the same every time).
 */
export async function pipelinedBehind(
  url: string,
  connect: () => Promise<Buffer>,
  victim: string,
): Promise<string> {
  const outcomes = new Set<string>()
  for (let round = 0; round < 3; round++) {
    outcomes.add(
      summary(
        await exchangeRaw(url, [Buffer.concat([await connect(), ...intrusion(victim, round)])]),
      ),
    )
    outcomes.add(
      summary(await exchangeRaw(url, [await connect(), Buffer.concat(intrusion(victim, round))])),
    )
  }
  return [...outcomes].join(' | ')
}

export interface RawClient {
  socket: Socket
  /** every packet the relay sent, in order */
  received: Packet[]
  /** resolves once the relay closed the connection (or after timeoutMs with false) */
  closed(timeoutMs?: number): Promise<boolean>
  /** resolves once `count` packets of `cmd` came (or after timeoutMs with what came) */
  waitFor(cmd: Packet['cmd'], count: number, timeoutMs?: number): Promise<Packet[]>
  write(bytes: Buffer): void
  end(): void
}

export function bytesOf(packets: object[]): Buffer {
  return Buffer.concat(packets.map((p) => encode(p as Packet)))
}

/** CONNECTs as `identity` (client id = username = PeerId, password = a fresh token) and waits for the CONNACK. */
export async function rawConnect(
  url: string,
  identity: Identity,
  relayId: string,
  options: { clean?: boolean } = {},
): Promise<RawClient> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.setNoDelay(true)
  const received: Packet[] = []
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  let wake: () => void = () => undefined
  let isClosed = false
  parser.on('packet', (packet) => {
    received.push(packet)
    wake()
  })
  socket.on('data', (chunk) => parser.parse(chunk))
  socket.on('error', () => undefined)
  socket.on('close', () => {
    isClosed = true
    wake()
  })
  const changed = (timeoutMs: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  const client: RawClient = {
    socket,
    received,
    async closed(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!isClosed && Date.now() < deadline) await changed(100)
      return isClosed
    },
    async waitFor(cmd, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      const matching = (): Packet[] => received.filter((p) => p.cmd === cmd)
      while (matching().length < count && !isClosed && Date.now() < deadline) await changed(100)
      return matching()
    },
    write: (bytes) => socket.write(bytes),
    end: () => socket.destroy(),
  }
  const password = await createRelayToken(identity, relayId)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  client.write(
    bytesOf([
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: options.clean ?? true,
        clientId: identity.peerId,
        username: identity.peerId,
        password: Buffer.from(password),
        keepalive: 60,
      },
    ]),
  )
  const [connack] = await client.waitFor('connack', 1)
  if (connack === undefined || (connack as { returnCode?: number }).returnCode !== 0)
    throw new Error(`CONNECT refused: ${JSON.stringify(connack)}`)
  return client
}
