// MessengerApi: the one contract between the engine and everything that shows it — the desktop UI
// (through preload), the browser UI and the CLI (through the local HTTP/WebSocket server), tests.
// Plain JSON-able types only: no Node, no Electron, no classes, so the renderer can import it.
// Every type here is derived from the method table (app/api/methods.ts); none is written twice.

import type {
  Arg,
  EventPayloads,
  MethodName,
  METHODS,
  contactLinkView,
  conversationView,
  doctorFinding,
  groupView,
  historyQuery,
  meView,
  messageView,
  peerView,
  relayStatusView,
  safetyNumberView,
  transferView,
} from './methods.js'
import type { Infer } from './schema.js'

// the views, as their schemas in app/api/methods.ts describe them (field comments there)
export type MeView = Infer<typeof meView>
export type PeerView = Infer<typeof peerView>
export type MessageView = Infer<typeof messageView>
export type ConversationView = Infer<typeof conversationView>
export type GroupView = Infer<typeof groupView>
export type RelayStatusView = Infer<typeof relayStatusView>
export type TransferView = Infer<typeof transferView>
export type DoctorFinding = Infer<typeof doctorFinding>
export type ContactLinkView = Infer<typeof contactLinkView>
export type SafetyNumberView = Infer<typeof safetyNumberView>
export type HistoryQuery = Infer<typeof historyQuery>
export type PeerStatus = MeView['status']
export type PathName = PeerView['paths'][number]
export type MessageState = MessageView['state']
export type { SettingValue } from './methods.js'

export type MessengerEvent = {
  [K in keyof EventPayloads]: { type: K } & EventPayloads[K]
}[keyof EventPayloads]

export type Unsubscribe = () => void

type Table = typeof METHODS

/** The positional arguments of a method: its table entry's args, optional ones trailing. */
type ArgTypes<A extends readonly Arg[]> = A extends readonly [
  infer H extends Arg,
  ...infer T extends readonly Arg[],
]
  ? H['optional'] extends true
    ? [(Infer<H['schema']> | undefined)?, ...ArgTypes<T>]
    : [Infer<H['schema']>, ...ArgTypes<T>]
  : []

export type ApiMethod = MethodName
export type ApiArgs = { [M in MethodName]: ArgTypes<Table[M]['args']> }
export type ApiResponses = { [M in MethodName]: Infer<Table[M]['result']> }

/**
 * Everything a UI needs: the table's methods, and the event stream. A `peer` argument is a PeerId
 * or a display name that exactly one known peer has — or, where a conversation is meant (history,
 * send, markRead), a group: `group:<id>`, its id, or a name that exactly one of my groups has. A
 * `group` argument is one of the latter. Failures reject with an error carrying `code`
 * (shared/errors.ts) and a sentence.
 */
export type MessengerApi = {
  [M in MethodName]: (...args: ApiArgs[M]) => Promise<ApiResponses[M]>
} & {
  /** the event stream; returns the way to stop listening */
  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe
}

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
export { PEER_STATUSES } from '../../shared/status.js'
