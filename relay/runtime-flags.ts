// The V8 settings the relay runs with (docs/relay.md "Memory per connection"), set here so that
// every way of starting it — the systemd unit, `npm run relay`, `npx pigeon-relay`, the tests and
// the benches — runs with them, with no NODE_OPTIONS to forget. Both are read when used, so
// they can be set after start-up.
//
// --compact-on-every-full-gc: V8 moves the live objects of every old-generation page on each
// full collection, instead of only pages that are mostly free. A storm of connections (a restart,
// a network coming back) promotes the short-lived garbage of each handshake into the same pages
// as the long-lived state of each connection; by default V8 keeps those pages after collecting
// the garbage (5,000 idle connections: 17 KiB of heap reserved per connection for 7 used). With
// this setting the pages are emptied and returned. Its cost is copying the live old generation
// at each full collection, which are rare next to the young-generation scavenges a message's
// garbage goes through: the relay's CPU per delivered message did not measurably change in the
// throughput bench.
//
// --expose-gc, in a context of its own (not the relay's global scope): the one full collection
// after a burst of connections has gone quiet (quiet-collect.ts).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--compact-on-every-full-gc')
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (options?: { type: 'major'; execution: 'async' }) => unknown

/** one full, compacting collection, run by V8 as a task of its own rather than in this call */
export function fullCollection(): void {
  void gc({ type: 'major', execution: 'async' })
}
