// What the two ends of a transfer need from the thing that carries §11's frames: a libp2p
// stream (/pigeon/file/1.0.0) or a data channel (data-channel.ts, docs/protocol.md §13). A libp2p
// Stream has this shape already; the data channel implements it over a TCP socket.
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FileConduit extends AsyncIterable<Uint8Array | Uint8ArrayList> {
  /** queues bytes; false once the peer or the socket is behind: wait for onDrain() */
  send(data: Uint8Array | Uint8ArrayList): boolean
  onDrain(): Promise<void>
  /** ends our side (the peer's iteration ends); the peer's side stays readable */
  close(): Promise<void>
  /** ends both sides at once */
  abort(error: Error): void
}

/**
 * The rest of a conduit whose first frames were read through `iterator` (the data-channel
 * handshake, data-channel-handshake.ts): the read still `pending` on it comes first.
 */
export function continueConduit(
  conduit: FileConduit,
  iterator: AsyncIterator<Uint8Array | Uint8ArrayList>,
  pending: Promise<IteratorResult<Uint8Array | Uint8ArrayList>>,
): FileConduit {
  return {
    send: (data) => conduit.send(data),
    onDrain: () => conduit.onDrain(),
    close: () => conduit.close(),
    abort: (error) => conduit.abort(error),
    [Symbol.asyncIterator]: () => {
      let first: typeof pending | undefined = pending
      return {
        next: () => {
          const next = first ?? iterator.next()
          first = undefined
          return next
        },
        return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
      }
    },
  }
}
