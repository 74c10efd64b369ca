// The IPMsg packet (protocol.txt Draft-10 "Packet format"; docs/protocol.md §15): one UDP datagram,
// `Ver:PacketNo:SenderName:SenderHost:CommandNo:Additional`. Parsing is strict: a datagram becomes
// a whole packet or a PigeonError (IPMSG_MALFORMED, IPMSG_OVERSIZE) — nothing half-read reaches
// the bridge. The header is split on the first five colons byte by byte, before any decoding: no
// UTF-8 or GB18030 multi-byte sequence contains 0x3A, so a colon byte is always a separator.
import { PigeonError } from '../../../shared/errors.js'
import { decodeLegacyText, encodeLegacyText, headerSafe } from './ipmsg-text.js'

/** A datagram above this is refused unread (IP Messenger's own receive buffer is 16 KiB). */
export const MAX_PACKET_BYTES = 16_384
/** What Pigeon sends stays within iptux's 8 KiB receive buffer; longer texts are split. */
export const MAX_SEND_BYTES = 8_192
/** user and host names: identity fields, kept short */
export const MAX_NAME_BYTES = 128

const COLON = 0x3a
const DIGITS = /^[0-9]{1,16}$/
const VERSION = /^[\x20-\x39\x3b-\x7e]{1,64}$/

export interface IpmsgPacket {
  /** "1", or a client's own ("1_iptux…", "1_lbt6_0#…" for FeiQ); ASCII without a colon */
  version: string
  packetNo: number
  user: string
  host: string
  /** mode in the low 8 bits, options above (ipmsg-commands.ts) */
  command: number
  /** the Additional section, undecoded: its meaning and encoding depend on the mode */
  extra: Uint8Array
}

function malformed(why: string): PigeonError {
  return new PigeonError('IPMSG_MALFORMED', `An IPMsg packet was ignored: ${why}.`)
}

function number(field: Uint8Array, what: string, max: number): number {
  const text = String.fromCharCode(...field)
  if (!DIGITS.test(text)) throw malformed(`its ${what} is not a decimal number`)
  const value = Number(text)
  if (value > max) throw malformed(`its ${what} is out of range`)
  return value
}

function name(field: Uint8Array, what: string): string {
  if (field.length === 0) throw malformed(`its ${what} is empty`)
  if (field.length > MAX_NAME_BYTES) throw malformed(`its ${what} is over ${MAX_NAME_BYTES} bytes`)
  if (field.some((b) => b < 0x20 || b === 0x7f))
    throw malformed(`its ${what} holds a control character`)
  return decodeLegacyText(field, what).text
}

export function parsePacket(bytes: Uint8Array): IpmsgPacket {
  if (bytes.length > MAX_PACKET_BYTES) {
    throw new PigeonError(
      'IPMSG_OVERSIZE',
      `An IPMsg packet of ${bytes.length} bytes was ignored; the limit is ${MAX_PACKET_BYTES}.`,
    )
  }
  const fields: Uint8Array[] = []
  let from = 0
  while (fields.length < 5) {
    const at = bytes.indexOf(COLON, from)
    if (at < 0) throw malformed(`it has ${fields.length + 1} of the 6 header fields`)
    fields.push(bytes.subarray(from, at))
    from = at + 1
  }
  const [ver, no, user, host, command] = fields as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ]
  const version = String.fromCharCode(...ver)
  if (!VERSION.test(version)) throw malformed('its version is not printable ASCII')
  return {
    version,
    packetNo: number(no, 'packet number', Number.MAX_SAFE_INTEGER),
    user: name(user, 'user name'),
    host: name(host, 'host name'),
    command: number(command, 'command', 0xffff_ffff),
    extra: bytes.slice(from),
  }
}

export function formatPacket(packet: IpmsgPacket): Uint8Array {
  const head = encodeLegacyText(
    [
      packet.version,
      String(packet.packetNo),
      headerSafe(packet.user),
      headerSafe(packet.host),
      String(packet.command >>> 0),
      '',
    ].join(':'),
  )
  const out = new Uint8Array(head.length + packet.extra.length)
  out.set(head)
  out.set(packet.extra, head.length)
  if (out.length > MAX_SEND_BYTES) {
    throw new PigeonError(
      'IPMSG_OVERSIZE',
      `An IPMsg packet would be ${out.length} bytes; IP Messenger clients take at most ${MAX_SEND_BYTES}.`,
    )
  }
  return out
}

/** The Additional section cut at NUL bytes (entries and messages separate their parts so). */
export function splitNul(extra: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = []
  let from = 0
  for (let at = extra.indexOf(0); at >= 0; at = extra.indexOf(0, from)) {
    parts.push(extra.subarray(from, at))
    from = at + 1
  }
  parts.push(extra.subarray(from))
  return parts
}

export function joinNul(parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length + 1, 0)
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length + 1 // the NUL after each part, also the last: C clients read to it
  }
  return out
}
