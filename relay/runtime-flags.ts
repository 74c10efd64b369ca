// The V8 setting the relay runs with (docs/relay.md "Memory per connection"), set here so that
// every way of starting it — the systemd unit, `npm run relay`, `npx pigeon-relay`, the tests and
// the benches — runs with it, with no NODE_OPTIONS to forget.
//
// --compact-on-every-full-gc: V8 moves the live objects of every old-generation page on each
// full collection, instead of only pages that are mostly free. A storm of connections (a restart,
// a network coming back) promotes the short-lived garbage of each handshake into the same pages
// as the long-lived state of each connection; by default V8 keeps those pages after collecting
// the garbage, and 5,000 idle connections held 18–22 KiB of RSS each where the live objects are
// about 6 KiB (`npm run bench -- relay-heap`). With this setting the pages are emptied and
// returned. It is read at each collection, so it can be set after start-up. Its cost is copying
// the live old generation at each full collection, which are rare next to the young-generation
// scavenges a message's garbage goes through: the relay's CPU per delivered message did not
// measurably change in the throughput bench.
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--compact-on-every-full-gc')
