// The messenger's wiring: builds the parts that each do one job — presence (presence.ts),
// profiles (profile-service.ts), the outbox router (router/), groups (groups/), what I send
// (outgoing.ts), files (files/transfers.ts), safety numbers (verify/), the search-index timer —
// and hands each the callbacks that reach the others, then hangs the inbound dispatcher
// (inbound/dispatch.ts) on every path. Kept apart from messenger.ts so the facade reads as the
// engine's API and this file as how its parts talk to each other.
import type { EventEmitter } from 'node:events'
import type { BackoffPolicy } from '../../shared/backoff.js'
import type { Identity } from '../../shared/identity.js'
import type { DeliveryPath } from './delivery.js'
import { EngineEvents, type MessengerEvents } from './engine-events.js'
import type { FileService } from './files/file-service.js'
import type { ForeignFiles } from './files/foreign-files.js'
import { TransferService } from './files/transfers.js'
import { GroupService } from './groups/group-service.js'
import { inboundDispatcher } from './inbound/dispatch.js'
import { createInboundTexts } from './inbound/inbound-texts.js'
import { releaseParked } from './inbound/parked.js'
import { silentLogger, type Logger } from './log.js'
import { Outgoing } from './outgoing.js'
import { PresenceTracker } from './presence.js'
import { ProfileService, type ProfileExchange } from './profile-service.js'
import { References } from './references.js'
import { rememberedRelay } from './relay/setting.js'
import { OutboxRouter } from './router/outbox-router.js'
import { SearchIndexTimer } from './search-index.js'
import type { Store } from './store/index.js'
import { Verification } from './verify/verification.js'

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
  /** IP Messenger users' files while the IPMsg bridge runs (files/foreign-files.ts) */
  foreignFiles?: () => ForeignFiles | undefined
  /** where texts sent as .txt files are written (files/text-file.ts); without it they cannot be */
  textFilesDir?: string
}

/** The messenger's parts, wired to each other. */
export interface EngineParts {
  events: EngineEvents
  presence: PresenceTracker
  profiles: ProfileService
  router: OutboxRouter
  groups: GroupService
  refs: References
  outgoing: Outgoing
  searchIndex: SearchIndexTimer
  transfers: TransferService
  verification: Verification
}

/**
 * Builds the parts for one messenger. `emitter` is the messenger (its events go out there);
 * `running` tells the inbound dispatcher whether to take envelopes, since paths offer no way to
 * remove an inbound handler.
 */
export function wireEngine(
  emitter: EventEmitter<MessengerEvents>,
  options: MessengerOptions,
  running: () => boolean,
): EngineParts {
  const { store, paths } = options
  const log = options.logger ?? silentLogger()
  const me = options.identity.peerId
  const now = options.now ?? Date.now
  // the callbacks below run after every part is built, so they may name later ones
  const kick = (recipient: string): void => router.kick(recipient)
  const presence: PresenceTracker = new PresenceTracker({
    store,
    me,
    paths,
    now,
    redial: options.redial,
    onChange: (peerId) => {
      events.peer(peerId)
      if (presence.isOnline(peerId)) transfers.peerReachable(peerId)
    },
    log,
  })
  const events = new EngineEvents(emitter, store, (peer) => presence.state(peer))
  const verification = new Verification({
    store,
    me,
    now,
    onChange: (peerId) => events.peer(peerId),
  })
  const profiles = new ProfileService({
    store,
    me,
    exchanges: paths,
    now,
    onMine: (saved) => events.profile(saved),
    onPeer: (peerId) => events.peer(peerId),
    log,
  })
  const router: OutboxRouter = new OutboxRouter({
    store,
    me,
    paths,
    backoff: options.backoff,
    deliveryTimeoutMs: options.deliveryTimeoutMs,
    maxInFlight: options.maxInFlight,
    now,
    random: options.random,
    onMessageState: (message) => events.state(message),
    fileOffer: (messageId) => transfers.envelopeFor(messageId),
    reconnect: (recipient) => presence.redial(recipient),
    log,
  })
  const refs: References = new References(store, () => groups)
  const groups = new GroupService({
    store,
    identity: options.identity,
    now,
    resolvePeer: (ref) => refs.peer(ref),
    kick,
    onGroup: (group) => {
      events.group(group)
      releaseParked(group, store, me, now(), events, kick)
    },
    onMessages: (messages) => {
      for (const message of messages) events.state(message)
    },
    log,
  })
  const outgoing = new Outgoing({ store, me, now, groups, presence, events, kick, log })
  const searchIndex = new SearchIndexTimer(store, log)
  const transfers: TransferService = new TransferService({
    store,
    me,
    now,
    files: options.files ?? (() => undefined),
    foreign: options.foreignFiles,
    isOnline: (peerId) => presence.isOnline(peerId),
    lanReaches: (peerId) => paths.some((p) => p.name !== 'relay' && p.canReach(peerId)),
    identity: options.identity,
    relayAddress: () => rememberedRelay(store),
    onTransfer: (view) => events.transfer(view),
    onMessage: (messageId) => {
      const message = store.messages.get(messageId)
      if (message === undefined) return
      events.message(message)
      events.conversation(message.conversationId)
    },
    kick,
    log,
  })
  const inbound = inboundDispatcher({
    me,
    running,
    heardFrom: (peerId) => {
      if (!presence.isOnline(peerId)) router.wake(peerId)
    },
    context: {
      me,
      store,
      now,
      groups,
      texts: createInboundTexts(store),
      profiles,
      events,
      transfers,
      kick,
      log,
    },
  })
  for (const path of paths) path.onInbound(inbound)
  return {
    events,
    presence,
    profiles,
    router,
    groups,
    refs,
    outgoing,
    searchIndex,
    transfers,
    verification,
  }
}
