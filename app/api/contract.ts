// MessengerApi: the one contract between the engine and everything that shows it — the desktop UI
// (through preload), the browser UI and the CLI (through the local HTTP/WebSocket server), tests.
// Plain JSON-able types only: no Node, no Electron, no classes, so the renderer can import it.

export type PeerStatus = 'online' | 'away' | 'busy'
export type PathName = 'lan' | 'relay'
/** out: pending (queued) → sent (relay stored it) → delivered (receiver stored it) → read; or
 * failed (it can never be delivered: MessageView.failure says why). in: delivered (unread) → read. */
export type MessageState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed'

export interface MeView {
  peerId: string
  name: string
  /** 0xRRGGBB */
  color: number
  status: PeerStatus
  version: number
  /** where peers can reach me (multiaddrs ending in /p2p/<peerId>) */
  addresses: string[]
}

export interface PeerView {
  peerId: string
  /** null until the peer's profile arrived */
  name: string | null
  color: number | null
  status: PeerStatus | null
  online: boolean
  /** the paths that reach it now */
  paths: PathName[]
  addresses: string[]
  /** ms; null when never seen */
  lastSeen: number | null
}

export interface MessageView {
  /** 32 hex digits (UUIDv7) */
  id: string
  /** conversation id: the peer's PeerId for a direct chat, `group:<groupId>` for a group */
  conversation: string
  /** sender PeerId */
  from: string
  direction: 'in' | 'out'
  text: string | null
  /** ms, sender's clock */
  sentAt: number
  /** ms, my clock; null for my own messages */
  receivedAt: number | null
  state: MessageState
  /** the path that carried it; null while pending */
  path: PathName | null
  /** state 'failed': why, a sentence for the user; null otherwise */
  failure: string | null
}

export interface ConversationView {
  /** a peer's PeerId, or `group:<groupId>` */
  id: string
  kind: 'peer' | 'group'
  /** for a direct chat: the peer */
  peerId: string | null
  /** for a group: its id */
  groupId: string | null
  /** the peer's name (a short PeerId before its profile came), or the group's name */
  title: string
  unread: number
  lastMessage: MessageView | null
  lastActivityAt: number | null
}

export interface GroupView {
  /** 22 characters of base64url */
  id: string
  /** its conversation id, `group:<id>` */
  conversation: string
  name: string
  owner: string
  /** may add, remove and rename besides the owner */
  admins: string[]
  /** PeerIds, owner included */
  members: string[]
  /** each change is a new, signed version */
  version: number
  /** false once I left or was removed (the history stays) */
  joined: boolean
  /** what I may do: 'owner' and 'admin' change members and the name; a 'member' may leave */
  role: 'owner' | 'admin' | 'member' | 'none'
}

export type SettingValue =
  string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue }

export interface HistoryQuery {
  /** only messages older than this message id (the page before it) */
  before?: string
  /** 1..500, default 50 */
  limit?: number
}

export interface RelayStatusView {
  state: 'off' | 'connecting' | 'connected' | 'error'
  /** the relay address (mqtt://host:port#<relay PeerId>), null when none is set */
  url: string | null
  /** the last problem, in words */
  lastError: { code: string; message: string; at: number } | null
  /** ms; when the next connection attempt is due (state 'error') */
  retryAt: number | null
}

export interface DoctorFinding {
  check: string
  verdict: 'ok' | 'warn' | 'fail'
  /** a sentence a person can act on */
  message: string
}

export interface ContactLinkView {
  /** pigeon:<PeerId>?name=…&relay=… */
  link: string
  /** the same as a QR code drawn with Unicode blocks (for terminals) */
  qr: string
}

export type MessengerEvent =
  | { type: 'message'; message: MessageView }
  | { type: 'message-state'; message: MessageView }
  | { type: 'peer'; peer: PeerView }
  | { type: 'profile'; me: MeView }
  | { type: 'typing'; peerId: string; typing: boolean }
  | { type: 'conversation'; conversation: ConversationView }
  | { type: 'relay'; relay: RelayStatusView }
  | { type: 'group'; group: GroupView }

export type Unsubscribe = () => void

/**
 * Everything a UI needs. A `peer` argument is a PeerId or a display name that exactly one known
 * peer has — or, where a conversation is meant (history, send, markRead), a group: `group:<id>`,
 * its id, or a name that exactly one of my groups has. A `group` argument is one of the latter. Failures reject with an error carrying `code` (shared/errors.ts) and a sentence.
 */
export interface MessengerApi {
  me(): Promise<MeView>
  peers(): Promise<PeerView[]>
  conversations(): Promise<ConversationView[]>
  /** oldest first */
  history(peer: string, query?: HistoryQuery): Promise<MessageView[]>
  /** newest first; any substring (3+ characters by full-text index, shorter by scan) */
  search(text: string, limit?: number): Promise<MessageView[]>
  /** stored and queued at once (state pending); delivery follows as message-state events */
  send(peer: string, text: string): Promise<MessageView>
  markRead(peer: string): Promise<{ read: number }>
  typing(peer: string, typing: boolean): Promise<void>
  setProfile(change: { name?: string; color?: number }): Promise<MeView>
  setStatus(status: PeerStatus): Promise<MeView>
  getSetting(key: string): Promise<SettingValue | null>
  setSetting(key: string, value: SettingValue): Promise<void>
  relayStatus(): Promise<RelayStatusView>
  /** sets (and remembers) the relay address, or switches the relay off with null */
  setRelay(url: string | null): Promise<RelayStatusView>
  /** adds someone beyond the LAN by PeerId or pigeon: link; their presence comes through the relay */
  addContact(link: string): Promise<PeerView>
  /** my contact link, to give to people beyond the LAN */
  myLink(): Promise<ContactLinkView>
  /** runs the checks of `pigeon doctor` (about one peer too, when given) */
  doctor(peer?: string): Promise<DoctorFinding[]>
  /** my groups, including the ones I left (their history stays) */
  groups(): Promise<GroupView[]>
  /** a new group of me and these peers (PeerIds or names); I own it */
  createGroup(name: string, members: string[]): Promise<GroupView>
  addToGroup(group: string, members: string[]): Promise<GroupView>
  removeFromGroup(group: string, members: string[]): Promise<GroupView>
  leaveGroup(group: string): Promise<GroupView>
  renameGroup(group: string, name: string): Promise<GroupView>
  /** the event stream; returns the way to stop listening */
  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe
}

/** Request bodies on the wire (`POST /api/<method>`), one per method. */
export interface ApiRequests {
  me: Record<string, never>
  peers: Record<string, never>
  conversations: Record<string, never>
  history: { peer: string } & HistoryQuery
  search: { text: string; limit?: number }
  send: { peer: string; text: string }
  markRead: { peer: string }
  typing: { peer: string; typing: boolean }
  setProfile: { name?: string; color?: number }
  setStatus: { status: PeerStatus }
  getSetting: { key: string }
  setSetting: { key: string; value: SettingValue }
  relayStatus: Record<string, never>
  setRelay: { url: string | null }
  addContact: { link: string }
  myLink: Record<string, never>
  doctor: { peer?: string }
  groups: Record<string, never>
  createGroup: { name: string; members: string[] }
  addToGroup: { group: string; members: string[] }
  removeFromGroup: { group: string; members: string[] }
  leaveGroup: { group: string }
  renameGroup: { group: string; name: string }
}

export type ApiMethod = keyof ApiRequests
export type ApiResponses = { [M in ApiMethod]: Awaited<ReturnType<MessengerApi[M]>> }

/** Every response body: a value, or an error with a stable code and a sentence. */
export type ApiResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

/** api.json in the data dir (mode 0600): how a local client finds and authenticates to the node. */
export interface ApiEndpoint {
  url: string
  port: number
  token: string
  pid: number
}

export const API_ENDPOINT_FILE = 'api.json'
/** the WebSocket subprotocol carrying the token, for browsers (they cannot set headers) */
export const API_TOKEN_PROTOCOL_PREFIX = 'pigeon.bearer.'

/** The size limits the engine applies (shared/limits.ts), for forms that bound their input. */
export { LIMITS } from '../../shared/limits.js'
