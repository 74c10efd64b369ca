// Protobuf bytes → Envelope (docs/protocol.md §2). Decoding is strict: a buffer either becomes a
// complete, valid Envelope or a PigeonError with an ENVELOPE_* code — never a half-decoded
// object, never an exception from inside protons.
import { PigeonError } from './errors.js'
import { toBase64url } from './base64url.js'
import { peerIdFromPublicKey } from './identity.js'
import * as pb from './proto/envelope.js'
import {
  ENVELOPE_LIMITS,
  GROUP_ID_BYTES,
  type Envelope,
  type EnvelopeBase,
  type FileOfferBody,
  type GroupControlBody,
  type ProfileBody,
} from './envelope-types.js'
import { fromUtf8, invalid, optionalUtf8, oversize, validate } from './envelope-check.js'
import { opToPb, receiptToPb, statusToPb } from './envelope-enums.js'

const KEY_BYTES = 32

function classify(cause: unknown): PigeonError {
  const text = cause instanceof Error ? cause.message : String(cause)
  if (/out of range|index out|premature|unexpected end/i.test(text)) {
    return new PigeonError(
      'ENVELOPE_TRUNCATED',
      'The message ends early; it was cut off in transit.',
      { cause },
    )
  }
  if (cause instanceof Error && cause.name === 'MaxLengthError') {
    return oversize('The message has a list longer than Pigeon allows.')
  }
  return new PigeonError('ENVELOPE_MALFORMED', 'The message is not a valid Pigeon envelope.', {
    cause,
  })
}

function peerFromKey(key: Uint8Array, what: string): string {
  if (key.length !== KEY_BYTES)
    throw invalid(`The ${what} key has ${key.length} bytes; it must have ${KEY_BYTES}.`)
  try {
    return peerIdFromPublicKey(key)
  } catch (cause) {
    throw new PigeonError('ENVELOPE_INVALID_FIELD', `The ${what} key is not a valid Ed25519 key.`, {
      cause,
    })
  }
}

/** protons decodes enums to their proto names; map back through the table used to encode */
function member<T extends string, P extends string>(
  value: P,
  table: Record<T, P>,
  what: string,
): T {
  for (const [ours, theirs] of Object.entries(table) as Array<[T, P]>)
    if (theirs === value) return ours
  throw invalid(`Unknown ${what} ${String(value)}.`)
}

function bigToNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < 0n)
    throw invalid(`The ${what} is out of range.`)
  return Number(value)
}

function fromPb(m: pb.Envelope): Envelope {
  if (m.id.length === 0) throw new PigeonError('ENVELOPE_MISSING_FIELD', 'The message has no id.')
  if (m.sender.length === 0)
    throw new PigeonError('ENVELOPE_MISSING_FIELD', 'The message has no sender.')
  if (m.sentAt === 0n)
    throw new PigeonError('ENVELOPE_MISSING_FIELD', 'The message has no send time.')
  const bodies = [
    m.text,
    m.receipt,
    m.fileOffer,
    m.groupControl,
    m.profile,
    m.typing,
    m.recall,
  ].filter((b) => b !== undefined)
  if (bodies.length === 0)
    throw new PigeonError(
      'ENVELOPE_UNKNOWN_KIND',
      'The message is of a kind this version of Pigeon does not know; updating Pigeon may help.',
    )
  if (bodies.length > 1)
    throw new PigeonError('ENVELOPE_MALFORMED', 'The message carries more than one body.')
  if ((m.toPeer === undefined) === (m.toGroup === undefined)) {
    throw new PigeonError(
      m.toPeer === undefined ? 'ENVELOPE_MISSING_FIELD' : 'ENVELOPE_MALFORMED',
      'The message must name exactly one recipient, a peer or a group.',
    )
  }
  if (m.toGroup !== undefined && m.toGroup.length !== GROUP_ID_BYTES)
    throw invalid(`A group id has ${GROUP_ID_BYTES} bytes.`)

  const base: EnvelopeBase = {
    id: m.id,
    sender: peerFromKey(m.sender, 'sender'),
    to:
      m.toPeer !== undefined
        ? { peer: peerFromKey(m.toPeer, 'recipient') }
        : { group: toBase64url(m.toGroup!) },
    sentAt: bigToNumber(m.sentAt, 'send time'),
  }
  if (m.text !== undefined) {
    return {
      ...base,
      kind: 'text',
      text: fromUtf8(m.text.text, 'message text'),
      ...(m.text.replyTo !== undefined && { replyTo: m.text.replyTo }),
      ...(m.text.mentions.length > 0 && {
        mentions: m.text.mentions.map((key) => peerFromKey(key, 'mentioned')),
      }),
    }
  }
  if (m.recall !== undefined) {
    return { ...base, kind: 'recall', recall: { id: m.recall.id } }
  }
  if (m.receipt !== undefined) {
    return {
      ...base,
      kind: 'receipt',
      state: member(m.receipt.state, receiptToPb, 'receipt state'),
      ids: m.receipt.ids,
    }
  }
  if (m.fileOffer !== undefined) {
    const f = m.fileOffer
    const file: FileOfferBody = {
      name: fromUtf8(f.name, 'file name'),
      size: bigToNumber(f.size, 'file size'),
      sha256: f.sha256,
    }
    const mime = optionalUtf8(f.mime, 'file type')
    const blobId = optionalUtf8(f.blobId, 'blob id')
    if (mime !== undefined) file.mime = mime
    if (f.directory !== undefined) file.directory = f.directory
    if (blobId !== undefined) file.blobId = blobId
    if (f.blobKey !== undefined) file.blobKey = f.blobKey
    if (f.transferId !== undefined) file.transferId = f.transferId
    if (f.mtime !== undefined) file.mtime = bigToNumber(f.mtime, 'file time')
    if (f.chunkSize !== undefined) file.chunkSize = f.chunkSize
    if (f.chunkHashes !== undefined) file.chunkHashes = f.chunkHashes
    if (f.indexSize !== undefined) file.indexSize = bigToNumber(f.indexSize, 'index size')
    if (f.indexSha256 !== undefined) file.indexSha256 = f.indexSha256
    return { ...base, kind: 'file-offer', file }
  }
  if (m.groupControl !== undefined) {
    const c = m.groupControl
    if (c.groupId.length !== GROUP_ID_BYTES)
      throw invalid(`A group id has ${GROUP_ID_BYTES} bytes.`)
    const control: GroupControlBody = {
      op: member(c.op, opToPb, 'group operation'),
      groupId: toBase64url(c.groupId),
      members: c.members.map((key) => peerFromKey(key, 'member')),
      version: bigToNumber(c.version, 'group version'),
    }
    const name = optionalUtf8(c.name, 'group name')
    if (name !== undefined) control.name = name
    if (c.document !== undefined) control.document = c.document
    return { ...base, kind: 'group-control', control }
  }
  if (m.profile !== undefined) {
    const p = m.profile
    const profile: ProfileBody = {
      name: fromUtf8(p.name, 'display name'),
      color: p.color,
      status: member(p.status, statusToPb, 'status'),
      version: bigToNumber(p.version, 'profile version'),
    }
    const workgroup = optionalUtf8(p.workgroup, 'workgroup')
    if (workgroup !== undefined) profile.workgroup = workgroup
    const host = optionalUtf8(p.host, 'host name')
    if (host !== undefined) profile.host = host
    return { ...base, kind: 'profile', profile }
  }
  return { ...base, kind: 'typing', typing: m.typing!.typing }
}

/** Decodes and validates one envelope, or throws a PigeonError with an ENVELOPE_* code. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length > ENVELOPE_LIMITS.maxBytes) {
    throw oversize(
      `The message is ${bytes.length} bytes; the limit is ${ENVELOPE_LIMITS.maxBytes}.`,
    )
  }
  if (bytes.length === 0) throw new PigeonError('ENVELOPE_TRUNCATED', 'The message is empty.')
  let message: pb.Envelope
  try {
    message = pb.Envelope.decode(bytes, {
      limits: {
        receipt: { ids: ENVELOPE_LIMITS.maxReceiptIds },
        groupControl: { members: ENVELOPE_LIMITS.maxGroupMembers },
        text: { mentions: ENVELOPE_LIMITS.maxGroupMembers },
      },
    })
  } catch (cause) {
    throw classify(cause)
  }
  const envelope = fromPb(message)
  validate(envelope)
  return envelope
}
