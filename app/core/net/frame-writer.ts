// Coalesces the frames written in one turn of the event loop into one stream.send(): at 20,000
// messages a second, one yamux frame + one Noise seal + one TCP write per message would cost
// more than the messages themselves.
import { Uint8ArrayList } from 'uint8arraylist'
import type { Stream } from '@libp2p/interface'

export class FrameWriter {
  private pending = new Uint8ArrayList()
  private scheduled = false

  constructor(private readonly stream: Stream) {}

  write(frame: Uint8Array | Uint8ArrayList): void {
    this.pending.append(frame)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  flush(): void {
    this.scheduled = false
    if (this.pending.byteLength === 0) return
    const data = this.pending
    this.pending = new Uint8ArrayList()
    if (this.stream.writeStatus !== 'writable') return
    try {
      // send() keeps what the muxer cannot take yet in the stream's own buffer; the sender's
      // in-flight window (OutboundSession) bounds how much that can be
      this.stream.send(data)
    } catch (error) {
      this.stream.abort(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
