// The MQTT 3.1.1 CONNECT a relay link sends (docs/protocol.md §4 topics, §5 the token).
import type { IClientOptions } from 'mqtt'
import { OFFLINE_PRESENCE } from './presence.js'
import { presenceTopic } from '../../../shared/topics.js'

/**
 * Username = client id = our PeerId, password = a single-use relay token; a persistent session
 * (clean=false) so the relay queues our inbox while we are away; mqtt.js's own reconnect is off
 * (a token cannot be reused) and the last will marks us offline if the link dies.
 */
export function connectOptions(peerId: string, token: string, timeoutMs: number): IClientOptions {
  return {
    clientId: peerId,
    username: peerId,
    password: token,
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    keepalive: 30,
    resubscribe: false,
    will: {
      topic: presenceTopic(peerId),
      payload: Buffer.from(OFFLINE_PRESENCE),
      qos: 1,
      retain: true,
    },
  }
}
