// Where a message someone sent me goes in history (docs/protocol.md §2 "Time"). History is
// ordered by a key that is normally the message id — a UUIDv7, so the sender's clock — which lets
// a sender with a wrong clock, or one who lies, pin a message above or below everything for
// years. A claim the receiver's clock finds implausible (its id time or sent_at more than
// LIMITS.clockSkewMs ahead, or more than LIMITS.maxMessageAgeMs old) is placed by the time it
// arrived instead, and shown with that time: a fresh time-ordered key, and sent_at = arrival.
import { randomBytes } from '@noble/hashes/utils.js'
import { LIMITS } from '../../../shared/limits.js'
import { MESSAGE_ID_BYTES, messageIdTime } from '../../../shared/message-id.js'

export interface HistoryPlace {
  orderKey: Uint8Array
  sentAt: number
}

export function isPlausibleTime(claimed: number, now: number): boolean {
  return claimed <= now + LIMITS.clockSkewMs && claimed >= now - LIMITS.maxMessageAgeMs
}

export function historyPlace(id: Uint8Array, sentAt: number, now: number): HistoryPlace {
  if (isPlausibleTime(messageIdTime(id), now) && isPlausibleTime(sentAt, now)) {
    return { orderKey: id, sentAt }
  }
  return { orderKey: arrivalKey(now), sentAt: now }
}

/**
 * A key that sorts with ids made at `now`: its 48-bit ms time, then random bytes (ties are broken
 * by id). Not newMessageId: that generator never goes back in time, and must not be pulled along
 * by a claim we refused.
 */
function arrivalKey(now: number): Uint8Array {
  const key = randomBytes(MESSAGE_ID_BYTES)
  for (let i = 5, ms = now; i >= 0; i--, ms = Math.floor(ms / 256)) key[i] = ms % 256
  return key
}
