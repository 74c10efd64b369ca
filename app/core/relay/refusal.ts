// What a relay link problem means, in words a person can act on: a refused CONNACK by return
// code, anything else as "cannot reach" (docs/protocol.md §5 "Refusals").
import { isPigeonError, type PigeonErrorCode } from '../../../shared/errors.js'
import { errorText } from '../log.js'
import type { RelayAddress } from './url.js'

/**
 * What a refused CONNACK means, by return code (docs/protocol.md §5 "Refusals"). The relay chooses
 * the code so that the three things a person can fix are told apart.
 */
export function refusal(
  code: number,
  address: RelayAddress,
): { code: PigeonErrorCode; message: string } | undefined {
  const at = `The relay at ${address.brokerUrl}`
  switch (code) {
    case 1:
      return {
        code: 'RELAY_REFUSED',
        message: `${at} does not speak MQTT 3.1.1; check the address.`,
      }
    case 2:
      return {
        code: 'RELAY_REFUSED',
        message: `${at} refused this client's identifier; this is a bug in Pigeon, please report it.`,
      }
    case 3:
      return {
        code: 'RELAY_UNREACHABLE',
        message: `${at} is unavailable for now; Pigeon will try again.`,
      }
    case 4:
      return {
        code: 'TOKEN_WRONG_RELAY',
        message: `${at} is not the relay ${address.relayId.slice(0, 16)}… named after "#" in the address: the relay id is wrong, or the relay got a new key. Ask its admin for the address pigeon-relay prints at start.`,
      }
    case 5:
      return {
        code: 'RELAY_REFUSED',
        message: `${at} refused this identity: it is invite-only and this key has not redeemed an invite, or this computer's clock is more than 2 minutes off.`,
      }
    default:
      return undefined
  }
}

export interface RelayProblem {
  code: PigeonErrorCode
  message: string
  /** the relay said no (a refusal does not go away by itself: retry slowly) */
  refused: boolean
}

/** The problem behind a failed connect or a dropped link. */
export function relayProblem(error: unknown, address: RelayAddress): RelayProblem {
  const code = isPigeonError(error) ? error.code : (error as { code?: unknown }).code
  const refused = typeof code === 'number' ? refusal(code, address) : undefined
  if (refused !== undefined) return { ...refused, refused: refused.code !== 'RELAY_UNREACHABLE' }
  return {
    code: 'RELAY_UNREACHABLE',
    message: `Cannot reach the relay at ${address.brokerUrl}: ${errorText(error)}.`,
    refused: false,
  }
}
