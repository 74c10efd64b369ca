// What a person can do when the data dir's storage fails: raw `EROFS`, `attempt to write a
// readonly database` or `file is not a database` name no file and suggest nothing. Every open of
// a file in the data dir (the lock, the store, the identity key) passes its failure through here.
import { accessSync, constants } from 'node:fs'
import { dirname } from 'node:path'
import { PigeonError } from '../../shared/errors.js'

const READ_ONLY = new Set([
  'EROFS',
  'EACCES',
  'EPERM',
  'SQLITE_READONLY',
  'SQLITE_READONLY_DBMOVED',
])
const DAMAGED = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT'])

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Whether the directory can be written (false on a read-only mount, whoever we are). */
function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The failure of opening or writing `file` as a PigeonError a person can act on; an error that is
 * already one, or that is not about storage, is returned as it is.
 */
export function storageError(error: unknown, file: string): unknown {
  if (error instanceof PigeonError) return error
  const code = codeOf(error) ?? ''
  const dir = dirname(file)
  // SQLite says CANTOPEN for a file it may not create; the directory says why
  if (
    READ_ONLY.has(code) ||
    code.startsWith('SQLITE_READONLY') ||
    (code === 'SQLITE_CANTOPEN' && !writable(dir))
  ) {
    return new PigeonError(
      'DATA_DIR_READ_ONLY',
      `Pigeon cannot write ${file}: the data dir ${dir} is read-only. Make it writable (remount it read-write, or fix its permissions), or start with --data <a writable dir>.`,
      { cause: error },
    )
  }
  if (DAMAGED.has(code) || code.startsWith('SQLITE_CORRUPT')) {
    return new PigeonError(
      'STORE_DAMAGED',
      `${file} is damaged or is not a Pigeon database. Move it aside together with its -wal and -shm files (e.g. into a folder named damaged), then restore it from a backup, or start again to begin an empty history with the same identity.`,
      { cause: error },
    )
  }
  return error
}
