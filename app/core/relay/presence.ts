// The retained payload of pigeon/v1/presence/<PeerId> (docs/protocol.md §4): one state byte,
// then, when online, the owner's profile envelope. The relay's ACL lets only the owner publish
// here; the last will publishes the offline byte when the link dies without a goodbye.
import {
  decodeEnvelope,
  encodeEnvelope,
  newMessageId,
  type ProfileBody,
} from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'

const OFFLINE = 0x00
const ONLINE = 0x01

export type Presence = { online: false } | { online: true; profile: ProfileBody }

export const OFFLINE_PRESENCE = Uint8Array.of(OFFLINE)

export function encodePresence(owner: string, profile: ProfileBody, now = Date.now()): Uint8Array {
  const envelope = encodeEnvelope({
    id: newMessageId(now),
    sender: owner,
    to: { peer: owner },
    sentAt: now,
    kind: 'profile',
    profile,
  })
  const out = new Uint8Array(1 + envelope.length)
  out[0] = ONLINE
  out.set(envelope, 1)
  return out
}

export function decodePresence(owner: string, payload: Uint8Array): Presence {
  if (payload.length === 1 && payload[0] === OFFLINE) return { online: false }
  if (payload.length < 2 || payload[0] !== ONLINE) {
    throw new PigeonError('PRESENCE_INVALID', 'A presence message is neither online nor offline.')
  }
  const envelope = decodeEnvelope(payload.subarray(1))
  if (envelope.kind !== 'profile' || envelope.sender !== owner) {
    throw new PigeonError('PRESENCE_INVALID', 'A presence message carries someone else’s profile.')
  }
  return { online: true, profile: envelope.profile }
}
