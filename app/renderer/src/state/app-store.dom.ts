// The UI's one source of truth: a snapshot object replaced on every change and read through
// useSyncExternalStore. It talks to the node only through the MessengerApi (app/api/contract.ts,
// its own names and types) and keeps just what the screens show: peers, conversations, groups,
// the loaded pages of each history, who is typing, the relay.
import type {
  ConversationView,
  GroupView,
  MeView,
  MessageView,
  MessengerApi,
  MessengerEvent,
  PeerStatus,
  PeerView,
  RelayStatusView,
  TransferView,
  Unsubscribe,
} from '../../../api/contract.js'
import type { Connection } from '../api/connect.dom.js'

export const PAGE_SIZE = 200
const SEARCH_RESULTS = 100
const TYPING_SHOWN_MS = 6000

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

/** Any rejection in words: `{ code, message }` from the node (a PigeonError from the HTTP client,
 * a plain object from the preload), or anything else. */
export function toProblem(error: unknown): Problem {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN'
    return { code, message: String(error.message).split('\n')[0] ?? '' }
  }
  return { code: 'UNKNOWN', message: String(error) }
}

const STATE_RANK: Record<MessageView['state'], number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
}

/** States only move forward; events and call results can arrive in either order. */
function newer(current: MessageView, incoming: MessageView): MessageView {
  return STATE_RANK[incoming.state] >= STATE_RANK[current.state]
    ? incoming
    : { ...incoming, state: current.state, path: current.path ?? incoming.path }
}

function insertSorted(items: MessageView[], message: MessageView): MessageView[] {
  // search from the end: updates are almost always about recent messages
  let existing = -1
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i]?.id === message.id) {
      existing = i
      break
    }
  }
  if (existing >= 0) {
    const current = items[existing]
    const next = items.slice()
    next[existing] = current === undefined ? message : newer(current, message)
    return next
  }
  // almost always the newest: append; otherwise find the place (ids are time-ordered)
  const last = items[items.length - 1]
  if (last === undefined || last.id < message.id) return [...items, message]
  let index = items.length
  while (index > 0 && (items[index - 1]?.id ?? '') > message.id) index--
  return [...items.slice(0, index), message, ...items.slice(index)]
}

/** the events whose state a reload's snapshot replaces (setting them again is harmless) */
const SNAPSHOT_EVENTS: ReadonlySet<StoreEvent['type']> = new Set([
  'peer',
  'profile',
  'conversation',
  'relay',
  'group',
  'transfer',
])

export class AppStore {
  #state: AppState = {
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
  readonly #listeners = new Set<() => void>()
  readonly api: MessengerApi
  readonly #onLink: Connection['onLink']
  #unsubscribe?: Unsubscribe
  #offLink?: Unsubscribe
  #typingTimer?: ReturnType<typeof setTimeout>
  #searchSeq = 0
  /** one list per reload in progress: state events that came while its snapshot was on its way */
  readonly #duringReload = new Set<StoreEvent[]>()
  /** called for incoming messages (notifications in browser mode) */
  onIncoming?: (message: MessageView, state: AppState) => void

  constructor(connection: Connection) {
    this.api = connection.api
    this.#onLink = connection.onLink
  }

  getState = (): AppState => this.#state

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #set(change: Partial<AppState>): void {
    this.#state = { ...this.#state, ...change }
    for (const listener of this.#listeners) listener()
  }

  async start(): Promise<void> {
    // Electron's main sends its 'ui:open' on the same stream
    this.#unsubscribe = this.api.subscribe((event) => this.#onEvent(event as StoreEvent))
    this.#offLink = this.#onLink?.((up, reason) => this.#onEvent({ type: 'link', up, reason }))
    try {
      await this.reload()
      this.#set({ ready: true, fatal: undefined })
    } catch (error) {
      this.#set({ fatal: toProblem(error) })
    }
  }

  stop(): void {
    this.#unsubscribe?.()
    this.#offLink?.()
    clearTimeout(this.#typingTimer)
  }

  /** Everything from the node again: on start and after the link came back. */
  async reload(): Promise<void> {
    const during: StoreEvent[] = []
    this.#duringReload.add(during)
    try {
      const [me, peers, conversations] = await Promise.all([
        this.api.me(),
        this.api.peers(),
        this.api.conversations(),
      ])
      const relay = await this.api.relayStatus().catch(() => undefined)
      const groups = await this.api.groups()
      const transfers = await this.api.transfers()
      this.#set({
        transfers: new Map(transfers.map((x) => [x.message, x])),
        me,
        peers: new Map(peers.map((p) => [p.peerId, p])),
        conversations: new Map(conversations.map((c) => [c.id, c])),
        relay,
        groups: new Map(groups.map((g) => [g.conversation, g])),
      })
      // an event that came while the snapshot was on its way may be newer than the snapshot
      // (the node answered the first request before the change, the event after it)
      this.#duringReload.delete(during)
      for (const event of during) this.#onEvent(event)
    } finally {
      this.#duringReload.delete(during)
    }
    // refresh the open conversation's newest page; older pages reload on scroll
    const selected = this.#state.selected
    if (selected !== undefined) {
      const histories = new Map(this.#state.histories)
      histories.delete(selected)
      this.#set({ histories })
      await this.loadOlder(selected)
    }
  }

  #onEvent(event: StoreEvent): void {
    const s = this.#state
    if (SNAPSHOT_EVENTS.has(event.type)) for (const during of this.#duringReload) during.push(event)
    switch (event.type) {
      case 'message':
      case 'message-state': {
        const message = event.message
        const history = s.histories.get(message.conversation)
        if (history !== undefined) {
          const histories = new Map(s.histories)
          histories.set(message.conversation, {
            ...history,
            items: insertSorted(history.items, message),
          })
          this.#set({ histories })
        }
        if (event.type === 'message' && message.direction === 'in') {
          this.#clearTyping(message.from)
          this.onIncoming?.(message, this.#state)
          if (this.#state.selected === message.conversation && this.#canSeeConversation()) {
            void this.markRead(message.conversation)
          }
        }
        if (!s.conversations.has(message.conversation)) void this.#refreshConversations()
        break
      }
      case 'peer': {
        const peers = new Map(s.peers)
        peers.set(event.peer.peerId, event.peer)
        this.#set({ peers })
        break
      }
      case 'profile':
        this.#set({ me: event.me })
        break
      case 'conversation': {
        const conversations = new Map(s.conversations)
        conversations.set(event.conversation.id, event.conversation)
        this.#set({ conversations })
        break
      }
      case 'typing':
        if (event.typing) {
          const typing = new Map(s.typing)
          typing.set(event.peerId, Date.now() + TYPING_SHOWN_MS)
          this.#set({ typing })
          this.#scheduleTypingExpiry()
        } else this.#clearTyping(event.peerId)
        break
      case 'transfer': {
        const transfers = new Map(s.transfers)
        transfers.set(event.transfer.message, event.transfer)
        this.#set({ transfers })
        break
      }
      case 'relay':
        this.#set({ relay: event.relay })
        break
      case 'group':
        this.#noteGroup(event.group)
        break
      case 'ui:open':
        this.select(event.conversation)
        break
      case 'link': {
        const wasDown = !s.linkUp
        if (event.reason === 'unauthorized') {
          this.#set({ linkUp: false, linkProblem: 'API_UNAUTHORIZED' })
          break
        }
        this.#set({ linkUp: event.up, linkProblem: event.up ? undefined : s.linkProblem })
        if (event.up && wasDown)
          void this.reload().catch((error: unknown) => this.#set({ problem: toProblem(error) }))
        break
      }
    }
  }

  /** The reply to my change and the event about it come in either order: the higher version wins. */
  #noteGroup(group: GroupView): void {
    const current = this.#state.groups.get(group.conversation)
    if (current !== undefined && current.version > group.version) return
    const groups = new Map(this.#state.groups)
    groups.set(group.conversation, group)
    this.#set({ groups })
  }

  /** A group change of mine; the reply is noted at once (its event may come later). */
  async #groupChange(change: () => Promise<GroupView>): Promise<Problem | undefined> {
    try {
      this.#noteGroup(await change())
      return undefined
    } catch (error) {
      return toProblem(error)
    }
  }

  /** A new group of me and these peers, then its conversation opens. Error in words. */
  async createGroup(name: string, members: string[]): Promise<Problem | undefined> {
    try {
      const group = await this.api.createGroup(name, members)
      this.#noteGroup(group)
      if (!this.#state.conversations.has(group.conversation)) await this.#refreshConversations()
      this.select(group.conversation)
      return undefined
    } catch (error) {
      return toProblem(error)
    }
  }

  addToGroup(conversationId: string, members: string[]): Promise<Problem | undefined> {
    return this.#groupChange(() => this.api.addToGroup(conversationId, members))
  }

  removeFromGroup(conversationId: string, member: string): Promise<Problem | undefined> {
    return this.#groupChange(() => this.api.removeFromGroup(conversationId, [member]))
  }

  renameGroup(conversationId: string, name: string): Promise<Problem | undefined> {
    return this.#groupChange(() => this.api.renameGroup(conversationId, name))
  }

  leaveGroup(conversationId: string): Promise<Problem | undefined> {
    return this.#groupChange(() => this.api.leaveGroup(conversationId))
  }

  #canSeeConversation(): boolean {
    return document.visibilityState === 'visible' && !this.#state.settingsOpen
  }

  #clearTyping(peerId: string): void {
    if (!this.#state.typing.has(peerId)) return
    const typing = new Map(this.#state.typing)
    typing.delete(peerId)
    this.#set({ typing })
  }

  #scheduleTypingExpiry(): void {
    clearTimeout(this.#typingTimer)
    const next = Math.min(...this.#state.typing.values())
    if (!Number.isFinite(next)) return
    this.#typingTimer = setTimeout(
      () => {
        const now = Date.now()
        const typing = new Map([...this.#state.typing].filter(([, until]) => until > now))
        this.#set({ typing })
        this.#scheduleTypingExpiry()
      },
      Math.max(50, next - Date.now()),
    )
  }

  async #refreshConversations(): Promise<void> {
    try {
      const list = await this.api.conversations()
      this.#set({ conversations: new Map(list.map((c) => [c.id, c])) })
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  select(conversationId: string | undefined, focus?: string): void {
    this.#set({ selected: conversationId, focus, settingsOpen: false })
    if (conversationId === undefined) return
    if (!this.#state.histories.has(conversationId)) void this.loadOlder(conversationId)
    if ((this.#state.conversations.get(conversationId)?.unread ?? 0) > 0)
      void this.markRead(conversationId)
  }

  /** Loads the page before the oldest loaded message (the newest page first). */
  async loadOlder(conversationId: string): Promise<void> {
    const current = this.#state.histories.get(conversationId)
    if (current?.loading === true || current?.complete === true) return
    const set = (h: History): void => {
      const histories = new Map(this.#state.histories)
      histories.set(conversationId, h)
      this.#set({ histories })
    }
    set({ items: current?.items ?? [], complete: false, loading: true })
    try {
      const page = await this.api.history(conversationId, {
        before: current?.items[0]?.id,
        limit: PAGE_SIZE,
      })
      const latest = this.#state.histories.get(conversationId)?.items ?? []
      const lastOfPage = page[page.length - 1]
      const firstLoaded = latest[0]
      if (lastOfPage !== undefined && firstLoaded !== undefined && lastOfPage.id < firstLoaded.id) {
        // the usual case, an older page: no overlap, prepend without re-sorting 100,000 rows
        set({ items: [...page, ...latest], complete: page.length < PAGE_SIZE, loading: false })
        return
      }
      // first page, or events added messages meanwhile: merge by id
      const byId = new Map<string, MessageView>()
      for (const m of page) byId.set(m.id, m)
      for (const m of latest) {
        const fetched = byId.get(m.id)
        byId.set(m.id, fetched === undefined ? m : newer(m, fetched))
      }
      const items = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      set({ items, complete: page.length < PAGE_SIZE, loading: false })
    } catch (error) {
      set({ items: current?.items ?? [], complete: false, loading: false })
      this.#set({ problem: toProblem(error) })
    }
  }

  async send(
    conversationId: string,
    text: string,
    options?: { replyTo?: string; mentions?: string[] },
  ): Promise<boolean> {
    try {
      const message = await this.api.send(conversationId, text, options)
      this.#onEvent({ type: 'message', message })
      return true
    } catch (error) {
      this.#set({ problem: toProblem(error) })
      return false
    }
  }

  /** offers files or folders (paths on the node's disk) to the peer of a conversation */
  async sendFiles(conversationId: string, paths: string[]): Promise<void> {
    if (paths.length === 0) return
    await this.offerWith(() => this.api.sendFiles(conversationId, paths))
  }

  /** transfers made by `send`: sendFiles, or browser mode's upload (ui/send-files.dom.ts) */
  async offerWith(send: () => Promise<TransferView[]>): Promise<void> {
    try {
      for (const view of await send()) this.#onEvent({ type: 'transfer', transfer: view })
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  /** a file bubble's button; the node answers with the transfer's new state */
  async transferAction(action: TransferAction, id: string): Promise<void> {
    try {
      const view = await (action === 'accept'
        ? this.api.acceptTransfer(id)
        : action === 'decline'
          ? this.api.declineTransfer(id)
          : action === 'pause'
            ? this.api.pauseTransfer(id)
            : action === 'resume'
              ? this.api.resumeTransfer(id)
              : this.api.cancelTransfer(id))
      this.#onEvent({ type: 'transfer', transfer: view })
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  async markRead(conversationId: string): Promise<void> {
    try {
      await this.api.markRead(conversationId)
      const conversation = this.#state.conversations.get(conversationId)
      if (conversation !== undefined && conversation.unread > 0) {
        const conversations = new Map(this.#state.conversations)
        conversations.set(conversationId, { ...conversation, unread: 0 })
        this.#set({ conversations })
      }
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  typing(conversationId: string, typing: boolean): void {
    this.api.typing(conversationId, typing).catch(() => undefined) // best effort by design
  }

  async search(query: string): Promise<void> {
    const seq = ++this.#searchSeq
    const trimmed = query.trim()
    if (trimmed.length === 0) {
      this.#set({ search: undefined })
      return
    }
    this.#set({
      search: { query: trimmed, results: this.#state.search?.results ?? [], loading: true },
    })
    try {
      const results = await this.api.search(trimmed, SEARCH_RESULTS)
      if (seq === this.#searchSeq)
        this.#set({ search: { query: trimmed, results, loading: false } })
    } catch (error) {
      if (seq === this.#searchSeq)
        this.#set({
          search: { query: trimmed, results: [], loading: false },
          problem: toProblem(error),
        })
    }
  }

  async setProfile(change: {
    name?: string
    color?: number
    workgroup?: string | null
  }): Promise<boolean> {
    try {
      this.#set({ me: await this.api.setProfile(change) })
      return true
    } catch (error) {
      this.#set({ problem: toProblem(error) })
      return false
    }
  }

  async setStatus(status: PeerStatus): Promise<void> {
    try {
      this.#set({ me: await this.api.setStatus(status) })
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  async setRelay(url: string | null): Promise<boolean> {
    try {
      this.#set({ relay: await this.api.setRelay(url) })
      return true
    } catch (error) {
      this.#set({ problem: toProblem(error) })
      return false
    }
  }

  focused(): void {
    if (this.#state.focus !== undefined) this.#set({ focus: undefined })
  }

  /** Someone beyond the LAN, by PeerId or contact link; opens the conversation. Error in words. */
  async addContact(link: string): Promise<Problem | undefined> {
    try {
      const peer = await this.api.addContact(link)
      // a 'peer' event (e.g. the contact's presence through the relay) may have overtaken this
      // reply: it is newer than the snapshot in the reply, so it wins
      if (!this.#state.peers.has(peer.peerId)) {
        const peers = new Map(this.#state.peers)
        peers.set(peer.peerId, peer)
        this.#set({ peers })
      }
      this.select(peer.peerId)
      return undefined
    } catch (error) {
      return toProblem(error)
    }
  }

  /** Drops a peer from the known list (its conversation stays); the node sends no event for it. */
  async forgetPeer(peerId: string): Promise<void> {
    try {
      await this.api.forgetPeer(peerId)
      const peers = new Map(this.#state.peers)
      peers.delete(peerId)
      this.#set({ peers })
    } catch (error) {
      this.#set({ problem: toProblem(error) })
    }
  }

  /** Marks a peer verified after comparing safety numbers (docs/protocol.md §14), or not. */
  async setVerified(peerId: string, verified: boolean): Promise<boolean> {
    try {
      const peer = await this.api.setVerified(peerId, verified)
      const peers = new Map(this.#state.peers)
      peers.set(peer.peerId, peer)
      this.#set({ peers })
      return true
    } catch (error) {
      this.#set({ problem: toProblem(error) })
      return false
    }
  }

  openSettings(open: boolean): void {
    this.#set({ settingsOpen: open })
  }

  /** an action's error, in the banner (the everyday actions of ui/MessageMenu.dom.tsx) */
  report(error: unknown): void {
    this.#set({ problem: toProblem(error) })
  }

  dismissProblem(): void {
    this.#set({ problem: undefined })
  }

  /** The window came back to the front: what is on screen is now read. */
  visible(): void {
    const selected = this.#state.selected
    if (
      selected !== undefined &&
      (this.#state.conversations.get(selected)?.unread ?? 0) > 0 &&
      this.#canSeeConversation()
    ) {
      void this.markRead(selected)
    }
  }
}
