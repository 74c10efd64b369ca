// The two checks that read mqtt-packet's parser inside an aedes client (docs/relay.md "Limits",
// "The aedes seams"): aedes 1.2 has no hook for a SUBSCRIBE as a whole and no option for a packet
// size cap, so both reach into `client._parser` and `client.conn`. self-check.ts refuses to start
// on an aedes whose client no longer has them.
import type { Client } from 'aedes'

interface ParserInternals {
  parse(buf: Buffer): number
  packet: { length: number }
  _list: { length: number }
  prependListener(
    event: 'packet',
    listener: (packet: { cmd: string; subscriptions?: Array<{ qos: number }> }) => void,
  ): void
}

const beyondPacketCap = new WeakSet<object>()

/** Was this subscription asked for past the per-SUBSCRIBE cap (guardSubscribe)? */
export function pastSubscribeCap(sub: object): boolean {
  return beyondPacketCap.has(sub)
}

/**
 * Looks at every SUBSCRIBE before aedes does (aedes 1.2 offers no hook for the packet as a
 * whole). Asks for QoS 1 at most: aedes answers each topic with the QoS the client requested
 * (lib/handlers/subscribe.js doSubscribe; what authorizeSubscribe returns is only stored), and
 * the relay delivers QoS 1 ("The Server might grant a lower maximum QoS", [MQTT-3.9.3]). Marks
 * the topics past `maxTopics`, which the ACL refuses with 0x80, so one packet's work is bounded.
 */
export function guardSubscribe(client: Client, maxTopics: number): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser
  parser?.prependListener('packet', (packet) => {
    if (packet.cmd !== 'subscribe' || packet.subscriptions === undefined) return
    packet.subscriptions.forEach((sub, i) => {
      sub.qos = Math.min(sub.qos, 1)
      if (i >= maxTopics) beyondPacketCap.add(sub)
    })
  })
}

/**
 * Closes a connection as soon as the packet being received announces or accumulates more than
 * `maxBytes`, before it is buffered whole. Reaches into mqtt-packet's parser (aedes 1.2 offers
 * no option for it); relay tests cover it, so an upgrade that moves these fields fails there.
 */
export function guardPacketSize(client: Client, maxBytes: number, onRefuse: () => void): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser
  const conn = (client as unknown as { conn?: { destroy(): void } }).conn
  if (parser === undefined || conn === undefined) return
  const parse = parser.parse.bind(parser)
  parser.parse = (buf: Buffer): number => {
    const left = parse(buf)
    if (parser.packet.length > maxBytes || parser._list.length > maxBytes + 5) {
      onRefuse()
      conn.destroy()
    }
    return left
  }
}
