// The envelope: one compact protobuf for every message on every path (docs/protocol.md §2).
// Decoding is strict: a buffer either becomes a complete, valid Envelope or a PigeonError with a
// code — never a half-decoded object, never an exception from inside protons.
import { PigeonError } from './errors.js'
import { fromBase64url, toBase64url } from './base64url.js'
import { peerIdFromPublicKey, publicKeyFromPeerId } from './identity.js'
import { countChars, LIMITS } from './limits.js'
import { MESSAGE_ID_BYTES } from './message-id.js'
import type { PeerStatus } from './status.js'
import * as pb from './proto/envelope.js'
import './proto/uint64.js' // protons-runtime's uint64 writer is wrong in [2^31, 2^32)

export {
  newMessageId,
  messageIdFromString,
  messageIdTime,
  messageIdToString,
} from './message-id.js'

/** The envelope's view of the one limits table (shared/limits.ts). */
export const ENVELOPE_LIMITS = {
  maxBytes: LIMITS.envelopeBytes,
  maxTextBytes: LIMITS.textBytes,
  maxReceiptIds: LIMITS.receiptIds,
  maxNameChars: LIMITS.nameChars,
  maxGroupNameChars: LIMITS.groupNameChars,
  maxFileNameBytes: LIMITS.fileNameBytes,
  maxGroupMembers: LIMITS.groupMembers,
  maxGroupDocumentBytes: LIMITS.groupDocumentBytes,
} as const

export const GROUP_ID_BYTES = 16
const KEY_BYTES = 32
const SHA256_BYTES = 32

export type Kind =
  'text' | 'receipt' | 'file-offer' | 'group-control' | 'profile' | 'typing' | 'recall'
export type Recipient = { peer: string } | { group: string }
export type ReceiptState = 'delivered' | 'read'
export type GroupOp = 'create' | 'add' | 'remove' | 'leave' | 'rename'

/** docs/protocol.md §10. A folder's size is the sum of its files; its sha256 is its index's. */
export interface FileOfferBody {
  name: string
  size: number
  sha256: Uint8Array
  mime?: string
  directory?: boolean
  blobId?: string
  blobKey?: Uint8Array
  /** 16 random bytes naming the transfer on /pigeon/file/1.0.0 (a LAN offer has one) */
  transferId?: Uint8Array
  /** ms since the Unix epoch */
  mtime?: number
  chunkSize?: number
  /** a file of at most LIMITS.fileInlineChunkHashes chunks: each chunk's SHA-256, concatenated */
  chunkHashes?: Uint8Array
  /** a folder, or a file of more chunks: the index object's length and SHA-256 */
  indexSize?: number
  indexSha256?: Uint8Array
}

export interface GroupControlBody {
  op: GroupOp
  groupId: string
  name?: string
  members: string[]
  version: number
  document?: Uint8Array
}

export interface ProfileBody {
  name: string
  color: number
  status: PeerStatus
  version: number
  /** optional (docs/protocol.md §4): absent from older senders */
  workgroup?: string
  host?: string
}

interface EnvelopeBase {
  /** 16-byte UUIDv7 */
  id: Uint8Array
  /** sender PeerId */
  sender: string
  to: Recipient
  /** ms since the Unix epoch, by the sender's clock */
  sentAt: number
}

export type Envelope = EnvelopeBase &
  (
    | {
        kind: 'text'
        text: string
        replyTo?: Uint8Array
        /** group members (PeerIds) the text mentions with @ (docs/protocol.md §8) */
        mentions?: string[]
      }
    | { kind: 'receipt'; state: ReceiptState; ids: Uint8Array[] }
    | { kind: 'file-offer'; file: FileOfferBody }
    | { kind: 'group-control'; control: GroupControlBody }
    | { kind: 'profile'; profile: ProfileBody }
    | { kind: 'typing'; typing: boolean }
    /** the sender takes back its text `id`; sentAt is when it did (docs/protocol.md §2 "Recall") */
    | { kind: 'recall'; recall: { id: Uint8Array } }
  )

export type EnvelopeOf<K extends Kind> = Extract<Envelope, { kind: K }>

const receiptToPb = { delivered: pb.Receipt.State.DELIVERED, read: pb.Receipt.State.READ }
const statusToPb: Record<PeerStatus, pb.Profile.Status> = {
  online: pb.Profile.Status.ONLINE,
  away: pb.Profile.Status.AWAY,
  busy: pb.Profile.Status.BUSY,
}
const opToPb = {
  create: pb.GroupControl.Op.CREATE,
  add: pb.GroupControl.Op.ADD,
  remove: pb.GroupControl.Op.REMOVE,
  leave: pb.GroupControl.Op.LEAVE,
  rename: pb.GroupControl.Op.RENAME,
}

const utf8 = new TextEncoder()
// fatal: invalid UTF-8 (a stray byte, an overlong form such as c0 80, an encoded surrogate) is an
// error, never replaced or dropped; ignoreBOM: a leading U+FEFF is text like any other
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// a surrogate without its partner: not a Unicode scalar value, so it has no UTF-8 form
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function invalid(message: string): PigeonError {
  return new PigeonError('ENVELOPE_INVALID_FIELD', message)
}

function oversize(message: string): PigeonError {
  return new PigeonError('ENVELOPE_OVERSIZE', message)
}

// ---------------------------------------------------------------------------------------------
// validation, shared by encode (refuse to send what the peer would refuse) and decode

function checkText(text: string): void {
  const bytes = utf8.encode(text).length
  if (bytes > ENVELOPE_LIMITS.maxTextBytes) {
    throw oversize(
      `The message is ${bytes} bytes long; the limit is ${ENVELOPE_LIMITS.maxTextBytes} bytes. Split it or send it as a file.`,
    )
  }
}

function checkName(name: string, what: string, max: number = LIMITS.nameChars): void {
  if (countChars(name) > max) throw oversize(`The ${what} is longer than ${max} characters.`)
}

/** proto3 strings are UTF-8 (docs/protocol.md §2): text that has no UTF-8 form is refused. Also the file index's (shared/file-index.ts). */
export function toUtf8(text: string, what: string): Uint8Array<ArrayBuffer> {
  if (LONE_SURROGATE.test(text))
    throw invalid(`The ${what} contains a lone surrogate, which is not valid Unicode text.`)
  return utf8.encode(text)
}

export function fromUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes)
  } catch (cause) {
    throw new PigeonError('ENVELOPE_INVALID_FIELD', `The ${what} is not valid UTF-8.`, { cause })
  }
}

function optionalUtf8<T extends Uint8Array | undefined>(
  bytes: T,
  what: string,
): string | undefined {
  return bytes === undefined ? undefined : fromUtf8(bytes, what)
}

function checkId(id: Uint8Array, what = 'message id'): void {
  if (id.length !== MESSAGE_ID_BYTES)
    throw invalid(`The ${what} has ${id.length} bytes; it must have ${MESSAGE_ID_BYTES}.`)
}

function checkUint(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalid(`The ${what} (${value}) is not a whole number ≥ 0.`)
}

/** The LAN transfer fields of a file offer (docs/protocol.md §10): present together, consistent. */
function checkFileTransfer(file: FileOfferBody): void {
  if (file.size > LIMITS.fileMaxBytes)
    throw oversize(
      `The offered ${file.directory === true ? 'folder' : 'file'} is larger than ${LIMITS.fileMaxBytes} bytes.`,
    )
  if (file.mtime !== undefined) checkUint(file.mtime, 'file time')
  if ((file.indexSize === undefined) !== (file.indexSha256 === undefined))
    throw invalid('A file offer must carry both the index size and its SHA-256, or neither.')
  if (file.indexSha256 !== undefined && file.indexSha256.length !== SHA256_BYTES)
    throw invalid("The offer's index SHA-256 is not 32 bytes.")
  if (file.indexSize !== undefined) {
    checkUint(file.indexSize, 'index size')
    if (file.indexSize > LIMITS.fileIndexBytes)
      throw oversize(`The offer's index is larger than ${LIMITS.fileIndexBytes} bytes.`)
  }
  if (file.transferId === undefined) {
    if (
      file.chunkSize !== undefined ||
      file.chunkHashes !== undefined ||
      file.indexSize !== undefined
    )
      throw invalid('A file offer with chunk details has no transfer id.')
    return
  }
  if (file.transferId.length !== MESSAGE_ID_BYTES)
    throw invalid(`A transfer id has ${MESSAGE_ID_BYTES} bytes.`)
  const chunk = file.chunkSize
  if (
    chunk === undefined ||
    !Number.isInteger(chunk) ||
    chunk < LIMITS.fileChunkMinBytes ||
    chunk > LIMITS.fileChunkMaxBytes
  ) {
    throw invalid(
      `A file offer's chunk size must be between ${LIMITS.fileChunkMinBytes} and ${LIMITS.fileChunkMaxBytes} bytes.`,
    )
  }
  if (file.directory === true) {
    if (file.chunkHashes !== undefined || file.indexSha256 === undefined)
      throw invalid('A folder offer carries its index, and no chunk hashes.')
    return
  }
  if ((file.chunkHashes === undefined) === (file.indexSha256 === undefined))
    throw invalid('A file offer carries its chunk hashes or an index, exactly one.')
  if (file.chunkHashes !== undefined) {
    const chunks = Math.ceil(file.size / chunk)
    if (chunks > LIMITS.fileInlineChunkHashes)
      throw oversize(
        `A file of more than ${LIMITS.fileInlineChunkHashes} chunks carries its chunk hashes in an index.`,
      )
    if (file.chunkHashes.length !== chunks * SHA256_BYTES)
      throw invalid(
        `The offer announces ${file.size} bytes, which is ${chunks} chunks, but carries ${file.chunkHashes.length / SHA256_BYTES} chunk hashes.`,
      )
  }
}

function validate(envelope: Envelope): void {
  checkId(envelope.id)
  checkUint(envelope.sentAt, 'send time')
  switch (envelope.kind) {
    case 'text':
      checkText(envelope.text)
      if (envelope.replyTo !== undefined) checkId(envelope.replyTo, 'replied-to id')
      if ((envelope.mentions?.length ?? 0) > ENVELOPE_LIMITS.maxGroupMembers)
        throw oversize(`A text mentions at most ${ENVELOPE_LIMITS.maxGroupMembers} people.`)
      return
    case 'recall':
      checkId(envelope.recall.id, 'recalled id')
      return
    case 'receipt':
      if (envelope.ids.length === 0)
        throw new PigeonError('ENVELOPE_MISSING_FIELD', 'A receipt names no message.')
      if (envelope.ids.length > ENVELOPE_LIMITS.maxReceiptIds)
        throw oversize(`A receipt names more than ${ENVELOPE_LIMITS.maxReceiptIds} messages.`)
      for (const id of envelope.ids) checkId(id, 'receipt id')
      return
    case 'file-offer': {
      const file = envelope.file
      if (utf8.encode(file.name).length > ENVELOPE_LIMITS.maxFileNameBytes)
        throw oversize('The file name is too long.')
      if (file.name.length === 0)
        throw new PigeonError('ENVELOPE_MISSING_FIELD', 'A file offer has no file name.')
      checkUint(file.size, 'file size')
      if (file.sha256.length !== SHA256_BYTES)
        throw invalid('A file offer carries no valid SHA-256.')
      checkFileTransfer(file)
      return
    }
    case 'group-control': {
      const control = envelope.control
      if (control.name !== undefined) checkName(control.name, 'group name', LIMITS.groupNameChars)
      if (control.members.length > ENVELOPE_LIMITS.maxGroupMembers)
        throw oversize(`A group has at most ${ENVELOPE_LIMITS.maxGroupMembers} members.`)
      if ((control.document?.length ?? 0) > ENVELOPE_LIMITS.maxGroupDocumentBytes)
        throw oversize('The group document is too large.')
      checkUint(control.version, 'group version')
      return
    }
    case 'profile':
      checkName(envelope.profile.name, 'display name')
      checkName(envelope.profile.workgroup ?? '', 'workgroup', LIMITS.workgroupChars)
      checkName(envelope.profile.host ?? '', 'host name', LIMITS.hostChars)
      checkUint(envelope.profile.version, 'profile version')
      if (
        !Number.isInteger(envelope.profile.color) ||
        envelope.profile.color < 0 ||
        envelope.profile.color > 0xffffff
      ) {
        throw invalid('The avatar colour is not a 0xRRGGBB value.')
      }
      return
    case 'typing':
      return
  }
}

// ---------------------------------------------------------------------------------------------
// encode

function groupIdBytes(groupId: string): Uint8Array<ArrayBuffer> {
  return fromBase64url(groupId, GROUP_ID_BYTES) as Uint8Array<ArrayBuffer>
}

function keyOf(peerId: string): Uint8Array<ArrayBuffer> {
  return publicKeyFromPeerId(peerId) as Uint8Array<ArrayBuffer>
}

function toPb(envelope: Envelope): pb.Envelope {
  const out: pb.Envelope = {
    id: envelope.id as Uint8Array<ArrayBuffer>,
    sender: keyOf(envelope.sender),
    sentAt: BigInt(envelope.sentAt),
  }
  if ('peer' in envelope.to) out.toPeer = keyOf(envelope.to.peer)
  else out.toGroup = groupIdBytes(envelope.to.group)
  switch (envelope.kind) {
    case 'text':
      out.text = {
        text: toUtf8(envelope.text, 'message text'),
        replyTo: envelope.replyTo as Uint8Array<ArrayBuffer> | undefined,
        mentions: (envelope.mentions ?? []).map(keyOf),
      }
      break
    case 'recall':
      out.recall = { id: envelope.recall.id as Uint8Array<ArrayBuffer> }
      break
    case 'receipt':
      out.receipt = {
        state: receiptToPb[envelope.state],
        ids: envelope.ids as Array<Uint8Array<ArrayBuffer>>,
      }
      break
    case 'file-offer': {
      const {
        name,
        size,
        sha256,
        mime,
        directory,
        blobId,
        blobKey,
        transferId,
        mtime,
        chunkSize,
        chunkHashes,
        indexSize,
        indexSha256,
      } = envelope.file
      out.fileOffer = {
        transferId: transferId as Uint8Array<ArrayBuffer> | undefined,
        mtime: mtime === undefined ? undefined : BigInt(mtime),
        chunkSize,
        chunkHashes: chunkHashes as Uint8Array<ArrayBuffer> | undefined,
        indexSize: indexSize === undefined ? undefined : BigInt(indexSize),
        indexSha256: indexSha256 as Uint8Array<ArrayBuffer> | undefined,
        name: toUtf8(name, 'file name'),
        size: BigInt(size),
        sha256: sha256 as Uint8Array<ArrayBuffer>,
        mime: mime === undefined ? undefined : toUtf8(mime, 'file type'),
        directory,
        blobId: blobId === undefined ? undefined : toUtf8(blobId, 'blob id'),
        blobKey: blobKey as Uint8Array<ArrayBuffer> | undefined,
      }
      break
    }
    case 'group-control': {
      const c = envelope.control
      out.groupControl = {
        op: opToPb[c.op],
        groupId: groupIdBytes(c.groupId),
        name: c.name === undefined ? undefined : toUtf8(c.name, 'group name'),
        members: c.members.map(keyOf),
        version: BigInt(c.version),
        document: c.document as Uint8Array<ArrayBuffer> | undefined,
      }
      break
    }
    case 'profile': {
      const p = envelope.profile
      out.profile = {
        name: toUtf8(p.name, 'display name'),
        color: p.color,
        status: statusToPb[p.status],
        version: BigInt(p.version),
        workgroup: p.workgroup === undefined ? undefined : toUtf8(p.workgroup, 'workgroup'),
        host: p.host === undefined ? undefined : toUtf8(p.host, 'host name'),
      }
      break
    }
    case 'typing':
      out.typing = { typing: envelope.typing }
      break
  }
  return out
}

/** Encodes an envelope; refuses (PigeonError) what a peer's strict decoder would refuse. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  validate(envelope)
  const bytes = pb.Envelope.encode(toPb(envelope))
  if (bytes.length > ENVELOPE_LIMITS.maxBytes) {
    throw oversize(
      `The message is ${bytes.length} bytes encoded; the limit is ${ENVELOPE_LIMITS.maxBytes}.`,
    )
  }
  return bytes
}

// ---------------------------------------------------------------------------------------------
// decode

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

export function kindOf(envelope: Envelope): Kind {
  return envelope.kind
}
