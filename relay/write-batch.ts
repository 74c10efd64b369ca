// One socket write per burst of packets, not per packet (docs/relay.md "Benchmarks and sizing"):
// aedes writes each outgoing packet on its own (lib/write.js, through mqtt-packet's
// writeToStream, which corks only for the pieces of one packet), and a drain of a queue or a
// busy subscriber gets one packet per event-loop turn (write.js defers its callback with
// setImmediate), so every packet was one writev system call: 27 % of the relay's CPU while a
// reconnecting client drained its queue. Here a connection's stream stays corked while packets
// keep coming, and is uncorked as soon as a turn of the event loop passes with nothing new
// written, when the buffered bytes reach the stream's high-water mark, or after a few turns —
// so a lone packet waits one turn (microseconds), a burst goes out in one write. Nothing changes
// in what is written or in its order, and back-pressure stays aedes' own: a write that returns
// false (buffer full) uncorks at once, so the 'drain' aedes waits for comes.
// Everything here is one set of functions shared by all connections: an idle connection holds
// no closure for it (docs/relay.md "Memory per connection").
import type { Duplex } from 'node:stream'

/** turns of the event loop a stream stays corked at most */
const MAX_TURNS = 32

interface Batched {
  /** written since the last check: the stream stays corked one more turn */
  fresh: boolean
  turns: number
}

const corked = new Map<Duplex, Batched>()
let checking = false

function uncork(stream: Duplex): void {
  corked.delete(stream)
  stream.uncork()
}

/** once per event-loop turn while any stream is corked */
function check(): void {
  for (const [stream, batch] of corked) {
    if (batch.fresh && ++batch.turns < MAX_TURNS && !stream.destroyed) batch.fresh = false
    else uncork(stream)
  }
  checking = corked.size > 0
  if (checking) setImmediate(check)
}

type Write = Duplex['write']
const streamWrite = (stream: Duplex): Write => Object.getPrototypeOf(stream).write as Write

function batchedWrite(this: Duplex, ...args: Parameters<Write>): boolean {
  let batch = corked.get(this)
  if (batch === undefined && !this.destroyed) {
    batch = { fresh: true, turns: 0 }
    corked.set(this, batch)
    this.cork()
    if (!checking) {
      checking = true
      setImmediate(check)
    }
  }
  if (batch !== undefined) batch.fresh = true
  const ok = (streamWrite(this) as (...a: Parameters<Write>) => boolean).apply(this, args)
  if (batch !== undefined && (!ok || this.writableLength >= this.writableHighWaterMark))
    uncork(this)
  return ok
}

/** aedes closes a client with conn.destroy(), which would drop what is still corked (a CONNACK) */
function flushingDestroy(this: Duplex, error?: Error): Duplex {
  if (corked.has(this)) uncork(this)
  return (Object.getPrototypeOf(this).destroy as Duplex['destroy']).call(this, error)
}

/** Makes `stream` coalesce its writes as above; call before aedes sees it. */
export function batchWrites(stream: Duplex): void {
  stream.write = batchedWrite as Write
  stream.destroy = flushingDestroy as Duplex['destroy']
}
