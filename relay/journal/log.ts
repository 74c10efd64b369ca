// The journal's file (docs/relay.md "The journal"): append-only, group commit, compaction.
//
// Group commit: every record appended during one event-loop turn is written at the end of that
// turn (setImmediate) in one write(2); each record's promise resolves after that write, so a
// PUBACK that waits for it (aedes/ack-after-store.ts) means the record is in the kernel's page
// cache, which a kill -9 of the process cannot lose. fsync policy: `syncMs` = 0 runs
// fdatasync(2) after each group, before its promises resolve (a power loss loses nothing
// acknowledged either); `syncMs` > 0 (the default, 1000) runs it in the background at most that
// often, so a power loss can lose up to that much acknowledged traffic — the same promise as the
// LevelDB store, which never fsyncs a put, and stronger than Mosquitto's autosave.
//
// Compaction: once the log has grown past `compactBytes` and twice the size of the last snapshot,
// the next group commit instead writes a snapshot of the whole state (which includes that
// group's changes) to a new file, fdatasyncs it and renames it over the log: the rename is the
// switch, so a crash leaves either the old log or the new one, both complete.
import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { frame, readFrames } from './frames.js'

export interface LogOptions {
  /** 0 = fdatasync every group before acknowledging it; otherwise at most every syncMs */
  syncMs: number
  compactBytes: number
  /** the whole state as records, for compaction */
  snapshot: () => Buffer[]
}

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

export interface Recovered {
  bodies: Buffer[]
  /** bytes cut from the end: a group torn by a crash */
  tornBytes: number
}

export class JournalLog {
  readonly #path: string
  readonly #options: LogOptions
  #fd: number
  #size: number
  #snapshotSize: number
  #pending: Buffer[] = []
  #waiters: Waiter[] = []
  #scheduled = false
  #dirty = false
  #syncTimer: NodeJS.Timeout | undefined
  #closed = false
  #failure: unknown

  private constructor(path: string, fd: number, size: number, options: LogOptions) {
    this.#path = path
    this.#fd = fd
    this.#size = size
    this.#snapshotSize = size
    this.#options = options
  }

  /** Opens (or creates) the log, cutting a torn last group off; returns the records to replay. */
  static open(path: string, options: LogOptions): { log: JournalLog; recovered: Recovered } {
    const fd = openSync(path, 'a+')
    const data = readFileSync(path)
    const { bodies, valid } = readFrames(data)
    if (valid < data.length) {
      ftruncateSync(fd, valid)
      fdatasyncSync(fd)
    }
    return {
      log: new JournalLog(path, fd, valid, options),
      recovered: { bodies, tornBytes: data.length - valid },
    }
  }

  get size(): number {
    return this.#size
  }

  /** Queues a record for this turn's group; resolves once the group is written (see above). */
  append(body: Buffer): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the journal is closed'))
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    this.#queue(body)
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  /**
   * Queues a record for this turn's group that nobody waits for (persistence.ts #background):
   * no promise per record. Should its group fail, every later append fails (#failure).
   */
  appendUnwaited(body: Buffer): void {
    if (this.#closed || this.#failure !== undefined) return
    this.#queue(body)
  }

  #queue(body: Buffer): void {
    this.#pending.push(frame(body))
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => this.#commit())
    }
  }

  #commit(): void {
    this.#scheduled = false
    const group = this.#pending
    const waiters = this.#waiters
    this.#pending = []
    this.#waiters = []
    if (group.length === 0) return
    try {
      const { compactBytes } = this.#options
      if (this.#size > compactBytes && this.#size > 2 * this.#snapshotSize) this.#compact()
      else {
        const bytes = group.length === 1 ? group[0]! : Buffer.concat(group)
        let written = 0
        while (written < bytes.length)
          written += writeSync(this.#fd, bytes, written, bytes.length - written)
        this.#size += bytes.length
      }
    } catch (error) {
      // a log we could not append to cannot be trusted with later records either
      this.#failure = error
      for (const w of waiters) w.reject(error)
      return
    }
    if (this.#options.syncMs === 0) {
      fdatasync(this.#fd, (error) => {
        for (const w of waiters)
          if (error) w.reject(error)
          else w.resolve()
      })
      return
    }
    for (const w of waiters) w.resolve()
    this.#dirty = true
    this.#syncTimer ??= setTimeout(() => this.#backgroundSync(), this.#options.syncMs)
  }

  #backgroundSync(): void {
    this.#syncTimer = undefined
    if (!this.#dirty || this.#closed) return
    this.#dirty = false
    fdatasync(this.#fd, () => undefined)
  }

  #compact(): void {
    const next = join(dirname(this.#path), 'journal.compacting')
    const fd = openSync(next, 'w')
    let size = 0
    try {
      // one snapshot record at a time: the snapshot can be large, the frames small
      for (const body of this.#options.snapshot()) {
        const bytes = frame(body)
        let written = 0
        while (written < bytes.length)
          written += writeSync(fd, bytes, written, bytes.length - written)
        size += bytes.length
      }
      fdatasyncSync(fd)
    } catch (error) {
      closeSync(fd)
      throw error
    }
    renameSync(next, this.#path)
    syncDirectory(dirname(this.#path))
    closeSync(this.#fd)
    this.#fd = fd
    this.#size = size
    this.#snapshotSize = size
  }

  /** Writes what is pending, fdatasyncs and closes. */
  close(): void {
    if (this.#closed) return
    if (this.#scheduled) this.#commit()
    this.#closed = true
    clearTimeout(this.#syncTimer)
    try {
      fdatasyncSync(this.#fd)
    } finally {
      closeSync(this.#fd)
    }
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
