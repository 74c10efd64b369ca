// Two LANs behind NAT routers and a relay on a "public" segment between them, all in network
// namespaces this test makes (docs/architecture.md §6 "How it is tested"):
//
//   a1 10.81.1.1 ─┐                                           ┌─ b1 10.81.2.1
//   a2 10.81.1.2 ─┴─ [na: br0 10.81.1.254 | NAT | wan 198.18.0.2] ─┐
//                                   pub: br0 198.18.0.1 (relay) ───┤
//                  [nb: br0 10.81.2.254 | NAT | wan 198.18.0.3] ───┘
//
// The "public" segment uses 198.18.0.0/24 (RFC 2544, reserved for benchmarking) and exists only
// inside these namespaces, like the LANs. Each router masquerades its LAN behind its wan
// address (nftables), so b1 can reach the relay but never a1 or a2 directly, and vice versa.
// cutDirect() drops traffic between a1 and a2 at LAN-A's bridge (nftables bridge family),
// while both keep their route to the relay — a Wi-Fi with client isolation switched on.
import { execFile } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import {
  addTestNamespace,
  namespaceHost,
  removeStaleLans,
  removeTestNamespace,
  stopChild,
  type LanHost,
} from './netns.js'

const run = promisify(execFile)

export const PUBLIC_RELAY_ADDRESS = '198.18.0.1'

export interface Topology {
  a1: LanHost
  a2: LanHost
  b1: LanHost
  /** the relay's host on the public segment */
  pub: LanHost
  /** drops every frame between a1 and a2 on LAN-A; both still reach the relay */
  cutDirect(): Promise<void>
  restoreDirect(): Promise<void>
  destroy(): Promise<void>
}

let counter = 0

async function ipIn(ns: string, ...args: string[]): Promise<void> {
  await run('ip', ['-n', ns, ...args])
}

async function execIn(ns: string, command: string, ...args: string[]): Promise<void> {
  await run('ip', ['netns', 'exec', ns, command, ...args])
}

async function nftIn(ns: string, script: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], (error) =>
      error ? reject(error) : resolve(),
    )
    child.stdin?.end(script)
  })
}

/** A cable from `ns`'s bridge br0 (port name `port`) to a new interface `inner` in `other`. */
async function cable(ns: string, port: string, other: string, inner: string): Promise<void> {
  await ipIn(ns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', inner, 'netns', other)
  await ipIn(ns, 'link', 'set', port, 'master', 'br0')
  await ipIn(ns, 'link', 'set', port, 'up')
  await ipIn(other, 'link', 'set', inner, 'up')
}

async function bridge(ns: string, address: string): Promise<void> {
  await ipIn(ns, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0')
  await ipIn(ns, 'addr', 'add', address, 'dev', 'br0')
  await ipIn(ns, 'link', 'set', 'br0', 'up')
}

async function lanHost(ns: string, address: string, gateway: string): Promise<void> {
  await ipIn(ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
  await ipIn(ns, 'route', 'add', 'default', 'via', gateway)
  await ipIn(ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0') // mDNS on the LAN
}

async function natRouter(ns: string, wanAddress: string): Promise<void> {
  await ipIn(ns, 'addr', 'add', `${wanAddress}/24`, 'dev', 'wan')
  await execIn(ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')
  await nftIn(
    ns,
    'table ip nat {\n chain post {\n  type nat hook postrouting priority srcnat; policy accept;\n  oifname "wan" masquerade\n }\n}\n',
  )
}

export async function createTopology(): Promise<Topology> {
  await removeStaleLans()
  const lan = 900 + counter++
  const names: string[] = []
  const ns = async (role: string): Promise<string> => {
    const name = await addTestNamespace(role, lan)
    names.push(name)
    return name
  }
  const children = new Set<ChildProcess>()
  try {
    const pub = await ns('pub')
    const na = await ns('na')
    const nb = await ns('nb')
    const a1 = await ns('a1')
    const a2 = await ns('a2')
    const b1 = await ns('b1')

    await bridge(pub, `${PUBLIC_RELAY_ADDRESS}/24`)
    await cable(pub, 'na', na, 'wan')
    await cable(pub, 'nb', nb, 'wan')
    await bridge(na, '10.81.1.254/24')
    await bridge(nb, '10.81.2.254/24')
    await cable(na, 'a1p', a1, 'eth0')
    await cable(na, 'a2p', a2, 'eth0')
    await cable(nb, 'b1p', b1, 'eth0')
    await natRouter(na, '198.18.0.2')
    await natRouter(nb, '198.18.0.3')
    await lanHost(a1, '10.81.1.1', '10.81.1.254')
    await lanHost(a2, '10.81.1.2', '10.81.1.254')
    await lanHost(b1, '10.81.2.1', '10.81.2.254')

    const host = (name: string, address: string): LanHost =>
      namespaceHost(name, address, '', children)
    let destroyed = false
    return {
      a1: host(a1, '10.81.1.1'),
      a2: host(a2, '10.81.1.2'),
      b1: host(b1, '10.81.2.1'),
      pub: host(pub, PUBLIC_RELAY_ADDRESS),
      async cutDirect() {
        await nftIn(
          na,
          'table bridge isolate {\n chain between {\n  type filter hook forward priority 0; policy accept;\n  iifname "a1p" oifname "a2p" drop\n  iifname "a2p" oifname "a1p" drop\n }\n}\n',
        )
      },
      async restoreDirect() {
        await execIn(na, 'nft', 'delete', 'table', 'bridge', 'isolate')
      },
      async destroy() {
        if (destroyed) return
        destroyed = true
        await Promise.all([...children].map((child) => stopChild(child)))
        for (const name of names.reverse()) await removeTestNamespace(name)
      },
    }
  } catch (error) {
    for (const name of names.reverse()) await removeTestNamespace(name)
    throw error
  }
}
