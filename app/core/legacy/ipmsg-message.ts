// The Additional section of SENDMSG and of its answers (protocol.txt "Message", "File attach
// extension"; docs/protocol.md §15 "Text"): `text\0` and, with FILEATTACHOPT, the attachment list
// after that NUL; RECVMSG and READMSG carry the packet number they answer. A text longer than
// one packet allows is split at character boundaries into several SENDMSGs, never cut.
import { PigeonError } from '../../../shared/errors.js'
import { MAX_SEND_BYTES, splitNul } from './ipmsg-packet.js'
import { decodeLegacyText, encodeLegacyText, type TextEncoding } from './ipmsg-text.js'

/** room for the header (version, packet number, user, host, command) within MAX_SEND_BYTES */
export const HEADER_ROOM = 512
export const MAX_TEXT_BYTES_PER_PACKET = MAX_SEND_BYTES - HEADER_ROOM

export interface IpmsgMessage {
  text: string
  encoding: TextEncoding
  /** the raw attachment list (FILEATTACHOPT), parsed by ipmsg-files.ts */
  attachments: Uint8Array | undefined
}

export function parseMessage(extra: Uint8Array, fileAttach: boolean): IpmsgMessage {
  const [text = new Uint8Array(), ...rest] = splitNul(extra)
  const decoded = decodeLegacyText(text, 'message text')
  const attachments = fileAttach && rest.length > 0 && rest[0]!.length > 0 ? rest[0] : undefined
  return { text: decoded.text, encoding: decoded.encoding, attachments }
}

export function formatMessage(text: string, attachments?: Uint8Array): Uint8Array {
  const body = encodeLegacyText(text)
  const tail = attachments ?? new Uint8Array()
  const out = new Uint8Array(body.length + 1 + tail.length + (attachments === undefined ? 0 : 1))
  out.set(body)
  out.set(tail, body.length + 1)
  return out
}

/** Text in pieces of at most `maxBytes` UTF-8 bytes each, split between code points. */
export function splitText(text: string, maxBytes = MAX_TEXT_BYTES_PER_PACKET): string[] {
  if (maxBytes < 4) throw new RangeError('a piece must hold one code point')
  const pieces: string[] = []
  let piece = ''
  let bytes = 0
  for (const char of text) {
    const size = encodeLegacyText(char).length
    if (bytes + size > maxBytes) {
      pieces.push(piece)
      piece = ''
      bytes = 0
    }
    piece += char
    bytes += size
  }
  if (piece !== '' || pieces.length === 0) pieces.push(piece)
  return pieces
}

/** RECVMSG / READMSG: the packet number answered, in decimal, maybe NUL-terminated. */
export function parseAnsweredNo(extra: Uint8Array): number {
  const [first = new Uint8Array()] = splitNul(extra)
  const text = String.fromCharCode(...first).trim()
  if (!/^[0-9]{1,16}$/.test(text)) {
    throw new PigeonError('IPMSG_MALFORMED', 'An IPMsg receipt did not name a packet number.')
  }
  return Number(text)
}

export function formatAnsweredNo(packetNo: number): Uint8Array {
  return encodeLegacyText(`${packetNo}\0`)
}
