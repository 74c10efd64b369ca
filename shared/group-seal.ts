// Group messages on the relay's group topic (docs/protocol.md §3, "Groups"): the envelope is
// sealed once per member (shared/seal.ts) and the copies travel together in one payload, so the
// relay enforces membership and queues one payload per member, and each member opens only its
// own copy. Cost grows with members × message size: fine for small groups (a 20-member group
// pays ~3.5 KB for a short message); past ~100 members a sender key (one ciphertext, a key per
// member) is the next step.
//
//   payload = 0x02 | count (varint) | count × ( hint (4) | length (varint) | sealed copy )
//   hint    = the member's raw Ed25519 key, first 4 bytes (the relay knows the members anyway)
import { decode as varintDecode, encode as varintEncode, encodingLength } from 'uint8-varint'
import type { Envelope } from './envelope.js'
import { PigeonError } from './errors.js'
import { publicKeyFromPeerId, type Identity } from './identity.js'
import { openSealed, seal, type ReplayGuard } from './seal.js'

export const GROUP_PAYLOAD_VERSION = 0x02
const HINT_BYTES = 4
/** matches the relay's default maximum packet size with room for the topic */
export const MAX_GROUP_PAYLOAD_BYTES = 256 * 1024

export function sealForGroup(envelope: Envelope, sender: Identity, members: readonly string[]): Uint8Array {
  if (!('group' in envelope.to)) throw new PigeonError('ENVELOPE_INVALID_FIELD', 'A group payload carries a group message.')
  const recipients = members.filter((member) => member !== sender.peerId)
  const parts: Uint8Array[] = [Uint8Array.of(GROUP_PAYLOAD_VERSION), varintEncode(recipients.length)]
  for (const member of recipients) {
    const sealed = seal(envelope, sender, member)
    parts.push(publicKeyFromPeerId(member).subarray(0, HINT_BYTES), varintEncode(sealed.length), sealed)
  }
  const size = parts.reduce((n, part) => n + part.length, 0)
  if (size > MAX_GROUP_PAYLOAD_BYTES) {
    throw new PigeonError('ENVELOPE_OVERSIZE', `This message to ${recipients.length} members would be ${Math.round(size / 1024)} KiB; shorten it or send it as a file.`)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function truncated(): PigeonError {
  return new PigeonError('SEAL_TRUNCATED', 'A group message ends early; it was cut off in transit.')
}

/** Finds and opens my copy; throws SEAL_WRONG_RECIPIENT when the payload has none for me. */
export function openGroupPayload(payload: Uint8Array, me: Identity, options: { replay?: ReplayGuard } = {}): Envelope {
  if (payload.length < 2) throw truncated()
  if (payload[0] !== GROUP_PAYLOAD_VERSION) throw new PigeonError('SEAL_VERSION', `A group message in format ${payload[0]}, which this version of Pigeon cannot open.`)
  const myHint = me.publicKey.subarray(0, HINT_BYTES)
  let at = 1
  const read = (): number => {
    let value: number
    try {
      value = varintDecode(payload, at)
    } catch {
      throw truncated()
    }
    at += encodingLength(value)
    return value
  }
  const count = read()
  let lastError: unknown
  for (let i = 0; i < count; i++) {
    if (at + HINT_BYTES > payload.length) throw truncated()
    const hint = payload.subarray(at, at + HINT_BYTES)
    at += HINT_BYTES
    const length = read()
    if (at + length > payload.length) throw truncated()
    const sealed = payload.subarray(at, at + length)
    at += length
    if (hint.every((byte, j) => byte === myHint[j])) {
      try {
        const envelope = openSealed(sealed, me, options)
        if (!('group' in envelope.to)) throw new PigeonError('SEAL_WRONG_RECIPIENT', 'A group payload held a message that is not for a group.')
        return envelope
      } catch (error) {
        lastError = error // a 4-byte hint can collide: keep looking
      }
    }
  }
  if (lastError !== undefined) throw lastError
  throw new PigeonError('SEAL_WRONG_RECIPIENT', 'This group message holds no copy for you (you were not a member when it was sent).')
}
