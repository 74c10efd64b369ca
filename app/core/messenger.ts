// The messenger engine's facade: what the hosts call (app/api/local.ts, the CLI through it, the
// tests). It wires the parts that each do one job — the outbox router (router/), presence
// (presence.ts), profiles (profile-service.ts), groups (groups/), what I send (outgoing.ts), what
// arrives (inbound/, one handler per kind), the search-index timer — and keeps no state of its
// own beyond whether it runs. No process-global state, no Electron. Inbound envelopes are stored
// before the handler's promise resolves, so the path acks only what is durable (delivery.ts).
import { EventEmitter } from 'node:events'
import type { Identity } from '../../shared/identity.js'
import { LIMITS } from '../../shared/limits.js'
import type { PeerStatus } from '../../shared/status.js'
import type { DeliveryPath } from './delivery.js'
import { EngineEvents, type MessengerEvents, type PeerState } from './engine-events.js'
import type { FileService } from './files/file-service.js'
import { TransferService } from './files/transfers.js'
import { rememberedRelay } from './relay/setting.js'
import { GroupService } from './groups/group-service.js'
import { inboundDispatcher } from './inbound/dispatch.js'
import { silentLogger, type Logger } from './log.js'
import { createInboundTexts } from './inbound/inbound-texts.js'
import { releaseParked } from './inbound/parked.js'
import { Outgoing, type TextOptions } from './outgoing.js'
import { recallMine } from './store/recalls.js'
import { writeTextFile } from './files/text-file.js'
import { PigeonError } from '../../shared/errors.js'
import { PresenceTracker } from './presence.js'
import {
  ensureMyProfile,
  ProfileService,
  type ProfileChange,
  type ProfileExchange,
} from './profile-service.js'
import { References, type ConversationTarget } from './references.js'
import type { BackoffPolicy } from '../../shared/backoff.js'
import { OutboxRouter } from './router/outbox-router.js'
import { SearchIndexTimer } from './search-index.js'
import { Verification } from './verify/verification.js'
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

/** A way to deliver that also carries profiles (LanNetwork, RelaySlot, the tests' MemoryPath). */
export type EnginePath = DeliveryPath & ProfileExchange

export interface MessengerOptions {
  store: Store
  /** who I am: my PeerId, and the key that signs my group changes */
  identity: Identity
  /** tried in this order; each announces my profile and reports the ones it receives */
  paths: readonly EnginePath[]
  /** the display name when none is stored yet; `name` replaces a stored one */
  defaultName?: string
  name?: string
  /** my workgroup and host name (docs/protocol.md §2); undefined keeps the stored ones */
  workgroup?: string
  host?: string
  /**
   * Redials a peer at its remembered addresses (LanNetwork.dialKnown); used when something is
   * queued for a peer that no path reaches, at each back-off retry.
   */
  redial?: (peerId: string, addresses: string[]) => Promise<void>
  backoff?: BackoffPolicy
  /** envelopes in flight per peer (OutboxRouterOptions.maxInFlight) */
  maxInFlight?: number
  deliveryTimeoutMs?: number
  now?: () => number
  random?: () => number
  /** where problems that are not the caller's go (a refused envelope, a failed retry): the
   * program's pino logger (app/core/log.ts); silent when not given */
  logger?: Logger
  /** the LAN node's file service while it runs (LanNetwork.files); without it no file moves */
  files?: () => FileService | undefined
  /** where texts sent as .txt files are written (files/text-file.ts); without it they cannot be */
  textFilesDir?: string
}

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
    const { store, paths } = options
    const log = options.logger ?? silentLogger()
    const me = options.identity.peerId
    const now = options.now ?? Date.now
    const kick = (recipient: string): void => this.#router.kick(recipient)
    this.peerId = me
    this.#options = options
    this.#store = store
    this.#now = now
    this.#presence = new PresenceTracker({
      store,
      me,
      paths,
      now,
      redial: options.redial,
      onChange: (peerId) => {
        this.#events.peer(peerId)
        if (this.#presence.isOnline(peerId)) this.transfers.peerReachable(peerId)
      },
      log,
    })
    this.#events = new EngineEvents(this, store, (peer) => this.#presence.state(peer))
    this.verification = new Verification({
      store,
      me,
      now,
      onChange: (peerId) => this.#events.peer(peerId),
    })
    this.#profiles = new ProfileService({
      store,
      me,
      exchanges: paths,
      now,
      onMine: (saved) => this.#events.profile(saved),
      onPeer: (peerId) => this.#events.peer(peerId),
      log,
    })
    this.#router = new OutboxRouter({
      store,
      me,
      paths,
      backoff: options.backoff,
      deliveryTimeoutMs: options.deliveryTimeoutMs,
      maxInFlight: options.maxInFlight,
      now,
      random: options.random,
      onMessageState: (message) => this.#events.state(message),
      fileOffer: (messageId) => this.transfers.envelopeFor(messageId),
      reconnect: (recipient) => this.#presence.redial(recipient),
      log,
    })
    this.#refs = new References(store, () => this.#groups)
    this.#groups = new GroupService({
      store,
      identity: options.identity,
      now,
      resolvePeer: (ref) => this.#refs.peer(ref),
      kick,
      onGroup: (group) => {
        this.#events.group(group)
        releaseParked(group, store, now(), this.#events, kick)
      },
      onMessages: (messages) => {
        for (const message of messages) this.#events.state(message)
      },
      log,
    })
    this.#outgoing = new Outgoing({
      store,
      me,
      now,
      groups: this.#groups,
      presence: this.#presence,
      events: this.#events,
      kick,
      log,
    })
    this.#searchIndex = new SearchIndexTimer(store, log)
    this.transfers = new TransferService({
      store,
      me,
      now,
      files: options.files ?? (() => undefined),
      isOnline: (peerId) => this.#presence.isOnline(peerId),
      lanReaches: (peerId) => paths.some((p) => p.name !== 'relay' && p.canReach(peerId)),
      identity: options.identity,
      relayAddress: () => rememberedRelay(store),
      onTransfer: (view) => this.#events.transfer(view),
      onMessage: (messageId) => {
        const message = store.messages.get(messageId)
        if (message === undefined) return
        this.#events.message(message)
        this.#events.conversation(message.conversationId)
      },
      kick,
      log,
    })
    const inbound = inboundDispatcher({
      me,
      running: () => this.#running,
      heardFrom: (peerId) => {
        if (!this.#presence.isOnline(peerId)) this.#router.wake(peerId)
      },
      context: {
        me,
        store,
        now,
        groups: this.#groups,
        texts: createInboundTexts(store),
        profiles: this.#profiles,
        events: this.#events,
        transfers: this.transfers,
        kick,
        log,
      },
    })
    // paths offer no way to remove an inbound handler, so the dispatcher checks running itself
    for (const path of paths) path.onInbound(inbound)
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
    return this.#store.peers.forget(peerId)
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
