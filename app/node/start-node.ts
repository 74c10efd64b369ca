// The composition root: one user's node — identity, lock, store, LAN network, relay slot, engine,
// the services beyond it and the local API — wired from a data dir. `pigeon start` (app/cli),
// the Electron main process (app/main) and the whole-process tests run this same function; each
// host adds only its own surface (signals and printout, window and IPC).
import { hostname } from 'node:os'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { LocalApi } from '../api/local.js'
import { startApiServer, type ApiServer } from '../api/server.js'
import { defaultDisplayName } from './default-name.js'
import {
  archiveDataDir,
  DATABASE_FILE,
  ensureDataDir,
  loadOrCreateIdentity,
} from '../core/data-dir.js'
import { lockDataDir } from '../core/data-dir-lock.js'
import type { FileService } from '../core/files/index.js'
import type { ForeignFiles } from '../core/files/foreign-files.js'
import type { IpmsgBridge } from '../core/legacy/ipmsg-bridge.js'
import type { Messenger } from '../core/messenger.js'
import { createLanNetwork, type LanNetwork } from '../core/net/index.js'
import { RelayChoice, rememberedRelay } from '../core/relay/setting.js'
import { RelaySlot } from '../core/relay/slot.js'
import { Store } from '../core/store/index.js'
import { Cleanups } from './cleanups.js'
import { createEngine } from './engine.js'
import { createIpmsgBridge, ipmsgEnabled, type IpmsgNodeOptions } from './ipmsg.js'
import { dialKnownPeers } from './known-peers.js'
import { wireRelay } from './relay-watch.js'
import { createNodeServices } from './services.js'

export { SETTING_RELAY } from '../core/relay/setting.js'
export const SETTING_LAN_PORT = 'lanPort'

export interface NodeOptions {
  dataDir: string
  /** display name; replaces the stored one */
  name?: string
  /** workgroup (department) I am listed under; replaces the stored one, '' removes it */
  workgroup?: string
  /** the host name peers see beside my name; default this machine's */
  host?: string
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
  /** the IPMsg bridge (docs/protocol.md §15): on/off (remembered), and where it listens */
  ipmsg?: IpmsgNodeOptions
  logger?: Logger
}

export interface RunningNode {
  readonly peerId: string
  readonly dataDir: string
  readonly messenger: Messenger
  readonly lan: LanNetwork
  readonly relay: RelaySlot
  /** the IPMsg bridge; `running` is false when it is off or its port was taken */
  readonly ipmsg: IpmsgBridge
  readonly api: ApiServer
  /** the MessengerApi the server serves, for in-process hosts (the Electron main process) */
  readonly localApi: LocalApi
  readonly store: Store
  /** where --new-identity moved the old data, if there was any */
  readonly archivedTo: string | undefined
  addresses(): string[]
  stop(): Promise<void>
}

export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const log = options.logger ?? pino({ level: 'silent' })
  const dataDir = options.dataDir
  ensureDataDir(dataDir)
  // held until stop (or until the OS ends the process): one node per data dir
  const lock = lockDataDir(dataDir)
  const cleanups = new Cleanups()
  cleanups.add(() => lock.release())
  try {
    const archivedTo =
      options.newIdentity === true ? archiveDataDir(dataDir, new Date()) : undefined
    const store = Store.open(join(dataDir, DATABASE_FILE))
    cleanups.add(() => store.close())
    const identity = await loadOrCreateIdentity(dataDir, store.peers.me()?.peerId)
    const remembered = store.settings.get(SETTING_LAN_PORT)
    const port = options.port ?? (typeof remembered === 'number' ? remembered : 0)
    const {
      messenger,
      paths: [lan, ipmsg, relay],
    } = createEngine(
      {
        store,
        identity,
        name: options.name,
        defaultName: defaultDisplayName(),
        workgroup: options.workgroup,
        host: options.host ?? hostname(),
        redial: (peerId: string, addresses: string[]): Promise<void> =>
          lan.dialKnown(peerId, addresses),
        logger: log.child({ layer: 'engine' }),
        files: (): FileService | undefined => lan.files,
        foreignFiles: (): ForeignFiles | undefined => ipmsg.files,
        textFilesDir: join(dataDir, 'sent-texts'),
      },
      // direct first, the relay when the LAN cannot reach the peer (docs/architecture.md §3); the
      // IPMsg bridge reaches only IP Messenger users, and the relay only Pigeon peers
      (profile) => [
        createLanNetwork({
          identity,
          db: store.db,
          onFileClosed: (transferId, peer, outcome): void =>
            messenger.transfers.closedByReceiver(transferId, peer, outcome),
          listenPort: port,
          listenPortRequired: options.port !== undefined,
          listenHost: options.listenHost,
          mdns: options.mdns,
          profile,
          logger: log.child({ layer: 'lan' }),
        }),
        createIpmsgBridge(
          identity.peerId,
          profile,
          options.ipmsg ?? {},
          log.child({ layer: 'ipmsg' }),
          (transferId, peer, outcome): void =>
            messenger.transfers.closedByReceiver(transferId, peer, outcome),
        ),
        // always present, so `pigeon relay set` can switch it on while the node runs
        new RelaySlot({
          identity,
          url: rememberedRelay(store),
          profile,
          logger: log.child({ layer: 'relay' }),
        }),
      ],
    )
    const relayChoice = new RelayChoice(store, relay)
    if (options.relay !== undefined) await relayChoice.set(options.relay || undefined)
    // the engine listens before the network starts, so no peer or envelope comes too early
    await messenger.start()
    cleanups.add(() => messenger.stop())
    await lan.start()
    cleanups.add(() => lan.stop())
    store.settings.set(SETTING_LAN_PORT, lan.listenPort)
    if (ipmsgEnabled(store, options.ipmsg?.enabled)) await ipmsg.start()
    cleanups.add(() => ipmsg.stop())
    // pulls that were running when this node last stopped go on once their sender is reachable
    messenger.transfers.resumeInterrupted()
    wireRelay(relay, messenger, store, log)
    relay.start()
    cleanups.add(() => relay.stop())

    // Services beyond the engine are created here, from the parts above, and handed to the local
    // API; one that holds resources registers its undo with cleanups.add.
    const services = createNodeServices({
      identity,
      store,
      messenger,
      relay,
      relayChoice,
      mdns: options.mdns,
    })
    const localApi = new LocalApi(messenger, () => lan.addresses(), {
      ...services,
      legacyPeer: (peerId) => ipmsg.info(peerId),
    })
    const api = await startApiServer({
      api: localApi,
      dataDir,
      port: options.apiPort,
      logger: log,
    })
    cleanups.add(() => api.close())

    dialKnownPeers(lan, store, options.connect ?? [], log)

    return {
      peerId: identity.peerId,
      dataDir,
      messenger,
      lan,
      relay,
      ipmsg,
      api,
      localApi,
      store,
      archivedTo,
      addresses: () => lan.addresses(),
      stop: () => cleanups.run(),
    }
  } catch (error) {
    await cleanups.run()
    throw error
  }
}
