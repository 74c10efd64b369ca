// The relay address a user enters: the broker URL plus the relay's id, which the auth token is
// bound to (docs/protocol.md §5) and which pins the relay like an SSH host key:
//   mqtt://relay.example.org:1883#12D3KooW…     (mqtts:, ws:, wss: likewise)
// `pigeon-relay` prints this line at start for the admin to hand out.
import { PigeonError } from '../../../shared/errors.js'
import { isPeerId } from '../../../shared/identity.js'

export interface RelayAddress {
  /** what mqtt.js connects to (no fragment) */
  brokerUrl: string
  relayId: string
  /** the address as the user gave it, normalised */
  text: string
}

const PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:'])

export function parseRelayAddress(input: string): RelayAddress {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new PigeonError(
      'RELAY_URL_INVALID',
      `"${input.slice(0, 100)}" is not a relay address; it looks like mqtt://host:1883#12D3KooW… (pigeon-relay prints it at start).`,
    )
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new PigeonError(
      'RELAY_URL_INVALID',
      `A relay address starts with mqtt://, mqtts://, ws:// or wss://, not ${url.protocol}//.`,
    )
  }
  const relayId = decodeURIComponent(url.hash.slice(1))
  if (!isPeerId(relayId)) {
    throw new PigeonError(
      'RELAY_URL_INVALID',
      'The relay address lacks the relay id after "#" (e.g. mqtt://host:1883#12D3KooW…); pigeon-relay prints the full address at start.',
    )
  }
  url.hash = ''
  const brokerUrl = url.toString()
  return { brokerUrl, relayId, text: `${brokerUrl}#${relayId}` }
}
