// Who may subscribe, publish and receive where (docs/relay.md "Guarantees", docs/protocol.md §4).
// The predicates are shared/topics.ts, so app and relay cannot disagree; this file adds what only
// the relay can know: group documents, queue caps, rates, sizes, retain rules.
//
// A refused SUBSCRIBE gets return code 0x80 in its SUBACK and the connection stays up
// [MQTT-3.9.3]. A refused PUBLISH closes the connection without PUBACK: MQTT 3.1.1 has no negative
// acknowledgement, and the server "MUST either make a positive acknowledgement … or close the
// Network Connection" [MQTT-3.3.5-2]. Closing means the sender keeps the message (it was never
// PUBACKed) instead of believing it was stored. Every refusal is counted and logged.
import type { AedesPublishPacket, Client, PublishPacket, Subscription } from 'aedes'
import type { Logger } from 'pino'
import { isPigeonError } from '../shared/errors.js'
import { mayPublish, maySubscribe, parseTopic } from '../shared/topics.js'
import { isAuthenticated } from './auth.js'
import type { GroupRegistry } from './groups.js'
import type { InFlight } from './in-flight.js'
import type { PublishRateLimiter } from './limits.js'
import { pastSubscribeCap } from './aedes/packet-guards.js'
import type { RelayMetrics } from './metrics.js'
import type { QueueLedger } from './queue.js'
import type { GrantedSubscriptions } from './subscriptions.js'

export interface AclOptions {
  groups: GroupRegistry
  queues: QueueLedger
  rate: PublishRateLimiter
  subscriptions: GrantedSubscriptions
  /** a shutdown waits for publishes being checked (in-flight.ts) */
  inFlight: InFlight
  /** relay/config.ts: for the refusal's words */
  maxSubscriptions: number
  maxSubscribeTopics: number
  maxPayloadBytes: number
  /** dates the packet aedes is about to create for an accepted PUBLISH (queue.ts stampClock) */
  stampClock: (now: number) => void
  metrics: RelayMetrics
  log: Logger
}

type Refusal = { reason: string; detail: string }

export function createAcl(options: AclOptions) {
  const { groups, queues, rate, subscriptions, metrics, log } = options

  function refused(client: Client | null, action: string, refusal: Refusal, topic: string): void {
    metrics.aclRefusals.inc({ reason: refusal.reason })
    log.warn(
      {
        event: 'acl_refused',
        action,
        reason: refusal.reason,
        detail: refusal.detail,
        clientId: client?.id,
        topic: topic.slice(0, 120),
      },
      `${action} refused`,
    )
  }

  // Each hook first refuses a client that has not passed authentication (auth.ts isAuthenticated):
  // defence in depth behind the paused reader, docs/relay.md "Authentication".
  const unauthenticated: Refusal = {
    reason: 'not_authenticated',
    detail: 'the CONNECT has not been accepted',
  }

  function authorizeSubscribe(
    client: Client,
    sub: Subscription,
    done: (error: Error | null, sub?: Subscription | null) => void,
  ): void {
    if (!isAuthenticated(client)) {
      refused(client, 'subscribe', unauthenticated, sub.topic)
      return done(null, null)
    }
    if (pastSubscribeCap(sub)) {
      refused(
        client,
        'subscribe',
        {
          reason: 'subscribe_too_many',
          detail: `more than ${options.maxSubscribeTopics} topics in one SUBSCRIBE`,
        },
        sub.topic,
      )
      return done(null, null)
    }
    const decision = maySubscribe(client.id, sub.topic, groups)
    if (!decision.ok) {
      refused(
        client,
        'subscribe',
        {
          reason: decision.code === 'TOPIC_INVALID' ? 'topic_invalid' : 'subscribe_denied',
          detail: decision.reason,
        },
        sub.topic,
      )
      return done(null, null)
    }
    // Pigeon delivery is at-least-once with dedup by message id; QoS 2 buys nothing here (the
    // SUBACK says 1 too: aedes/packet-guards.ts)
    // every grant goes through subscriptions.grant: a persistent session stores only what it recorded
    const granted = { ...sub, qos: Math.min(sub.qos, 1) as Subscription['qos'] }
    if (!subscriptions.grant(client, sub, granted)) {
      refused(
        client,
        'subscribe',
        {
          reason: 'subscriptions_full',
          detail: `already ${options.maxSubscriptions} subscriptions`,
        },
        sub.topic,
      )
      return done(null, null)
    }
    done(null, granted)
  }

  async function checkPublish(
    client: Client | null,
    packet: PublishPacket,
  ): Promise<Refusal | undefined> {
    if (client === null) return undefined // a stored will, checked when it was set (auth.ts)
    if (!isAuthenticated(client)) return unauthenticated
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    if (payload.length > options.maxPayloadBytes) {
      return {
        reason: 'packet_too_large',
        detail: `${payload.length} bytes > ${options.maxPayloadBytes}`,
      }
    }
    const decision = mayPublish(client.id, packet.topic, groups)
    if (!decision.ok)
      return {
        reason: decision.code === 'TOPIC_INVALID' ? 'topic_invalid' : 'publish_denied',
        detail: decision.reason,
      }
    const parsed = parseTopic(packet.topic)
    if (parsed === undefined) return { reason: 'topic_invalid', detail: 'not a Pigeon topic' }
    // retained messages are the presence and the group document; anything else would be kept forever
    const mayRetain = parsed.kind === 'presence' || parsed.kind === 'group-meta'
    if (packet.retain && !mayRetain)
      return { reason: 'retain_denied', detail: `no retained messages on ${parsed.kind} topics` }

    const isWill = packet === (client as unknown as { will?: unknown }).will
    if (!isWill) {
      const waitMs = rate.take(client.id, Date.now())
      if (waitMs === undefined)
        return { reason: 'rate_limited', detail: 'publishing faster than the relay allows' }
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
    }

    if (parsed.kind === 'group-meta') {
      if (!packet.retain)
        return {
          reason: 'group_doc_not_retained',
          detail: 'a group document is published retained',
        }
      try {
        await groups.accept(packet.topic, payload)
      } catch (error) {
        if (isPigeonError(error)) return { reason: error.code.toLowerCase(), detail: error.message }
        throw error
      }
    }
    // the cap, the sender's share and whether the inbox has a session at all are decided in the
    // enqueue itself (queue.ts); have the count ready for it
    if (parsed.kind === 'inbox' && packet.qos > 0) await queues.prepare(parsed.peerId)
    // the sender of every queued copy, for the shares (queue.ts); aedes sets it anyway when it emits
    ;(packet as PublishPacket & { clientId?: string }).clientId = client.id
    options.stampClock(Date.now())
    return undefined
  }

  function authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    done: (error?: Error | null) => void,
  ): void {
    options.inFlight.track(checkPublish(client, packet)).then(
      (refusal) => {
        if (refusal === undefined) {
          if (client !== null) metrics.messagesIn.inc()
          return done(null)
        }
        refused(client, 'publish', refusal, packet.topic)
        done(new Error(`publish refused: ${refusal.reason}`))
      },
      (error: unknown) => {
        log.error({ err: error }, 'publish check failed unexpectedly')
        done(error instanceof Error ? error : new Error(String(error)))
      },
    )
  }

  /** Last check before a packet reaches a subscriber, live or from its queue (synchronous in aedes). */
  function authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    if (!isAuthenticated(client)) return null
    if (queues.isExpired(packet, Date.now())) {
      metrics.queueDropped.inc({ reason: 'expired' })
      return null
    }
    const parsed = parseTopic(packet.topic)
    // an inbox is its owner's alone, queued copies included: a relay whose store predates
    // subscriptions.ts may hold another client's subscription to it
    if (parsed?.kind === 'inbox' && parsed.peerId !== client.id) {
      metrics.queueDropped.inc({ reason: 'not_owner' })
      return null
    }
    // a member removed from a group stops receiving at once, queued messages included
    if (parsed?.kind === 'group' && !groups.isMember(parsed.groupId, client.id)) {
      metrics.queueDropped.inc({ reason: 'not_member' })
      return null
    }
    metrics.messagesOut.inc()
    return packet
  }

  return { authorizeSubscribe, authorizePublish, authorizeForward }
}
