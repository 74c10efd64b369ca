// Reachability of a TCP port, told apart the way a person needs it: refused (nothing listens —
// the peer is not running), timed out (something drops the packets — a firewall, or the host is
// gone), unreachable (no route — another subnet or no network).
import net from 'node:net'

export type TcpOutcome = 'open' | 'refused' | 'timeout' | 'unreachable'

export function probeTcp(host: string, port: number, timeoutMs = 2_000): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (outcome: TcpOutcome): void => {
      socket.destroy()
      resolve(outcome)
    }
    socket.setTimeout(timeoutMs, () => done('timeout'))
    socket.once('connect', () => done('open'))
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done('refused')
      else if (error.code === 'ETIMEDOUT') done('timeout')
      else done('unreachable')
    })
  })
}

/** host and TCP port of a multiaddr string such as /ip4/10.0.0.2/tcp/4001/p2p/12D3… */
export function tcpTarget(multiaddr: string): { host: string; port: number } | undefined {
  const match = /^\/ip([46])\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr)
  if (match === null) return undefined
  return { host: match[2]!, port: Number(match[3]) }
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0)
}

export function sameSubnet(a: string, b: string, netmask: string): boolean {
  if (!net.isIPv4(a) || !net.isIPv4(b) || !net.isIPv4(netmask)) return false
  const mask = ipv4ToNumber(netmask)
  return (ipv4ToNumber(a) & mask) >>> 0 === (ipv4ToNumber(b) & mask) >>> 0
}
