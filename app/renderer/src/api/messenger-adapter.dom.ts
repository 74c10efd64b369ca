// UiApi over the MessengerApi contract (app/api/contract.ts): the one place that knows the
// contract's field names. Errors become UiError with the node's code and sentence.
import type {
  ConversationView,
  GroupView,
  MessageView,
  MessengerApi,
  MessengerEvent,
  PeerView,
  RelayStatusView,
} from '../../../api/contract.js'
import {
  UiError,
  type UiApi,
  type UiConversation,
  type UiEvent,
  type UiGroup,
  type UiMessage,
  type UiPeer,
  type UiRelay,
} from './ui-api.js'

function message(m: MessageView): UiMessage {
  return {
    id: m.id,
    conversationId: m.conversation,
    sender: m.from,
    sentAt: m.sentAt,
    text: m.text ?? '',
    state: m.state,
    path: m.path,
    direction: m.direction,
    failure: m.failure ?? null,
  }
}

function peer(p: PeerView): UiPeer {
  return {
    peerId: p.peerId,
    name: p.name,
    color: p.color,
    status: p.status,
    online: p.paths,
    lastSeen: p.lastSeen,
  }
}

function relay(r: RelayStatusView): UiRelay {
  return {
    url: r.url,
    state: r.state,
    error: r.lastError?.message,
    retryAt: r.retryAt ?? undefined,
  }
}

function conversation(c: ConversationView): UiConversation {
  const last = c.lastMessage
  return {
    id: c.id,
    kind: c.kind,
    target: c.peerId ?? c.id,
    title: c.kind === 'group' ? c.title : undefined,
    unread: c.unread,
    lastActivityAt: c.lastActivityAt,
    preview:
      last === null || last.text === null
        ? undefined
        : { text: last.text, direction: last.direction, sender: last.from },
  }
}

function group(g: GroupView): UiGroup {
  return {
    id: g.id,
    conversationId: g.conversation,
    name: g.name,
    owner: g.owner,
    admins: g.admins,
    members: g.members,
    version: g.version,
    joined: g.joined,
    role: g.role,
  }
}

function event(e: MessengerEvent): UiEvent | undefined {
  switch (e.type) {
    case 'message':
    case 'message-state':
      return { type: e.type, message: message(e.message) }
    case 'peer':
      return { type: 'peer', peer: peer(e.peer) }
    case 'profile':
      return { type: 'profile', me: e.me }
    case 'typing':
      return e
    case 'conversation':
      return { type: 'conversation', conversation: conversation(e.conversation) }
    case 'relay':
      return { type: 'relay', relay: relay(e.relay) }
    case 'group':
      return { type: 'group', group: group(e.group) }
    default: {
      // app/main adds one event of its own on the same stream: a clicked notification
      const host = e as unknown as { type: string; conversation?: unknown }
      if (host.type === 'ui:open' && typeof host.conversation === 'string')
        return { type: 'open', conversationId: host.conversation }
      return undefined // a newer node's event this UI does not know yet
    }
  }
}

/** Any rejection as a UiError: `{ code, message }` from the node, or a plain Error. */
export function asUiError(error: unknown): UiError {
  if (error instanceof UiError) return error
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN'
    return new UiError(code, String(error.message).split('\n')[0] ?? '')
  }
  return new UiError('UNKNOWN', String(error))
}

async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (error) {
    throw asUiError(error)
  }
}

/** `linkEvents` adds the transport's up/down events (the WebSocket in a browser). */
export function adaptMessengerApi(
  api: MessengerApi,
  linkEvents?: (listener: (up: boolean, reason?: 'unauthorized') => void) => () => void,
): UiApi {
  return {
    me: () => call(api.me()),
    peers: async () => (await call(api.peers())).map(peer),
    conversations: async () => (await call(api.conversations())).map(conversation),
    history: async (id, query) =>
      (await call(api.history(id, { before: query.before, limit: query.limit }))).map(message),
    send: async (id, text) => message(await call(api.send(id, text))),
    markRead: async (id) => {
      await call(api.markRead(id))
    },
    typing: (id, typing) => call(api.typing(id, typing)),
    search: async (text) => (await call(api.search(text, 100))).map(message),
    setProfile: (change) => call(api.setProfile(change)),
    setStatus: (status) => call(api.setStatus(status)),
    savePreference: (key, value) => call(api.setSetting(`ui.${key}`, value)),
    relay: async () => relay(await call(api.relayStatus())),
    setRelay: async (url) => relay(await call(api.setRelay(url))),
    addContact: async (link) => peer(await call(api.addContact(link))),
    myLink: () => call(api.myLink()),
    doctor: (who) => call(api.doctor(who)),
    groups: async () => (await call(api.groups())).map(group),
    createGroup: async (name, members) => group(await call(api.createGroup(name, members))),
    addToGroup: async (id, members) => group(await call(api.addToGroup(id, members))),
    removeFromGroup: async (id, members) => group(await call(api.removeFromGroup(id, members))),
    leaveGroup: async (id) => group(await call(api.leaveGroup(id))),
    renameGroup: async (id, name) => group(await call(api.renameGroup(id, name))),
    subscribe: (listener) => {
      const off = api.subscribe((e) => {
        const mapped = event(e)
        if (mapped !== undefined) listener(mapped)
      })
      const offLink = linkEvents?.((up, reason) => listener({ type: 'link', up, reason }))
      return () => {
        off()
        offLink?.()
      }
    },
  }
}
