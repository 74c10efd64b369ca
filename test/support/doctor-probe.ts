// Runs one doctor check inside a test namespace and prints its findings as JSON: multicast and
// peer probes must never run in the root namespace (they multicast / address the test LAN).
//   ip netns exec <ns> node --import tsx test/support/doctor-probe.ts '{"check":"multicast"}'
import '../../shared/polyfills.js'
import { checkMulticast } from '../../app/core/doctor/multicast.js'
import { checkPeer, type PeerFacts } from '../../app/core/doctor/peer.js'

const request = JSON.parse(process.argv[2] ?? '{}') as
  { check: 'multicast' } | { check: 'peer'; peer: PeerFacts; relay: boolean }
const findings =
  request.check === 'multicast'
    ? [await checkMulticast(500)]
    : await checkPeer(request.peer, request.relay)
process.stdout.write(JSON.stringify(findings))
