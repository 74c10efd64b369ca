// The attachment list of SENDMSG|FILEATTACHOPT (protocol.txt "File attach extension";
// docs/protocol.md §15 "Files"): entries `fileID:filename:size:mtime:attr[:ext=val…]:` separated
// by BEL (0x07); size, mtime and attr in hex; a colon inside the file name is written `::`. The
// codec only parses and formats: a name is checked against the target folder by
// app/core/files/safe-path.ts before anything is written (the bridge refuses ../ and absolute
// names there).
import { PigeonError } from '../../../shared/errors.js'
import { FileType } from './ipmsg-commands.js'
import { decodeLegacyText, encodeLegacyText } from './ipmsg-text.js'

/** entries in one packet; more is refused (a packet of 16 KiB holds far fewer real ones) */
export const MAX_FILE_ENTRIES = 256

export interface IpmsgFileEntry {
  /** the sender's id of the file, echoed back in GETFILEDATA / GETDIRFILES */
  fileId: number
  name: string
  size: number
  /** seconds since the Unix epoch */
  mtime: number
  /** low 8 bits: FileType; the rest option bits */
  attr: number
}

const HEX = /^[0-9a-fA-F]{1,14}$/
const DEC = /^[0-9]{1,10}$/

function bad(why: string): PigeonError {
  return new PigeonError('IPMSG_MALFORMED', `An IPMsg file list was ignored: ${why}.`)
}

function hex(field: string | undefined, what: string): number {
  if (field === undefined || !HEX.test(field)) throw bad(`a ${what} is not hexadecimal`)
  const value = parseInt(field, 16)
  if (!Number.isSafeInteger(value)) throw bad(`a ${what} is out of range`)
  return value
}

/** Splits one entry at single colons; `::` is a colon inside a field (the file name). */
export function splitEscaped(entry: string): string[] {
  const fields: string[] = []
  let field = ''
  for (let i = 0; i < entry.length; i++) {
    const c = entry[i]
    if (c !== ':') {
      field += c
    } else if (entry[i + 1] === ':') {
      field += ':'
      i++
    } else {
      fields.push(field)
      field = ''
    }
  }
  fields.push(field)
  return fields
}

export const escapeColons = (name: string): string => name.replaceAll(':', '::')

export function parseFileEntries(bytes: Uint8Array): IpmsgFileEntry[] {
  const text = decodeLegacyText(bytes, 'file list').text
  const entries: IpmsgFileEntry[] = []
  for (const raw of text.split('\u0007')) {
    if (raw.trim() === '') continue
    if (entries.length === MAX_FILE_ENTRIES) throw bad(`it has over ${MAX_FILE_ENTRIES} entries`)
    // the id holds no colon: cut it off first, so a name that starts with one stays unambiguous
    const line = raw.replace(/^\s+/, '')
    const cut = line.indexOf(':')
    const id = cut < 0 ? line : line.slice(0, cut)
    const [name, size, mtime, attr] = cut < 0 ? [] : splitEscaped(line.slice(cut + 1))
    if (id === undefined || !DEC.test(id)) throw bad('a file id is not a decimal number')
    if (name === undefined || name === '') throw bad('a file has no name')
    const entry = {
      fileId: Number(id),
      name,
      size: hex(size, 'size'),
      mtime: hex(mtime, 'time'),
      attr: hex(attr, 'attribute'),
    }
    const type = entry.attr & 0xff
    if (type !== FileType.REGULAR && type !== FileType.DIR) throw bad(`a file type is ${type}`)
    entries.push(entry)
  }
  return entries
}

export function formatFileEntries(entries: readonly IpmsgFileEntry[]): Uint8Array {
  const text = entries
    .map(
      (e) =>
        `${e.fileId}:${escapeColons(e.name)}:${e.size.toString(16)}:${e.mtime.toString(16)}:${e.attr.toString(16)}:\u0007`,
    )
    .join('')
  return encodeLegacyText(text)
}
