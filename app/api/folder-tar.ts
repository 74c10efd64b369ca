// A received folder as one download for browser mode (file-links.ts): a tar stream written as it
// is read — POSIX ustar blocks with a pax extended header per entry for its UTF-8 path (POSIX.1-2001
// pax format, IEEE Std 1003.1 "pax" §Extended Header), so Chinese and emoji names and paths
// beyond ustar's 100 bytes come through — and every archiver (tar, bsdtar, 7-Zip, Windows'
// own) opens it. Files are piped one after another: bounded memory whatever the folder holds.
// Only directories and regular files are written; anything else (a link) is left out.
import { createReadStream } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'

const BLOCK = 512
/** the largest size ustar's 11 octal digits hold; beyond it the pax header carries the size */
const MAX_OCTAL_SIZE = 0o77777777777

export function folderTar(root: string, name: string): Readable {
  return Readable.from(entries(root, name))
}

async function* entries(dir: string, path: string): AsyncGenerator<Buffer> {
  const stats = await lstat(dir)
  yield* header(`${path}/`, 0, stats.mtimeMs, '5')
  for (const child of (await readdir(dir)).sort()) {
    const full = join(dir, child)
    const info = await lstat(full)
    if (info.isDirectory()) yield* entries(full, `${path}/${child}`)
    else if (info.isFile()) {
      yield* header(`${path}/${child}`, info.size, info.mtimeMs, '0')
      let written = 0
      for await (const chunk of createReadStream(full, {
        end: info.size - 1,
      }) as AsyncIterable<Buffer>) {
        written += chunk.length
        yield chunk
      }
      if (written < info.size) yield Buffer.alloc(info.size - written) // it shrank while read
      yield padding(info.size)
    }
  }
  if (path.indexOf('/') === -1) yield Buffer.alloc(2 * BLOCK) // the end of the archive
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)
}

/** a pax 'x' header carrying the path, then the ustar header of the entry itself */
function* header(path: string, size: number, mtimeMs: number, type: '0' | '5'): Generator<Buffer> {
  const record = Buffer.concat([
    paxRecord('path', path),
    size > MAX_OCTAL_SIZE ? paxRecord('size', String(size)) : Buffer.alloc(0),
  ])
  yield block(`PaxHeader/${asciiName(path)}`, record.length, mtimeMs, 'x')
  yield record
  yield padding(record.length)
  yield block(asciiName(path), size, mtimeMs, type)
}

/** "<length> path=<value>\n", the length counting itself */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`
  const bodyBytes = Buffer.byteLength(body)
  let length = bodyBytes + 1
  while (String(length).length + bodyBytes !== length) length++
  return Buffer.from(`${length}${body}`)
}

/** a stand-in name for readers without pax: ASCII, under 100 bytes */
function asciiName(path: string): string {
  const ascii = path.replace(/[^\x20-\x7e]/g, '_')
  return ascii.length < 100 ? ascii : ascii.slice(ascii.length - 99)
}

function block(name: string, size: number, mtimeMs: number, type: string): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(name, 0, 100, 'utf8')
  b.write(octal(type === '5' ? 0o755 : 0o644, 8), 100)
  b.write(octal(0, 8), 108)
  b.write(octal(0, 8), 116)
  b.write(octal(size, 12), 124)
  b.write(octal(Math.floor(mtimeMs / 1000), 12), 136)
  b.write('        ', 148) // the checksum counts its own field as spaces
  b.write(type, 156)
  b.write('ustar\u000000', 257, 'latin1')
  let sum = 0
  for (const byte of b) sum += byte
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1')
  return b
}

/** a ustar number field: octal digits and a NUL; sizes past 8 GiB use pax's size as well */
function octal(value: number, width: number): string {
  const digits = value.toString(8)
  if (digits.length > width - 1) return '7'.repeat(width - 1) + '\u0000'
  return `${digits.padStart(width - 1, '0')}\u0000`
}
