// The envelope's types and size limits: the one compact protobuf for every message on every path
// (docs/protocol.md §2), as the rest of Pigeon sees it. Checked by envelope-check.ts, written by
// envelope-encode.ts, read by envelope-decode.ts; importers use shared/envelope.ts.
import { LIMITS } from './limits.js'
import type { PeerStatus } from './status.js'

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

export interface EnvelopeBase {
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
