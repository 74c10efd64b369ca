// The libp2p node of a Pigeon user: TCP + Noise + yamux, identify and ping, and mDNS discovery
// with Pigeon's own service name so only Pigeon peers are found (docs/architecture.md §1, the connection layer).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerDiscovery } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { PigeonError } from '../../../shared/errors.js'
import type { Identity } from '../../../shared/identity.js'
import { PigeonMdns, pigeonMdns, type PigeonMdnsComponents } from './mdns/discovery.js'
import type { Sighting } from './mdns/records.js'

/** DNS-SD service name (≤ 15 chars before ._udp): a plain libp2p node on the LAN is not a Pigeon. */
export const PIGEON_MDNS_SERVICE = '_pigeon._udp.local'

/** the query interval's ceiling (RFC 6762 §5.2 allows up to an hour; a peer
// whose link came back is found again within this, and lan-network.ts's FRESH_MS outlasts it) */
export const DEFAULT_MDNS_INTERVAL_MS = 20_000

/** the longest a keep-alive ping may take before the connection counts as dead */
export const PING_TIMEOUT_MAX_MS = 10_000

export interface MdnsOptions {
  /**
   * the longest wait between queries, ms: queries start 1 s apart and double up to it. Only
   * peers I am not connected to answer (known-answer suppression, mdns/querier.ts).
   */
  interval?: number
  serviceTag?: string
  /**
   * TTL of my instance's records, s (default 120, mdns/records.ts): a node that vanished without
   * a goodbye leaves the others' lists within it. Tests pass a few seconds.
   */
  recordTtl?: number
}

export interface PigeonNodeInit {
  identity: Identity
  /** the port to listen on (0 = any); a taken port falls back to a free one */
  listenPort: number
  /** the user chose listenPort (`pigeon start --port`): a taken one fails start, like --web-port */
  listenPortRequired?: boolean
  /** default 0.0.0.0 (all interfaces); tests may pass 127.0.0.1 */
  listenHost?: string
  /**
   * mDNS discovery. Required on purpose: it multicasts to the whole LAN, so a test in the root
   * namespace must say `false` (mDNS runs only inside test-made namespaces).
   */
  mdns: boolean | MdnsOptions
  /** ms between keep-alive pings; a peer that misses them is disconnected (link loss) */
  pingInterval?: number
  /** every mDNS sighting of a peer, goodbyes (TTL 0) included */
  onMdnsSighting?: (sighting: Sighting) => void
  /** peers whose records I hold fresh: they need not answer my queries */
  isMdnsKnown?: (peerId: string) => boolean
  /** my signed profile strings for the TXT record */
  profileTxt?: () => string[]
  /** runs on the node before it starts: register handlers and listeners here, so none is late */
  beforeStart?: (libp2p: Libp2p) => Promise<void> | void
}

export interface PigeonNode {
  readonly libp2p: Libp2p
  /** the TCP port actually listened on */
  readonly listenPort: number
  /** true when the asked port was taken and another one was used */
  readonly portFellBack: boolean
  /** the mDNS responder and querier, when mDNS is on */
  readonly mdns: PigeonMdns | undefined
}

async function build(
  init: PigeonNodeInit,
  port: number,
): Promise<{ libp2p: Libp2p; mdns: PigeonMdns | undefined }> {
  const host = init.listenHost ?? '0.0.0.0'
  // one listen address (not 0.0.0.0): dial and multicast from it too, so a peer sees the same
  // address as mDNS announced, and several nodes on one host are told apart by theirs
  const ownAddress = host === '0.0.0.0' ? undefined : host
  const built: { node?: Libp2p; mdns?: PigeonMdns } = {}
  const peerDiscovery: Array<(components: PigeonMdnsComponents) => PeerDiscovery> = []
  if (init.mdns !== false) {
    const options = init.mdns === true ? {} : init.mdns
    const factory = pigeonMdns({
      interval: options.interval ?? DEFAULT_MDNS_INTERVAL_MS,
      serviceTag: options.serviceTag ?? PIGEON_MDNS_SERVICE,
      interfaceAddress: ownAddress,
      recordTtl: options.recordTtl,
      isKnown: init.isMdnsKnown,
      profileTxt: init.profileTxt,
      onSighting: init.onMdnsSighting,
    })
    peerDiscovery.push((components) => {
      const discovery = factory(components)
      built.mdns = discovery
      return discovery
    })
  }
  const libp2p = await createLibp2p({
    privateKey: init.identity.privateKey,
    start: false,
    addresses: { listen: [`/ip4/${host}/tcp/${port}`] },
    transports: [
      tcp({
        dialOpts: {
          noDelay: true,
          ...(ownAddress === undefined ? {} : { localAddress: ownAddress }),
        },
        listenOpts: { noDelay: true },
      }),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    // libp2p's ping timeout adapts to past pings, and a failed ping counts double: a few failures
    // (a duplicate connection closed mid-ping at start) can lift it to its 60 s ceiling, and a
    // pulled cable then goes unnoticed for a minute. On a LAN a 10 s ping is a dead link.
    connectionMonitor: {
      pingInterval: init.pingInterval ?? 5_000,
      pingTimeout: { minTimeout: 5_000, maxTimeout: PING_TIMEOUT_MAX_MS },
    },
    services: { identify: identify(), ping: ping() },
  })
  built.node = libp2p
  await init.beforeStart?.(libp2p)
  return { libp2p, mdns: built.mdns }
}

function tcpPort(libp2p: Libp2p): number {
  for (const addr of libp2p.getMultiaddrs()) {
    const component = addr.getComponents().find((c) => c.name === 'tcp')
    if (component?.value !== undefined) return Number(component.value)
  }
  throw new PigeonError('NODE_START_FAILED', 'The node started but has no TCP listen address.')
}

/**
 * Why libp2p could not listen, in words: its error lists every failed address with a stack, and
 * the errno (listen EADDRINUSE: …) is the part a person can act on.
 */
function whyNotListening(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const errno = /\b(E[A-Z]+): ([^\n]*)/.exec(message)
  if (errno?.[1] === 'EADDRINUSE') return 'is taken by another program'
  if (errno?.[1] === 'EACCES') return 'needs more privileges than Pigeon has'
  return `cannot be used (${errno?.[0] ?? message.split('\n')[0]})`
}

/** Creates and starts the node; call `libp2p.stop()` to stop it. */
export async function createPigeonNode(init: PigeonNodeInit): Promise<PigeonNode> {
  let { libp2p, mdns } = await build(init, init.listenPort)
  let portFellBack = false
  try {
    await libp2p.start()
  } catch (error) {
    await Promise.resolve(libp2p.stop()).catch(() => undefined)
    if (init.listenPort === 0) {
      throw new PigeonError(
        'NODE_START_FAILED',
        `The network node could not start: ${(error as Error).message}`,
        { cause: error },
      )
    }
    if (init.listenPortRequired === true) {
      throw new PigeonError(
        'NODE_START_FAILED',
        `The LAN port ${init.listenPort} ${whyNotListening(error)}; pick another with --port, or leave --port out to use any free one.`,
        { cause: error },
      )
    }
    // most likely the remembered port is taken (another Pigeon user on this host): take any
    ;({ libp2p, mdns } = await build(init, 0))
    portFellBack = true
    try {
      await libp2p.start()
    } catch (cause) {
      throw new PigeonError(
        'NODE_START_FAILED',
        `The network node could not start: ${(cause as Error).message}`,
        { cause },
      )
    }
  }
  return { libp2p, listenPort: tcpPort(libp2p), portFellBack, mdns }
}
