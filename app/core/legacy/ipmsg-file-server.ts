// TCP 2425: serving my offers to IP Messenger users (docs/protocol.md §15 "Files"). A connection
// sends one GETFILEDATA or GETDIRFILES (ipmsg-file-request.ts); it is served only when it names an
// offer made to the connection's own address under one of that offer's packet numbers
// (ipmsg-offers.ts) — anything else is logged and the connection closed, as is a request that is
// malformed, too long or too slow. A file is sent from the offset asked (IP Messenger clients ask
// 0), a folder as its records (ipmsg-dir-records.ts), with backpressure. Connections per source
// address and in all are bounded. The offer is served once every byte has been taken and the
// receiver closed: IPMsg has no better receipt.
import { createReadStream } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { basename, join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'
import type { Logger } from '../log.js'
import { FileType } from './ipmsg-commands.js'
import { formatDirRecord, RETURN_TO_PARENT } from './ipmsg-dir-records.js'
import { MAX_REQUEST_BYTES, parseFileRequest, type FileRequest } from './ipmsg-file-request.js'
import type { LegacyOffer, LegacyOffers } from './ipmsg-offers.js'

export interface FileServerInit {
  offers: LegacyOffers
  log: Logger
  /** a throttled warning: a refused connection, by key */
  warn: (key: string, detail: object, message: string) => void
  /** every byte of the offer was taken and the receiver closed */
  onServed: (offer: LegacyOffer) => void
  maxPerSource?: number
  maxConnections?: number
}

/** a request is one packet, sent at once; a pause this long ends it */
const REQUEST_SETTLE_MS = 100
const IDLE_MS = 10_000

export class IpmsgFileServer {
  readonly #init: FileServerInit
  readonly #server: Server
  readonly #perSource = new Map<string, number>()
  readonly #sockets = new Set<Socket>()
  #listening = false

  constructor(init: FileServerInit) {
    this.#init = init
    this.#server = createServer((socket) => this.#accept(socket))
  }

  /** false, with a warning logged (unless `quiet`), when the port is taken: files are then not served */
  async listen(port: number, host: string, quiet = false): Promise<boolean> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject)
        this.#server.listen({ port, host, exclusive: true }, () => {
          this.#server.off('error', reject)
          resolve()
        })
      })
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      if (quiet) return false
      this.#init.log.warn(
        { code: 'IPMSG_PORT_IN_USE' },
        `TCP port ${port} is not free (${code ?? String(cause)}); files offered to IP Messenger users cannot be fetched until Pigeon restarts with it free. Texts and receiving files still work.`,
      )
      return false
    }
    this.#listening = true
    return true
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    if (!this.#listening) return
    this.#listening = false
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(socket: Socket): void {
    const address = socket.remoteAddress ?? ''
    const count = this.#perSource.get(address) ?? 0
    if (
      count >= (this.#init.maxPerSource ?? 4) ||
      this.#sockets.size >= (this.#init.maxConnections ?? 64)
    ) {
      this.#init.warn(
        `tcp-busy:${address}`,
        { address },
        'IPMsg file connection over the limit closed',
      )
      socket.destroy()
      return
    }
    this.#perSource.set(address, count + 1)
    this.#sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('close', () => {
      this.#sockets.delete(socket)
      const left = (this.#perSource.get(address) ?? 1) - 1
      if (left === 0) this.#perSource.delete(address)
      else this.#perSource.set(address, left)
    })
    socket.setTimeout(IDLE_MS, () => socket.destroy())
    this.#readRequest(socket)
      .then((request) => this.#serve(socket, address, request))
      .catch((error: unknown) => {
        this.#init.warn(
          `tcp:${address}`,
          { address },
          `IPMsg file request refused: ${(error as Error).message}`,
        )
        socket.destroy()
      })
  }

  async #readRequest(socket: Socket): Promise<FileRequest> {
    return await new Promise<FileRequest>((resolve, reject) => {
      let held = Buffer.alloc(0)
      let timer: NodeJS.Timeout | undefined
      const done = (): void => {
        clearTimeout(timer)
        socket.off('data', onData)
        socket.off('end', done)
        socket.pause()
        const nul = held.indexOf(0)
        try {
          // the packet and the NUL ending its Additional section; what follows it is not ours
          resolve(parseFileRequest(held.subarray(0, nul < 0 ? held.length : nul + 1)))
        } catch (error) {
          reject(error)
        }
      }
      const onData = (bytes: Buffer): void => {
        held = Buffer.concat([held, bytes])
        if (held.length > MAX_REQUEST_BYTES) {
          clearTimeout(timer)
          socket.off('data', onData)
          reject(new PigeonError('IPMSG_OVERSIZE', `a request over ${MAX_REQUEST_BYTES} bytes`))
          return
        }
        clearTimeout(timer)
        if (held.includes(0)) done()
        else timer = setTimeout(done, REQUEST_SETTLE_MS)
      }
      socket.on('data', onData)
      socket.once('end', done)
    })
  }

  async #serve(socket: Socket, address: string, request: FileRequest): Promise<void> {
    const offer = this.#init.offers.find(address, request.packetNo, request.fileId)
    const folder = offer?.offer.directory === true
    if (offer === undefined || folder !== request.folder) {
      this.#init.warn(
        `tcp-unknown:${address}`,
        { address, packetNo: request.packetNo, fileId: request.fileId },
        'an IPMsg request for a file not offered to that address was refused',
      )
      socket.destroy()
      return
    }
    socket.setTimeout(0)
    // a receiver closes as soon as it has the last byte, maybe before the end is ours to send
    const closed = new Promise<boolean>((resolve) =>
      socket.once('close', (hadError) => resolve(!hadError)),
    )
    socket.resume()
    if (folder) await this.#sendFolder(socket, offer.sourcePath)
    else await this.#sendFile(socket, offer, request.offset)
    socket.end()
    if (await closed) this.#init.onServed(offer)
  }

  async #sendFile(socket: Socket, offer: LegacyOffer, offset: number): Promise<void> {
    const info = await stat(offer.sourcePath)
    if (info.size !== offer.offer.size)
      throw new PigeonError(
        'FILE_SOURCE_CHANGED',
        `${offer.sourcePath} changed since it was offered.`,
      )
    if (offset > info.size) throw new PigeonError('IPMSG_MALFORMED', 'an offset beyond the file')
    await this.#stream(socket, offer.sourcePath, offset)
  }

  async #sendFolder(socket: Socket, path: string): Promise<void> {
    const info = await stat(path)
    await write(
      socket,
      formatDirRecord({
        name: basename(path),
        size: 0,
        attr: FileType.DIR,
        mtime: seconds(info.mtimeMs),
      }),
    )
    for (const entry of (await readdir(path)).sort()) {
      const child = join(path, entry)
      const kind = await lstat(child)
      // links, sockets and devices are left out, as in a Pigeon folder's index (§10)
      if (kind.isDirectory()) await this.#sendFolder(socket, child)
      else if (kind.isFile()) {
        const record = {
          name: entry,
          size: kind.size,
          attr: FileType.REGULAR,
          mtime: seconds(kind.mtimeMs),
        }
        await write(socket, formatDirRecord(record))
        await this.#stream(socket, child, 0, kind.size)
      }
    }
    await write(socket, formatDirRecord(RETURN_TO_PARENT))
  }

  async #stream(socket: Socket, path: string, start: number, size?: number): Promise<void> {
    // exactly the bytes announced: a file that grew meanwhile does not corrupt the stream
    const end = size === undefined ? undefined : start + size - 1
    if (size === 0) return
    for await (const chunk of createReadStream(path, { start, end }))
      await write(socket, chunk as Buffer)
  }
}

const seconds = (ms: number): number => Math.floor(ms / 1000)

async function write(socket: Socket, bytes: Uint8Array): Promise<void> {
  if (socket.destroyed) throw new PigeonError('FILE_TRANSFER_FAILED', 'the receiver went away')
  if (socket.write(bytes)) return
  await new Promise<void>((resolve, reject) => {
    const onClose = (): void =>
      reject(new PigeonError('FILE_TRANSFER_FAILED', 'the receiver went away'))
    socket.once('close', onClose)
    socket.once('drain', () => {
      socket.off('close', onClose)
      resolve()
    })
  })
}
