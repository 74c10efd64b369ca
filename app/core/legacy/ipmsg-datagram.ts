// One received datagram, read all the way (docs/protocol.md §15): the packet, then the part of
// its Additional section its mode gives meaning to. The bridge acts only on what this returns,
// and the fuzz target (test/fuzz/targets/ipmsg.ts) attacks exactly this function.
import { Mode, Opt, hasOpt, modeOf } from './ipmsg-commands.js'
import { parseEntry, type IpmsgEntry } from './ipmsg-entry.js'
import { parseFileEntries, type IpmsgFileEntry } from './ipmsg-files.js'
import { parseAnsweredNo, parseMessage, type IpmsgMessage } from './ipmsg-message.js'
import { parsePacket, type IpmsgPacket } from './ipmsg-packet.js'

export type Datagram = { packet: IpmsgPacket } & (
  | { kind: 'entry'; answer: boolean; entry: IpmsgEntry }
  | { kind: 'absence'; entry: IpmsgEntry }
  | { kind: 'exit' }
  | { kind: 'message'; message: IpmsgMessage; files: IpmsgFileEntry[] }
  | { kind: 'recv' | 'read' | 'release'; answered: number }
  | { kind: 'other' }
)

export function readDatagram(bytes: Uint8Array): Datagram {
  const packet = parsePacket(bytes)
  const mode = modeOf(packet.command)
  switch (mode) {
    case Mode.BR_ENTRY:
    case Mode.ANSENTRY:
      return {
        packet,
        kind: 'entry',
        answer: mode === Mode.ANSENTRY,
        entry: parseEntry(packet.extra),
      }
    case Mode.BR_ABSENCE:
      return { packet, kind: 'absence', entry: parseEntry(packet.extra) }
    case Mode.BR_EXIT:
      return { packet, kind: 'exit' }
    case Mode.SENDMSG: {
      const attach = hasOpt(packet.command, Opt.FILEATTACH)
      const message = parseMessage(packet.extra, attach)
      const files = message.attachments === undefined ? [] : parseFileEntries(message.attachments)
      return { packet, kind: 'message', message, files }
    }
    case Mode.RECVMSG:
      return { packet, kind: 'recv', answered: parseAnsweredNo(packet.extra) }
    case Mode.READMSG:
      return { packet, kind: 'read', answered: parseAnsweredNo(packet.extra) }
    case Mode.RELEASEFILES:
      return { packet, kind: 'release', answered: parseAnsweredNo(packet.extra) }
    default:
      return { packet, kind: 'other' }
  }
}

/**
 * What the bridge hears passes here first: over the per-source rate limit, or not a datagram the
 * codec reads, it is dropped with a throttled log line and undefined (the node goes on).
 */
export function admitDatagram(
  bytes: Uint8Array,
  from: { address: string; port: number },
  rates: { allow(address: string): boolean },
  log: { warn(key: string, details: object, message: string): void },
): Datagram | undefined {
  if (!rates.allow(from.address)) {
    log.warn(`rate:${from.address}`, { from }, 'IPMsg packets over the rate limit dropped')
    return undefined
  }
  try {
    return readDatagram(bytes)
  } catch (error) {
    log.warn(`bad:${from.address}`, { from, bytes: bytes.length }, String((error as Error).message))
    return undefined
  }
}
