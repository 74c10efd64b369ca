// Is the relay reachable, does it let us in, and if not, is it our clock? A refused CONNECT is
// probed again with tokens dated minutes earlier and later: the offset that is accepted is the
// clock skew between this computer and the relay (tokens are valid ±2 min; docs/protocol.md §5).
import mqtt from 'mqtt'
import type { Identity } from '../../../shared/identity.js'
import { createRelayToken } from '../../../shared/relay-token.js'
import type { RelayAddress } from '../relay/url.js'
import { finding, type Finding } from './checks.js'
import { probeTcp } from './reach.js'

const DEFAULT_PORTS: Record<string, number> = {
  'mqtt:': 1883,
  'mqtts:': 8883,
  'ws:': 80,
  'wss:': 443,
}
/** minutes; the token window is ±2 min, so 4-minute steps leave no gap */
const SKEW_PROBES = [
  4, -4, 8, -8, 12, -12, 16, -16, 20, -20, 24, -24, 28, -28, 32, -32, 45, -45, 60, -60, 90, -90,
  120, -120,
]

/** 0 when accepted, else the CONNACK code, or -1 when no CONNACK came */
async function connectOnce(
  address: RelayAddress,
  identity: Identity,
  issuedAt: number,
): Promise<number> {
  const token = await createRelayToken(identity, address.relayId, issuedAt)
  try {
    const client = await mqtt.connectAsync(address.brokerUrl, {
      clientId: identity.peerId,
      username: identity.peerId,
      password: token,
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    })
    await client.endAsync(true)
    return 0
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'number' ? code : -1
  }
}

export interface RelayCheckInput {
  address: RelayAddress
  identity: Identity
  /** true when the node's own link is connected: then no probe (a second CONNECT with our client id would take its session over) */
  linkConnected: boolean
  now?: () => number
}

export async function checkRelay(input: RelayCheckInput): Promise<Finding[]> {
  const { address, identity } = input
  if (input.linkConnected)
    return [finding('relay', 'ok', `Connected to the relay ${address.brokerUrl}.`)]
  const url = new URL(address.brokerUrl)
  const port = url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 1883) : Number(url.port)
  const tcp = await probeTcp(url.hostname, port)
  if (tcp === 'refused')
    return [
      finding(
        'relay',
        'fail',
        `Nothing listens at ${url.hostname}:${port}: the relay is not running there, or the port in the address is wrong.`,
      ),
    ]
  if (tcp === 'timeout')
    return [
      finding(
        'relay',
        'fail',
        `${url.hostname}:${port} does not answer: a firewall drops the connection, or the relay's host is down.`,
      ),
    ]
  if (tcp === 'unreachable')
    return [
      finding(
        'relay',
        'fail',
        `There is no route to ${url.hostname}: check this computer's network connection and the relay address.`,
      ),
    ]

  const now = input.now ?? Date.now
  const code = await connectOnce(address, identity, now())
  if (code === 0)
    return [finding('relay', 'ok', `The relay ${address.brokerUrl} accepts this identity.`)]
  if (code === -1)
    return [
      finding(
        'relay',
        'fail',
        `${url.hostname}:${port} accepts connections but does not answer like an MQTT relay: check the address and scheme (mqtt:// or mqtts://).`,
      ),
    ]
  // 4: the token is no credential for this relay — for our own token, the relay id is wrong;
  // 5: a good token refused now — the clock, or an invite (docs/protocol.md §5 "Refusals")
  if (code === 4)
    return [
      finding(
        'relay',
        'fail',
        `${url.hostname}:${port} is not the relay named after "#" in the address: the relay id is wrong, or the relay got a new key. Ask the relay's admin for the address pigeon-relay prints at start.`,
      ),
    ]
  if (code !== 5)
    return [
      finding(
        'relay',
        'fail',
        `The relay refused the connection (MQTT code ${code}): it may be overloaded; try again later.`,
      ),
    ]

  for (const minutes of SKEW_PROBES) {
    if ((await connectOnce(address, identity, now() + minutes * 60_000)) === 0) {
      const direction = minutes > 0 ? 'behind' : 'ahead of'
      return [
        finding(
          'relay',
          'fail',
          `The relay refuses our login because this computer's clock is about ${Math.abs(minutes)} minutes ${direction} the relay's.`,
        ),
        finding(
          'clock',
          'fail',
          `Set this computer's clock right (turn on automatic time / NTP); relay logins are valid for 2 minutes either way.`,
        ),
      ]
    }
  }
  return [
    finding(
      'relay',
      'fail',
      "The relay refuses this identity: it is invite-only and this key has not redeemed an invite. Ask the relay's admin for one.",
    ),
  ]
}
