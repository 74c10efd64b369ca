// The V8 settings the relay runs with (docs/relay.md "Memory per connection"), set here so that
// every way of starting it — the systemd unit, `npm run relay`, `npx pigeon-relay`, the tests and
// the benches — runs with them, with no NODE_OPTIONS to forget.
//
// --expose-gc, in a context of its own (not the relay's global scope): the one full collection
// after a burst of connections has gone quiet (quiet-collect.ts). That collection runs with
// --compact-on-every-full-gc: V8 then moves the live objects of every old-generation page,
// instead of only pages that are mostly free. A storm of connections promotes the short-lived
// garbage of each handshake into the same pages as the long-lived state of each connection, and
// after an ordinary full collection V8 keeps those pages (5,000 idle connections: 17 KiB of heap
// reserved per connection for 7 used); a compacting one empties and returns them. The flag is
// read at each collection, and is on for that one only: compacting every full collection copies
// the whole live old generation each time — 100,000 queued messages of it during a drain.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** one full collection that compacts every page, now (the relay is quiet when it asks) */
export function fullCollection(): void {
  setFlagsFromString('--compact-on-every-full-gc')
  try {
    gc()
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc')
  }
}
