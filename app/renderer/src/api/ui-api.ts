// What the screens need from a Pigeon node, in the shapes React renders (ids as hex strings,
// times as ms). messenger-adapter.dom.ts implements it over app/api's MessengerApi, so the
// screens never see the wire format and the same code runs in Electron and in a browser.
export type PathName = 'lan' | 'relay'
export type PeerStatus = 'online' | 'away' | 'busy'
export type MessageState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed'

export interface UiMe {
  peerId: string
  name: string
  /** 0xRRGGBB */
  color: number
  status: PeerStatus
}

export interface UiPeer {
  peerId: string
  name: string | null
  color: number | null
  status: PeerStatus | null
  /** the paths that reach the peer now; empty when offline */
  online: PathName[]
  lastSeen: number | null
}

export interface UiConversation {
  /** a peer's PeerId, or `group:<id>` */
  id: string
  kind: 'peer' | 'group'
  target: string
  title?: string
  unread: number
  lastActivityAt: number | null
  /** the newest message, for the sidebar (in a group, `sender` says who wrote it) */
  preview?: { text: string; direction: 'in' | 'out'; sender: string }
}

export interface UiMessage {
  /** 32 lowercase hex chars; UUIDv7, so string order is time order */
  id: string
  conversationId: string
  sender: string
  sentAt: number
  text: string
  state: MessageState
  path: PathName | null
  direction: 'in' | 'out'
  /** state 'failed': the node's sentence saying why it can never be delivered */
  failure: string | null
}

export type RelayState = 'off' | 'connecting' | 'connected' | 'error'

export interface UiRelay {
  url: string | null
  state: RelayState
  /** the link's last problem, as a sentence */
  error?: string
  /** ms; when the next attempt is due */
  retryAt?: number
}

export interface UiFinding {
  check: string
  verdict: 'ok' | 'warn' | 'fail'
  message: string
}

export interface UiGroup {
  id: string
  /** `group:<id>` */
  conversationId: string
  name: string
  owner: string
  admins: string[]
  /** PeerIds, owner included */
  members: string[]
  /** each change is a new version; the higher one is the newer */
  version: number
  /** false once I left or was removed: the history stays, read-only */
  joined: boolean
  role: 'owner' | 'admin' | 'member' | 'none'
}

export type UiEvent =
  | { type: 'message'; message: UiMessage }
  | { type: 'message-state'; message: UiMessage }
  | { type: 'peer'; peer: UiPeer }
  | { type: 'profile'; me: UiMe }
  | { type: 'typing'; peerId: string; typing: boolean }
  | { type: 'conversation'; conversation: UiConversation }
  | { type: 'relay'; relay: UiRelay }
  | { type: 'group'; group: UiGroup }
  /** the host asks to show a conversation (Electron: a notification was clicked) */
  | { type: 'open'; conversationId: string }
  /** the link between this UI and the node (WebSocket in the browser) */
  | { type: 'link'; up: boolean; reason?: 'unauthorized' }

/** A failure the UI can put in words: code from shared/errors.ts, sentence from the node. */
export class UiError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

export interface UiApi {
  me(): Promise<UiMe>
  peers(): Promise<UiPeer[]>
  conversations(): Promise<UiConversation[]>
  /** newest `limit` messages older than `before` (all when absent), oldest first */
  history(conversationId: string, query: { before?: string; limit: number }): Promise<UiMessage[]>
  send(conversationId: string, text: string): Promise<UiMessage>
  markRead(conversationId: string): Promise<void>
  typing(conversationId: string, typing: boolean): Promise<void>
  search(text: string): Promise<UiMessage[]>
  setProfile(change: { name?: string; color?: number }): Promise<UiMe>
  setStatus(status: PeerStatus): Promise<UiMe>
  /** undefined when the node has no relay support at all */
  relay?(): Promise<UiRelay>
  setRelay?(url: string | null): Promise<UiRelay>
  /** someone beyond the LAN, by PeerId or pigeon: contact link */
  addContact?(link: string): Promise<UiPeer>
  myLink?(): Promise<{ link: string; qr: string }>
  doctor?(peer?: string): Promise<UiFinding[]>
  /** my groups, the ones I left included */
  groups(): Promise<UiGroup[]>
  /** a new group of me and these PeerIds; I own it */
  createGroup(name: string, members: string[]): Promise<UiGroup>
  /** `group` is the group's conversation id, `group:<id>` (never ambiguous, unlike a name) */
  addToGroup(group: string, members: string[]): Promise<UiGroup>
  removeFromGroup(group: string, members: string[]): Promise<UiGroup>
  leaveGroup(group: string): Promise<UiGroup>
  renameGroup(group: string, name: string): Promise<UiGroup>
  /** a UI preference the host should know too (Electron's main reads `ui.notifications`) */
  savePreference?(key: string, value: string | boolean): Promise<void>
  subscribe(listener: (event: UiEvent) => void): () => void
}
