// The blob store's files (docs/relay.md "File blobs"), in one flat directory: `<id>.data` (the
// bytes) and `<id>.json` (who, how big, how much is stored). Every request reads the metadata
// from disk, so nodes of a cluster that share the directory see one store. A stored piece's bytes
// are fsync'd; metadata is written to a temp file, fsync'd and renamed over the old. Who may do
// what, quotas and counts are relay/blobs.ts's job; this module only keeps the files.
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { PigeonError } from '../shared/errors.js'

export interface BlobMeta {
  id: string
  uploader: string
  recipients: string[]
  size: number
  received: number
  createdAt: number
  expiresAt: number
}

// 18 random bytes = 144 bits, 24 base64url characters; the only user input a path is built from
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/
const ORPHAN_AGE_MS = 3_600_000

export function newBlobId(): string {
  return randomBytes(18).toString('base64url')
}

export function notFound(): PigeonError {
  return new PigeonError(
    'BLOB_NOT_FOUND',
    'There is no such file on this relay: it expired, every recipient fetched it, or the id is wrong. Ask the sender to send it again.',
  )
}

export function badRequest(message: string): PigeonError {
  return new PigeonError('BLOB_BAD_REQUEST', message)
}

export function checkBlobId(id: string): void {
  if (!ID_PATTERN.test(id))
    throw badRequest('A blob id is 24 base64url characters, as POST /blobs returned it.')
}

export class BlobFiles {
  readonly #dir: string

  private constructor(dir: string) {
    this.#dir = dir
  }

  static async open(dir: string): Promise<BlobFiles> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    return new BlobFiles(dir)
  }

  // `done-<i>`: recipient i said it has the file. A file per recipient rather than a list in the
  // metadata, so that two recipients finishing at once on two cluster nodes cannot lose one
  #path(id: string, ext: 'data' | 'json' | `done-${number}`): string {
    checkBlobId(id)
    return join(this.#dir, `${id}.${ext}`)
  }

  /** the blob's metadata as stored, expired or not; BLOB_NOT_FOUND when there is none */
  async readMeta(id: string): Promise<BlobMeta> {
    let text: string
    try {
      text = await readFile(this.#path(id, 'json'), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound()
      throw error
    }
    return JSON.parse(text) as BlobMeta
  }

  async writeMeta(meta: BlobMeta): Promise<void> {
    const path = this.#path(meta.id, 'json')
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
    const file = await open(temp, 'wx', 0o600)
    try {
      await file.writeFile(JSON.stringify(meta))
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temp, path)
    await syncDir(this.#dir)
  }

  /** false when another request or node removed it first */
  async remove(meta: BlobMeta): Promise<boolean> {
    // metadata first: a blob without it is unreachable, and an orphan data file is swept later
    try {
      await rm(this.#path(meta.id, 'json'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw error
    }
    await rm(this.#path(meta.id, 'data'), { force: true })
    for (let i = 0; i < meta.recipients.length; i++)
      await rm(this.#path(meta.id, `done-${i}`), { force: true })
    return true
  }

  /** every blob's metadata in the directory (all nodes' when it is shared) */
  async scan(): Promise<BlobMeta[]> {
    const metas: BlobMeta[] = []
    for (const name of await readdir(this.#dir)) {
      if (!name.endsWith('.json')) continue
      try {
        metas.push(JSON.parse(await readFile(join(this.#dir, name), 'utf8')) as BlobMeta)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
    return metas
  }

  /** deletes old files of no blob in `live`; young ones may be another node's create */
  async removeOrphans(live: ReadonlySet<string>, now: number): Promise<void> {
    for (const name of await readdir(this.#dir)) {
      const id = name.split('.')[0] ?? ''
      if (live.has(id)) continue
      const path = join(this.#dir, name)
      // a temp file or a data file whose metadata is gone
      const info = await stat(path).catch(() => undefined)
      if (info !== undefined && now - info.mtimeMs > ORPHAN_AGE_MS) await rm(path, { force: true })
    }
  }

  /** the empty data file of a new blob, before its metadata */
  async createData(id: string): Promise<void> {
    await (await open(this.#path(id, 'data'), 'wx', 0o600)).close()
  }

  /**
   * Writes `body` at `offset`, first dropping what a cut piece left past it, and returns how many
   * bytes the body had; only a body of exactly `length` bytes is fsync'd.
   */
  async writePiece(
    id: string,
    offset: number,
    length: number,
    body: AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const file = await open(this.#path(id, 'data'), 'r+')
    try {
      await file.truncate(offset)
      const written = await writeAt(file, offset, length, body)
      if (written === length) await file.sync()
      return written
    } finally {
      await file.close()
    }
  }

  async openData(id: string): Promise<FileHandle> {
    return await open(this.#path(id, 'data'), 'r')
  }

  async markDone(id: string, recipient: number): Promise<void> {
    await (await open(this.#path(id, `done-${recipient}`), 'w', 0o600)).close()
  }

  async allDone(id: string, recipients: number): Promise<boolean> {
    for (let i = 0; i < recipients; i++) {
      const done = await stat(this.#path(id, `done-${i}`)).catch(() => undefined)
      if (done === undefined) return false
    }
    return true
  }
}

async function writeAt(
  file: FileHandle,
  offset: number,
  length: number,
  body: AsyncIterable<Uint8Array>,
): Promise<number> {
  let written = 0
  for await (const piece of body) {
    // never past the declared length, whatever the client sends
    if (written + piece.length > length) return written + piece.length
    await file.write(piece, 0, piece.length, offset + written)
    written += piece.length
  }
  return written
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
