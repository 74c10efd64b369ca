// The relay link: the router's `relay` DeliveryPath over one MQTT 3.1.1 connection (mqtt.js 5)
// to pigeon-relay (docs/architecture.md §3 "Delivery paths"; docs/protocol.md §3–§5).
//
// - Authenticates with a fresh shared/ relay token on every connect (tokens are single-use),
//   so mqtt.js's own reconnect is off and this class reconnects with back-off and jitter.
// - clean=false + QoS 1 subscription on its inbox: the relay queues what arrives while we are
//   away. An inbound message is PUBACKed only after the inbound handler stored it, so a crash
//   between receipt and storage makes the relay deliver it again (dedup by id downstream;
//   link-inbound.ts).
// - deliver() seals to the recipient and resolves on PUBACK: the relay holds it now ("sent").
// - presence: retained, owner-only; the last will marks us offline if the link dies.
import { EventEmitter } from 'node:events'
import mqtt, { type MqttClient } from 'mqtt'
import { connectOptions } from './connect-options.js'
import type { Envelope, ProfileBody } from '../../../shared/envelope.js'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import { isPeerId, type Identity } from '../../../shared/identity.js'
import { createRelayToken } from '../../../shared/relay-token.js'
import { seal } from '../../../shared/seal.js'
import { inboxTopic, presenceTopic } from '../../../shared/topics.js'
import type { DeliveryPath, InboundHandler, PathEvents, PeerProfile } from '../delivery.js'
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js'
import { withTimeout } from '../../../shared/with-timeout.js'
import { errorText, silentLogger, type Logger } from '../log.js'
import { LinkInbound } from './link-inbound.js'
import { encodePresence, OFFLINE_PRESENCE } from './presence.js'
import { PresenceWatch } from './presence-watch.js'
import { relayProblem } from './refusal.js'
import { parseRelayAddress, type RelayAddress } from './url.js'

export type RelayLinkState = 'off' | 'connecting' | 'connected' | 'error'

export interface RelayStatus {
  state: RelayLinkState
  /** the relay address (with its id), when one is set */
  url?: string
  /** the last problem, in words, with its code */
  lastError?: { code: string; message: string; at: number }
  /** when the next connection attempt is due (state 'error') */
  retryAt?: number
}

export interface RelayLinkEvents extends PathEvents {
  profile: PeerProfile
  status: RelayStatus
}

export interface RelayLinkInit {
  identity: Identity
  /** mqtt://host:1883#<relayId> */
  url: string
  profile: ProfileBody
  logger?: Logger
  connectTimeoutMs?: number
  /** a publish not PUBACKed within this long fails (the router retries later) */
  publishTimeoutMs?: number
  /** between attempts that could not reach the relay */
  backoff?: BackoffPolicy
  /** between attempts the relay refused: a refusal does not go away by itself */
  refusedBackoff?: BackoffPolicy
  random?: () => number
}

const UNREACHABLE_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 60_000 }
const REFUSED_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 600_000 }

export class RelayLink implements DeliveryPath {
  readonly name = 'relay' as const
  readonly address: RelayAddress
  readonly #init: RelayLinkInit
  readonly #events = new EventEmitter()
  readonly #inbound: LinkInbound
  readonly #presence: PresenceWatch
  readonly #log: Logger
  #client: MqttClient | undefined
  #status: RelayStatus
  #running = false
  #attempt = 0
  #refused = false
  #retryTimer: NodeJS.Timeout | undefined
  #profile: ProfileBody

  constructor(init: RelayLinkInit) {
    this.#init = init
    this.address = parseRelayAddress(init.url)
    this.#profile = init.profile
    this.#log = init.logger ?? silentLogger()
    this.#presence = new PresenceWatch(init.identity.peerId, this.#log, {
      profile: (profile) => this.#emit('profile', profile),
      online: (peerId) => this.#emit('peer:online', { peerId, addresses: [] }),
      offline: (peerId) => this.#emit('peer:offline', { peerId }),
    })
    this.#inbound = new LinkInbound(init.identity, this.#presence, this.#log)
    this.#status = { state: 'off', url: this.address.text }
    this.#events.setMaxListeners(50)
  }

  status(): RelayStatus {
    return { ...this.#status }
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    void this.#connect()
  }

  /** Says goodbye (offline presence) and closes; queued inbox messages stay at the relay. */
  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#retryTimer)
    const client = this.#client
    this.#client = undefined
    if (client !== undefined) {
      if (client.connected) {
        await client
          .publishAsync(presenceTopic(this.#init.identity.peerId), Buffer.from(OFFLINE_PRESENCE), {
            qos: 1,
            retain: true,
          })
          .catch(() => undefined)
      }
      await client.endAsync(false).catch(() => undefined)
    }
    this.#presence.lost()
    this.#setStatus({ state: 'off', url: this.address.text })
  }

  // --- DeliveryPath ---------------------------------------------------------------------------

  canReach(peerId: string): boolean {
    // through the relay every Pigeon peer is reachable: its inbox queues while it is away; an
    // id that is no PeerId (an IP Messenger user, docs/protocol.md §15) has no inbox
    return this.#client?.connected === true && isPeerId(peerId)
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    const client = this.#client
    if (client === undefined || !client.connected) {
      throw new PigeonError('PEER_UNREACHABLE', 'The relay is not connected.')
    }
    const sealed = await seal(envelope, this.#init.identity, peerId)
    const timeoutMs = this.#init.publishTimeoutMs ?? 10_000
    try {
      await withTimeout(
        client.publishAsync(inboxTopic(peerId), Buffer.from(sealed), { qos: 1 }),
        timeoutMs,
        () =>
          new PigeonError(
            'DELIVERY_TIMEOUT',
            `The relay did not confirm the message within ${timeoutMs / 1000} s.`,
          ),
      )
    } catch (cause) {
      if (isPigeonError(cause)) throw cause
      throw new PigeonError(
        'RELAY_UNREACHABLE',
        `The relay did not take the message: ${errorText(cause)}.`,
        { cause },
      )
    }
  }

  onInbound(handler: InboundHandler): void {
    this.#inbound.handler = handler
  }

  on<K extends keyof RelayLinkEvents>(
    event: K,
    listener: (detail: RelayLinkEvents[K]) => void,
  ): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof RelayLinkEvents>(
    event: K,
    listener: (detail: RelayLinkEvents[K]) => void,
  ): void {
    this.#events.off(event, listener)
  }

  // --- presence -------------------------------------------------------------------------------

  /** Follows these peers' presence (contacts beyond the LAN). */
  watch(peerIds: Iterable<string>): void {
    const added = this.#presence.add(peerIds)
    const client = this.#client
    if (added.length > 0 && client?.connected === true) {
      client.subscribe(added, { qos: 1 }, (error) => {
        if (error)
          this.#log.warn({ error: errorText(error) }, 'relay refused a presence subscription')
      })
    }
  }

  isOnline(peerId: string): boolean {
    return this.#presence.isOnline(peerId)
  }

  async setProfile(profile: ProfileBody): Promise<void> {
    this.#profile = profile
    const client = this.#client
    if (client?.connected === true) await this.#publishPresence(client)
  }

  async #publishPresence(client: MqttClient): Promise<void> {
    const payload = encodePresence(this.#init.identity.peerId, this.#profile)
    await client.publishAsync(presenceTopic(this.#init.identity.peerId), Buffer.from(payload), {
      qos: 1,
      retain: true,
    })
  }

  // --- connection -----------------------------------------------------------------------------

  async #connect(): Promise<void> {
    if (!this.#running) return
    this.#setStatus({ ...this.#status, state: 'connecting', retryAt: undefined })
    const me = this.#init.identity.peerId
    let token: string
    try {
      token = await createRelayToken(this.#init.identity, this.address.relayId)
    } catch (cause) {
      this.#fail(cause)
      return
    }
    const client = mqtt.connect(
      this.address.brokerUrl,
      connectOptions(me, token, this.#init.connectTimeoutMs ?? 10_000),
    )
    this.#client = client
    // small packets (PUBLISH, PUBACK) must not wait for Nagle + the relay's delayed ACK (~40 ms)
    const socket = client.stream as { setNoDelay?: (on: boolean) => void }
    socket.setNoDelay?.(true)
    // inbound PUBLISHes are PUBACKed only once stored (link-inbound.ts)
    this.#inbound.attach(client)
    client.on('connect', () => {
      if (this.#client !== client) return
      void this.#onConnected(client)
    })
    client.on('error', (error) => {
      if (this.#client === client) this.#lastError(error)
    })
    client.on('close', () => {
      if (this.#client !== client) return
      this.#client = undefined
      client.removeAllListeners('connect')
      this.#presence.lost()
      this.#scheduleRetry()
    })
  }

  async #onConnected(client: MqttClient): Promise<void> {
    this.#attempt = 0
    this.#refused = false
    const me = this.#init.identity.peerId
    try {
      await client.subscribeAsync([inboxTopic(me), ...this.#presence.topics()], {
        qos: 1,
      })
      await this.#publishPresence(client)
    } catch (error) {
      this.#lastError(error)
      client.end(true)
      return
    }
    this.#setStatus({
      state: 'connected',
      url: this.address.text,
      lastError: this.#status.lastError,
    })
    this.#emit('path:up', {})
  }

  #lastError(error: unknown): void {
    const problem = relayProblem(error, this.address)
    this.#refused = problem.refused
    this.#status = {
      ...this.#status,
      lastError: { code: problem.code, message: problem.message, at: Date.now() },
    }
  }

  #fail(error: unknown): void {
    this.#lastError(error)
    this.#scheduleRetry()
  }

  #scheduleRetry(): void {
    if (!this.#running) return
    const policy = this.#refused
      ? (this.#init.refusedBackoff ?? REFUSED_BACKOFF)
      : (this.#init.backoff ?? UNREACHABLE_BACKOFF)
    const delay = backoffDelay(this.#attempt, policy, this.#init.random)
    this.#attempt += 1
    clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => void this.#connect(), delay)
    this.#retryTimer.unref?.()
    this.#setStatus({
      state: 'error',
      url: this.address.text,
      lastError: this.#status.lastError,
      retryAt: Date.now() + delay,
    })
  }

  #setStatus(status: RelayStatus): void {
    this.#status = status
    this.#emit('status', this.status())
  }

  #emit<K extends keyof RelayLinkEvents>(event: K, detail: RelayLinkEvents[K]): void {
    try {
      this.#events.emit(event, detail)
    } catch (error) {
      this.#log.error({ event, error: errorText(error) }, 'a relay link listener threw')
    }
  }
}
