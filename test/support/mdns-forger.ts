// Multicasts Pigeon DNS-SD records that a test made up, from inside a test namespace
// (test/net/lan-listing.test.ts): TXT records with a wrong signature, another node's id, none at
// all — and one honest, validly signed one, which shows the forged ones were heard and refused,
// not lost. Announces every 500 ms until killed.
//
//   argv[2] JSON: { victim: PeerId, address: IPv4, port }
//   stdout: {event:'ready', honest: PeerId, forged: [PeerId…]}
import '../../shared/polyfills.js'
import multicastDns from 'multicast-dns'
import type { Answer } from 'dns-packet'
import { signedProfileTxt } from '../../app/core/net/mdns/profile-txt.js'
import { generateIdentity } from '../../shared/identity.js'

const SERVICE = '_pigeon._udp.local'
const args = JSON.parse(process.argv[2] ?? '{}') as {
  victim: string
  address: string
  port: number
}
const profile = { name: 'Mallory', color: 0x112233, status: 'online' as const, version: Date.now() }

const honest = await generateIdentity()
const wrongSig = await generateIdentity()
const unsigned = await generateIdentity()
const forger = await generateIdentity()

const honestTxt = await signedProfileTxt(honest, profile)
// a valid record with one signed field changed afterwards: the signature no longer matches
const tampered = (await signedProfileTxt(wrongSig, profile)).map((s) =>
  s.startsWith('n=') ? 'n=Alice' : s,
)
// the forger's own signed record, relabelled as the victim's: signed by the wrong key
const stolen = (await signedProfileTxt(forger, { ...profile, name: 'victim' })).map((s) =>
  s.startsWith('id=') ? `id=${args.victim}` : s,
)
const instances: Array<[string, string[]]> = [
  [honest.peerId, honestTxt],
  [wrongSig.peerId, tampered],
  [`${args.victim}-x`, stolen],
  [unsigned.peerId, [`id=${unsigned.peerId}`, 'n=Eve', 'c=000000', 's=online', 'v=1']],
]

function records(instance: string, txt: string[], i: number): Answer[] {
  const name = `${instance}.${SERVICE}`
  const host = `forged-${i}.local`
  return [
    { name: SERVICE, type: 'PTR', class: 'IN', ttl: 120, data: name },
    {
      name,
      type: 'SRV',
      class: 'IN',
      ttl: 120,
      data: { priority: 0, weight: 0, port: args.port, target: host },
    },
    { name, type: 'TXT', class: 'IN', ttl: 120, data: txt },
    { name: host, type: 'A', class: 'IN', ttl: 120, data: args.address },
  ]
}

const socket = multicastDns({ bind: '0.0.0.0', interface: args.address })
const announce = (): void => {
  for (const [i, [instance, txt]] of instances.entries())
    socket.respond({ answers: records(instance, txt, i) })
}
announce()
setInterval(announce, 500)
process.stdout.write(
  `${JSON.stringify({ event: 'ready', honest: honest.peerId, forged: [wrongSig.peerId, args.victim, unsigned.peerId] })}\n`,
)
