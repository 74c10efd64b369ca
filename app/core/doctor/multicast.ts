// Can this machine multicast mDNS at all? Sends one real mDNS query to 224.0.0.251:5353 on
// every IPv4 interface that is up and not loopback, with multicast loopback on, and listens for
// its own query coming back: that proves a route for multicast and an interface that carries it.
import dgram from 'node:dgram'
import os from 'node:os'
import { finding, type Finding } from './checks.js'

const MDNS_GROUP = '224.0.0.251'
const MDNS_PORT = 5353

export function lanInterfaces(): Array<{ name: string; address: string; netmask: string }> {
  const out: Array<{ name: string; address: string; netmask: string }> = []
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal)
        out.push({ name, address: address.address, netmask: address.netmask })
    }
  }
  return out
}

/** A minimal DNS query for _pigeon._udp.local PTR, id = a random 16-bit tag we look for. */
function query(tag: number): Buffer {
  const name = Buffer.concat(
    ['_pigeon', '_udp', 'local'].map((label) =>
      Buffer.concat([Buffer.of(label.length), Buffer.from(label)]),
    ),
  )
  return Buffer.concat([
    Buffer.from([tag >> 8, tag & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    name,
    Buffer.from([0, 0, 12, 0, 1]),
  ])
}

export async function checkMulticast(timeoutMs = 1_500): Promise<Finding> {
  const interfaces = lanInterfaces()
  if (interfaces.length === 0) {
    return finding(
      'multicast',
      'fail',
      'This computer has no network interface with an IPv4 address besides loopback: connect it to the LAN (cable or Wi-Fi).',
    )
  }
  const tag = Math.floor(Math.random() * 0xffff)
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  const heard = new Set<string>()
  let sendError: string | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(MDNS_PORT, () => resolve())
    })
    socket.on('message', (message, remote) => {
      if (message.length >= 2 && message.readUInt16BE(0) === tag) heard.add(remote.address)
    })
    socket.setMulticastLoopback(true)
    for (const iface of interfaces) socket.addMembership(MDNS_GROUP, iface.address)
    // routed like the discovery library's own queries: no interface forced
    await new Promise<void>((resolve) =>
      socket.send(query(tag), MDNS_PORT, MDNS_GROUP, (error) => {
        if (error) sendError = (error as NodeJS.ErrnoException).code ?? error.message
        resolve()
      }),
    )
    if (sendError === undefined) await new Promise((resolve) => setTimeout(resolve, timeoutMs))
  } catch (error) {
    return finding(
      'multicast',
      'warn',
      `Could not open the mDNS port 5353 (${(error as NodeJS.ErrnoException).code ?? String(error)}); another program may hold it exclusively, so peers might not be discovered.`,
    )
  } finally {
    socket.close()
  }
  const via = interfaces.filter((iface) => heard.has(iface.address))
  if (via.length > 0) {
    return finding(
      'multicast',
      'ok',
      `mDNS multicast works on ${via.map((i) => `${i.name} (${i.address})`).join(', ')}.`,
    )
  }
  const names = interfaces.map((i) => `${i.name} (${i.address})`).join(', ')
  if (sendError !== undefined) {
    return finding(
      'multicast',
      'fail',
      `This computer cannot send multicast (${sendError}): there is no multicast route (224.0.0.0/4) on ${names}, so peers on this LAN cannot discover it. Add the route or fix the network settings.`,
    )
  }
  return finding(
    'multicast',
    'fail',
    `An mDNS query sent on ${names} never came back: the interface does not carry multicast (check that it is up; some Wi-Fi "guest" modes block multicast), so peers cannot discover this computer.`,
  )
}
