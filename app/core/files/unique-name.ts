// A received file never overwrites one already there: `name.ext`, else
// `name (1).ext`, `name (2).ext`, … — the extension kept, as browsers and file managers do.
// The name with its counter must still be one path segment a disk takes (LIMITS.fileSegmentBytes,
// docs/protocol.md §10): an offered name may already be 255 bytes, so the stem is shortened, at a
// code point boundary, to make room for " (n)".
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { LIMITS } from '../../../shared/limits.js'

const utf8 = new TextEncoder()

export async function uniqueName(dir: string, name: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = numberedName(name, n)
    try {
      await lstat(join(dir, candidate))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate
      throw error
    }
  }
}

/** `name` for 0, else `stem (n).ext`, at most LIMITS.fileSegmentBytes bytes of UTF-8. */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name
  const suffix = ` (${n})`
  const dot = name.lastIndexOf('.')
  // ".bashrc" has no extension; "archive.tar.gz" keeps only ".gz" as browsers do; an "extension"
  // too long to leave room for any stem is part of the stem
  let [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  if (bytes(ext) + bytes(suffix) >= LIMITS.fileSegmentBytes) [stem, ext] = [name, '']
  const room = LIMITS.fileSegmentBytes - bytes(suffix) - bytes(ext)
  return `${truncateUtf8(stem, room)}${suffix}${ext}`
}

function bytes(text: string): number {
  return utf8.encode(text).length
}

/** the longest prefix of `text` of at most `max` bytes that ends on a code point */
function truncateUtf8(text: string, max: number): string {
  if (bytes(text) <= max) return text
  let out = ''
  let used = 0
  for (const char of text) {
    const size = bytes(char)
    if (used + size > max) break
    out += char
    used += size
  }
  return out
}
