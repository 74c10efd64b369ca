// An MQTT 3.1.1 client on a bare net.Socket (mqtt-packet for the bytes), for tests that need to
// control what arrives in one socket read — e.g. a hundred PUBLISHes in one write — which mqtt.js
// does not let a test decide.
import { connect, type Socket } from 'node:net'
import mqttPacket, { type Packet } from 'mqtt-packet'
import { createRelayToken } from '../../shared/relay-token.js'
import type { Identity } from '../../shared/identity.js'

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
  return Buffer.concat(packets.map((p) => mqttPacket.generate(p as Packet)))
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
