// The DNS-SD records of one Pigeon node (docs/protocol.md §16), and reading other
// nodes' records out of a response. One instance per node, named by its PeerId:
//
//   _services._dns-sd._udp.local PTR _pigeon._udp.local                  (RFC 6763 §9)
//   _pigeon._udp.local           PTR <peerId>._pigeon._udp.local         (RFC 6763 §4.1)
//   <peerId>._pigeon._udp.local  SRV 0 0 <tcp port> pigeon-<tail>.local  (RFC 6763 §5)
//   <peerId>._pigeon._udp.local  TXT id=<peerId> <signed profile> dnsaddr=<multiaddr>…  (RFC 6763 §6)
//   pigeon-<tail>.local          A   <each IPv4 listen address>
//
// The TXT carries the node's signed profile (profile-txt.ts), and a peer is listed online while it
// holds that record: so the instance's records (PTR, SRV, TXT, A) all live 120 s, RFC 6762 §10's
// TTL for records tied to a host, and a node that vanished without a goodbye leaves every list
// within that. Only the shared service listing keeps the 75 min of everything else.
import type { Answer, SrvAnswer, StringAnswer, TxtAnswer } from 'dns-packet'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

export const SERVICES_LISTING = '_services._dns-sd._udp.local'
/** the instance's records: how long a silent node stays listed (docs/protocol.md §16) */
export const HOST_TTL_S = 120
export const OTHER_TTL_S = 4500

export interface OwnRecords {
  /** `_pigeon._udp.local PTR <instance>` (shared) */
  ptr: StringAnswer
  /** `_services._dns-sd._udp.local PTR _pigeon._udp.local` (shared) */
  listing: StringAnswer
  srv: SrvAnswer
  txt: TxtAnswer
  a: StringAnswer[]
}

export interface Sighting {
  peerId: string
  instance: string
  /** how the peer can be dialled, without /p2p/ */
  multiaddrs: Multiaddr[]
  /** the PTR's TTL in seconds; 0 is a goodbye (RFC 6762 §10.1) */
  ttl: number
  /** the TXT strings, when the response carried the TXT record */
  txt?: string[]
  /** the TXT record's TTL in seconds, when it came */
  txtTtl?: number
}

export interface OwnRecordOptions {
  /** the signed profile strings, `id=` first (profile-txt.ts); empty: just `id=` */
  profileTxt: string[]
  /** TTL of the instance's records, s (HOST_TTL_S; tests pass less) */
  ttl: number
}

/** The unique host name of a node: several Pigeon nodes may share one computer. */
export function hostNameOf(peerId: string): string {
  return `pigeon-${peerId.slice(-12).toLowerCase()}.local`
}

/**
 * My records. `addresses` are my listen multiaddrs (each /ip4/…/tcp/…/p2p/<me>); loopback is left
 * out, since no other host can reach it.
 */
export function ownRecords(
  service: string,
  peerId: string,
  addresses: Multiaddr[],
  options: OwnRecordOptions = { profileTxt: [], ttl: HOST_TTL_S },
): OwnRecords {
  const ttl = options.ttl
  const instance = `${peerId}.${service}`
  const host = hostNameOf(peerId)
  const ips = new Set<string>()
  const dnsaddrs: string[] = []
  let port = 0
  for (const address of addresses) {
    const options = tcpOf(address)
    if (options === undefined || options.host.startsWith('127.')) continue
    ips.add(options.host)
    port ||= options.port
    const text = `dnsaddr=${address.toString()}`
    if (text.length <= 255) dnsaddrs.push(text)
  }
  return {
    ptr: { name: service, type: 'PTR', class: 'IN', ttl, data: instance },
    listing: { name: SERVICES_LISTING, type: 'PTR', class: 'IN', ttl: OTHER_TTL_S, data: service },
    srv: {
      name: instance,
      type: 'SRV',
      class: 'IN',
      ttl,
      flush: true,
      data: { priority: 0, weight: 0, port, target: host },
    },
    txt: {
      name: instance,
      type: 'TXT',
      class: 'IN',
      ttl,
      flush: true,
      data: [
        ...(options.profileTxt.length > 0 ? options.profileTxt : [`id=${peerId}`]),
        ...dnsaddrs,
      ],
    },
    a: [...ips].map((ip) => ({
      name: host,
      type: 'A' as const,
      class: 'IN' as const,
      ttl,
      flush: true,
      data: ip,
    })),
  }
}

/** Whether I have anything to announce (a node listening on loopback only has not). */
export function announceable(records: OwnRecords): boolean {
  return records.a.length > 0 && records.srv.data.port > 0
}

function tcpOf(address: Multiaddr): { host: string; port: number } | undefined {
  const parts = address.getComponents()
  const ip4 = parts.find((c) => c.name === 'ip4')?.value
  const tcp = parts.find((c) => c.name === 'tcp')?.value
  if (ip4 === undefined || tcp === undefined) return undefined
  return { host: ip4, port: Number(tcp) }
}

function textOf(data: TxtAnswer['data']): string[] {
  const items = Array.isArray(data) ? data : [data]
  return items.map((item) => (typeof item === 'string' ? item : Buffer.from(item).toString()))
}

/**
 * The Pigeon instances a response tells of (answers and additionals together, RFC 6763 §12),
 * excluding mine. Addresses come from SRV + A when present, else from the TXT dnsaddr entries.
 */
export function readSightings(records: Answer[], service: string, myPeerId: string): Sighting[] {
  const suffix = `.${service}`
  const ptrs = new Map<string, number>()
  const srvs = new Map<string, SrvAnswer>()
  const txts = new Map<string, { text: string[]; ttl: number }>()
  const hosts = new Map<string, string[]>()
  for (const record of records) {
    const name = record.name.toLowerCase()
    if (record.type === 'PTR' && name === service.toLowerCase())
      ptrs.set(String(record.data), record.ttl ?? 0)
    else if (record.type === 'SRV' && name.endsWith(suffix.toLowerCase())) srvs.set(name, record)
    else if (record.type === 'TXT')
      txts.set(name, { text: textOf(record.data), ttl: record.ttl ?? 0 })
    else if (record.type === 'A') hosts.set(name, [...(hosts.get(name) ?? []), String(record.data)])
  }
  const instances = new Set([...ptrs.keys(), ...[...srvs.values()].map((s) => s.name)])
  const found: Sighting[] = []
  for (const instance of instances) {
    const key = instance.toLowerCase()
    if (!key.endsWith(suffix.toLowerCase())) continue
    const txt = txts.get(key)
    const text = txt?.text ?? []
    const peerId =
      text.find((t) => t.startsWith('id='))?.slice(3) ?? instance.slice(0, -suffix.length)
    if (peerId === myPeerId || peerId.length === 0) continue
    const srv = srvs.get(key)
    let addrs: Multiaddr[]
    const ips = srv === undefined ? undefined : hosts.get(srv.data.target.toLowerCase())
    if (srv !== undefined && ips !== undefined)
      addrs = ips.map((ip) => multiaddr(`/ip4/${ip}/tcp/${srv.data.port}`))
    else
      addrs = text
        .filter((t) => t.startsWith('dnsaddr='))
        .map((t) => multiaddr(t.slice('dnsaddr='.length)).decapsulateCode(421))
    const ttl = ptrs.get(instance) ?? srv?.ttl ?? 0
    found.push({ peerId, instance, multiaddrs: addrs, ttl, txt: txt?.text, txtTtl: txt?.ttl })
  }
  return found
}
