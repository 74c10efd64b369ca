// What a LanNetwork (lan-network.ts) is made with, the events it emits, and the file service it
// starts on its libp2p node when it has a database.
import type { Libp2p } from '@libp2p/interface'
import type { Database } from 'better-sqlite3'
import type { ProfileBody } from '../../../shared/envelope.js'
import type { Identity } from '../../../shared/identity.js'
import type { PathEvents, PeerProfile } from '../delivery.js'
import { createFileService, type FileService, type FileServiceInit } from '../files/index.js'
import type { Logger } from '../log.js'
import type { ChatLimits } from './chat-service.js'
import type { MdnsOptions } from './node.js'

export interface LanEvents extends PathEvents {
  /** a peer's profile, when first received and whenever a newer version arrives */
  profile: PeerProfile
}

export interface LanNetworkInit {
  identity: Identity
  /** the store's database: with it the node also serves and pulls files (/pigeon/file/1.0.0) */
  db?: Database
  /** the receiver of one of my file offers is finished with it (FileServiceInit.onClosed) */
  onFileClosed?: FileServiceInit['onClosed']
  /** TCP port to listen on, e.g. the one remembered from the last run; 0 or absent = any */
  listenPort?: number
  /** the user asked for listenPort (--port): if it is taken, fail instead of taking another */
  listenPortRequired?: boolean
  /** default 0.0.0.0 */
  listenHost?: string
  /** mDNS discovery; `false` in the root namespace of a test machine (see node.ts) */
  mdns: boolean | MdnsOptions
  /** my profile as announced to every peer on connect */
  profile: Omit<ProfileBody, 'version'> & { version?: number }
  limits?: Partial<ChatLimits>
  logger?: Logger
  /** keep-alive ping interval, ms (link-loss detection) */
  pingInterval?: number
  /** an mDNS-listed peer's connection is closed after this long without traffic, ms (idle-closer.ts) */
  idleCloseMs?: number
}

/** /pigeon/file/1.0.0 on this node, when it has a store to keep offers and transfers in */
export function lanFileService(
  libp2p: Libp2p,
  init: LanNetworkInit,
  log: Logger,
): FileService | undefined {
  if (init.db === undefined) return undefined
  return createFileService({
    node: libp2p,
    db: init.db,
    onClosed: init.onFileClosed,
    log,
    // the data channel's ports listen where libp2p does (docs/protocol.md §13)
    dataChannel: { host: init.listenHost ?? '0.0.0.0' },
  })
}
