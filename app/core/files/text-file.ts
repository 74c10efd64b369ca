// A text too long for one message (LIMITS.textBytes) goes as a .txt file instead: written into
// the data dir, then offered like any file (docs/protocol.md §10). The file stays there, since
// the offer is served from it until the peer has pulled it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'

/** message-2026-12-01-133200.txt, in the sender's local time; -2, -3… when taken */
function fileName(now: Date, n: number): string {
  const pad = (v: number): string => String(v).padStart(2, '0')
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  return `message-${stamp}${n === 1 ? '' : `-${n}`}.txt`
}

export function writeTextFile(dir: string, text: string, now: number): string {
  if (text.trim().length === 0) throw new PigeonError('API_BAD_REQUEST', 'The text is empty.')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (let n = 1; ; n++) {
    const path = join(dir, fileName(new Date(now), n))
    try {
      writeFileSync(path, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' })
      return path
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}
