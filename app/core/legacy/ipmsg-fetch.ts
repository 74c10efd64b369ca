// Pulling a file or folder an IP Messenger user offered (docs/protocol.md §15 "Files"): connect
// to its TCP port (its UDP port: 2425), send GETFILEDATA `packetID:fileID:0` for a file and read
// exactly its size, or GETDIRFILES and follow the folder's records (ipmsg-dir-records.ts). Every
// name is checked as one path segment inside the target (app/core/files/safe-path.ts: `../`,
// absolute paths, NUL, reserved names), depth and counts are bounded, and the folder's bytes may
// not exceed what its offer declared. Everything is written under the partial folder
// `<target>/.pigeon-partial/<transfer id>/` and moved into place only once whole; a refusal or a
// cut removes it. Legacy clients ignore the offset, so each attempt starts from byte 0.
import { mkdir, open, rename, rm, utimes, type FileHandle } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import { partialPaths } from '../files/blob-download.js'
import { checkOfferName } from '../files/safe-path.js'
import { uniqueName } from '../files/unique-name.js'
import { ByteReader } from './ipmsg-byte-reader.js'
import { FileType } from './ipmsg-commands.js'
import { headerLength, MAX_LENGTH_DIGITS, parseDirRecord } from './ipmsg-dir-records.js'
import { formatFileRequest } from './ipmsg-file-request.js'
import type { Endpoint } from './ipmsg-socket.js'

/** folders inside the offered one, at most */
export const MAX_DIR_DEPTH = 32
/** files and folders in one folder stream, as in a Pigeon folder's index */
export const MAX_DIR_ENTRIES = LIMITS.folderEntries
const CONNECT_TIMEOUT_MS = 5_000
/** a sender silent this long has stalled: the transfer fails and can be run again */
const IDLE_TIMEOUT_MS = 30_000
/** one socket read at most per write: memory stays bounded whatever the size */
const READ_BYTES = 1024 * 1024

export interface FetchRequest {
  from: Endpoint
  me: { user: string; host: string; packetNo: number }
  packetNo: number
  fileId: number
  /** the offer's name (checked) and declared size */
  name: string
  size: number
  folder: boolean
  /** seconds, for a file */
  mtime?: number
  transferId: Uint8Array
  targetDir: string
  signal: AbortSignal
  onProgress: (bytesDone: number) => void
}

export async function fetchLegacyFile(request: FetchRequest): Promise<{ path: string }> {
  checkOfferName(request.name)
  const partial = partialPaths(request.targetDir, request.transferId).root
  await rm(partial, { recursive: true, force: true })
  await mkdir(partial, { recursive: true })
  const socket = await dial(request.from, request.signal)
  const abort = (): void => void socket.destroy(new Error('aborted'))
  request.signal.addEventListener('abort', abort)
  try {
    socket.write(formatFileRequest(request.me, { ...request, offset: 0 }))
    const reader = new ByteReader(socket)
    const inside = join(partial, request.name)
    if (request.folder) await readFolder(reader, inside, request)
    else await readFile(reader, inside, request.size, request.mtime, 0, request.onProgress)
    const final = await uniqueName(request.targetDir, request.name)
    await rename(inside, join(request.targetDir, final))
    await rm(partial, { recursive: true, force: true })
    return { path: join(request.targetDir, final) }
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    if (request.signal.aborted) throw request.signal.reason
    throw error
  } finally {
    request.signal.removeEventListener('abort', abort)
    socket.destroy()
  }
}

async function dial(to: Endpoint, signal: AbortSignal): Promise<Socket> {
  return await new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: to.address, port: to.port, signal })
    const timer = setTimeout(() => socket.destroy(new Error('timed out')), CONNECT_TIMEOUT_MS)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy())
      socket.removeAllListeners('error')
      socket.on('error', () => undefined) // the reader sees the end
      resolve(socket)
    })
    socket.once('error', (cause) => {
      clearTimeout(timer)
      reject(
        new PigeonError(
          'PEER_UNREACHABLE',
          `Could not connect to the IP Messenger user at ${to.address}:${to.port} for the file (${cause.message}).`,
          { cause },
        ),
      )
    })
  })
}

/** `size` bytes into a new file at `path`; returns the total done so far */
async function readFile(
  reader: ByteReader,
  path: string,
  size: number,
  mtime: number | undefined,
  doneBefore: number,
  onProgress: (bytesDone: number) => void,
): Promise<number> {
  let handle: FileHandle
  try {
    handle = await open(path, 'wx')
  } catch (cause) {
    throw duplicate(cause, path)
  }
  let got = 0
  try {
    while (got < size) {
      const bytes = await reader.some(Math.min(READ_BYTES, size - got), 'a file')
      await handle.write(bytes)
      got += bytes.length
      onProgress(doneBefore + got)
    }
  } finally {
    await handle.close()
  }
  if (mtime !== undefined && mtime > 0) await utimes(path, mtime, mtime)
  return doneBefore + got
}

async function readFolder(reader: ByteReader, top: string, request: FetchRequest): Promise<void> {
  // what the offer declared bounds what is written (0: a client that did not say; the overall cap)
  const allowed = request.size > 0 ? request.size : LIMITS.fileMaxBytes
  const stack: string[] = []
  let done = 0
  for (let entries = 0; ; entries++) {
    if (entries > MAX_DIR_ENTRIES)
      throw refused('FILE_OFFER_INVALID', `The folder has over ${MAX_DIR_ENTRIES} entries.`)
    const digits = (await reader.until(0x3a, MAX_LENGTH_DIGITS, 'folder header')).toString('latin1')
    const length = headerLength(digits)
    const rest = await reader.exact(length - digits.length - 1, 'a folder header')
    const record = parseDirRecord(Buffer.concat([Buffer.from(`${digits}:`, 'latin1'), rest]))
    const type = record.attr & 0xff
    if (type === FileType.RETPARENT) {
      stack.pop()
      if (stack.length === 0) return
      continue
    }
    // the first record is the offered folder itself: it is written under the offer's own name
    if (stack.length === 0) {
      if (type !== FileType.DIR)
        throw refused('FILE_OFFER_INVALID', 'The folder stream did not open with a folder.')
      await mkdir(top)
      stack.push(top)
      continue
    }
    checkOfferName(record.name)
    const path = join(stack.at(-1)!, record.name)
    if (type === FileType.DIR) {
      if (stack.length > MAX_DIR_DEPTH)
        throw refused('FILE_OFFER_INVALID', `The folder is nested over ${MAX_DIR_DEPTH} deep.`)
      await newDir(path)
      stack.push(path)
      continue
    }
    if (done + record.size > allowed)
      throw refused(
        'FILE_TOO_MANY_BYTES',
        `The folder holds more than the ${allowed} bytes it was offered with; nothing more is written.`,
      )
    done = await readFile(reader, path, record.size, record.mtime, done, request.onProgress)
  }
}

async function newDir(path: string): Promise<void> {
  try {
    await mkdir(path)
  } catch (cause) {
    throw duplicate(cause, path)
  }
}

function duplicate(cause: unknown, path: string): unknown {
  if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') return cause
  return new PigeonError('FILE_NAME_DUPLICATE', `The folder names ${path} twice; it is refused.`)
}

function refused(code: 'FILE_OFFER_INVALID' | 'FILE_TOO_MANY_BYTES', why: string): PigeonError {
  return new PigeonError(code, `${why} The IP Messenger transfer is refused.`)
}
