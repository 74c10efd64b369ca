// What the relay link receives (docs/protocol.md §3–§5): a PUBLISH on my inbox is opened (sealed
// to me, checked against replays) and handed to the inbound handler, and PUBACKed only once the
// handler stored it — a crash in between makes the relay deliver it again (dedup by id
// downstream); a PUBLISH on a followed peer's presence topic goes to the presence watch. Kept
// apart from link.ts so the link is the connection and delivery, and this file what arrives.
import type { IPublishPacket, MqttClient } from 'mqtt'
import type { Envelope } from '../../../shared/envelope.js'
import { isPermanentError, isPigeonError, PigeonError } from '../../../shared/errors.js'
import type { Identity } from '../../../shared/identity.js'
import { openSealed, ReplayGuard } from '../../../shared/seal.js'
import { parseTopic } from '../../../shared/topics.js'
import type { InboundHandler } from '../delivery.js'
import { errorText, type Logger } from '../log.js'
import type { PresenceWatch } from './presence-watch.js'

export class LinkInbound {
  readonly #identity: Identity
  readonly #presence: PresenceWatch
  readonly #log: Logger
  readonly #replay = new ReplayGuard()
  #handler: InboundHandler | undefined

  constructor(identity: Identity, presence: PresenceWatch, log: Logger) {
    this.#identity = identity
    this.#presence = presence
    this.#log = log
  }

  set handler(handler: InboundHandler) {
    this.#handler = handler
  }

  /**
   * Takes over the client's inbound PUBLISHes. [MQTT-4.6.0-2]-style ordering: the PUBACK for an
   * inbound message goes out only when `done` is called, i.e. after the envelope is stored.
   */
  attach(client: MqttClient): void {
    client.handleMessage = (packet, done) => {
      this.#onPublish(packet).then(
        () => done(),
        (error: unknown) => {
          // not stored: drop the link without acking, so the relay keeps it and resends it
          this.#log.warn(
            { error: errorText(error) },
            'could not store a relayed message; reconnecting to get it again',
          )
          client.end(true)
        },
      )
    }
  }

  async #onPublish(packet: IPublishPacket): Promise<void> {
    const topic = parseTopic(packet.topic)
    const payload =
      typeof packet.payload === 'string'
        ? new TextEncoder().encode(packet.payload)
        : new Uint8Array(packet.payload)
    if (topic?.kind === 'inbox' && topic.peerId === this.#identity.peerId) {
      let envelope: Envelope
      try {
        envelope = await openSealed(payload, this.#identity, { replay: this.#replay })
      } catch (error) {
        // a forged, damaged or replayed message can never become valid: ack it away, log it
        this.#log.warn(
          { code: isPigeonError(error) ? error.code : 'UNKNOWN' },
          `refused a relayed message: ${errorText(error)}`,
        )
        return
      }
      if (this.#handler === undefined)
        throw new PigeonError('DELIVERY_REFUSED', 'No inbound handler is set.')
      try {
        await this.#handler(envelope, 'relay')
      } catch (error) {
        if (isPermanentError(error)) {
          // refused for good (addressed to someone else, say): unacked it would come back forever
          this.#log.warn(
            { code: error.code },
            `refused a relayed message for good: ${errorText(error)}`,
          )
          return
        }
        this.#replay.forget(envelope.id) // it will come again; it must not count as a replay then
        throw error
      }
      return
    }
    if (topic?.kind === 'presence' && this.#presence.follows(topic.peerId)) {
      this.#presence.received(topic.peerId, payload)
      return
    }
    this.#log.debug(
      { topic: packet.topic.slice(0, 120) },
      'ignored a message on an unexpected topic',
    )
  }
}
