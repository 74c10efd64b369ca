// The envelope: one compact protobuf for every message on every path (docs/protocol.md §2).
// This module is its public face; the work is split by job: envelope-types.ts (types, limits),
// envelope-check.ts (validation, strict UTF-8), envelope-enums.ts (the .proto's enums),
// envelope-encode.ts and envelope-decode.ts.
import type { Envelope, Kind } from './envelope-types.js'

export {
  newMessageId,
  messageIdFromString,
  messageIdTime,
  messageIdToString,
} from './message-id.js'
export {
  ENVELOPE_LIMITS,
  GROUP_ID_BYTES,
  type Kind,
  type Recipient,
  type ReceiptState,
  type GroupOp,
  type FileOfferBody,
  type GroupControlBody,
  type ProfileBody,
  type Envelope,
  type EnvelopeOf,
} from './envelope-types.js'
export { toUtf8, fromUtf8 } from './envelope-check.js'
export { encodeEnvelope } from './envelope-encode.js'
export { decodeEnvelope } from './envelope-decode.js'

export function kindOf(envelope: Envelope): Kind {
  return envelope.kind
}
