// The messenger engine's facade: what the hosts call (app/api/local.ts, the CLI through it, the
// tests). Its parts each do one job — the outbox router (router/), presence (presence.ts),
// profiles (profile-service.ts), groups (groups/), what I send (outgoing.ts), what arrives
// (inbound/, one handler per kind), the search-index timer — and are wired to each other in
// engine-parts.ts; the facade keeps no state of its own beyond whether it runs. No
// process-global state, no Electron. Inbound envelopes are stored before the handler's promise
// resolves, so the path acks only what is durable (delivery.ts).
import { EventEmitter } from 'node:events'
import { LIMITS } from '../../shared/limits.js'
import type { PeerStatus } from '../../shared/status.js'
import { wireEngine, type MessengerOptions } from './engine-parts.js'
import type { EngineEvents, MessengerEvents, PeerState } from './engine-events.js'
import type { TransferService } from './files/transfers.js'
import type { GroupService } from './groups/group-service.js'
import type { Outgoing, TextOptions } from './outgoing.js'
import { recallMine } from './store/recalls.js'
import { writeTextFile } from './files/text-file.js'
import { PigeonError } from '../../shared/errors.js'
import type { PresenceTracker } from './presence.js'
import { ensureMyProfile, type ProfileChange, type ProfileService } from './profile-service.js'
import type { References, ConversationTarget } from './references.js'
import type { OutboxRouter } from './router/outbox-router.js'
import type { SearchIndexTimer } from './search-index.js'
import type { Verification } from './verify/verification.js'
import type {
  ConversationRow,
  GroupRow,
  MeRow,
  MessageRow,
  SettingValue,
  Store,
  TransferRow,
} from './store/index.js'

export type { ConversationTarget } from './references.js'
export type { MessengerEvents, PeerState } from './engine-events.js'
export { ensureMyProfile, type ProfileExchange } from './profile-service.js'
export type { EnginePath, MessengerOptions } from './engine-parts.js'

export const HISTORY_MAX_LIMIT = LIMITS.historyPage

const clampLimit = (limit: number): number => Math.min(Math.max(limit, 1), HISTORY_MAX_LIMIT)

export class Messenger extends EventEmitter<MessengerEvents> {
  readonly peerId: string
  readonly #options: MessengerOptions
  readonly #store: Store
  readonly #now: () => number
  readonly #events: EngineEvents
  readonly #presence: PresenceTracker
  readonly #profiles: ProfileService
  readonly #router: OutboxRouter
  readonly #groups: GroupService
  readonly #refs: References
  readonly #outgoing: Outgoing
  readonly #searchIndex: SearchIndexTimer
  /** files and folders I sent or was offered (app/core/files/transfers.ts) */
  readonly transfers: TransferService
  /** safety numbers and the verified mark (app/core/verify/verification.ts) */
  readonly verification: Verification
  #running = false

  constructor(options: MessengerOptions) {
    super()
    this.peerId = options.identity.peerId
    this.#options = options
    this.#store = options.store
    this.#now = options.now ?? Date.now
    const parts = wireEngine(this, options, () => this.#running)
    this.#events = parts.events
    this.#presence = parts.presence
    this.#profiles = parts.profiles
    this.#router = parts.router
    this.#groups = parts.groups
    this.#refs = parts.refs
    this.#outgoing = parts.outgoing
    this.#searchIndex = parts.searchIndex
    this.transfers = parts.transfers
    this.verification = parts.verification
  }

  get running(): boolean {
    return this.#running
  }

  async start(): Promise<void> {
    if (this.#running) return
    ensureMyProfile(this.#store, {
      peerId: this.peerId,
      name: this.#options.name,
      defaultName: this.#options.defaultName,
      workgroup: this.#options.workgroup,
      host: this.#options.host,
      now: this.#now(),
    })
    this.#running = true
    // the paths were built with my profile (ensureMyProfile) and announce it themselves
    this.#profiles.start()
    this.#presence.start()
    this.#router.start()
    this.#searchIndex.start()
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    await this.transfers.stop()
    this.#router.stop()
    this.#searchIndex.stop()
    this.#profiles.stop()
    this.#presence.stop()
  }

  /** A path became able to reach many peers at once (the relay connected): retry every queue now. */
  retryAll(): void {
    if (!this.#running) return
    for (const { recipient } of this.#store.outbox.recipients()) this.#router.wake(recipient)
  }

  /** Resolves once the outbox has nothing due left to try (tests, orderly shutdown). */
  settled(): Promise<void> {
    return this.#router.settled()
  }

  // --- queries --------------------------------------------------------------------------------

  me(): MeRow {
    return this.#profiles.me()
  }

  peers(): PeerState[] {
    return this.#store.peers.list().map((peer) => this.#presence.state(peer))
  }

  peer(peerId: string): PeerState | undefined {
    const peer = this.#store.peers.get(peerId)
    return peer === undefined ? undefined : this.#presence.state(peer)
  }

  /**
   * Drops a peer from the known list (its conversation and history stay); a peer still on the LAN
   * comes back at its next announcement. false when it was not known.
   */
  forgetPeer(peerId: string): boolean {
    const forgotten = this.#store.peers.forget(peerId)
    // every open UI drops the row, not only the one that asked
    if (forgotten) this.#events.forgotten(peerId)
    return forgotten
  }

  /**
   * A PeerId, or a display name that exactly one known peer has (case-insensitive).
   * Throws PEER_UNKNOWN / PEER_AMBIGUOUS with a sentence the user can act on.
   */
  resolvePeer(ref: string): string {
    return this.#refs.peer(ref)
  }

  message(id: Uint8Array): MessageRow | undefined {
    return this.#store.messages.get(id)
  }

  conversations(): ConversationRow[] {
    return this.#store.conversations.list()
  }

  /**
   * A peer (PeerId or the name of exactly one known peer) or a group (`group:<id>`, its id, or the
   * name of exactly one of my groups). Throws PEER_UNKNOWN / PEER_AMBIGUOUS / GROUP_AMBIGUOUS.
   */
  resolveConversation(ref: string): ConversationTarget {
    return this.#refs.conversation(ref)
  }

  /** The conversation id of a peer or group reference (resolveConversation). */
  conversationOf(ref: string): string {
    return this.#refs.conversationId(ref)
  }

  history(ref: string, query: { before?: Uint8Array; limit?: number } = {}): MessageRow[] {
    const conversationId = this.conversationOf(ref)
    const limit = clampLimit(query.limit ?? 50)
    return this.#store.messages.history(conversationId, { before: query.before, limit })
  }

  search(text: string, limit = 50): MessageRow[] {
    return this.#store.messages.search(text, clampLimit(limit))
  }

  groups(): GroupRow[] {
    return this.#groups.list()
  }

  /** The group with this id, if I know it (no name lookup, no error). */
  groupById(groupId: string): GroupRow | undefined {
    return this.#groups.get(groupId)
  }

  /** One of my groups by id, `group:<id>` or name; throws GROUP_UNKNOWN / GROUP_AMBIGUOUS. */
  group(ref: string): GroupRow {
    return this.#groups.resolve(ref)
  }

  getSetting(key: string): SettingValue | undefined {
    return this.#store.settings.get(key)
  }

  // --- changes --------------------------------------------------------------------------------

  /**
   * Stores the message (pending) with its outbox rows, then lets the router deliver it: to a peer,
   * or to a group — one copy per member, each sealed to that member (docs/protocol.md §8).
   */
  send(ref: string, text: string, options?: TextOptions): MessageRow {
    return this.#outgoing.text(this.resolveConversation(ref), text, options)
  }

  /**
   * Takes back a text of mine within LIMITS.recallMs of sending it: its text goes here and a
   * recall goes to each recipient through the outbox (store/recalls.ts, docs/protocol.md §2).
   */
  recall(id: Uint8Array): MessageRow {
    const { message, recipients } = recallMine(this.#store, id, this.peerId, this.#now())
    this.#events.state(message)
    this.#events.conversation(message.conversationId)
    for (const recipient of recipients) this.#router.kick(recipient)
    return message
  }

  /** A text too long for a message, offered to a peer as a .txt file (files/text-file.ts). */
  async sendTextAsFile(ref: string, text: string): Promise<TransferRow[]> {
    const peerId = this.resolvePeer(ref)
    const dir = this.#options.textFilesDir
    if (dir === undefined)
      throw new PigeonError('API_NOT_FOUND', 'This node keeps no files of its own; split the text.')
    return await this.transfers.send(peerId, [writeTextFile(dir, text, this.#now())])
  }

  /** Mutes (or unmutes) a conversation: no notification, except for a mention of me. */
  mute(ref: string, muted: boolean): ConversationRow {
    const row = this.#store.conversations.setMuted(this.resolveConversation(ref), muted)
    this.#events.conversation(row.id)
    return row
  }

  /** Offers files or folders to a peer or to a group's members (app/core/files/transfers.ts). */
  async sendFiles(ref: string, paths: readonly string[]): Promise<TransferRow[]> {
    const target = this.resolveConversation(ref)
    return target.kind === 'group'
      ? await this.transfers.sendToGroup(
          target.group.groupId,
          this.#groups.recipients(target.group),
          paths,
        )
      : await this.transfers.send(target.peerId, paths)
  }

  /** Marks a conversation read and queues read receipts to the senders. */
  markRead(ref: string): MessageRow[] {
    return this.#outgoing.markRead(this.conversationOf(ref))
  }

  /** Tells the peer I am (or stopped) typing; best effort, never stored or retried. */
  async typing(ref: string, typing: boolean): Promise<void> {
    await this.#outgoing.typing(this.resolveConversation(ref), typing)
  }

  /** Creates a group of me and these peers (PeerIds or known names); I own it. */
  createGroup(name: string, members: readonly string[]): Promise<GroupRow> {
    return this.#groups.create(name, members)
  }

  addToGroup(ref: string, members: readonly string[]): Promise<GroupRow> {
    return this.#groups.add(ref, members)
  }

  removeFromGroup(ref: string, members: readonly string[]): Promise<GroupRow> {
    return this.#groups.remove(ref, members)
  }

  leaveGroup(ref: string): Promise<GroupRow> {
    return this.#groups.leave(ref)
  }

  renameGroup(ref: string, name: string): Promise<GroupRow> {
    return this.#groups.rename(ref, name)
  }

  setProfile(change: ProfileChange): Promise<MeRow> {
    return this.#profiles.change(change)
  }

  setStatus(status: PeerStatus): Promise<MeRow> {
    return this.#profiles.setStatus(status)
  }

  setSetting(key: string, value: SettingValue): void {
    this.#store.settings.set(key, value)
  }
}
