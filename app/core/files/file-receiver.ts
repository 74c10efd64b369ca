// The receiver's side of a LAN transfer (docs/protocol.md §11): pulls the offered file or folder
// over one /pigeon/file/1.0.0 stream (or the data channel agreed on it, §13) into `<target>/.pigeon-partial/<transfer id>/`, checks each
// chunk's SHA-256 before writing it and each file's SHA-256 once it is whole, and only then moves
// the item to `<target>/<name>` (or `name (1).ext`: nothing is overwritten). A second call with the
// same offer and target resumes: what is on disk is verified chunk by chunk and only the missing
// or damaged chunks are requested. Memory is bounded by the credit granted (LIMITS.fileCreditChunks
// chunks), whatever the size.
import { createHash } from 'node:crypto'
import { mkdir, rename, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import { chunkLength, SHA256_BYTES, type FileEntry } from '../../../shared/file-index.js'
import { LIMITS } from '../../../shared/limits.js'
import type { FileConduit } from './file-conduit.js'
import { creditFrame, requestFrame } from './file-frames.js'
import {
  diskError,
  openPartial,
  removeIfEmpty,
  wholeFileHash,
  type ChunkRange,
} from './partial-files.js'
import { checkIndex, fetchIndex, FrameReader, hex, inlineIndex, lanOffer } from './receive-index.js'
import { refuseSymlinks } from './safe-path.js'
import { uniqueName } from './unique-name.js'

export const PARTIAL_DIR = '.pigeon-partial'
/** entries planned (verified on disk, requested) ahead of the one being written */
const LOOKAHEAD = 64

export interface ReceiveProgress {
  bytesDone: number
  bytesTotal: number
}

export interface ReceiveOptions {
  offer: FileOfferBody
  /** the directory the file or folder lands in */
  targetDir: string
  /** opens a /pigeon/file/1.0.0 stream to the offering peer, or the data channel it agreed (§13) */
  openStream: () => Promise<FileConduit>
  onProgress?: (progress: ReceiveProgress) => void
  /** pause or cancel: the stream is aborted and the partial data kept for a resume */
  signal?: AbortSignal
}

export interface ReceiveResult {
  /** where the file or folder now is */
  path: string
  /** chunk bytes that came over the network in this call (the rest was verified on disk) */
  bytesReceived: number
}

interface Plan {
  entry: FileEntry
  index: number
  handle: FileHandle
  ranges: ChunkRange[]
  /** true when nothing of it was on disk: its whole-file hash is computed as it arrives */
  fresh: boolean
}

export async function receiveTransfer(options: ReceiveOptions): Promise<ReceiveResult> {
  const { offer, targetDir } = options
  const { transferId, chunkSize } = lanOffer(offer)
  const partialRoot = join(targetDir, PARTIAL_DIR, hex(transferId))
  try {
    await refuseSymlinks(targetDir, [PARTIAL_DIR, hex(transferId), offer.name])
    await mkdir(partialRoot, { recursive: true })
  } catch (error) {
    throw diskError(error, targetDir)
  }
  options.signal?.throwIfAborted()
  const stream = await options.openStream()
  const abort = (): void => stream.abort(new Error('the transfer was paused or cancelled'))
  options.signal?.addEventListener('abort', abort)
  const reader = new FrameReader(stream, chunkSize)
  let bytesReceived = 0
  let bytesDone = 0
  const openPlans: Plan[] = []
  const pending = new Set<Promise<void>>()
  let diskFailure: unknown
  const track = (work: Promise<void>): void => {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        diskFailure ??= error
      })
      .finally(() => pending.delete(tracked))
    pending.add(tracked)
  }
  try {
    stream.send(creditFrame(LIMITS.fileCreditChunks * chunkSize))
    const index =
      offer.indexSha256 === undefined
        ? inlineIndex(offer)
        : await fetchIndex(offer, reader, stream, transferId, chunkSize)
    checkIndex(index, offer, chunkSize)
    const bytesTotal = offer.size
    const itemRoot = join(partialRoot, offer.name)
    const segmentsOf = (entry: FileEntry): string[] =>
      offer.directory === true ? [offer.name, ...entry.path.split('/')] : [offer.name]
    if (offer.directory === true) await mkdir(itemRoot, { recursive: true })
    for (const entry of index.entries) {
      if (!entry.directory) continue
      await refuseSymlinks(partialRoot, segmentsOf(entry))
      await mkdir(join(partialRoot, ...segmentsOf(entry)), { recursive: true })
    }

    // planner: verifies each file's partial data and requests what is missing, up to LOOKAHEAD
    // files ahead of the writer, so many small files stream without a round trip each
    const plans: Plan[] = []
    let wakeWriter: (() => void) | undefined
    let wakePlanner: (() => void) | undefined
    let planning = true
    let plannerError: unknown
    const files = index.entries
      .map((entry, i) => ({ entry, i }))
      .filter(({ entry }) => !entry.directory)
    const readyDirs = new Set<string>()
    const planner = (async () => {
      try {
        for (const { entry, i } of files) {
          while (plans.length >= LOOKAHEAD)
            await new Promise<void>((resolve) => (wakePlanner = resolve))
          const segments = segmentsOf(entry)
          const parent = segments.slice(0, -1)
          // each directory is checked for links and made once; the file itself is opened
          // O_NOFOLLOW (openPartial), so a link planted in its place fails with ELOOP (FILE_SYMLINK)
          if (!readyDirs.has(parent.join('/'))) {
            await refuseSymlinks(partialRoot, parent)
            await mkdir(join(partialRoot, ...parent), { recursive: true })
            readyDirs.add(parent.join('/'))
          }
          const path = join(partialRoot, ...segments)
          const { handle, ranges, kept } = await openPartial(path, entry, chunkSize)
          const plan: Plan = { entry, index: i, handle, ranges: [], fresh: true }
          openPlans.push(plan)
          plan.ranges = ranges
          plan.fresh = kept === 0
          bytesDone += kept
          for (const range of ranges) stream.send(requestFrame({ transferId, entry: i, ...range }))
          plans.push(plan)
          wakeWriter?.()
        }
      } catch (error) {
        plannerError = error
      } finally {
        planning = false
        wakeWriter?.()
      }
    })()

    // writer: verifies each chunk as it arrives (in order, so a fresh file's hash is fed here) and
    // writes it without waiting for the disk; the chunk's credit goes back only once it is on disk,
    // so the sender can never run further ahead than the credit. A file is finished (its whole
    // hash, its mtime, closed) once its writes are done, while later files already arrive.
    for (;;) {
      while (plans.length === 0 && planning)
        await new Promise<void>((resolve) => (wakeWriter = resolve))
      if (plannerError !== undefined) throw plannerError
      const plan = plans.shift()
      if (plan === undefined) break
      wakePlanner?.()
      const { entry, handle } = plan
      const where = join(partialRoot, ...segmentsOf(entry))
      const running = plan.fresh ? createHash('sha256') : undefined
      const writes: Array<Promise<void>> = []
      for (const range of plan.ranges) {
        for (let chunk = range.first; chunk < range.first + range.count; chunk++) {
          const length = chunkLength(entry.size, chunkSize, chunk)
          const bytes = await reader.data(chunk, length, JSON.stringify(entry.path))
          if (diskFailure !== undefined) throw diskFailure
          const digest = createHash('sha256').update(bytes).digest()
          if (
            !digest.equals(
              entry.chunkHashes.subarray(chunk * SHA256_BYTES, (chunk + 1) * SHA256_BYTES),
            )
          ) {
            throw new PigeonError(
              'FILE_CHUNK_CORRUPT',
              `Chunk ${chunk} of ${JSON.stringify(entry.path)} does not match its offered SHA-256; nothing of it was written. Resume to fetch it again.`,
            )
          }
          const write = handle.write(bytes, 0, length, chunk * chunkSize).then(
            () => {
              stream.send(creditFrame(length))
              bytesReceived += length
              bytesDone += length
              options.onProgress?.({ bytesDone, bytesTotal })
            },
            (error: unknown) => {
              throw diskError(error, where)
            },
          )
          writes.push(write)
          track(write)
          // the whole file's hash is fed while the write is on its way, not before it
          running?.update(bytes)
        }
      }
      const streamed = running === undefined ? undefined : new Uint8Array(running.digest())
      track(
        (async () => {
          await Promise.all(writes)
          const digest = streamed ?? (await wholeFileHash(handle, entry.size, chunkSize))
          if (hex(digest) !== hex(entry.sha256)) {
            await handle.truncate(0)
            throw new PigeonError(
              'FILE_HASH_MISMATCH',
              `${JSON.stringify(entry.path)} arrived whole but its SHA-256 is not the offered one; it was discarded.`,
            )
          }
          if (entry.mtime !== undefined) await handle.utimes(new Date(), new Date(entry.mtime))
          await handle.close()
          openPlans.splice(openPlans.indexOf(plan), 1)
        })(),
      )
      while (pending.size > LOOKAHEAD * 4) await Promise.race(pending)
    }
    while (pending.size > 0) await Promise.race(pending)
    if (diskFailure !== undefined) throw diskFailure
    await planner
    // every chunk arrived and was verified: closing our side ends the sender's too (§11)
    await stream.close().catch(() => undefined)
    const finalName = await uniqueName(targetDir, offer.name)
    await rename(itemRoot, join(targetDir, finalName))
    await rm(partialRoot, { recursive: true, force: true })
    await removeIfEmpty(join(targetDir, PARTIAL_DIR))
    return { path: join(targetDir, finalName), bytesReceived }
  } catch (error) {
    stream.abort(error instanceof Error ? error : new Error(String(error)))
    // an offer refused before anything was written leaves nothing behind; partial data stays
    await removeIfEmpty(partialRoot)
    await removeIfEmpty(join(targetDir, PARTIAL_DIR))
    if (options.signal?.aborted === true) throw options.signal.reason
    throw error
  } finally {
    options.signal?.removeEventListener('abort', abort)
    // writes still on their way to the disk finish before their files are closed
    await Promise.allSettled([...pending])
    for (const plan of openPlans) await plan.handle.close().catch(() => undefined)
  }
}
