// Reads exact byte counts from a stream of byte arrays of any size (a download's body, decrypted
// plaintext): the relay path cuts the blob into its header and the bundle into index, files and
// chunks with it (blob-download.ts). Holds at most what one read asks for plus one input array.
import { PigeonError } from '../../../shared/errors.js'

export class ExactReader {
  readonly #source: AsyncIterator<Uint8Array>
  #held: Buffer = Buffer.alloc(0)

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]()
  }

  /** the next `length` bytes; FILE_SIZE_MISMATCH if the stream ends first */
  async read(length: number, what: string): Promise<Uint8Array> {
    while (this.#held.length < length) {
      const next = await this.#source.next()
      if (next.done === true)
        throw new PigeonError(
          'FILE_SIZE_MISMATCH',
          `The relay's copy ended before all of ${what} arrived; ask the sender to send it again.`,
        )
      const bytes = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      this.#held = this.#held.length === 0 ? bytes : Buffer.concat([this.#held, bytes])
    }
    const out = this.#held.subarray(0, length)
    this.#held = this.#held.subarray(length)
    return out
  }

  /** what the stream holds after the reads so far */
  async *rest(): AsyncGenerator<Uint8Array> {
    if (this.#held.length > 0) yield this.#held
    this.#held = Buffer.alloc(0)
    for (;;) {
      const next = await this.#source.next()
      if (next.done === true) return
      yield next.value
    }
  }

  /** the stream must end here: FILE_TOO_MANY_BYTES if anything follows */
  async end(): Promise<void> {
    for (;;) {
      if (this.#held.length > 0)
        throw new PigeonError(
          'FILE_TOO_MANY_BYTES',
          'The relay blob holds more bytes than the offer announced; nothing more is written.',
        )
      const next = await this.#source.next()
      if (next.done === true) return
      this.#held = Buffer.from(next.value)
    }
  }
}
