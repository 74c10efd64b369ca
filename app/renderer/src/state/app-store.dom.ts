// The UI's one source of truth: a snapshot object replaced on every change and read through
// useSyncExternalStore. It talks to the node only through the MessengerApi (app/api/contract.ts,
// its own names and types) and keeps just what the screens show: peers, conversations, groups,
// the loaded pages of each history, who is typing, the relay. This class holds the snapshot, the
// reload and the everyday actions; its parts are modules beside it: the snapshot's types
// (app-state.dom.ts), the event reducer (store-events.dom.ts), history pages
// (history-pages.dom.ts, message-list.dom.ts), typing expiry, search, peer, group and transfer
// actions.
import type {
  MessageView,
  MessengerApi,
  PeerStatus,
  TransferView,
  Unsubscribe,
} from '../../../api/contract.js'
import type { Connection } from '../api/connect.dom.js'
import {
  initialState,
  toProblem,
  type AppState,
  type Problem,
  type StoreCore,
  type StoreEvent,
  type TransferAction,
} from './app-state.dom.js'
import { GroupActions } from './group-actions.dom.js'
import { loadOlder } from './history-pages.dom.js'
import { MessageSearch } from './message-search.dom.js'
import { PeerBatch } from './peer-batch.dom.js'
import { addContact, forgetPeer, setVerified } from './peer-actions.dom.js'
import { setProfile, setRelay, setStatus } from './me-actions.dom.js'
import { applyEvent, type EventHooks } from './store-events.dom.js'
import { offerWith, transferAction } from './transfer-actions.dom.js'
import { TypingExpiry } from './typing-expiry.dom.js'

// the snapshot's types stay importable from here, where the screens have always found them
export type {
  AppState,
  History,
  Problem,
  SearchState,
  StoreEvent,
  TransferAction,
} from './app-state.dom.js'
export { toProblem } from './app-state.dom.js'
export { PAGE_SIZE } from './history-pages.dom.js'

/** the events whose state a reload's snapshot replaces (setting them again is harmless) */
const SNAPSHOT_EVENTS: ReadonlySet<StoreEvent['type']> = new Set([
  'peer',
  'peer-forgotten',
  'profile',
  'conversation',
  'relay',
  'group',
  'transfer',
])

export class AppStore {
  #state: AppState = initialState()
  readonly #listeners = new Set<() => void>()
  readonly api: MessengerApi
  readonly #onLink: Connection['onLink']
  #unsubscribe?: Unsubscribe
  #offLink?: Unsubscribe
  /** what the store's parts (the modules beside it) may do to it */
  readonly #core: StoreCore
  readonly #typing: TypingExpiry
  readonly #peerBatch: PeerBatch
  readonly #hooks: EventHooks
  readonly #groups: GroupActions
  readonly #search: MessageSearch
  /** one list per reload in progress: state events that came while its snapshot was on its way */
  readonly #duringReload = new Set<StoreEvent[]>()
  /** called for incoming messages (notifications in browser mode) */
  onIncoming?: (message: MessageView, state: AppState) => void

  constructor(connection: Connection) {
    this.api = connection.api
    this.#onLink = connection.onLink
    this.#core = {
      api: this.api,
      state: () => this.#state,
      set: (change) => this.#set(change),
      dispatch: (event) => this.#onEvent(event),
      flushPeers: () => this.#peerBatch.flush(),
    }
    this.#typing = new TypingExpiry(this.#core)
    this.#peerBatch = new PeerBatch(this.#core)
    this.#search = new MessageSearch(this.#core)
    this.#hooks = {
      typing: this.#typing,
      peers: this.#peerBatch,
      incoming: (message) => {
        this.onIncoming?.(message, this.#state)
        if (this.#state.selected === message.conversation && this.#canSeeConversation()) {
          void this.markRead(message.conversation)
        }
      },
      refreshConversations: () => this.#refreshConversations(),
      select: (conversationId) => this.select(conversationId),
      reload: () => this.reload(),
    }
    this.#groups = new GroupActions(
      this.#core,
      () => this.#refreshConversations(),
      (conversationId) => this.select(conversationId),
    )
  }

  getState = (): AppState => this.#state

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #set(change: Partial<AppState>): void {
    if (change.peers !== undefined) this.#peerBatch.supersede(this.#state.peers, change.peers)
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
    this.#typing.stop()
    this.#peerBatch.stop()
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
      this.#peerBatch.flush()
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
    if (SNAPSHOT_EVENTS.has(event.type)) for (const during of this.#duringReload) during.push(event)
    applyEvent(this.#core, this.#hooks, event)
  }

  /** A new group of me and these peers, then its conversation opens. Error in words. */
  createGroup(name: string, members: string[]): Promise<Problem | undefined> {
    return this.#groups.create(name, members)
  }

  addToGroup(conversationId: string, members: string[]): Promise<Problem | undefined> {
    return this.#groups.add(conversationId, members)
  }

  removeFromGroup(conversationId: string, member: string): Promise<Problem | undefined> {
    return this.#groups.remove(conversationId, member)
  }

  renameGroup(conversationId: string, name: string): Promise<Problem | undefined> {
    return this.#groups.rename(conversationId, name)
  }

  leaveGroup(conversationId: string): Promise<Problem | undefined> {
    return this.#groups.leave(conversationId)
  }

  #canSeeConversation(): boolean {
    return document.visibilityState === 'visible' && !this.#state.settingsOpen
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
  loadOlder(conversationId: string): Promise<void> {
    return loadOlder(this.#core, conversationId)
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
  offerWith(send: () => Promise<TransferView[]>): Promise<void> {
    return offerWith(this.#core, send)
  }

  /** a file bubble's button; the node answers with the transfer's new state */
  transferAction(action: TransferAction, id: string): Promise<void> {
    return transferAction(this.#core, action, id)
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

  search(query: string): Promise<void> {
    return this.#search.run(query)
  }

  setProfile(change: {
    name?: string
    color?: number
    workgroup?: string | null
  }): Promise<boolean> {
    return setProfile(this.#core, change)
  }

  setStatus(status: PeerStatus): Promise<void> {
    return setStatus(this.#core, status)
  }

  setRelay(url: string | null): Promise<boolean> {
    return setRelay(this.#core, url)
  }

  focused(): void {
    if (this.#state.focus !== undefined) this.#set({ focus: undefined })
  }

  /** Someone beyond the LAN, by PeerId or contact link; opens the conversation. Error in words. */
  addContact(link: string): Promise<Problem | undefined> {
    return addContact(this.#core, link, (conversationId) => this.select(conversationId))
  }

  /** Drops a peer from the known list (its conversation stays), in every open UI. */
  forgetPeer(peerId: string): Promise<void> {
    return forgetPeer(this.#core, peerId)
  }

  /** Marks a peer verified after comparing safety numbers (docs/protocol.md §14), or not. */
  setVerified(peerId: string, verified: boolean): Promise<boolean> {
    return setVerified(this.#core, peerId, verified)
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
