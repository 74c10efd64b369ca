// The secret files of a data dir — the app's identity key and API endpoint, the relay's key and
// admin token — written and read one way. Node-only (shared/node/ is the one part of shared/
// that may use Node; docs/architecture.md), used by app/ and relay/ alike.
//
// Writing: a temp file beside the target, created 0600 (never briefly readable by others),
// fsynced, then renamed over the target — so a crash leaves the old file or the new one, never a
// torn one. `exclusive` links instead of renaming: the target appears whole or the call fails
// with EEXIST, so a key another process just created is never replaced.
// Reading: one set of errors for every secret file — missing is `undefined` (the caller knows
// whether to create it or refuse), unreadable is SECRET_FILE_UNREADABLE, damaged (wrong size,
// not what it should hold) is SECRET_FILE_INVALID, each naming the file and what to do.
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { PigeonError } from '../errors.js'

export interface SecretWriteOptions {
  /** fail with EEXIST when the file exists instead of replacing it */
  exclusive?: boolean
}

/** Writes `data` to `file` atomically with mode 0600 (see the top of this file). */
export function writeSecretFile(
  file: string,
  data: Uint8Array | string,
  options: SecretWriteOptions = {},
): void {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  const fd = openSync(temp, 'wx', 0o600)
  try {
    try {
      fchmodSync(fd, 0o600) // the umask may have taken bits away; never adds any
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    if (options.exclusive === true) linkSync(temp, file)
    else renameSync(temp, file)
  } finally {
    rmSync(temp, { force: true }) // after a rename it is gone already
  }
  syncDir(dirname(file))
}

/** Makes the rename itself durable; not every platform can fsync a directory (Windows). */
function syncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // best effort: the file's own data is synced already
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export interface SecretFormat<T> {
  /** what the file holds, for the sentence: "a Pigeon identity key" */
  what: string
  /** the value in the bytes; throws (anything) when they are not `what` */
  parse: (bytes: Uint8Array) => T
  /** what a person does about a damaged file, as a sentence: "Restore it from a backup …" */
  remedy: string
}

/** The value in `file`, or undefined when there is no such file. */
export function readSecretFile<T>(file: string, format: SecretFormat<T>): T | undefined {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new PigeonError(
      'SECRET_FILE_UNREADABLE',
      `Cannot read ${file} (${code ?? (cause as Error).message}): it holds ${format.what} and must be a file this user (uid ${process.getuid?.() ?? '?'}) can read. Fix its owner or mode (chown, chmod 600), or start with another data directory.`,
      { cause },
    )
  }
  try {
    return format.parse(new Uint8Array(bytes))
  } catch (cause) {
    throw new PigeonError(
      'SECRET_FILE_INVALID',
      `${file} is damaged: it does not hold ${format.what} (${bytes.length} bytes). ${format.remedy}`,
      { cause },
    )
  }
}

/**
 * The value in `file`; when there is none, `make()` makes one and it is written exclusively. If
 * another process created the file meanwhile, its value wins (read back), so two starts at once
 * agree on one key.
 */
export async function loadOrCreateSecretFile<T>(
  file: string,
  format: SecretFormat<T>,
  make: () => T | Promise<T>,
  encode: (value: T) => Uint8Array | string,
): Promise<T> {
  const existing = readSecretFile(file, format)
  if (existing !== undefined) return existing
  const value = await make()
  try {
    writeSecretFile(file, encode(value), { exclusive: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const theirs = readSecretFile(file, format)
    if (theirs !== undefined) return theirs
    throw error
  }
  return value
}
