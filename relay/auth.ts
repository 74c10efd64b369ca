// CONNECT authentication (docs/relay.md "Authentication", docs/protocol.md §5): client id = username =
// the user's PeerId, password = a fresh relay token signed by that key for this relay.
// Anything else is refused with a CONNACK return code that says which kind of problem it is
// (below), counted in pigeon_relay_auth_refusals_total{reason} and logged.
import type { AuthenticateError, Client, ConnectPacket } from 'aedes'
import type { Logger } from 'pino'
import { isPigeonError } from '../shared/errors.js'
import { isPeerId } from '../shared/identity.js'
import { verifyRelayToken, type TokenSpender } from '../shared/relay-token.js'
import { presenceTopic } from '../shared/topics.js'
import type { RelayMetrics } from './metrics.js'

export interface AuthOptions {
  relayId: string
  metrics: RelayMetrics
  log: Logger
  /** invite-only mode: may this key connect? */
  isAdmitted: (peerId: string) => Promise<boolean>
  /** the one record of spent tokens (spent-tokens.ts), shared with invite redemption */
  spent: TokenSpender
}

// Which CONNACK return code a refusal gets [MQTT-3.2.2-5], so that a client can tell the person
// which of three different things is wrong (docs/protocol.md §5 "Refusals"):
//   2 "identifier rejected": the client id or user name is not the PeerId — a client bug;
//   4 "bad user name or password": the token is no credential for THIS relay (made for another
//     relay id, forged, malformed, missing) — for the app, the relay id in the address is wrong;
//   5 "not authorized": a good token, but not now or not this key — a clock off by more than the
//     window, a replay, not invited, a foreign last will.
const IDENTIFIER_REJECTED = 2
const BAD_CREDENTIALS = 4
const NOT_AUTHORIZED = 5
const RETURN_CODES: Record<string, number> = {
  client_id_not_peer_id: IDENTIFIER_REJECTED,
  username_not_client_id: IDENTIFIER_REJECTED,
  no_token: BAD_CREDENTIALS,
  token_malformed: BAD_CREDENTIALS,
  token_wrong_relay: BAD_CREDENTIALS,
  token_bad_signature: BAD_CREDENTIALS,
}
const badWill = Symbol('pigeon.badWill')

type PigeonClient = Client & { [badWill]?: boolean }

// Clients whose CONNECT our authenticate hook accepted. Every ACL hook (acl.ts) refuses anyone
// else: aedes hands packets to the hooks while a CONNECT is still being checked, and after it
// was refused, if they arrive in a later socket read (docs/relay.md "Authentication").
const authenticated = new WeakSet<Client>()

/** true only for a client whose CONNECT passed authentication (set nowhere else) */
export function isAuthenticated(client: Client): boolean {
  return authenticated.has(client)
}

/**
 * aedes preConnect, called synchronously when the CONNECT is parsed. Stops the socket reader
 * at once: aedes itself pauses only later, inside authenticate (a setImmediate and more after),
 * and a packet read in between — e.g. one that follows a CONNECT of exactly 64 KiB, the size of
 * one socket read — would be handled with no client id and no verdict yet [MQTT-3.1.0-1]. aedes
 * resumes the reader after a successful CONNACK (connect.js emptyQueue); a refused client is
 * closed without it. Also remembers a last will aimed anywhere but the client's own presence.
 */
export function preConnect(
  client: Client,
  packet: ConnectPacket,
  done: (error: Error | null, ok: boolean) => void,
): void {
  const pigeon = client as PigeonClient & { pause(): void } // aedes Client has it; its types omit it
  pigeon.pause()
  const will = packet.will
  if (will !== undefined && will !== null && will.topic !== presenceTopic(packet.clientId))
    pigeon[badWill] = true
  done(null, true)
}

export function createAuthenticate(options: AuthOptions) {
  const { metrics, log } = options

  async function check(
    client: PigeonClient,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<string | undefined> {
    if (!isPeerId(client.id)) return 'client_id_not_peer_id'
    if (username !== client.id) return 'username_not_client_id'
    if (password === undefined || password.length === 0) return 'no_token'
    if (client[badWill] === true) return 'will_not_own_presence'
    try {
      await verifyRelayToken(password, {
        peerId: client.id,
        relayId: options.relayId,
        spent: options.spent,
      })
    } catch (error) {
      // a TOKEN_* refusal is the client's; a record that cannot be written is ours (code 3)
      if (isPigeonError(error) && error.code.startsWith('TOKEN_')) return error.code.toLowerCase()
      throw error
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
        if (refusal === undefined) {
          authenticated.add(client)
          return done(null, true)
        }
        metrics.authRefusals.inc({ reason: refusal })
        log.warn(
          { event: 'auth_refused', reason: refusal, clientId: String(client.id).slice(0, 60) },
          'connect refused',
        )
        const error = new Error(`not authorized: ${refusal}`) as AuthenticateError
        error.returnCode = (RETURN_CODES[refusal] ??
          NOT_AUTHORIZED) as AuthenticateError['returnCode']
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
