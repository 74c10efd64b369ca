// Browser mode's uploads (docs/architecture.md §4 "Files in browser mode"). A page can hand the
// node a file's bytes but never its path, and sendFiles offers paths on the node's own disk; so
// the page streams each file of what the user dropped into a staging folder in the data dir
// (<data>/uploads/<id>/, the folder structure kept, empty directories too), then asks for the
// lot to be offered from there. The staging folder is removed once every transfer made from it
// is final (done, declined, cancelled), or at the next start if it was never offered.
//
// Memory stays bounded whatever the size: the request body is piped to the file with
// backpressure (node:stream pipeline), never buffered. Names are checked by the same rules as a
// received offer (app/core/files/safe-path.ts), so what is staged is something a peer accepts.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { PigeonError } from '../../shared/errors.js'
import { LIMITS } from '../../shared/limits.js'
import { FINAL_STATES } from '../../shared/transfer-state.js'
import { checkRelativePath, refuseSymlinks } from '../core/files/safe-path.js'
import { errorText, type Logger } from '../core/log.js'
import type { MessengerApi, TransferView } from './contract.js'

/** under the data dir */
export const UPLOADS_DIR = 'uploads'
const UPLOAD_ID = /^[0-9a-f]{32}$/

interface Staged {
  bytes: number
  entries: number
}

/** what `<id>.json` beside a staging folder records once it was offered */
interface SentRecord {
  transfers: string[]
}

export class Uploads {
  readonly #root: string
  readonly #api: MessengerApi
  readonly #log: Logger
  readonly #staged = new Map<string, Staged>()
  /** offered staging folders by id, with the transfers still not final */
  readonly #sent = new Map<string, Set<string>>()
  readonly #unsubscribe: () => void

  constructor(root: string, api: MessengerApi, log: Logger) {
    this.#root = root
    this.#api = api
    this.#log = log
    this.#unsubscribe = api.subscribe((event) => {
      if (event.type === 'transfer') this.#settled(event.transfer)
    })
  }

  close(): void {
    this.#unsubscribe()
  }

  /** A new, empty staging folder; its id names it in put and send. */
  async start(): Promise<string> {
    const id = randomBytes(16).toString('hex')
    await mkdir(join(this.#root, id), { recursive: true, mode: 0o700 })
    this.#staged.set(id, { bytes: 0, entries: 0 })
    return id
  }

  /**
   * Writes one entry of the upload: a directory (kept even when empty) or a file streamed from
   * `body`. `declared` is the request's Content-Length: a body that ends short (the page was
   * closed mid-file) is refused and its partial file removed.
   */
  async put(
    id: string,
    path: string,
    entry: { directory: true } | { directory: false; body: Readable; declared?: number },
  ): Promise<void> {
    const staged = this.#open(id)
    const segments = checkRelativePath(path)
    const dir = join(this.#root, id)
    await refuseSymlinks(dir, segments)
    const target = join(dir, ...segments)
    if (++staged.entries > LIMITS.folderEntries)
      throw new PigeonError(
        'FILE_OFFER_INVALID',
        `An upload holds at most ${LIMITS.folderEntries} files and folders; send the rest separately.`,
      )
    if (entry.directory) {
      await mkdir(target, { recursive: true })
      return
    }
    await mkdir(dirname(target), { recursive: true })
    let written = 0
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        written += chunk.length
        staged.bytes += chunk.length
        if (staged.bytes > LIMITS.fileMaxBytes)
          callback(
            new PigeonError(
              'FILE_TOO_MANY_BYTES',
              `An upload may hold at most ${LIMITS.fileMaxBytes} bytes.`,
            ),
          )
        else callback(null, chunk)
      },
    })
    try {
      await pipeline(entry.body, limit, createWriteStream(target, { flags: 'wx' }))
      if (entry.declared !== undefined && written !== entry.declared)
        throw new PigeonError(
          'FILE_SIZE_MISMATCH',
          `${path} arrived with ${written} of its ${entry.declared} bytes; drop it again.`,
        )
    } catch (error) {
      staged.bytes -= written
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(target, { force: true })
      throw uploadError(error, path)
    }
  }

  /** Offers each top-level entry of the staging folder to the peer (sendFiles). */
  async send(id: string, peer: string): Promise<TransferView[]> {
    this.#open(id)
    const dir = join(this.#root, id)
    const names = (await readdir(dir)).sort()
    if (names.length === 0)
      throw new PigeonError('FILE_UPLOAD_UNKNOWN', 'Nothing was uploaded to send; drop it again.')
    const views = await this.#api.sendFiles(
      peer,
      names.map((name) => join(dir, name)),
    )
    this.#staged.delete(id)
    const record: SentRecord = { transfers: views.map((v) => v.id) }
    await writeFile(join(this.#root, `${id}.json`), JSON.stringify(record))
    this.#sent.set(id, new Set(record.transfers))
    return views
  }

  /** Removes an upload that will not be sent (the page gave up half way). */
  async discard(id: string): Promise<void> {
    this.#open(id)
    this.#staged.delete(id)
    await rm(join(this.#root, id), { recursive: true, force: true })
  }

  /**
   * At start: staging folders never offered are leftovers of a page closed mid-upload; offered
   * ones are kept while one of their transfers may still be pulled.
   */
  async sweep(): Promise<void> {
    let names: string[]
    try {
      names = await readdir(this.#root)
    } catch {
      return // no uploads yet
    }
    const live = new Set(
      (await this.#api.transfers()).filter((t) => !FINAL_STATES.has(t.state)).map((t) => t.id),
    )
    for (const name of names) {
      if (!UPLOAD_ID.test(name)) continue
      const record = await readRecord(join(this.#root, `${name}.json`))
      const pending = new Set((record?.transfers ?? []).filter((t) => live.has(t)))
      if (pending.size > 0) this.#sent.set(name, pending)
      else await this.#remove(name)
    }
  }

  #open(id: string): Staged {
    const staged = UPLOAD_ID.test(id) ? this.#staged.get(id) : undefined
    if (staged === undefined)
      throw new PigeonError(
        'FILE_UPLOAD_UNKNOWN',
        'That upload is unknown or was sent already; drop the files again.',
      )
    return staged
  }

  #settled(view: TransferView): void {
    if (!FINAL_STATES.has(view.state)) return
    for (const [id, pending] of this.#sent) {
      if (!pending.delete(view.id) || pending.size > 0) continue
      this.#sent.delete(id)
      void this.#remove(id)
    }
  }

  async #remove(id: string): Promise<void> {
    try {
      await rm(join(this.#root, id), { recursive: true, force: true })
      await rm(join(this.#root, `${id}.json`), { force: true })
    } catch (error) {
      this.#log.warn({ err: errorText(error) }, `could not remove the upload folder ${id}`)
    }
  }
}

async function readRecord(file: string): Promise<SentRecord | undefined> {
  try {
    await stat(file)
    const record = JSON.parse(await readFile(file, 'utf8')) as SentRecord
    return Array.isArray(record.transfers) ? record : undefined
  } catch {
    return undefined
  }
}

function uploadError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
    return new PigeonError(
      'FILE_NAME_DUPLICATE',
      `${path} is in this upload twice; rename one of them.`,
    )
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new PigeonError(
      'FILE_TARGET_UNWRITABLE',
      `The node's disk is full; free some space and drop ${path} again.`,
      { cause: error },
    )
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET')
    return new PigeonError(
      'FILE_SIZE_MISMATCH',
      `${path} was cut off before all its bytes arrived; drop it again.`,
    )
  return error
}
