// The records of a folder on the GETDIRFILES stream (protocol.txt "File attach extension";
// docs/protocol.md §15 "Files"): each is `header-size:filename:size:attr[:ext=val…]:` — the
// header's own length in hex (iptux writes 4 digits) counting itself, the name with `::` for a
// colon, size and attr in hex — followed by `size` bytes of a regular file. FILE_DIR (2) enters
// a folder, FILE_RETPARENT (3) leaves it; the stream opens with the offered folder itself and ends
// when that one is left. Parsing is strict and bounded: a header over MAX_DIR_HEADER bytes, a
// length that is not hex or does not fit, a missing field is IPMSG_MALFORMED.
import { PigeonError } from '../../../shared/errors.js'
import { FileType } from './ipmsg-commands.js'
import { escapeColons, splitEscaped } from './ipmsg-files.js'
import { decodeLegacyText, encodeLegacyText } from './ipmsg-text.js'

/** one header at most: a 255-byte name and a few extension fields fit many times over */
export const MAX_DIR_HEADER = 2048
/** hex digits of the length field before its colon */
export const MAX_LENGTH_DIGITS = 8
/** IPMSG_FILE_MTIME, an extension field iptux and IP Messenger add */
const EXT_MTIME = 0x14
/** IPMSG_FILE_CREATETIME */
const EXT_CTIME = 0x16

export interface DirRecord {
  name: string
  size: number
  /** low 8 bits: FileType */
  attr: number
  /** seconds since the Unix epoch, when the sender gave it */
  mtime?: number
}

function bad(why: string): PigeonError {
  return new PigeonError('IPMSG_MALFORMED', `An IPMsg folder stream was refused: ${why}.`)
}

const HEX = /^[0-9a-fA-F]{1,13}$/

/** The header's total length from its first field (the digits before the first colon). */
export function headerLength(digits: string): number {
  if (!/^[0-9a-fA-F]{1,8}$/.test(digits)) throw bad('a header length is not hexadecimal')
  const length = parseInt(digits, 16)
  if (length > MAX_DIR_HEADER) throw bad(`a header of ${length} bytes is over ${MAX_DIR_HEADER}`)
  if (length < digits.length + 7) throw bad(`a header of ${length} bytes is too short`)
  return length
}

/** One whole header (its length field included). */
export function parseDirRecord(header: Uint8Array): DirRecord {
  const text = decodeLegacyText(header, 'folder entry').text
  // the length holds no colon: cut it off first, so a name that starts with one stays unambiguous
  const [name, size, attr, ...ext] = splitEscaped(text.slice(text.indexOf(':') + 1))
  if (name === undefined || name === '') throw bad('an entry has no name')
  if (size === undefined || !HEX.test(size)) throw bad('a size is not hexadecimal')
  if (attr === undefined || !HEX.test(attr)) throw bad('an attribute is not hexadecimal')
  const record: DirRecord = { name, size: parseInt(size, 16), attr: parseInt(attr, 16) }
  const type = record.attr & 0xff
  if (type !== FileType.REGULAR && type !== FileType.DIR && type !== FileType.RETPARENT)
    throw bad(`an entry's type is ${type}`)
  if (!Number.isSafeInteger(record.size)) throw bad('a size is out of range')
  for (const field of ext) {
    const [key, value] = field.split('=')
    if (
      key !== undefined &&
      parseInt(key, 16) === EXT_MTIME &&
      value !== undefined &&
      HEX.test(value)
    )
      record.mtime = parseInt(value, 16)
  }
  return record
}

export function formatDirRecord(record: DirRecord): Uint8Array {
  // iptux reads both time fields unconditionally: write the creation time too (the same)
  const t = (record.mtime ?? 0).toString(16)
  const mtime = `${EXT_MTIME.toString(16)}=${t}:${EXT_CTIME.toString(16)}=${t}:`
  const body = encodeLegacyText(
    `:${escapeColons(record.name)}:${record.size.toString(16)}:${record.attr.toString(16)}:${mtime}`,
  )
  const length = 4 + body.length
  if (length > 0xffff) throw new RangeError('a folder entry header over 64 KiB')
  const out = new Uint8Array(length)
  out.set(encodeLegacyText(length.toString(16).padStart(4, '0')))
  out.set(body, 4)
  return out
}

export const RETURN_TO_PARENT: DirRecord = { name: '.', size: 0, attr: FileType.RETPARENT }
