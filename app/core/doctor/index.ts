// `pigeon doctor [peer]`: the checks, run in the node's process (it holds the identity, the
// known peers and the relay link), returned as findings for the API and the CLI.
import type { Identity } from '../../../shared/identity.js'
import type { RelayAddress } from '../relay/url.js'
import type { Finding } from './checks.js'
import { checkMulticast } from './multicast.js'
import { checkPeer, type PeerFacts } from './peer.js'
import { checkRelay } from './relay.js'

export type { Finding, Verdict } from './checks.js'
export type { PeerFacts } from './peer.js'

export interface DoctorInput {
  identity: Identity
  /** whether mDNS discovery is on in this node */
  mdns: boolean
  relay?: { address: RelayAddress; connected: boolean }
  peer?: PeerFacts
  now?: () => number
}

export async function runDoctor(input: DoctorInput): Promise<Finding[]> {
  const findings: Finding[] = []
  if (input.mdns) findings.push(await checkMulticast())
  else
    findings.push({
      check: 'multicast',
      verdict: 'warn',
      message:
        'LAN discovery (mDNS) is switched off in this node: peers are found only by remembered address or through the relay.',
    })
  if (input.relay === undefined) {
    findings.push({
      check: 'relay',
      verdict: 'warn',
      message:
        'No relay is set: people who are offline, on another network or behind another NAT cannot be reached. Set one with: pigeon relay set <address>.',
    })
  } else {
    findings.push(
      ...(await checkRelay({
        address: input.relay.address,
        identity: input.identity,
        linkConnected: input.relay.connected,
        now: input.now,
      })),
    )
  }
  if (input.peer !== undefined)
    findings.push(...(await checkPeer(input.peer, input.relay !== undefined)))
  return findings
}
