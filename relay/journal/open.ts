// Opening the journal store for one relay process (docs/relay.md "The journal"): <data>/journal/
// holds the log and a LOCK file with the owner's pid, so a second relay on the same --data is
// refused instead of appending to the same log. A LOCK left by a process that is gone (kill -9)
// is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PigeonError } from '../../shared/errors.js'
import { JournalPersistence } from './persistence.js'

export interface JournalStore {
  kind: 'journal'
  persistence: JournalPersistence
  mq: undefined
  redis: undefined
  close(): Promise<void>
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // a pid reused by an unrelated program after a crash does not hold the store
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node')
  } catch {
    return true
  }
}

function lock(dir: string): () => void {
  const path = join(dir, 'LOCK')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(readFileSync(path, 'utf8'))
      if (alive(owner))
        throw new PigeonError(
          'RELAY_CONFIG_INVALID',
          `The message store ${dir} is in use by another relay process (pid ${owner}); stop it or pick another --data.`,
        )
      rmSync(path, { force: true })
    }
  }
  throw new PigeonError('RELAY_CONFIG_INVALID', `Cannot lock the message store ${dir}.`)
}

export function openJournal(dataDir: string, syncMs: number): JournalStore {
  const dir = join(dataDir, 'journal')
  let unlock: () => void
  let persistence: JournalPersistence
  try {
    mkdirSync(dir, { recursive: true })
    unlock = lock(dir)
  } catch (cause) {
    if (cause instanceof PigeonError) throw cause
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      `Cannot open the message store ${dir}: ${(cause as Error).message}`,
      { cause },
    )
  }
  try {
    persistence = JournalPersistence.open({ path: join(dir, 'journal.log'), syncMs }).persistence
  } catch (cause) {
    unlock()
    throw new PigeonError(
      'RELAY_STORE_CORRUPT',
      `Cannot read the message store ${dir}: ${(cause as Error).message}. Move ${dir} aside to start with an empty store (queued messages in it are lost), or restore it from a backup.`,
      { cause },
    )
  }
  return {
    kind: 'journal',
    persistence,
    mq: undefined,
    redis: undefined,
    close: async () => {
      // aedes destroys its persistence on close; this writes what is pending if it has not
      await persistence.destroy().catch(() => undefined)
      unlock()
    },
  }
}
