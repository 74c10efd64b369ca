// What a receiver asks on TCP 2425 (protocol.txt "File attach extension"; docs/protocol.md §15
// "Files"): one IPMsg packet whose mode is GETFILEDATA (a file) or GETDIRFILES (a folder) and whose
// Additional section is `packetID:fileID:offset` in hex — the packet number of the SENDMSG that
// offered it, the file's id in it, and where to start (GETDIRFILES has no offset; iptux sends 0).
// Parsed as strictly as a datagram: anything else is IPMSG_MALFORMED and the connection is closed.
import { PigeonError } from '../../../shared/errors.js'
import { Mode, modeOf } from './ipmsg-commands.js'
import { formatPacket, parsePacket, splitNul, type IpmsgPacket } from './ipmsg-packet.js'

/** a request is one short packet; a peer that sends more before it is complete is refused */
export const MAX_REQUEST_BYTES = 1024

export interface FileRequest {
  packet: IpmsgPacket
  folder: boolean
  packetNo: number
  fileId: number
  offset: number
}

const HEX = /^[0-9a-fA-F]{1,13}$/

function bad(why: string): PigeonError {
  return new PigeonError('IPMSG_MALFORMED', `An IPMsg file request was refused: ${why}.`)
}

export function parseFileRequest(bytes: Uint8Array): FileRequest {
  const packet = parsePacket(bytes)
  const mode = modeOf(packet.command)
  if (mode !== Mode.GETFILEDATA && mode !== Mode.GETDIRFILES) throw bad(`mode ${mode} is not one`)
  const [first = new Uint8Array()] = splitNul(packet.extra)
  const fields = String.fromCharCode(...first)
    .trim()
    .split(':')
  if (fields.at(-1) === '') fields.pop() // IP Messenger ends it with a colon, iptux does not
  if (fields.length < 2 || fields.length > 3) throw bad('it does not name a packet and a file')
  if (!fields.every((f) => HEX.test(f))) throw bad('a number in it is not hexadecimal')
  const [packetNo, fileId, offset = 0] = fields.map((f) => parseInt(f, 16))
  return { packet, folder: mode === Mode.GETDIRFILES, packetNo: packetNo!, fileId: fileId!, offset }
}

export function formatFileRequest(
  from: { user: string; host: string; packetNo: number },
  request: { folder: boolean; packetNo: number; fileId: number; offset: number },
): Uint8Array {
  const { packetNo, fileId, offset } = request
  const extra = request.folder
    ? `${packetNo.toString(16)}:${fileId.toString(16)}:0`
    : `${packetNo.toString(16)}:${fileId.toString(16)}:${offset.toString(16)}`
  return formatPacket({
    version: '1',
    ...from,
    command: request.folder ? Mode.GETDIRFILES : Mode.GETFILEDATA,
    extra: new TextEncoder().encode(`${extra}\0`),
  })
}
