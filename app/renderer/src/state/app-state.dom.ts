// What the UI's store holds (app-store.dom.ts): the snapshot the screens read, the events it reacts
// to, and the access its parts (the event reducer, typing expiry, group and transfer actions,
// history pages) share. Only the MessengerApi's own names and types (app/api/contract.ts).
import type {
  ConversationView,
  GroupView,
  MeView,
  MessageView,
  MessengerApi,
  MessengerEvent,
  PeerView,
  RelayStatusView,
  TransferView,
} from '../../../api/contract.js'

export interface History {
  /** oldest first */
  items: MessageView[]
  /** true when the oldest message of the conversation is loaded */
  complete: boolean
  loading: boolean
}

export interface SearchState {
  query: string
  results: MessageView[]
  loading: boolean
}

/** what a file bubble's buttons do to a transfer */
export type TransferAction = 'accept' | 'decline' | 'pause' | 'resume' | 'cancel'

export interface Problem {
  code: string
  message: string
}

/** What the store reacts to: the node's events, and two of its host's (not the API's own). */
export type StoreEvent =
  | MessengerEvent
  /** Electron's main asks to show a conversation (a notification was clicked) */
  | { type: 'ui:open'; conversation: string }
  /** the link between this UI and the node (the event WebSocket in a browser) */
  | { type: 'link'; up: boolean; reason?: 'unauthorized' }

export interface AppState {
  ready: boolean
  /** why the first load failed, in words */
  fatal?: Problem
  linkUp: boolean
  /** why the link is down, when the node told us (a restarted node has a new token) */
  linkProblem?: 'API_UNAUTHORIZED'
  me?: MeView
  peers: ReadonlyMap<string, PeerView>
  conversations: ReadonlyMap<string, ConversationView>
  histories: ReadonlyMap<string, History>
  /** peerId -> time the indicator expires */
  typing: ReadonlyMap<string, number>
  selected?: string
  /** a message to scroll to and flash (a search result was clicked) */
  focus?: string
  relay?: RelayStatusView
  /** by conversation id (`group:<id>`), the ones I left included */
  groups: ReadonlyMap<string, GroupView>
  search?: SearchState
  /** the latest error of an action, shown in a banner until dismissed */
  problem?: Problem
  settingsOpen: boolean
  /** by the id of their file message */
  transfers: ReadonlyMap<string, TransferView>
}

/** The store before its first load. */
export function initialState(): AppState {
  return {
    ready: false,
    linkUp: true,
    peers: new Map(),
    conversations: new Map(),
    histories: new Map(),
    typing: new Map(),
    groups: new Map(),
    settingsOpen: false,
    transfers: new Map(),
  }
}

/** What the store's parts may do: read the snapshot, replace parts of it, handle an event as if
 * the node had sent it (so a reload in progress hears of it too). */
export interface StoreCore {
  readonly api: MessengerApi
  state(): AppState
  set(change: Partial<AppState>): void
  dispatch(event: StoreEvent): void
  /** the peer events still waiting for their frame (peer-batch.dom.ts), into the snapshot now */
  flushPeers(): void
}

/** Any rejection in words: `{ code, message }` from the node (a PigeonError from the HTTP client,
 * a plain object from the preload), or anything else. */
export function toProblem(error: unknown): Problem {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN'
    return { code, message: String(error.message).split('\n')[0] ?? '' }
  }
  return { code: 'UNKNOWN', message: String(error) }
}
