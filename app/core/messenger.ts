// The messenger engine: wires the store, the outbox router, the delivery paths and my profile.
// One class with start()/stop(), no process-global state, no Electron — the CLI, the Electron main
// process and the tests all drive it the same way. Inbound envelopes are stored before the
// returned promise resolves, so the path acks only what is durable (app/core/delivery.ts).
import { EventEmitter } from 'node:events'
import { newMessageId, type Envelope } from '../../shared/envelope.js'
import { PigeonError } from '../../shared/errors.js'
import { isPeerId, type Identity } from '../../shared/identity.js'
import { LIMITS } from '../../shared/limits.js'
import type { DeliveryPath, PathEvents, PathName, PeerProfile, PeerStatus } from './delivery.js'
import { GroupService } from './groups/group-service.js'
import { checkOutgoingText } from './outgoing-text.js'
import { checkColor, checkName, defaultColor } from './profile.js'
import type { BackoffPolicy } from './router/backoff.js'
import { DirectProbe } from './router/direct-probe.js'
import { OutboxRouter } from './router/outbox-router.js'
import { GroupCommit } from './store/group-commit.js'
import {
  groupConversationId,
  type ConversationRow,
  type GroupRow,
  type InboundText,
  type MeRow,
  type MessageRow,
  type PeerRow,
  type SettingValue,
  type Store,
} from './store/index.js'

/**
 * Where profiles travel when a path handles them itself (the LAN network sends mine on connect
 * and on change, and reports the ones it receives): app/core/net LanNetwork fits this shape.
 */
export interface ProfileExchange {
  setProfile(profile: Omit<PeerProfile, 'peerId'>): void | Promise<void>
  on(event: 'profile', listener: (profile: PeerProfile) => void): void
  off(event: 'profile', listener: (profile: PeerProfile) => void): void
}

export interface MessengerOptions {
  store: Store
  /** who I am: my PeerId, and the key that signs my group changes */
  identity: Identity
  paths: readonly DeliveryPath[]
  /** the display name when none is stored yet; `name` replaces a stored one */
  defaultName?: string
  name?: string
  /** without one, profile envelopes go to online peers over the paths and arrive as inbound */
  profileExchange?: ProfileExchange | readonly ProfileExchange[]
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
  /** problems worth a log line that are not the caller's (a refused envelope, a failed retry) */
  onWarning?: (message: string, detail?: unknown) => void
}

export interface PeerState extends PeerRow {
  /** the paths that reach the peer right now; empty when offline */
  online: PathName[]
}

export interface MessengerEvents {
  message: [MessageRow]
  'message-state': [MessageRow]
  peer: [PeerState]
  profile: [MeRow]
  typing: [{ peerId: string; typing: boolean }]
  conversation: [ConversationRow]
  group: [GroupRow]
}

/** What a conversation reference names: a peer (direct chat) or one of my groups. */
export type ConversationTarget =
  { kind: 'peer'; peerId: string } | { kind: 'group'; group: GroupRow }

export const HISTORY_MAX_LIMIT = LIMITS.historyPage
const SEARCH_INDEX_INTERVAL_MS = 500

export class Messenger extends EventEmitter<MessengerEvents> {
  readonly peerId: string
  readonly #store: Store
  readonly #paths: readonly DeliveryPath[]
  readonly #options: MessengerOptions
  readonly #now: () => number
  readonly #router: OutboxRouter
  readonly #groups: GroupService
  readonly #directProbe = new DirectProbe({ redial: (peerId) => this.#redial(peerId) })
  readonly #online = new Map<string, Set<PathName>>()
  readonly #redialing = new Set<string>()
  readonly #exchanges: readonly ProfileExchange[]
  #indexTimer: NodeJS.Timeout | undefined
  /** inbound texts of one event-loop turn share one commit; each is durable before its ack */
  readonly #inboundTexts = new GroupCommit<
    { text: InboundText; via: PathName; now: number },
    { inserted: boolean; message: MessageRow }
  >((items) =>
    this.#store.transaction(() =>
      items.map(({ text, via, now }) => {
        try {
          return this.#store.storeInbound(text, via, now) // a savepoint inside this transaction
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error))
        }
      }),
    ),
  )
  #running = false

  readonly #onPeerOnline = (path: DeliveryPath, detail: PathEvents['peer:online']): void => {
    if (!this.#running || detail.peerId === this.peerId) return
    const paths = this.#online.get(detail.peerId) ?? new Set<PathName>()
    const wasOnline = paths.size > 0
    paths.add(path.name)
    this.#online.set(detail.peerId, paths)
    this.#store.peers.seen(detail.peerId, detail.addresses, this.#now())
    this.#directProbe.update(detail.peerId, paths)
    this.#emitPeer(detail.peerId)
    // without an exchange that greets on connect, introduce myself to a peer that just appeared
    if (!wasOnline && this.#exchanges.length === 0) void this.#sendProfileTo([detail.peerId])
  }

  readonly #onPeerOffline = (path: DeliveryPath, detail: PathEvents['peer:offline']): void => {
    if (!this.#running) return
    const paths = this.#online.get(detail.peerId)
    if (paths === undefined || !paths.delete(path.name)) return
    if (paths.size === 0) this.#online.delete(detail.peerId)
    this.#directProbe.update(detail.peerId, paths)
    this.#store.peers.touch(detail.peerId, this.#now())
    this.#emitPeer(detail.peerId)
  }

  readonly #onProfile = (profile: PeerProfile): void => {
    if (!this.#running || profile.peerId === this.peerId) return
    if (this.#store.peers.applyProfile(profile)) this.#emitPeer(profile.peerId)
  }

  readonly #listeners = new Map<
    DeliveryPath,
    {
      online: (d: PathEvents['peer:online']) => void
      offline: (d: PathEvents['peer:offline']) => void
    }
  >()

  constructor(options: MessengerOptions) {
    super()
    this.#options = options
    this.peerId = options.identity.peerId
    this.#store = options.store
    this.#paths = options.paths
    this.#now = options.now ?? Date.now
    const exchange = options.profileExchange
    this.#exchanges =
      exchange === undefined
        ? []
        : Array.isArray(exchange)
          ? exchange
          : [exchange as ProfileExchange]
    this.#router = new OutboxRouter({
      store: options.store,
      me: this.peerId,
      paths: options.paths,
      backoff: options.backoff,
      deliveryTimeoutMs: options.deliveryTimeoutMs,
      maxInFlight: options.maxInFlight,
      now: this.#now,
      random: options.random,
      onMessageState: (message) => this.#emitState(message),
      reconnect: (recipient) => this.#redial(recipient),
      onAttemptFailed: (recipient, error) =>
        options.onWarning?.(`delivery to ${recipient} failed`, error),
      onPermanentFailure: (row, error) =>
        options.onWarning?.(
          `gave up on a ${row.kind} to ${row.recipient}: it can never be delivered`,
          error,
        ),
    })
    this.#groups = new GroupService({
      store: options.store,
      identity: options.identity,
      now: this.#now,
      resolvePeer: (ref) => this.resolvePeer(ref),
      kick: (recipient) => this.#router.kick(recipient),
      onGroup: (group) => {
        this.emit('group', group)
        this.#emitConversation(groupConversationId(group.groupId))
        this.#releaseParked(group)
      },
      onMessages: (messages) => {
        for (const message of messages) this.#emitState(message)
      },
      onWarning: options.onWarning,
    })
    // paths offer no way to remove an inbound handler, so the handler checks #running itself
    for (const path of this.#paths) path.onInbound((envelope, via) => this.#inbound(envelope, via))
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
      now: this.#now(),
    })
    this.#running = true
    for (const exchange of this.#exchanges) exchange.on('profile', this.#onProfile)
    for (const path of this.#paths) {
      const listeners = {
        online: (d: PathEvents['peer:online']) => this.#onPeerOnline(path, d),
        offline: (d: PathEvents['peer:offline']) => this.#onPeerOffline(path, d),
      }
      this.#listeners.set(path, listeners)
      path.on('peer:online', listeners.online)
      path.on('peer:offline', listeners.offline)
    }
    // an exchange was built with my profile (ensureMyProfile) and sends it on connect itself
    if (this.#exchanges.length === 0) await this.#publishProfile()
    this.#router.start()
    if (this.#options.redial !== undefined) this.#directProbe.start()
    // search indexing runs in batches off the inbound path (store migration 002)
    this.#indexTimer = setInterval(() => this.#flushSearchIndex(), SEARCH_INDEX_INTERVAL_MS)
    this.#indexTimer.unref()
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    this.#router.stop()
    this.#directProbe.stop()
    clearInterval(this.#indexTimer)
    this.#flushSearchIndex()
    for (const exchange of this.#exchanges) exchange.off('profile', this.#onProfile)
    for (const [path, listeners] of this.#listeners) {
      path.off('peer:online', listeners.online)
      path.off('peer:offline', listeners.offline)
    }
    this.#listeners.clear()
    this.#online.clear()
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

  me(): MeRow {
    const me = this.#store.peers.me()
    if (me === undefined) throw new Error('messenger not started: no profile yet')
    return me
  }

  peers(): PeerState[] {
    return this.#store.peers.list().map((peer) => this.#peerState(peer))
  }

  peer(peerId: string): PeerState | undefined {
    const peer = this.#store.peers.get(peerId)
    return peer === undefined ? undefined : this.#peerState(peer)
  }

  /**
   * A PeerId, or a display name that exactly one known peer has (case-insensitive).
   * Throws PEER_UNKNOWN / PEER_AMBIGUOUS with a sentence the user can act on.
   */
  resolvePeer(ref: string): string {
    const wanted = ref.trim()
    if (isPeerId(wanted)) return wanted
    const lower = wanted.toLowerCase()
    const matches = this.#store.peers.list().filter((p) => p.name?.toLowerCase() === lower)
    const [only, ...others] = matches
    if (only === undefined) {
      throw new PigeonError(
        'PEER_UNKNOWN',
        `No known peer is called "${wanted}"; \`pigeon peers\` lists who is known.`,
      )
    }
    if (others.length > 0) {
      const ids = matches.map((p) => p.peerId).join(', ')
      throw new PigeonError(
        'PEER_AMBIGUOUS',
        `${matches.length} peers are called "${wanted}" (${ids}); use a PeerId instead.`,
      )
    }
    return only.peerId
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
    const wanted = ref.trim()
    if (isPeerId(wanted)) return { kind: 'peer', peerId: wanted }
    const group = this.#groups.find(wanted)
    if (group !== undefined && wanted.startsWith('group:')) return { kind: 'group', group }
    let peerId: string | undefined
    try {
      peerId = this.resolvePeer(wanted)
    } catch (error) {
      if (group === undefined) {
        if (error instanceof PigeonError && error.code === 'PEER_UNKNOWN') {
          throw new PigeonError(
            'PEER_UNKNOWN',
            `No known peer or group is called "${wanted}"; \`pigeon peers\` and \`pigeon group list\` show who and what is known.`,
          )
        }
        throw error
      }
    }
    if (peerId !== undefined && group !== undefined) {
      throw new PigeonError(
        'PEER_AMBIGUOUS',
        `Both a peer and a group are called "${wanted}"; use the PeerId (${peerId}) or group:${group.groupId}.`,
      )
    }
    return peerId !== undefined
      ? { kind: 'peer', peerId }
      : { kind: 'group', group: group as GroupRow }
  }

  /** The conversation id of a peer or group reference (resolveConversation). */
  conversationOf(ref: string): string {
    const target = this.resolveConversation(ref)
    return target.kind === 'peer' ? target.peerId : groupConversationId(target.group.groupId)
  }

  history(ref: string, query: { before?: Uint8Array; limit?: number } = {}): MessageRow[] {
    const conversationId = this.conversationOf(ref)
    const limit = Math.min(Math.max(query.limit ?? 50, 1), HISTORY_MAX_LIMIT)
    return this.#store.messages.history(conversationId, { before: query.before, limit })
  }

  search(text: string, limit = 50): MessageRow[] {
    return this.#store.messages.search(text, Math.min(Math.max(limit, 1), HISTORY_MAX_LIMIT))
  }

  /**
   * Stores the message (pending) with its outbox rows, then lets the router deliver it: to a peer,
   * or to a group — one copy per member, each sealed to that member (docs/protocol.md §7).
   */
  send(ref: string, text: string): MessageRow {
    const target = this.resolveConversation(ref)
    checkOutgoingText(text)
    const now = this.#now()
    const id = newMessageId(now)
    let message: MessageRow
    let recipients: string[]
    if (target.kind === 'group') {
      recipients = this.#groups.recipients(target.group)
      message = this.#store.queueGroupText(
        { id, sender: this.peerId, groupId: target.group.groupId, sentAt: now, text },
        recipients,
        now,
      )
    } else {
      if (target.peerId === this.peerId)
        throw new PigeonError('PEER_UNKNOWN', 'That PeerId is yours; send to someone else.')
      recipients = [target.peerId]
      message = this.#store.queueOutgoing(
        { id, sender: this.peerId, recipient: target.peerId, sentAt: now, text },
        now,
      )
    }
    this.emit('message', message)
    this.#emitConversation(message.conversationId)
    for (const recipient of recipients) this.#router.kick(recipient)
    return message
  }

  /** Marks a conversation read and queues read receipts to the senders. */
  markRead(ref: string): MessageRow[] {
    const conversationId = this.conversationOf(ref)
    const read = this.#store.markConversationRead(conversationId, this.#now())
    for (const message of read) this.emit('message-state', message)
    this.#emitConversation(conversationId)
    for (const sender of new Set(read.map((m) => m.sender))) this.#router.kick(sender)
    return read
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

  /** Tells the peer I am (or stopped) typing; best effort, never stored or retried. */
  async typing(ref: string, typing: boolean): Promise<void> {
    const target = this.resolveConversation(ref)
    // in a group it would be one envelope per member per keystroke pause: not sent
    if (target.kind === 'group') return
    const peerId = target.peerId
    const now = this.#now()
    await this.#sendEphemeral(peerId, {
      id: newMessageId(now),
      sender: this.peerId,
      to: { peer: peerId },
      sentAt: now,
      kind: 'typing',
      typing,
    })
  }

  async setProfile(change: { name?: string; color?: number }): Promise<MeRow> {
    const me = this.me()
    const next: MeRow = {
      ...me,
      name: change.name === undefined ? me.name : checkName(change.name),
      color: change.color === undefined ? me.color : checkColor(change.color),
    }
    return this.#saveProfile(next)
  }

  async setStatus(status: PeerStatus): Promise<MeRow> {
    if (!['online', 'away', 'busy'].includes(status)) {
      throw new PigeonError('API_BAD_REQUEST', `Status is online, away or busy; not "${status}".`)
    }
    return this.#saveProfile({ ...this.me(), status })
  }

  getSetting(key: string): SettingValue | undefined {
    return this.#store.settings.get(key)
  }

  setSetting(key: string, value: SettingValue): void {
    this.#store.settings.set(key, value)
  }

  async #saveProfile(next: MeRow): Promise<MeRow> {
    const me = this.me()
    if (next.name === me.name && next.color === me.color && next.status === me.status) return me
    // time-based versions keep growing across restarts and data-dir copies
    const saved = { ...next, version: Math.max(me.version + 1, this.#now()) }
    this.#store.peers.saveMe(saved)
    this.emit('profile', saved)
    await this.#publishProfile()
    return saved
  }

  async #publishProfile(): Promise<void> {
    const me = this.me()
    const profile: PeerProfile = {
      peerId: me.peerId,
      name: me.name,
      color: me.color,
      status: me.status,
      version: me.version,
    }
    try {
      if (this.#exchanges.length > 0) {
        await Promise.all(this.#exchanges.map((exchange) => exchange.setProfile(profile)))
        return
      }
      // no exchange: tell whoever is online now; the others hear it when they come online
      await this.#sendProfileTo([...this.#online.keys()])
    } catch (error) {
      this.#options.onWarning?.('could not publish my profile', error)
    }
  }

  async #sendProfileTo(peerIds: string[]): Promise<void> {
    const me = this.me()
    const now = this.#now()
    await Promise.all(
      peerIds.map((peerId) =>
        this.#sendEphemeral(peerId, {
          id: newMessageId(now),
          sender: this.peerId,
          to: { peer: peerId },
          sentAt: now,
          kind: 'profile',
          profile: { name: me.name, color: me.color, status: me.status, version: me.version },
        }),
      ),
    )
  }

  async #sendEphemeral(peerId: string, envelope: Envelope): Promise<void> {
    // only to a peer online now: the relay would queue a typing flag for hours otherwise
    const online = this.#online.get(peerId)
    const path = this.#paths.find((p) => online?.has(p.name) === true && p.canReach(peerId))
    if (path === undefined) return
    try {
      await path.deliver(peerId, envelope)
    } catch (error) {
      this.#options.onWarning?.(`${envelope.kind} to ${peerId} not delivered`, error)
    }
  }

  async #inbound(envelope: Envelope, via: PathName): Promise<void> {
    if (!this.#running) throw new PigeonError('DELIVERY_REFUSED', 'This node is shutting down.')
    const sender = envelope.sender
    const groupId = 'group' in envelope.to ? envelope.to.group : undefined
    const forMe =
      groupId !== undefined
        ? envelope.kind === 'text' || envelope.kind === 'group-control'
        : 'peer' in envelope.to && envelope.to.peer === this.peerId
    if (!forMe) {
      const to = groupId === undefined ? 'someone else' : `group ${groupId}`
      // permanent (DELIVERY_REJECTED): no retry makes it mine; the LAN says so (NACK 5)
      throw new PigeonError(
        'DELIVERY_REJECTED',
        `Envelope ${envelope.kind} from ${sender} is addressed to ${to}, not to me.`,
      )
    }
    if (sender === this.peerId) return
    // hearing from a peer means it is reachable: what waits for it is due now
    if (!this.#online.has(sender)) this.#router.wake(sender)
    switch (envelope.kind) {
      case 'text': {
        if (groupId !== undefined) {
          const parked = {
            id: envelope.id,
            groupId,
            sender,
            sentAt: envelope.sentAt,
            text: envelope.text,
          }
          const admission = await this.#groups.admitText(parked, via)
          if (admission === 'parked') return
        }
        const { inserted, message } = await this.#inboundTexts.add({
          text: { id: envelope.id, sender, sentAt: envelope.sentAt, text: envelope.text, groupId },
          via,
          now: this.#now(),
        })
        if (!inserted) return // a duplicate: acked again, shown once
        this.emit('message', message)
        this.#emitConversation(message.conversationId)
        this.#router.kick(sender)
        return
      }
      case 'group-control':
        await this.#groups.acceptControl(envelope)
        // through the relay, the sender keeps the change queued until it hears it arrived
        if (via === 'relay') {
          this.#store.receiptRelayedControl(sender, envelope.id, this.#now())
          this.#router.kick(sender)
        }
        return
      case 'receipt': {
        for (const message of this.#store.applyReceipt(sender, envelope.ids, envelope.state))
          this.#emitState(message)
        return
      }
      case 'profile': {
        if (this.#store.peers.applyProfile({ peerId: sender, ...envelope.profile }))
          this.#emitPeer(sender)
        return
      }
      case 'typing':
        this.emit('typing', { peerId: sender, typing: envelope.typing })
        return
      default:
        // file offers arrive with a later feature; accept so the sender stops
        this.#options.onWarning?.(`ignored a ${envelope.kind} envelope from ${sender}`)
    }
  }

  /** Stores the group's parked messages whose sender the group now has (GroupService.admitText). */
  #releaseParked(group: GroupRow): void {
    if (!group.joined) return
    const now = this.#now()
    const released = this.#store.transaction(() =>
      this.#store.groups.parked(group.groupId).flatMap((text) => {
        if (!group.members.includes(text.sender)) return []
        this.#store.groups.unpark(text.id)
        const stored = this.#store.storeInbound(text, 'relay', now)
        return stored.inserted ? [stored.message] : []
      }),
    )
    for (const message of released) {
      this.emit('message', message)
      this.#router.kick(message.sender)
    }
    if (released.length > 0) this.#emitConversation(groupConversationId(group.groupId))
  }

  #flushSearchIndex(): void {
    try {
      this.#store.messages.flushSearchIndex()
    } catch (error) {
      this.#options.onWarning?.('search index update failed (retried later)', error)
    }
  }

  #redial(peerId: string): void {
    const redial = this.#options.redial
    const addresses = this.#store.peers.get(peerId)?.addresses ?? []
    if (redial === undefined || addresses.length === 0 || this.#redialing.has(peerId)) return
    this.#redialing.add(peerId)
    redial(peerId, addresses)
      .catch((error: unknown) => this.#options.onWarning?.(`redial of ${peerId} failed`, error))
      .finally(() => this.#redialing.delete(peerId))
  }

  #peerState(peer: PeerRow): PeerState {
    return { ...peer, online: [...(this.#online.get(peer.peerId) ?? [])] }
  }

  #emitPeer(peerId: string): void {
    const peer = this.peer(peerId)
    if (peer !== undefined) this.emit('peer', peer)
  }

  #emitState(message: MessageRow): void {
    this.emit('message-state', message)
  }

  #emitConversation(id: string): void {
    const conversation = this.#store.conversations.get(id)
    if (conversation !== undefined) this.emit('conversation', conversation)
  }
}

/**
 * Makes sure my profile row exists, applying a `name` given at start, and returns it. The engine's
 * start() calls it; call it first when a path needs my profile before the engine exists (the LAN
 * network announces it on connect).
 */
export function ensureMyProfile(
  store: Store,
  options: { peerId: string; name?: string; defaultName?: string; now: number },
): MeRow {
  const stored = store.peers.me()
  const name = options.name === undefined ? undefined : checkName(options.name)
  if (stored === undefined) {
    const me: MeRow = {
      peerId: options.peerId,
      name: name ?? checkName(options.defaultName ?? 'Pigeon user'),
      color: defaultColor(options.peerId),
      status: 'online',
      version: 1,
    }
    store.peers.saveMe(me)
    return me
  }
  if (stored.peerId === options.peerId && (name === undefined || name === stored.name))
    return stored
  const me: MeRow = {
    ...stored,
    peerId: options.peerId,
    name: name ?? stored.name,
    version: Math.max(stored.version + 1, options.now),
  }
  store.peers.saveMe(me)
  return me
}
