// The LAN data channel (docs/protocol.md §13): §11's frames over a plain TCP connection, each
// send() one AES-256-GCM record (node:crypto, hardware AES in Node and in Electron's BoringSSL):
//   record = length (4) | AES-256-GCM(key, nonce = 0 (4) | counter (8), aad, frame) | tag (16)
//   aad    = transfer id (16) | counter (8) | length (4)
// Each direction has its own key and counts its records from 0, so a record replayed, reordered,
// dropped or taken from another transfer fails its tag. Nothing is handed on before its tag
// verified. A length of 0 or above the largest frame this side accepts closes the connection
// before the body is read. Reading pauses the socket once a few records wait unread (the credit
// keeps an honest sender far below that), so memory stays bounded whatever the peer sends.
import { createCipheriv, createDecipheriv, type DecipherGCM } from 'node:crypto'
import type { Socket } from 'node:net'
import { Uint8ArrayList } from 'uint8arraylist'
import { PigeonError, type PigeonErrorCode } from '../../../shared/errors.js'
import type { Logger } from '../log.js'
import type { FileConduit } from './file-conduit.js'

export const RECORD_HEADER_BYTES = 4
export const RECORD_TAG_BYTES = 16
/** decrypted records waiting for the reader before the socket is paused */
const READ_QUEUE_RECORDS = 4

export interface DataChannelKeys {
  /** my records are sealed with this */
  send: Uint8Array
  /** the peer's records open with this */
  receive: Uint8Array
}

export interface DataChannelInit {
  socket: Socket
  keys: DataChannelKeys
  transferId: Uint8Array
  /** the largest record body (a §11 frame with its length prefix) this side accepts */
  maxRecordBytes: number
  log: Logger
  /** the first record from the peer opened: it holds the key */
  onAuthenticated?: () => void
}

type Item = IteratorResult<Uint8ArrayList>

export class DataChannel implements FileConduit {
  /** records sent and received, for the bench and the tests */
  recordsSent = 0
  recordsReceived = 0
  /** settles once the connection is gone, whichever way */
  readonly closed: Promise<void>

  readonly #init: DataChannelInit
  readonly #socket: Socket
  readonly #buffer = new Uint8ArrayList()
  readonly #queue: Uint8ArrayList[] = []
  #sendCounter = 0n
  #receiveCounter = 0n
  #ended = false
  #failure: Error | undefined
  #full = false
  #corked = false
  /** the record being received */
  #record:
    { length: number; decipher: DecipherGCM; done: number; plain: Uint8ArrayList } | undefined
  #wakeReader: (() => void) | undefined
  #drainWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = []

  constructor(init: DataChannelInit) {
    this.#init = init
    this.#socket = init.socket
    this.closed = new Promise((resolve) => this.#socket.once('close', () => resolve()))
    this.#socket.setNoDelay(true)
    this.#socket.on('data', (data: Buffer) => this.#onData(data))
    this.#socket.on('end', () => {
      if (this.#buffer.byteLength > 0 || this.#record !== undefined)
        this.#fail('FILE_CHANNEL_TRUNCATED', 'The peer ended the data channel inside a record.')
      this.#ended = true
      this.#wake()
    })
    this.#socket.on('drain', () => {
      this.#full = false
      for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve()
    })
    this.#socket.on('error', (error) => this.#stop(error))
    this.#socket.on('close', () => {
      if (!this.#ended)
        this.#fail('FILE_CHANNEL_TRUNCATED', 'The data channel closed before the peer ended it.')
      const closed = this.#failure ?? new Error('the data channel is closed')
      for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(closed)
      this.#wake()
    })
  }

  send(data: Uint8Array | Uint8ArrayList): boolean {
    if (this.#socket.destroyed || this.#socket.writableEnded)
      throw this.#failure ?? new Error('the data channel is closed')
    const length = data.byteLength
    const counter = this.#sendCounter++
    const cipher = createCipheriv('aes-256-gcm', this.#init.keys.send, nonce(counter))
    cipher.setAAD(this.#aad(counter, length))
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES)
    header.writeUInt32BE(length)
    // frames sent in one tick (the receiver's REQUESTs and CREDITs for many small files) leave
    // in one write: the socket is corked until the tick ends
    if (!this.#corked) {
      this.#corked = true
      this.#socket.cork()
      process.nextTick(() => {
        this.#corked = false
        this.#socket.uncork()
      })
    }
    this.#socket.write(header)
    for (const piece of data instanceof Uint8Array ? [data] : data) {
      this.#socket.write(cipher.update(piece))
    }
    cipher.final()
    const ok = this.#socket.write(cipher.getAuthTag())
    this.recordsSent++
    if (!ok) this.#full = true
    return ok
  }

  onDrain(): Promise<void> {
    if (!this.#full) return Promise.resolve()
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => this.#drainWaiters.push({ resolve, reject }))
  }

  close(): Promise<void> {
    if (this.#socket.destroyed || this.#socket.writableEnded) return Promise.resolve()
    return new Promise((resolve) => this.#socket.end(resolve))
  }

  abort(error: Error): void {
    this.#stop(error)
    this.#socket.destroy()
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8ArrayList> {
    return {
      next: async (): Promise<Item> => {
        for (;;) {
          const value = this.#queue.shift()
          if (value !== undefined) {
            if (this.#socket.isPaused() && this.#queue.length < READ_QUEUE_RECORDS / 2)
              this.#socket.resume()
            return { done: false, value }
          }
          if (this.#failure !== undefined) throw this.#failure
          if (this.#ended) return { done: true, value: undefined }
          await new Promise<void>((resolve) => (this.#wakeReader = resolve))
        }
      },
      return: async (): Promise<Item> => ({ done: true, value: undefined }),
    }
  }

  #aad(counter: bigint, length: number): Buffer {
    const aad = Buffer.allocUnsafe(16 + 8 + 4)
    aad.set(this.#init.transferId, 0)
    aad.writeBigUInt64BE(counter, 16)
    aad.writeUInt32BE(length, 24)
    return aad
  }

  #onData(data: Buffer): void {
    if (this.#failure !== undefined) return
    this.#buffer.append(data)
    for (;;) {
      let record = this.#record
      if (record === undefined) {
        if (this.#buffer.byteLength < RECORD_HEADER_BYTES) return
        const length = this.#buffer.getUint32(0)
        if (length === 0 || length > this.#init.maxRecordBytes) {
          this.#fail(
            'FILE_CHANNEL_FRAME',
            `The peer announced a data-channel record of ${length} bytes (at most ${this.#init.maxRecordBytes}); the channel is closed.`,
          )
          return
        }
        this.#buffer.consume(RECORD_HEADER_BYTES)
        const counter = this.#receiveCounter++
        const decipher = createDecipheriv('aes-256-gcm', this.#init.keys.receive, nonce(counter))
        decipher.setAAD(this.#aad(counter, length))
        record = { length, decipher, done: 0, plain: new Uint8ArrayList() }
        this.#record = record
      }
      // the body is decrypted as it arrives (so the work overlaps the transfer), but nothing of
      // it is handed on before the tag verified
      const take = Math.min(record.length - record.done, this.#buffer.byteLength)
      if (take > 0) {
        for (const piece of this.#buffer.sublist(0, take))
          record.plain.append(record.decipher.update(piece))
        this.#buffer.consume(take)
        record.done += take
      }
      if (record.done < record.length || this.#buffer.byteLength < RECORD_TAG_BYTES) return
      record.decipher.setAuthTag(this.#buffer.subarray(0, RECORD_TAG_BYTES))
      this.#buffer.consume(RECORD_TAG_BYTES)
      try {
        record.decipher.final()
      } catch {
        this.#fail(
          'FILE_CHANNEL_AUTH',
          'A data-channel record did not open with the agreed key (wrong key, replayed, reordered or altered); the channel is closed.',
        )
        return
      }
      this.#record = undefined
      if (this.recordsReceived++ === 0) this.#init.onAuthenticated?.()
      this.#queue.push(record.plain)
      if (this.#queue.length >= READ_QUEUE_RECORDS) this.#socket.pause()
      this.#wake()
    }
  }

  /** a hostile or broken peer: log the code, close the connection, fail the reader */
  #fail(code: PigeonErrorCode, message: string): void {
    if (this.#failure !== undefined) return
    this.#init.log.warn(
      { code, remote: this.#socket.remoteAddress, port: this.#socket.remotePort },
      message,
    )
    this.#stop(new PigeonError(code, message))
    this.#socket.destroy()
  }

  #stop(error: Error): void {
    this.#failure ??= error
    for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(this.#failure)
    this.#wake()
  }

  #wake(): void {
    const wake = this.#wakeReader
    this.#wakeReader = undefined
    wake?.()
  }
}

function nonce(counter: bigint): Buffer {
  const bytes = Buffer.alloc(12)
  bytes.writeBigUInt64BE(counter, 4)
  return bytes
}
