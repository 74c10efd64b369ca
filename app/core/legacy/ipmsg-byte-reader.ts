// Bytes off an IPMsg TCP connection as the file transfer reads them (docs/protocol.md §15
// "Files"): a header byte by byte up to its colon, a header whole, a file's bytes as they come
// (never more than asked, so memory is one socket read whatever the file size). The connection
// ending first is FILE_TRANSFER_FAILED: the transfer failed, and the user can run it again.
import type { Socket } from 'node:net'
import { PigeonError } from '../../../shared/errors.js'

export class ByteReader {
  readonly #source: AsyncIterator<Buffer>
  #held: Buffer = Buffer.alloc(0)

  constructor(socket: Socket) {
    this.#source = (socket as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  }

  /** up to `max` bytes (at least one) */
  async some(max: number, what: string): Promise<Buffer> {
    if (this.#held.length === 0) {
      const next = await this.#source.next()
      if (next.done === true)
        throw new PigeonError(
          'FILE_TRANSFER_FAILED',
          `The IP Messenger user's connection ended before all of ${what} arrived; try again.`,
        )
      this.#held = next.value
    }
    const out = this.#held.subarray(0, max)
    this.#held = this.#held.subarray(out.length)
    return out
  }

  async exact(length: number, what: string): Promise<Buffer> {
    const parts: Buffer[] = []
    let got = 0
    while (got < length) {
      const part = await this.some(length - got, what)
      parts.push(part)
      got += part.length
    }
    return Buffer.concat(parts)
  }

  /** bytes up to and without `stop`, at most `max` of them (else IPMSG_MALFORMED) */
  async until(stop: number, max: number, what: string): Promise<Buffer> {
    const out: number[] = []
    for (;;) {
      const [byte] = await this.some(1, what)
      if (byte === stop) return Buffer.from(out)
      if (out.length === max)
        throw new PigeonError('IPMSG_MALFORMED', `An IPMsg ${what} is longer than allowed.`)
      out.push(byte!)
    }
  }
}
