// The checks that read mqtt-packet's parser inside an aedes client (docs/relay.md "Limits",
// "Memory per connection", "The aedes seams"): aedes 1.2 has no hook for a SUBSCRIBE as a whole
// and no option for a packet size cap, so both reach into `client._parser` and `client.conn`;
// self-check.ts refuses to start on an aedes whose sources differ from the ones read for this.
// Everything installed on a parser here is one function shared by every connection (an idle
// connection used to carry three closures and a bound function for these guards).
import { createRequire } from 'node:module'
import type { Client } from 'aedes'

interface SubscribeLike {
  cmd: string
  subscriptions?: Array<{ qos: number }>
}
interface ParserInternals {
  parse(buf: Buffer): number
  packet: { length: number }
  error: unknown
  _stateCounter: number
  _list: { length: number }
  _resetState(): void
  client?: { id: string | null; conn?: { destroy(): void } }
  prependListener(
    event: 'packet',
    listener: (this: ParserInternals, p: SubscribeLike) => void,
  ): void
}

// mqtt-packet keeps the bytes of the packet being received in a `bl` BufferListStream, a whole
// Duplex stream (with its two stream states) that it never uses as a stream; the plain BufferList
// of the same package has every method the parser calls. `bl` is mqtt-packet's own dependency.
// Resolved the way aedes resolves them: aedes → mqtt-packet → bl.
const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'))
const BufferList = createRequire(fromAedes.resolve('mqtt-packet'))(
  'bl/BufferList.js',
) as new () => {
  length: number
}

/** mqtt-packet's Parser#_resetState (parser.js), with the plain list */
function leanReset(this: ParserInternals): void {
  this.packet = new (this.packet.constructor as new () => { length: number })()
  this.error = null
  this._list = new BufferList()
  this._stateCounter = 0
}

const beyondPacketCap = new WeakSet<object>()

/** Was this subscription asked for past the per-SUBSCRIBE cap (packetGuards)? */
export function pastSubscribeCap(sub: object): boolean {
  return beyondPacketCap.has(sub)
}

export interface GuardOptions {
  maxSubscribeTopics: number
  maxPacketBytes: number
  onOversize: (clientId: string | null) => void
}

/**
 * Returns what to run on each new client:
 * - every SUBSCRIBE is seen before aedes sees it. It asks for QoS 1 at most: aedes answers each
 *   topic with the QoS the client requested (lib/handlers/subscribe.js doSubscribe; what
 *   authorizeSubscribe returns is only stored), and the relay delivers QoS 1 ("The Server might
 *   grant a lower maximum QoS", [MQTT-3.9.3]). The topics past `maxSubscribeTopics` are marked,
 *   and the ACL refuses them with 0x80, so one packet's work is bounded;
 * - a connection closes as soon as the packet being received announces or accumulates more than
 *   `maxPacketBytes`, before it is buffered whole.
 */
export function packetGuards(options: GuardOptions): (client: Client) => void {
  const { maxSubscribeTopics, maxPacketBytes, onOversize } = options
  let parse: ((this: ParserInternals, buf: Buffer) => number) | undefined
  function guardedParse(this: ParserInternals, buf: Buffer): number {
    const left = parse!.call(this, buf)
    if (this.packet.length > maxPacketBytes || this._list.length > maxPacketBytes + 5) {
      onOversize(this.client?.id ?? null)
      this.client?.conn?.destroy()
    }
    return left
  }
  function capSubscribe(this: ParserInternals, packet: SubscribeLike): void {
    if (packet.cmd !== 'subscribe' || packet.subscriptions === undefined) return
    packet.subscriptions.forEach((sub, i) => {
      sub.qos = Math.min(sub.qos, 1)
      if (i >= maxSubscribeTopics) beyondPacketCap.add(sub)
    })
  }
  return (client) => {
    const parser = (client as unknown as { _parser?: ParserInternals })._parser
    if (parser === undefined) return
    parse ??= Object.getPrototypeOf(parser).parse as typeof parse
    parser._resetState = leanReset
    parser._list = new BufferList()
    parser.parse = guardedParse
    parser.prependListener('packet', capSubscribe)
  }
}
