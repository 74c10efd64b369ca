// Envelope validation, shared by encode (refuse to send what the peer would refuse) and decode
// (docs/protocol.md §2, §10): field sizes and ranges against shared/limits.ts, and proto3's rule
// that strings are valid UTF-8, kept strict in both directions.
import { PigeonError } from './errors.js'
import { countChars, LIMITS } from './limits.js'
import { MESSAGE_ID_BYTES } from './message-id.js'
import { ENVELOPE_LIMITS, type Envelope, type FileOfferBody } from './envelope-types.js'

const SHA256_BYTES = 32

const utf8 = new TextEncoder()
// fatal: invalid UTF-8 (a stray byte, an overlong form such as c0 80, an encoded surrogate) is an
// error, never replaced or dropped; ignoreBOM: a leading U+FEFF is text like any other
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// a surrogate without its partner: not a Unicode scalar value, so it has no UTF-8 form
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function invalid(message: string): PigeonError {
  return new PigeonError('ENVELOPE_INVALID_FIELD', message)
}

export function oversize(message: string): PigeonError {
  return new PigeonError('ENVELOPE_OVERSIZE', message)
}

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

export function optionalUtf8<T extends Uint8Array | undefined>(
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

export function validate(envelope: Envelope): void {
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
