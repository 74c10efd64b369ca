// CONNECT authentication (DESIGN.md "Identity", docs/protocol.md §5): client id = username =
// the user's PeerId, password = a fresh relay token signed by that key for this relay.
// Anything else gets CONNACK return code 5 "not authorized" [MQTT-3.2.2-5], is counted in
// pigeon_relay_auth_refusals_total{reason} and logged.
import { createHash } from 'node:crypto'
import type { AuthenticateError, Client, ConnectPacket } from 'aedes'
import type { Logger } from 'pino'
import type { Redis } from 'ioredis'
import { isPigeonError } from '../shared/errors.js'
import { isPeerId } from '../shared/identity.js'
import { DEFAULT_TOKEN_WINDOW_MS, TokenReplayCache, verifyRelayToken } from '../shared/relay-token.js'
import { presenceTopic } from '../shared/topics.js'
import type { RelayMetrics } from './metrics.js'

export interface AuthOptions {
  relayId: string
  metrics: RelayMetrics
  log: Logger
  /** invite-only mode: may this key connect? */
  isAdmitted: (peerId: string) => Promise<boolean>
  /** cluster mode: tokens are single-use across every node, not just this one */
  redis: Redis | undefined
}

const NOT_AUTHORIZED = 5
const badWill = Symbol('pigeon.badWill')

type PigeonClient = Client & { [badWill]?: boolean }

/** aedes preConnect: remembers a last will aimed anywhere but the client's own presence. */
export function checkWill(client: Client, packet: ConnectPacket, done: (error: Error | null, ok: boolean) => void): void {
  const will = packet.will
  if (will !== undefined && will !== null && will.topic !== presenceTopic(packet.clientId)) {
    ;(client as PigeonClient)[badWill] = true
  }
  done(null, true)
}

export function createAuthenticate(options: AuthOptions) {
  const replay = new TokenReplayCache()
  const { metrics, log } = options

  async function check(client: PigeonClient, username: string | undefined, password: Buffer | undefined): Promise<string | undefined> {
    if (!isPeerId(client.id)) return 'client_id_not_peer_id'
    if (username !== client.id) return 'username_not_client_id'
    if (password === undefined || password.length === 0) return 'no_token'
    if (client[badWill] === true) return 'will_not_own_presence'
    try {
      await verifyRelayToken(password, { peerId: client.id, relayId: options.relayId, replay })
    } catch (error) {
      if (isPigeonError(error)) return error.code.toLowerCase()
      throw error
    }
    if (options.redis !== undefined) {
      const key = `pigeon:token:${createHash('sha256').update(password).digest('base64url')}`
      const fresh = await options.redis.set(key, '1', 'PX', 2 * DEFAULT_TOKEN_WINDOW_MS, 'NX')
      if (fresh === null) return 'token_replayed'
    }
    if (!(await options.isAdmitted(client.id))) return 'not_invited'
    return undefined
  }

  return function authenticate(
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    check(client, username, password).then(
      (refusal) => {
        if (refusal === undefined) return done(null, true)
        metrics.authRefusals.inc({ reason: refusal })
        log.warn({ event: 'auth_refused', reason: refusal, clientId: String(client.id).slice(0, 60) }, 'connect refused')
        const error = new Error(`not authorized: ${refusal}`) as AuthenticateError
        error.returnCode = NOT_AUTHORIZED as AuthenticateError['returnCode']
        done(error, false)
      },
      (error: unknown) => {
        log.error({ err: error }, 'authentication failed unexpectedly')
        const failure = new Error('server unavailable') as AuthenticateError
        failure.returnCode = 3 as AuthenticateError['returnCode']
        done(failure, false)
      },
    )
  }
}
