// One node per data dir, enforced by the OS: the node holds an exclusive SQLite lock on
// <data>/lock.db for its whole life. A second node — from another shell, another user session or
// another network namespace (a port probe cannot see across those) — cannot take it, and the OS
// releases it when the holder exits in any way, kill -9 included. SQLite's exclusive locking mode
// takes the write lock with the first write and keeps it until the connection closes
// (https://sqlite.org/pragma.html#pragma_locking_mode); better-sqlite3 is already our SQLite.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { PigeonError } from '../../shared/errors.js'
import { storageError } from './storage-error.js'

export const LOCK_FILE = 'lock.db'

/** The user_version field of an SQLite file header (https://sqlite.org/fileformat.html §1.3). */
const USER_VERSION_OFFSET = 60
const SQLITE_MAGIC = 'SQLite format 3\0'

export interface DataDirLock {
  readonly file: string
  /** Lets the next node in; the OS does the same if this process dies. */
  release(): void
}

/** The pid the holder wrote as the lock file's user_version, read without SQLite (it is locked). */
function holderPid(file: string): number | undefined {
  try {
    const header = readFileSync(file).subarray(0, 100)
    if (header.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) return undefined
    const pid = header.readUInt32BE(USER_VERSION_OFFSET)
    return pid === 0 ? undefined : pid
  } catch {
    return undefined
  }
}

/** Takes the data dir's lock, or fails with DATA_DIR_LOCKED naming the node that holds it. */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE)
  let db: Database | undefined
  try {
    db = new BetterSqlite3(file, { timeout: 0 })
    db.pragma('locking_mode = EXCLUSIVE')
    // the write that takes the lock also records who holds it
    db.pragma(`user_version = ${process.pid}`)
  } catch (error) {
    db?.close()
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      const pid = holderPid(file)
      throw new PigeonError(
        'DATA_DIR_LOCKED',
        `Another Pigeon node${pid === undefined ? '' : ` (process ${pid})`} is using the data dir ${dir}. Stop it first, or start this one with --data <another dir>.`,
        { cause: error },
      )
    }
    throw storageError(error, file)
  }
  const held = db
  return {
    file,
    release: () => {
      if (held.open) held.close()
    },
  }
}
