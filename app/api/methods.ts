// The API's one method table: every MessengerApi method once — its arguments (in call order, each
// with its JSON schema), its result's schema — and every event once, with its payload's schema.
// Everything else is derived from it: the types (app/api/contract.ts), the HTTP routes and their
// validation (server.ts), the client (client.ts, for Node and the browser), the IPC checks of
// Electron's main process (app/main/ipc-schema.main.ts) and the preload's list of methods
// (app/main/build.ts). Adding a method is one entry here plus its implementation in LocalApi.
// Over 350 lines by design: it is the one table, and splitting it would make two places to look.
//
// Strings are bounded coarsely here; the engine applies the exact limits of shared/limits.ts
// (UTF-8 bytes of a message, characters of a name) so the user gets the specific error, e.g.
// MESSAGE_TOO_LONG, on every transport alike.
import { LIMITS } from '../../shared/limits.js'
import { PEER_STATUSES } from '../../shared/status.js'
import { TRANSFER_STATES } from '../../shared/transfer-state.js'
import { s, type Infer, type Schema } from './schema.js'

// ---- the views: plain JSON, no Node, no classes (the renderer imports these types) ----

const peerStatus = s.oneOf(...PEER_STATUSES)
const pathName = s.oneOf('lan', 'relay')
const peerId = s.string()

export const meView = s.object({
  peerId,
  name: s.string(),
  /** 0xRRGGBB */
  color: s.integer(0, 0xffffff),
  status: peerStatus,
  version: s.number(),
  /** the workgroup (department) I am listed under; null when none */
  workgroup: s.nullable(s.string()),
  /** the host name peers see beside my name */
  host: s.nullable(s.string()),
  /** where peers can reach me (multiaddrs ending in /p2p/<peerId>) */
  addresses: s.array(s.string()),
})

export const peerView = s.object(
  {
    peerId,
    /** null until the peer's profile arrived */
    name: s.nullable(s.string()),
    color: s.nullable(s.integer(0, 0xffffff)),
    status: s.nullable(peerStatus),
    online: s.boolean(),
    /** the paths that reach it now */
    paths: s.array(pathName),
    addresses: s.array(s.string()),
    /** ms; null when never seen */
    lastSeen: s.nullable(s.number()),
    /** from its profile (docs/protocol.md §2); null when it announced none */
    workgroup: s.nullable(s.string()),
    host: s.nullable(s.string()),
    /** eight hex digits of its key, "3f2a 91c0": tells two peers of one name apart (§14) */
    fingerprint: s.string(),
    /** I compared our safety number and confirmed it (§14) */
    verified: s.boolean(),
  },
  {
    /** an IP Messenger / FeiQ / iptux user over the IPMsg bridge: not encrypted, identity not
     * verified (docs/protocol.md §15) */
    legacy: s.boolean(),
    /** legacy: its workgroup and address while it is on the LAN */
    group: s.string(),
    address: s.string(),
  },
)

/** out: pending (queued) → sent (relay stored it) → delivered (receiver stored it) → read; or
 * failed (it can never be delivered: failure says why). in: delivered (unread) → read. */
const messageState = s.oneOf('pending', 'sent', 'delivered', 'read', 'failed')

export const messageView = s.object({
  /** 32 hex digits (UUIDv7), so string order is time order */
  id: s.string({ pattern: '^[0-9a-f]{32}$' }),
  /** conversation id: the peer's PeerId for a direct chat, `group:<groupId>` for a group */
  conversation: s.string(),
  /** sender PeerId */
  from: peerId,
  direction: s.oneOf('in', 'out'),
  /** 'file': a file or folder offered (text is its name; the transfer has this message id) */
  kind: s.oneOf('text', 'file'),
  text: s.nullable(s.string()),
  /** ms, sender's clock */
  sentAt: s.number(),
  /** ms, my clock; null for my own messages */
  receivedAt: s.nullable(s.number()),
  state: messageState,
  /** the path that carried it; null while pending */
  path: s.nullable(pathName),
  /** state 'failed': why, a sentence for the user; null otherwise */
  failure: s.nullable(s.string()),
  /** the message this one answers (its id); null when none */
  replyTo: s.nullable(s.string({ pattern: '^[0-9a-f]{32}$' })),
  /** in a group: the members it mentions */
  mentions: s.array(peerId),
  /** ms, when its sender recalled it (text is then null); null when not recalled */
  recalledAt: s.nullable(s.number()),
})

export const conversationView = s.object({
  /** a peer's PeerId, or `group:<groupId>` */
  id: s.string(),
  kind: s.oneOf('peer', 'group'),
  /** for a direct chat: the peer */
  peerId: s.nullable(peerId),
  /** for a group: its id */
  groupId: s.nullable(s.string()),
  /** the peer's name (a short PeerId before its profile came), or the group's name */
  title: s.string(),
  unread: s.number(),
  lastMessage: s.nullable(messageView),
  lastActivityAt: s.nullable(s.number()),
  /** no notifications, except for a mention of me */
  muted: s.boolean(),
  /** unread messages that mention me (a group's @ badge) */
  mentions: s.number(),
})

export const groupView = s.object({
  /** 22 characters of base64url */
  id: s.string(),
  /** its conversation id, `group:<id>` */
  conversation: s.string(),
  name: s.string(),
  owner: peerId,
  /** may add, remove and rename besides the owner */
  admins: s.array(peerId),
  /** PeerIds, owner included */
  members: s.array(peerId),
  /** each change is a new, signed version */
  version: s.number(),
  /** false once I left or was removed (the history stays) */
  joined: s.boolean(),
  /** what I may do: 'owner' and 'admin' change members and the name; a 'member' may leave */
  role: s.oneOf('owner', 'admin', 'member', 'none'),
})

const hexId = s.string({ pattern: '^[0-9a-f]{32}$' })

/** offered → accepted → transferring ⇄ paused → done; or failed (resumable), declined, cancelled
 * (docs/protocol.md §10 "In the app") */
const transferState = s.oneOf(...TRANSFER_STATES)

export const transferView = s.object({
  /** the transfer id, 32 hex digits (`pigeon accept <id>`) */
  id: hexId,
  /** its file message in the conversation */
  message: hexId,
  /** the other side: whom I offered it to (a group id for a file sent to a group), or who offered it to me */
  peer: peerId,
  /** the file's or folder's name */
  name: s.string(),
  /** bytes; a folder: all its files together */
  size: s.number(),
  bytesDone: s.number(),
  /** over the last progress interval (about 250 ms); 0 when not moving */
  rateBytesPerSec: s.number(),
  direction: s.oneOf('in', 'out'),
  state: transferState,
  /** the last problem, in words; null when none */
  error: s.nullable(s.string()),
  /** incoming: the directory it is pulled into, then (done) where the item is; null before */
  path: s.nullable(s.string()),
})

export const relayStatusView = s.object({
  state: s.oneOf('off', 'connecting', 'connected', 'error'),
  /** the relay address (mqtt://host:port#<relay PeerId>), null when none is set */
  url: s.nullable(s.string()),
  /** the last problem, in words */
  lastError: s.nullable(s.object({ code: s.string(), message: s.string(), at: s.number() })),
  /** ms; when the next connection attempt is due (state 'error') */
  retryAt: s.nullable(s.number()),
})

export const doctorFinding = s.object({
  check: s.string(),
  verdict: s.oneOf('ok', 'warn', 'fail'),
  /** a sentence a person can act on */
  message: s.string(),
})

export const contactLinkView = s.object({
  /** pigeon:<PeerId>?name=…&relay=… */
  link: s.string(),
  /** the same as a QR code drawn with Unicode blocks (for terminals) */
  qr: s.string(),
})

export const safetyNumberView = s.object({
  peerId,
  /** 60 digits, the same on both sides (docs/protocol.md §14) */
  safetyNumber: s.string(),
  /** the same in 12 groups of 5 */
  groups: s.array(s.string()),
  /** the QR code of `pigeon-safety:<digits>`: one string of '0'/'1' modules per row */
  qr: s.array(s.string()),
  verified: s.boolean(),
})

export type SettingValue =
  string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue }

// ---- the arguments ----

/** A PeerId or a display name exactly one known peer has; or, where a conversation is meant
 * (history, send, markRead, typing), a group: `group:<id>`, its id, or its name. */
const peer = s.string({ minLength: 1, maxLength: 256 })
/** `group:<id>`, the id, or a name exactly one of my groups has */
const group = s.string({ minLength: 1, maxLength: 256 })
// spaces around a name are trimmed first; the engine counts its characters exactly
const groupName = s.string({ minLength: 1, maxLength: 4 * LIMITS.groupNameChars })
const displayName = s.string({ minLength: 1, maxLength: 4 * LIMITS.nameChars })
const members = s.array(peer, { minItems: 1, maxItems: LIMITS.groupMembers })
const settingKey = s.string({ pattern: '^[A-Za-z0-9._-]{1,64}$' })
const pageLimit = s.integer(1, LIMITS.historyPage)
const localPath = s.string({ minLength: 1, maxLength: 4096 })

export const historyQuery = s.object(
  {},
  {
    /** only messages older than this message id (the page before it) */
    before: s.string({ pattern: '^[0-9a-fA-F]{32}$' }),
    /** 1..500, default 50 */
    limit: pageLimit,
  },
)
/** what a text may carry besides its words */
export const sendOptions = s.object(
  {},
  {
    /** the message it answers, one of this conversation (its id) */
    replyTo: s.string({ pattern: '^[0-9a-fA-F]{32}$' }),
    /** in a group: members it mentions (PeerIds); others are dropped */
    mentions: s.array(peerId, { maxItems: LIMITS.groupMembers }),
  },
)
export const profileChange = s.object(
  {},
  {
    name: displayName,
    color: s.integer(0, 0xffffff),
    /** '' or null removes it */
    workgroup: s.nullable(s.string({ maxLength: 4 * LIMITS.workgroupChars })),
  },
)

/** One positional argument. On the wire (the HTTP body, the IPC check) it is the field `name`;
 * a `fields` argument is an object whose fields are the body's fields themselves. */
export interface Arg<
  N extends string = string,
  T = unknown,
  O extends boolean = boolean,
  F extends boolean = boolean,
> {
  readonly name: N
  readonly schema: Schema<T>
  readonly optional: O
  readonly fields: F
}

const arg = <N extends string, T>(name: N, schema: Schema<T>): Arg<N, T, false, false> => ({
  name,
  schema,
  optional: false,
  fields: false,
})
const optional = <N extends string, T>(name: N, schema: Schema<T>): Arg<N, T, true, false> => ({
  name,
  schema,
  optional: true,
  fields: false,
})
const fields = <N extends string, T, O extends boolean = false>(
  name: N,
  schema: Schema<T>,
  isOptional?: O,
): Arg<N, T, O, true> => ({ name, schema, optional: (isOptional ?? false) as O, fields: true })

export interface Method {
  readonly args: readonly Arg[]
  readonly result: Schema<unknown>
}

const method = <const A extends readonly Arg[], R>(args: A, result: Schema<R>) => ({ args, result })

// ---- the table ----

export const METHODS = {
  me: method([], meView),
  peers: method([], s.array(peerView)),
  conversations: method([], s.array(conversationView)),
  /** oldest first */
  history: method([arg('peer', peer), fields('query', historyQuery, true)], s.array(messageView)),
  /** newest first; any substring (3+ characters by full-text index, shorter by scan) */
  search: method(
    [arg('text', s.string({ minLength: 1, maxLength: 1024 })), optional('limit', pageLimit)],
    s.array(messageView),
  ),
  /** stored and queued at once (state pending); delivery follows as message-state events */
  send: method(
    [
      arg('peer', peer),
      arg('text', s.string({ minLength: 1, maxLength: LIMITS.envelopeBytes })),
      fields('options', sendOptions, true),
    ],
    messageView,
  ),
  /** takes back a text of mine within 2 minutes of sending it (docs/protocol.md §2 "Recall") */
  recall: method([arg('id', hexId)], messageView),
  /** no notifications for a conversation (a mention of me still notifies), or again with false */
  mute: method([arg('peer', peer), arg('muted', s.boolean())], conversationView),
  markRead: method([arg('peer', peer)], s.object({ read: s.number() })),
  typing: method([arg('peer', peer), arg('typing', s.boolean())], s.none()),
  setProfile: method([fields('change', profileChange)], meView),
  setStatus: method([arg('status', peerStatus)], meView),
  getSetting: method([arg('key', settingKey)], s.nullable(s.json<SettingValue>())),
  setSetting: method(
    [arg('key', settingKey), arg('value', s.json<SettingValue>(16 * 1024))],
    s.none(),
  ),
  relayStatus: method([], relayStatusView),
  /** sets (and remembers) the relay address, or switches the relay off with null */
  setRelay: method(
    [arg('url', s.nullable(s.string({ minLength: 1, maxLength: 512 })))],
    relayStatusView,
  ),
  /** adds someone beyond the LAN by PeerId or pigeon: link; their presence comes by the relay */
  addContact: method([arg('link', s.string({ minLength: 1, maxLength: 2048 }))], peerView),
  /** my contact link, to give to people beyond the LAN */
  myLink: method([], contactLinkView),
  /** runs the checks of `pigeon doctor` (about one peer too, when given) */
  doctor: method([optional('peer', peer)], s.array(doctorFinding)),
  /** my groups, including the ones I left (their history stays) */
  groups: method([], s.array(groupView)),
  /** one of my groups by id, `group:<id>` or name — never a peer of that name (GROUP_UNKNOWN,
   * GROUP_AMBIGUOUS) */
  group: method([arg('group', group)], groupView),
  /** a new group of me and these peers (PeerIds or names); I own it */
  createGroup: method([arg('name', groupName), arg('members', members)], groupView),
  addToGroup: method([arg('group', group), arg('members', members)], groupView),
  removeFromGroup: method([arg('group', group), arg('members', members)], groupView),
  leaveGroup: method([arg('group', group)], groupView),
  renameGroup: method([arg('group', group), arg('name', groupName)], groupView),
  /** drops a peer from the known peers (the conversation stays); false when it was not known.
   * A peer online on the LAN comes back when it is next discovered. */
  forgetPeer: method([arg('peer', peer)], s.object({ forgotten: s.boolean() })),
  /** the safety number of me and the peer, to compare (docs/protocol.md §14) */
  safetyNumber: method([arg('peer', peer)], safetyNumberView),
  /** marks the peer verified after comparing safety numbers, or takes the mark back */
  setVerified: method([arg('peer', peer), arg('verified', s.boolean())], peerView),
  /** offers each file or folder (paths on the node's own disk) to the peer: one transfer each,
   * queued like a text; over the LAN only for now */
  sendFiles: method(
    [arg('peer', peer), arg('paths', s.array(localPath, { minItems: 1, maxItems: 256 }))],
    s.array(transferView),
  ),
  /** a text too long for a message, offered as a .txt file the node writes into its data dir */
  sendTextAsFile: method(
    [arg('peer', peer), arg('text', s.string({ minLength: 1, maxLength: 64 * 1024 }))],
    s.array(transferView),
  ),
  /** every transfer, both directions, oldest first */
  transfers: method([], s.array(transferView)),
  /** starts pulling an offered transfer into `dir` (default: the setting files.downloadDir, else
   * ~/Downloads/Pigeon) */
  acceptTransfer: method([arg('id', hexId), optional('dir', localPath)], transferView),
  declineTransfer: method([arg('id', hexId)], transferView),
  /** mine: stop offering it; theirs: stop pulling and delete what came of it */
  cancelTransfer: method([arg('id', hexId)], transferView),
  /** stops pulling and keeps what came, for resumeTransfer */
  pauseTransfer: method([arg('id', hexId)], transferView),
  resumeTransfer: method([arg('id', hexId)], transferView),
  /** where an accepted transfer lands by default: the setting files.downloadDir, else the OS
   * download folder's Pigeon (XDG DOWNLOAD on Linux, else ~/Downloads) */
  downloadDir: method([], s.string()),
} as const satisfies Record<string, Method>

export type MethodName = keyof typeof METHODS

/** The table's names, in its order. */
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name)
}

// ---- the events (the `/api/events` WebSocket, the IPC event channel) ----

export const EVENTS = {
  message: s.object({ message: messageView }),
  'message-state': s.object({ message: messageView }),
  peer: s.object({ peer: peerView }),
  profile: s.object({ me: meView }),
  typing: s.object({ peerId, typing: s.boolean() }),
  /** dropped from the known peers by forgetPeer, here or in another open UI */
  'peer-forgotten': s.object({ peerId }),
  conversation: s.object({ conversation: conversationView }),
  relay: s.object({ relay: relayStatusView }),
  group: s.object({ group: groupView }),
  /** offered, moved on, or made progress (at most every 250 ms while it runs) */
  transfer: s.object({ transfer: transferView }),
} as const

export type EventPayloads = { [K in keyof typeof EVENTS]: Infer<(typeof EVENTS)[K]> }
