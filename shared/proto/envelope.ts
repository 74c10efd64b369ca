import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Envelope {
  id: Uint8Array<ArrayBuffer>
  sender: Uint8Array<ArrayBuffer>
  toPeer?: Uint8Array<ArrayBuffer>
  toGroup?: Uint8Array<ArrayBuffer>
  sentAt: bigint
  text?: Text
  receipt?: Receipt
  fileOffer?: FileOffer
  groupControl?: GroupControl
  profile?: Profile
  typing?: Typing
  recall?: Recall
}

export namespace Envelope {
  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sender)
        }

        if (obj.toPeer != null) {
          w.uint32(26)
          w.bytes(obj.toPeer)
        }

        if (obj.toGroup != null) {
          w.uint32(34)
          w.bytes(obj.toGroup)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.sentAt)
        }

        if (obj.text != null) {
          w.uint32(66)
          Text.codec().encode(obj.text, w)
        }

        if (obj.receipt != null) {
          w.uint32(74)
          Receipt.codec().encode(obj.receipt, w)
        }

        if (obj.fileOffer != null) {
          w.uint32(82)
          FileOffer.codec().encode(obj.fileOffer, w)
        }

        if (obj.groupControl != null) {
          w.uint32(90)
          GroupControl.codec().encode(obj.groupControl, w)
        }

        if (obj.profile != null) {
          w.uint32(98)
          Profile.codec().encode(obj.profile, w)
        }

        if (obj.typing != null) {
          w.uint32(106)
          Typing.codec().encode(obj.typing, w)
        }

        if (obj.recall != null) {
          w.uint32(114)
          Recall.codec().encode(obj.recall, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          sender: uint8ArrayAlloc(0),
          sentAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.sender = reader.bytes()
              break
            }
            case 3: {
              obj.toPeer = reader.bytes()
              break
            }
            case 4: {
              obj.toGroup = reader.bytes()
              break
            }
            case 5: {
              obj.sentAt = reader.uint64()
              break
            }
            case 8: {
              obj.text = Text.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.text
              })
              break
            }
            case 9: {
              obj.receipt = Receipt.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 10: {
              obj.fileOffer = FileOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.fileOffer
              })
              break
            }
            case 11: {
              obj.groupControl = GroupControl.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupControl
              })
              break
            }
            case 12: {
              obj.profile = Profile.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.profile
              })
              break
            }
            case 13: {
              obj.typing = Typing.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.typing
              })
              break
            }
            case 14: {
              obj.recall = Recall.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.recall
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.toPeer`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.toGroup`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield * Text.codec().stream(reader, reader.uint32(), `${prefix}.text`, {
                limits: opts.limits?.text
              })

              break
            }
            case 9: {
              yield * Receipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 10: {
              yield * FileOffer.codec().stream(reader, reader.uint32(), `${prefix}.fileOffer`, {
                limits: opts.limits?.fileOffer
              })

              break
            }
            case 11: {
              yield * GroupControl.codec().stream(reader, reader.uint32(), `${prefix}.groupControl`, {
                limits: opts.limits?.groupControl
              })

              break
            }
            case 12: {
              yield * Profile.codec().stream(reader, reader.uint32(), `${prefix}.profile`, {
                limits: opts.limits?.profile
              })

              break
            }
            case 13: {
              yield * Typing.codec().stream(reader, reader.uint32(), `${prefix}.typing`, {
                limits: opts.limits?.typing
              })

              break
            }
            case 14: {
              yield * Recall.codec().stream(reader, reader.uint32(), `${prefix}.recall`, {
                limits: opts.limits?.recall
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EnvelopeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeToPeerFieldEvent {
    field: '$.toPeer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeToGroupFieldEvent {
    field: '$.toGroup'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSentAtFieldEvent {
    field: '$.sentAt'
    value: bigint
  }

  export interface EnvelopeTextTextFieldEvent {
    field: '$.text.text'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeTextReplyToFieldEvent {
    field: '$.text.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeTextMentionsFieldEvent {
    field: '$.text.mentions[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeReceiptStateFieldEvent {
    field: '$.receipt.state'
    value: Receipt.State
  }

  export interface EnvelopeReceiptIdsFieldEvent {
    field: '$.receipt.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferNameFieldEvent {
    field: '$.fileOffer.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferSizeFieldEvent {
    field: '$.fileOffer.size'
    value: bigint
  }

  export interface EnvelopeFileOfferSha256FieldEvent {
    field: '$.fileOffer.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferMimeFieldEvent {
    field: '$.fileOffer.mime'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferDirectoryFieldEvent {
    field: '$.fileOffer.directory'
    value: boolean
  }

  export interface EnvelopeFileOfferBlobIdFieldEvent {
    field: '$.fileOffer.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferBlobKeyFieldEvent {
    field: '$.fileOffer.blobKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferTransferIdFieldEvent {
    field: '$.fileOffer.transferId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferMtimeFieldEvent {
    field: '$.fileOffer.mtime'
    value: bigint
  }

  export interface EnvelopeFileOfferChunkSizeFieldEvent {
    field: '$.fileOffer.chunkSize'
    value: number
  }

  export interface EnvelopeFileOfferChunkHashesFieldEvent {
    field: '$.fileOffer.chunkHashes'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeFileOfferIndexSizeFieldEvent {
    field: '$.fileOffer.indexSize'
    value: bigint
  }

  export interface EnvelopeFileOfferIndexSha256FieldEvent {
    field: '$.fileOffer.indexSha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeGroupControlOpFieldEvent {
    field: '$.groupControl.op'
    value: GroupControl.Op
  }

  export interface EnvelopeGroupControlGroupIdFieldEvent {
    field: '$.groupControl.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeGroupControlNameFieldEvent {
    field: '$.groupControl.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeGroupControlMembersFieldEvent {
    field: '$.groupControl.members[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeGroupControlVersionFieldEvent {
    field: '$.groupControl.version'
    value: bigint
  }

  export interface EnvelopeGroupControlDocumentFieldEvent {
    field: '$.groupControl.document'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeProfileNameFieldEvent {
    field: '$.profile.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeProfileColorFieldEvent {
    field: '$.profile.color'
    value: number
  }

  export interface EnvelopeProfileStatusFieldEvent {
    field: '$.profile.status'
    value: Profile.Status
  }

  export interface EnvelopeProfileVersionFieldEvent {
    field: '$.profile.version'
    value: bigint
  }

  export interface EnvelopeProfileWorkgroupFieldEvent {
    field: '$.profile.workgroup'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeProfileHostFieldEvent {
    field: '$.profile.host'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeTypingTypingFieldEvent {
    field: '$.typing.typing'
    value: boolean
  }

  export interface EnvelopeRecallIdFieldEvent {
    field: '$.recall.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeIdFieldEvent | EnvelopeSenderFieldEvent | EnvelopeToPeerFieldEvent | EnvelopeToGroupFieldEvent | EnvelopeSentAtFieldEvent | EnvelopeTextTextFieldEvent | EnvelopeTextReplyToFieldEvent | EnvelopeTextMentionsFieldEvent | EnvelopeReceiptStateFieldEvent | EnvelopeReceiptIdsFieldEvent | EnvelopeFileOfferNameFieldEvent | EnvelopeFileOfferSizeFieldEvent | EnvelopeFileOfferSha256FieldEvent | EnvelopeFileOfferMimeFieldEvent | EnvelopeFileOfferDirectoryFieldEvent | EnvelopeFileOfferBlobIdFieldEvent | EnvelopeFileOfferBlobKeyFieldEvent | EnvelopeFileOfferTransferIdFieldEvent | EnvelopeFileOfferMtimeFieldEvent | EnvelopeFileOfferChunkSizeFieldEvent | EnvelopeFileOfferChunkHashesFieldEvent | EnvelopeFileOfferIndexSizeFieldEvent | EnvelopeFileOfferIndexSha256FieldEvent | EnvelopeGroupControlOpFieldEvent | EnvelopeGroupControlGroupIdFieldEvent | EnvelopeGroupControlNameFieldEvent | EnvelopeGroupControlMembersFieldEvent | EnvelopeGroupControlVersionFieldEvent | EnvelopeGroupControlDocumentFieldEvent | EnvelopeProfileNameFieldEvent | EnvelopeProfileColorFieldEvent | EnvelopeProfileStatusFieldEvent | EnvelopeProfileVersionFieldEvent | EnvelopeProfileWorkgroupFieldEvent | EnvelopeProfileHostFieldEvent | EnvelopeTypingTypingFieldEvent | EnvelopeRecallIdFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}

export interface Text {
  text: Uint8Array<ArrayBuffer>
  replyTo?: Uint8Array<ArrayBuffer>
  mentions: Uint8Array<ArrayBuffer>[]
}

export namespace Text {
  let _codec: Codec<Text>

  export const codec = (): Codec<Text> => {
    if (_codec == null) {
      _codec = message<Text>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.text)
        }

        if (obj.replyTo != null) {
          w.uint32(18)
          w.bytes(obj.replyTo)
        }

        if (obj.mentions != null && obj.mentions.length > 0) {
          for (const value of obj.mentions) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          text: uint8ArrayAlloc(0),
          mentions: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.bytes()
              break
            }
            case 2: {
              obj.replyTo = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.mentions != null && obj.mentions.length === opts.limits.mentions) {
                throw new MaxLengthError('Decode error - repeated field "mentions" had too many elements')
              }

              obj.mentions.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          mentions: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.text`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.replyTo`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.mentions != null && obj.mentions === opts.limits.mentions) {
                throw new MaxLengthError('Streaming decode error - repeated field "mentions" had too many elements')
              }

              yield {
                field: `${prefix}.mentions[]`,
                index: obj.mentions,
                value: reader.bytes()
              }

              obj.mentions++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TextTextFieldEvent {
    field: '$.text'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TextReplyToFieldEvent {
    field: '$.replyTo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TextMentionsFieldEvent {
    field: '$.mentions[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Text>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Text.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Text>): Text {
    return decodeMessage(buf, Text.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Text>): Generator<TextTextFieldEvent | TextReplyToFieldEvent | TextMentionsFieldEvent> {
    return streamMessage(buf, Text.codec(), opts)
  }
}

export interface Receipt {
  state: Receipt.State
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace Receipt {
  export enum State {
    DELIVERED = 'DELIVERED',
    READ = 'READ'
  }

  enum __StateValues {
    DELIVERED = 0,
    READ = 1
  }

  export namespace State {
    export const codec = (): Codec<State> => {
      return enumeration<State>(__StateValues)
    }
  }

  let _codec: Codec<Receipt>

  export const codec = (): Codec<Receipt> => {
    if (_codec == null) {
      _codec = message<Receipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.state != null && __StateValues[obj.state] !== 0) {
          w.uint32(8)
          Receipt.State.codec().encode(obj.state, w)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          state: State.DELIVERED,
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.state = Receipt.State.codec().decode(reader)
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.state`,
                value: Receipt.State.codec().decode(reader)
              }
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReceiptStateFieldEvent {
    field: '$.state'
    value: Receipt.State
  }

  export interface ReceiptIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Receipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Receipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Receipt {
    return decodeMessage(buf, Receipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Generator<ReceiptStateFieldEvent | ReceiptIdsFieldEvent> {
    return streamMessage(buf, Receipt.codec(), opts)
  }
}

export interface FileOffer {
  name: Uint8Array<ArrayBuffer>
  size: bigint
  sha256: Uint8Array<ArrayBuffer>
  mime?: Uint8Array<ArrayBuffer>
  directory?: boolean
  blobId?: Uint8Array<ArrayBuffer>
  blobKey?: Uint8Array<ArrayBuffer>
  transferId?: Uint8Array<ArrayBuffer>
  mtime?: bigint
  chunkSize?: number
  chunkHashes?: Uint8Array<ArrayBuffer>
  indexSize?: bigint
  indexSha256?: Uint8Array<ArrayBuffer>
}

export namespace FileOffer {
  let _codec: Codec<FileOffer>

  export const codec = (): Codec<FileOffer> => {
    if (_codec == null) {
      _codec = message<FileOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.name)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(16)
          w.uint64(obj.size)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.sha256)
        }

        if (obj.mime != null) {
          w.uint32(34)
          w.bytes(obj.mime)
        }

        if (obj.directory != null) {
          w.uint32(40)
          w.bool(obj.directory)
        }

        if (obj.blobId != null) {
          w.uint32(50)
          w.bytes(obj.blobId)
        }

        if (obj.blobKey != null) {
          w.uint32(58)
          w.bytes(obj.blobKey)
        }

        if (obj.transferId != null) {
          w.uint32(66)
          w.bytes(obj.transferId)
        }

        if (obj.mtime != null) {
          w.uint32(72)
          w.uint64(obj.mtime)
        }

        if (obj.chunkSize != null) {
          w.uint32(80)
          w.uint32(obj.chunkSize)
        }

        if (obj.chunkHashes != null) {
          w.uint32(90)
          w.bytes(obj.chunkHashes)
        }

        if (obj.indexSize != null) {
          w.uint32(96)
          w.uint64(obj.indexSize)
        }

        if (obj.indexSha256 != null) {
          w.uint32(106)
          w.bytes(obj.indexSha256)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: uint8ArrayAlloc(0),
          size: 0n,
          sha256: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.bytes()
              break
            }
            case 2: {
              obj.size = reader.uint64()
              break
            }
            case 3: {
              obj.sha256 = reader.bytes()
              break
            }
            case 4: {
              obj.mime = reader.bytes()
              break
            }
            case 5: {
              obj.directory = reader.bool()
              break
            }
            case 6: {
              obj.blobId = reader.bytes()
              break
            }
            case 7: {
              obj.blobKey = reader.bytes()
              break
            }
            case 8: {
              obj.transferId = reader.bytes()
              break
            }
            case 9: {
              obj.mtime = reader.uint64()
              break
            }
            case 10: {
              obj.chunkSize = reader.uint32()
              break
            }
            case 11: {
              obj.chunkHashes = reader.bytes()
              break
            }
            case 12: {
              obj.indexSize = reader.uint64()
              break
            }
            case 13: {
              obj.indexSha256 = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.mime`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.directory`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.blobKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.transferId`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.mtime`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.chunkSize`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.chunkHashes`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.indexSize`,
                value: reader.uint64()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.indexSha256`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileOfferNameFieldEvent {
    field: '$.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface FileOfferSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferMimeFieldEvent {
    field: '$.mime'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferDirectoryFieldEvent {
    field: '$.directory'
    value: boolean
  }

  export interface FileOfferBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferBlobKeyFieldEvent {
    field: '$.blobKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferTransferIdFieldEvent {
    field: '$.transferId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferMtimeFieldEvent {
    field: '$.mtime'
    value: bigint
  }

  export interface FileOfferChunkSizeFieldEvent {
    field: '$.chunkSize'
    value: number
  }

  export interface FileOfferChunkHashesFieldEvent {
    field: '$.chunkHashes'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileOfferIndexSizeFieldEvent {
    field: '$.indexSize'
    value: bigint
  }

  export interface FileOfferIndexSha256FieldEvent {
    field: '$.indexSha256'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): FileOffer {
    return decodeMessage(buf, FileOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileOffer>): Generator<FileOfferNameFieldEvent | FileOfferSizeFieldEvent | FileOfferSha256FieldEvent | FileOfferMimeFieldEvent | FileOfferDirectoryFieldEvent | FileOfferBlobIdFieldEvent | FileOfferBlobKeyFieldEvent | FileOfferTransferIdFieldEvent | FileOfferMtimeFieldEvent | FileOfferChunkSizeFieldEvent | FileOfferChunkHashesFieldEvent | FileOfferIndexSizeFieldEvent | FileOfferIndexSha256FieldEvent> {
    return streamMessage(buf, FileOffer.codec(), opts)
  }
}

export interface FileIndex {
  entries: FileEntry[]
}

export namespace FileIndex {
  let _codec: Codec<FileIndex>

  export const codec = (): Codec<FileIndex> => {
    if (_codec == null) {
      _codec = message<FileIndex>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(10)
            FileEntry.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entries: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(FileEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of FileEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileIndexEntriesPathFieldEvent {
    field: '$.entries[].path'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FileIndexEntriesDirectoryFieldEvent {
    field: '$.entries[].directory'
    value: boolean
    index: number
  }

  export interface FileIndexEntriesSizeFieldEvent {
    field: '$.entries[].size'
    value: bigint
    index: number
  }

  export interface FileIndexEntriesSha256FieldEvent {
    field: '$.entries[].sha256'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FileIndexEntriesMtimeFieldEvent {
    field: '$.entries[].mtime'
    value: bigint
    index: number
  }

  export interface FileIndexEntriesChunkHashesFieldEvent {
    field: '$.entries[].chunkHashes'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<FileIndex>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileIndex.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileIndex>): FileIndex {
    return decodeMessage(buf, FileIndex.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileIndex>): Generator<FileIndexEntriesPathFieldEvent | FileIndexEntriesDirectoryFieldEvent | FileIndexEntriesSizeFieldEvent | FileIndexEntriesSha256FieldEvent | FileIndexEntriesMtimeFieldEvent | FileIndexEntriesChunkHashesFieldEvent> {
    return streamMessage(buf, FileIndex.codec(), opts)
  }
}

export interface FileEntry {
  path: Uint8Array<ArrayBuffer>
  directory?: boolean
  size: bigint
  sha256?: Uint8Array<ArrayBuffer>
  mtime?: bigint
  chunkHashes?: Uint8Array<ArrayBuffer>
}

export namespace FileEntry {
  let _codec: Codec<FileEntry>

  export const codec = (): Codec<FileEntry> => {
    if (_codec == null) {
      _codec = message<FileEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.path != null && obj.path.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.path)
        }

        if (obj.directory != null) {
          w.uint32(16)
          w.bool(obj.directory)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(24)
          w.uint64(obj.size)
        }

        if (obj.sha256 != null) {
          w.uint32(34)
          w.bytes(obj.sha256)
        }

        if (obj.mtime != null) {
          w.uint32(40)
          w.uint64(obj.mtime)
        }

        if (obj.chunkHashes != null) {
          w.uint32(50)
          w.bytes(obj.chunkHashes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          path: uint8ArrayAlloc(0),
          size: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.path = reader.bytes()
              break
            }
            case 2: {
              obj.directory = reader.bool()
              break
            }
            case 3: {
              obj.size = reader.uint64()
              break
            }
            case 4: {
              obj.sha256 = reader.bytes()
              break
            }
            case 5: {
              obj.mtime = reader.uint64()
              break
            }
            case 6: {
              obj.chunkHashes = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.path`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.directory`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.mtime`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.chunkHashes`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FileEntryPathFieldEvent {
    field: '$.path'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileEntryDirectoryFieldEvent {
    field: '$.directory'
    value: boolean
  }

  export interface FileEntrySizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export interface FileEntrySha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FileEntryMtimeFieldEvent {
    field: '$.mtime'
    value: bigint
  }

  export interface FileEntryChunkHashesFieldEvent {
    field: '$.chunkHashes'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FileEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FileEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileEntry>): FileEntry {
    return decodeMessage(buf, FileEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FileEntry>): Generator<FileEntryPathFieldEvent | FileEntryDirectoryFieldEvent | FileEntrySizeFieldEvent | FileEntrySha256FieldEvent | FileEntryMtimeFieldEvent | FileEntryChunkHashesFieldEvent> {
    return streamMessage(buf, FileEntry.codec(), opts)
  }
}

export interface GroupControl {
  op: GroupControl.Op
  groupId: Uint8Array<ArrayBuffer>
  name?: Uint8Array<ArrayBuffer>
  members: Uint8Array<ArrayBuffer>[]
  version: bigint
  document?: Uint8Array<ArrayBuffer>
}

export namespace GroupControl {
  export enum Op {
    CREATE = 'CREATE',
    ADD = 'ADD',
    REMOVE = 'REMOVE',
    LEAVE = 'LEAVE',
    RENAME = 'RENAME'
  }

  enum __OpValues {
    CREATE = 0,
    ADD = 1,
    REMOVE = 2,
    LEAVE = 3,
    RENAME = 4
  }

  export namespace Op {
    export const codec = (): Codec<Op> => {
      return enumeration<Op>(__OpValues)
    }
  }

  let _codec: Codec<GroupControl>

  export const codec = (): Codec<GroupControl> => {
    if (_codec == null) {
      _codec = message<GroupControl>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.op != null && __OpValues[obj.op] !== 0) {
          w.uint32(8)
          GroupControl.Op.codec().encode(obj.op, w)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.groupId)
        }

        if (obj.name != null) {
          w.uint32(26)
          w.bytes(obj.name)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(40)
          w.uint64(obj.version)
        }

        if (obj.document != null) {
          w.uint32(50)
          w.bytes(obj.document)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          op: Op.CREATE,
          groupId: uint8ArrayAlloc(0),
          members: [],
          version: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.op = GroupControl.Op.codec().decode(reader)
              break
            }
            case 2: {
              obj.groupId = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(reader.bytes())
              break
            }
            case 5: {
              obj.version = reader.uint64()
              break
            }
            case 6: {
              obj.document = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.op`,
                value: GroupControl.Op.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              yield {
                field: `${prefix}.members[]`,
                index: obj.members,
                value: reader.bytes()
              }

              obj.members++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.document`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupControlOpFieldEvent {
    field: '$.op'
    value: GroupControl.Op
  }

  export interface GroupControlGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlNameFieldEvent {
    field: '$.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlMembersFieldEvent {
    field: '$.members[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface GroupControlDocumentFieldEvent {
    field: '$.document'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupControl>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupControl.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControl>): GroupControl {
    return decodeMessage(buf, GroupControl.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControl>): Generator<GroupControlOpFieldEvent | GroupControlGroupIdFieldEvent | GroupControlNameFieldEvent | GroupControlMembersFieldEvent | GroupControlVersionFieldEvent | GroupControlDocumentFieldEvent> {
    return streamMessage(buf, GroupControl.codec(), opts)
  }
}

export interface Profile {
  name: Uint8Array<ArrayBuffer>
  color: number
  status: Profile.Status
  version: bigint
  workgroup?: Uint8Array<ArrayBuffer>
  host?: Uint8Array<ArrayBuffer>
}

export namespace Profile {
  export enum Status {
    ONLINE = 'ONLINE',
    AWAY = 'AWAY',
    BUSY = 'BUSY'
  }

  enum __StatusValues {
    ONLINE = 0,
    AWAY = 1,
    BUSY = 2
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<Profile>

  export const codec = (): Codec<Profile> => {
    if (_codec == null) {
      _codec = message<Profile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.name)
        }

        if ((obj.color != null && obj.color !== 0)) {
          w.uint32(16)
          w.uint32(obj.color)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(24)
          Profile.Status.codec().encode(obj.status, w)
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(32)
          w.uint64(obj.version)
        }

        if (obj.workgroup != null) {
          w.uint32(42)
          w.bytes(obj.workgroup)
        }

        if (obj.host != null) {
          w.uint32(50)
          w.bytes(obj.host)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: uint8ArrayAlloc(0),
          color: 0,
          status: Status.ONLINE,
          version: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.bytes()
              break
            }
            case 2: {
              obj.color = reader.uint32()
              break
            }
            case 3: {
              obj.status = Profile.Status.codec().decode(reader)
              break
            }
            case 4: {
              obj.version = reader.uint64()
              break
            }
            case 5: {
              obj.workgroup = reader.bytes()
              break
            }
            case 6: {
              obj.host = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.color`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.status`,
                value: Profile.Status.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.workgroup`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.host`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProfileNameFieldEvent {
    field: '$.name'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileColorFieldEvent {
    field: '$.color'
    value: number
  }

  export interface ProfileStatusFieldEvent {
    field: '$.status'
    value: Profile.Status
  }

  export interface ProfileVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface ProfileWorkgroupFieldEvent {
    field: '$.workgroup'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileHostFieldEvent {
    field: '$.host'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Profile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Profile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Profile {
    return decodeMessage(buf, Profile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Generator<ProfileNameFieldEvent | ProfileColorFieldEvent | ProfileStatusFieldEvent | ProfileVersionFieldEvent | ProfileWorkgroupFieldEvent | ProfileHostFieldEvent> {
    return streamMessage(buf, Profile.codec(), opts)
  }
}

export interface Typing {
  typing: boolean
}

export namespace Typing {
  let _codec: Codec<Typing>

  export const codec = (): Codec<Typing> => {
    if (_codec == null) {
      _codec = message<Typing>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.typing != null && obj.typing !== false)) {
          w.uint32(8)
          w.bool(obj.typing)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          typing: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.typing = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.typing`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TypingTypingFieldEvent {
    field: '$.typing'
    value: boolean
  }

  export function encode (obj: Partial<Typing>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Typing.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Typing>): Typing {
    return decodeMessage(buf, Typing.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Typing>): Generator<TypingTypingFieldEvent> {
    return streamMessage(buf, Typing.codec(), opts)
  }
}

export interface Recall {
  id: Uint8Array<ArrayBuffer>
}

export namespace Recall {
  let _codec: Codec<Recall>

  export const codec = (): Codec<Recall> => {
    if (_codec == null) {
      _codec = message<Recall>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RecallIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Recall>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Recall.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Recall>): Recall {
    return decodeMessage(buf, Recall.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Recall>): Generator<RecallIdFieldEvent> {
    return streamMessage(buf, Recall.codec(), opts)
  }
}
