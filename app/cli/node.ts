// `pigeon start`: one user's node — identity, store, LAN network, engine and local API — wired
// from a data dir. Returned as a handle so tests (and later the Electron main process) can run
// the same thing in-process; the CLI adds the signals and the printout.
import { hostname, userInfo } from 'node:os'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { PigeonError } from '../../shared/errors.js'
import { LocalApi } from '../api/local.js'
import { startApiServer, type ApiServer } from '../api/server.js'
import {
  archiveDataDir,
  DATABASE_FILE,
  ensureDataDir,
  loadOrCreateIdentity,
} from '../core/data-dir.js'
import { lockDataDir } from '../core/data-dir-lock.js'
import { ensureMyProfile, Messenger } from '../core/messenger.js'
import { createLanNetwork, type LanNetwork } from '../core/net/index.js'
import { RelaySlot } from '../core/relay/slot.js'
import { createNodeServices, SETTING_RELAY } from './services.js'
import { Store } from '../core/store/index.js'

export interface NodeOptions {
  dataDir: string
  /** display name; replaces the stored one */
  name?: string
  /** LAN TCP port, which must be free; default: the one remembered from the last start, else any */
  port?: number
  /**
   * start as a new user: this data dir's identity and history move into <data>/archive-<time>/
   * first (nothing is deleted). Without it a history that is not this key's refuses to start.
   */
  newIdentity?: boolean
  /** API port; default any free one */
  apiPort?: number
  /** default 0.0.0.0; tests in the root namespace use 127.0.0.1 */
  listenHost?: string
  /** false in the root namespace of a test machine: mDNS multicasts to the whole LAN */
  mdns: boolean
  /**
   * relay address (mqtt://host:port#<relayId>); remembered in settings, so later starts use it
   * without the flag. '' forgets it.
   */
  relay?: string
  /** multiaddrs (…/p2p/<PeerId>) to dial at start, besides the peers remembered in the store */
  connect?: string[]
  logger?: Logger
}

export interface RunningNode {
  readonly peerId: string
  readonly dataDir: string
  readonly messenger: Messenger
  readonly lan: LanNetwork
  readonly relay: RelaySlot
  readonly api: ApiServer
  /** the MessengerApi the server serves, for in-process hosts (the Electron main process) */
  readonly localApi: LocalApi
  readonly store: Store
  /** where --new-identity moved the old data, if there was any */
  readonly archivedTo: string | undefined
  addresses(): string[]
  stop(): Promise<void>
}

export const SETTING_LAN_PORT = 'lanPort'
export { SETTING_RELAY }

export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const log = options.logger ?? pino({ level: 'silent' })
  const dataDir = options.dataDir
  ensureDataDir(dataDir)
  // held until stop (or until the OS ends the process): one node per data dir
  const lock = lockDataDir(dataDir)
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()]
  try {
    const archivedTo =
      options.newIdentity === true ? archiveDataDir(dataDir, new Date()) : undefined
    const store = Store.open(join(dataDir, DATABASE_FILE))
    cleanups.unshift(() => store.close())
    const identity = await loadOrCreateIdentity(dataDir, store.peers.me()?.peerId)
    const remembered = store.settings.get(SETTING_LAN_PORT)
    const port = options.port ?? (typeof remembered === 'number' ? remembered : 0)
    const me = ensureMyProfile(store, {
      peerId: identity.peerId,
      name: options.name,
      defaultName: defaultName(),
      now: Date.now(),
    })
    const lan = createLanNetwork({
      identity,
      listenPort: port,
      listenPortRequired: options.port !== undefined,
      listenHost: options.listenHost,
      mdns: options.mdns,
      profile: { name: me.name, color: me.color, status: me.status, version: me.version },
      logger: log.child({ layer: 'lan' }),
    })
    if (options.relay !== undefined)
      store.settings.set(SETTING_RELAY, options.relay === '' ? null : options.relay)
    const relayUrl = store.settings.get(SETTING_RELAY)
    // always present, so `pigeon relay set` can switch it on while the node runs
    const relay = new RelaySlot({
      identity,
      url: typeof relayUrl === 'string' && relayUrl !== '' ? relayUrl : undefined,
      profile: { name: me.name, color: me.color, status: me.status, version: me.version },
      logger: log.child({ layer: 'relay' }),
    })
    // direct first, the relay when the LAN cannot reach the peer (DESIGN.md "The router")
    const paths = [lan, relay]
    const messenger = new Messenger({
      store,
      identity,
      paths,
      profileExchange: [lan, relay],
      redial: (peerId, addresses) => lan.dialKnown(peerId, addresses),
      name: options.name,
      onWarning: (message, detail) => log.warn({ err: errorText(detail) }, message),
    })
    // the engine listens before the network starts, so no peer or envelope comes too early
    await messenger.start()
    cleanups.unshift(() => messenger.stop())
    await lan.start()
    cleanups.unshift(() => lan.stop())
    store.settings.set(SETTING_LAN_PORT, lan.listenPort)
    // presence of everyone I know (and of whoever I start talking to) comes through the relay
    relay.watch(store.peers.list().map((p) => p.peerId))
    messenger.on('conversation', (c) => {
      if (c.kind === 'peer') relay.watch([c.target])
    })
    messenger.on('group', (g) => relay.watch(g.members))
    messenger.on('peer', (p) => relay.watch([p.peerId]))
    relay.on('status', (status) => {
      if (status.state === 'connected') messenger.retryAll()
      else if (status.lastError !== undefined)
        log.warn({ relay: status.url, ...status.lastError }, 'relay link')
    })
    relay.start()
    cleanups.unshift(() => relay.stop())

    const localApi = new LocalApi(
      messenger,
      () => lan.addresses(),
      createNodeServices({ identity, store, messenger, relay, mdns: options.mdns }),
    )
    const api = await startApiServer({
      api: localApi,
      dataDir,
      port: options.apiPort,
      onError: (error) => log.error({ err: errorText(error) }, 'API request failed'),
    })
    cleanups.unshift(() => api.close())

    dialKnownPeers(lan, store, options.connect ?? [], log)

    let stopping: Promise<void> | undefined
    return {
      peerId: identity.peerId,
      dataDir,
      messenger,
      lan,
      relay,
      api,
      localApi,
      store,
      archivedTo,
      addresses: () => lan.addresses(),
      stop: () => (stopping ??= runCleanups(cleanups)),
    }
  } catch (error) {
    await runCleanups(cleanups)
    throw error
  }
}

async function runCleanups(cleanups: Array<() => Promise<void> | void>): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await cleanup()
    } catch {
      // keep closing the rest: the store must be closed whatever failed before it
    }
  }
}

/** The known-peer cache: peers seen in earlier runs (and --connect ones) are dialled at once. */
function dialKnownPeers(lan: LanNetwork, store: Store, connect: string[], log: Logger): void {
  const targets = new Map<string, string[]>()
  for (const peer of store.peers.list()) {
    if (peer.addresses.length > 0) targets.set(peer.peerId, peer.addresses)
  }
  for (const address of connect) {
    const peerId = /\/p2p\/([^/]+)$/.exec(address)?.[1]
    if (peerId === undefined) {
      throw new PigeonError(
        'PEER_ID_INVALID',
        `--connect needs a multiaddr ending in /p2p/<PeerId>; "${address}" has none.`,
      )
    }
    targets.set(peerId, [address, ...(targets.get(peerId) ?? [])])
  }
  for (const [peerId, addresses] of targets) {
    lan
      .dialKnown(peerId, addresses)
      .catch((error: unknown) =>
        log.debug({ peerId, err: errorText(error) }, 'known peer not reachable'),
      )
  }
}

function defaultName(): string {
  try {
    return userInfo().username || hostname()
  } catch {
    return hostname()
  }
}

function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined
  return error instanceof Error ? error.message : String(error)
}
