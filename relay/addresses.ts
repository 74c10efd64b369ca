// The addresses users enter for this relay (docs/relay.md "Run it"): `mqtt://host:port#<relay id>`.
// A relay bound to 0.0.0.0 or :: listens on every address, and "0.0.0.0" is no address anyone can
// reach, so list the machine's own; `--public-address` (a DNS name, or the address in front of a
// NAT or load balancer) replaces them, since only the admin knows it.
import { networkInterfaces } from 'node:os'

const ANY = new Set(['0.0.0.0', '::', '[::]'])

function withHost(url: URL, host: string): string {
  const copy = new URL(url.href)
  copy.hostname = host.includes(':') ? `[${host}]` : host
  return copy.href.replace(/\/$/, '')
}

/** `mqtt` is the URL the relay bound (relay.ts), e.g. mqtt://0.0.0.0:1883 */
export function userAddresses(
  mqtt: string,
  relayId: string,
  options: { publicAddress: string | undefined },
): string[] {
  const bound = new URL(mqtt)
  if (options.publicAddress !== undefined)
    return [`${withHost(bound, options.publicAddress)}#${relayId}`]
  if (!ANY.has(bound.hostname)) return [`${mqtt}#${relayId}`]
  const ipv6Too = bound.hostname !== '0.0.0.0'
  const hosts = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    // link-local IPv6 needs a zone id that no URL carries
    .filter(
      (a) => a!.family === 'IPv4' || (ipv6Too && !a!.address.toLowerCase().startsWith('fe80:')),
    )
    .map((a) => a!.address)
  return hosts.length === 0
    ? [`${mqtt}#${relayId}`]
    : hosts.map((host) => `${withHost(bound, host)}#${relayId}`)
}
