// Why is a peer not visible or not reachable? From what the node knows of it (online paths,
// remembered addresses, last seen) and real probes of its remembered addresses.
import { finding, type Finding } from './checks.js'
import { lanInterfaces } from './multicast.js'
import { probeTcp, sameSubnet, tcpTarget } from './reach.js'

export interface PeerFacts {
  peerId: string
  name?: string
  /** the paths that reach it right now */
  online: Array<'lan' | 'relay'>
  /** remembered multiaddrs */
  addresses: string[]
  lastSeen?: number
}

export async function checkPeer(peer: PeerFacts, relayConfigured: boolean): Promise<Finding[]> {
  const who =
    peer.name !== undefined && peer.name !== ''
      ? `${peer.name} (${peer.peerId.slice(0, 16)}…)`
      : peer.peerId
  if (peer.online.includes('lan'))
    return [finding('peer', 'ok', `${who} is connected directly on the LAN.`)]
  const findings: Finding[] = []
  if (peer.online.includes('relay'))
    findings.push(finding('peer', 'ok', `${who} is online through the relay; messages go there.`))

  const interfaces = lanInterfaces()
  const targets = [
    ...new Map(
      peer.addresses
        .map(tcpTarget)
        .filter((t) => t !== undefined)
        .filter((t) => !t.host.startsWith('127.'))
        .map((t) => [`${t.host}:${t.port}`, t]),
    ).values(),
  ]
  if (targets.length === 0) {
    findings.push(
      finding(
        'peer',
        peer.online.includes('relay') ? 'warn' : 'fail',
        `${who} has never been seen on this LAN. If it is on the same network, start Pigeon there and check that both computers allow multicast; otherwise ${relayConfigured ? 'it can be reached through the relay once it connects there' : 'set up a relay (pigeon relay set <address>) to reach it'}.`,
      ),
    )
    return findings
  }
  for (const target of targets) {
    const local = interfaces.find((iface) => sameSubnet(iface.address, target.host, iface.netmask))
    if (local === undefined) {
      findings.push(
        finding(
          'subnet',
          'warn',
          `${who} was last seen at ${target.host}, on another subnet than this computer (${interfaces.map((i) => `${i.address}/${i.netmask}`).join(', ') || 'no LAN address'}): mDNS does not cross routers, so it cannot be discovered from here${relayConfigured ? '; the relay carries messages instead' : ' — a relay (pigeon relay set <address>) would reach it'}.`,
        ),
      )
      continue
    }
    const outcome = await probeTcp(target.host, target.port)
    const at = `${target.host}:${target.port}`
    if (outcome === 'open')
      findings.push(
        finding(
          'peer',
          'warn',
          `${who}'s computer answers at ${at} but is not connected to us: it may be restarting, or another program took its port. It should connect within seconds.`,
        ),
      )
    else if (outcome === 'refused')
      findings.push(
        finding(
          'peer',
          'fail',
          `Nothing listens at ${at}: Pigeon is not running on ${who}'s computer, or it now uses another port.`,
        ),
      )
    else if (outcome === 'timeout')
      findings.push(
        finding(
          'firewall',
          'fail',
          `${at} does not answer (packets are dropped): a firewall on ${who}'s computer or the network blocks TCP port ${target.port}, or that computer is off. Allow Pigeon's port in the firewall.`,
        ),
      )
    else
      findings.push(
        finding(
          'peer',
          'fail',
          `There is no route to ${target.host} from this computer (interface ${local.name}).`,
        ),
      )
  }
  return findings
}
