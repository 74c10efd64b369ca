// One error type for the whole project, with stable codes: the app, the relay, the CLI and the
// UI all branch on `code`, and show `message` — a sentence a person can act on.

export type PigeonErrorCode =
  // envelope codec (docs/protocol.md §2)
  | 'ENVELOPE_TRUNCATED'
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_UNKNOWN_KIND'
  | 'ENVELOPE_MISSING_FIELD'
  | 'ENVELOPE_OVERSIZE'
  | 'ENVELOPE_INVALID_FIELD'
  // sealing (docs/protocol.md §3)
  | 'SEAL_TRUNCATED'
  | 'SEAL_VERSION'
  | 'SEAL_TAMPERED'
  | 'SEAL_WRONG_RECIPIENT'
  | 'SEAL_REPLAY'
  // identity and signatures
  | 'PEER_ID_INVALID'
  | 'KEY_INVALID'
  | 'SIGNATURE_INVALID'
  // topics and ACL (docs/protocol.md §4)
  | 'TOPIC_INVALID'
  | 'ACL_DENIED'
  // relay auth token (docs/protocol.md §5)
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_FROM_FUTURE'
  | 'TOKEN_WRONG_RELAY'
  | 'TOKEN_BAD_SIGNATURE'
  | 'TOKEN_REPLAYED'
  // delivery (app/core)
  | 'PEER_UNREACHABLE'
  | 'DELIVERY_TIMEOUT'
  | 'DELIVERY_REFUSED'
  | 'DELIVERY_REJECTED'
  // store, engine, local API and CLI (app/core/store, app/core/messenger.ts, app/api, app/cli)
  | 'PEER_UNKNOWN'
  | 'PEER_AMBIGUOUS'
  | 'MESSAGE_TOO_LONG'
  // the everyday actions: reply, recall (docs/protocol.md §2 "Recall")
  | 'MESSAGE_UNKNOWN'
  | 'RECALL_TOO_LATE'
  | 'RECALL_NOT_ALLOWED'
  | 'NODE_NOT_RUNNING'
  | 'API_UNAUTHORIZED'
  | 'API_BAD_REQUEST'
  | 'API_NOT_FOUND'
  | 'API_INTERNAL'
  | 'STORE_SCHEMA_TOO_NEW'
  // the data dir: its lock, its owner, its storage (app/core/data-dir*.ts, app/core/storage-error.ts)
  | 'DATA_DIR_LOCKED'
  | 'DATA_DIR_READ_ONLY'
  | 'STORE_DAMAGED'
  | 'IDENTITY_MISSING'
  | 'IDENTITY_MISMATCH'
  // the secret files of a data dir, the app's and the relay's (shared/node/secret-file.ts)
  | 'SECRET_FILE_UNREADABLE'
  | 'SECRET_FILE_INVALID'
  // identity backups (shared/identity-backup.ts; docs/protocol.md §9)
  | 'BACKUP_INVALID'
  | 'BACKUP_WRONG_PASSPHRASE'
  | 'BACKUP_PASSPHRASE_WEAK'
  | 'BACKUP_PASSPHRASE_MISSING'
  | 'BACKUP_FILE_EXISTS'
  // encrypted files (shared/blob-stream.ts; docs/protocol.md §12)
  | 'BLOB_HEADER_INVALID'
  | 'BLOB_TAMPERED'
  // the relay's blob store (relay/blobs.ts; docs/relay.md "File blobs")
  | 'BLOB_UNAUTHORIZED'
  | 'BLOB_BAD_REQUEST'
  | 'BLOB_TOO_LARGE'
  | 'BLOB_QUOTA_EXCEEDED'
  | 'BLOB_NOT_FOUND'
  | 'BLOB_FORBIDDEN'
  | 'BLOB_OFFSET_MISMATCH'
  | 'BLOB_INCOMPLETE'
  | 'BLOB_RANGE_INVALID'
  // relay server and signed group documents (relay/, shared/group.ts; docs/relay.md)
  | 'RELAY_CONFIG_INVALID'
  | 'RELAY_QUEUE_FULL'
  | 'RELAY_RATE_LIMITED'
  | 'RELAY_PACKET_TOO_LARGE'
  | 'RELAY_NOT_INVITED'
  | 'RELAY_INVITE_INVALID'
  | 'RELAY_AEDES_MISMATCH'
  | 'RELAY_STORE_CORRUPT'
  | 'GROUP_DOC_INVALID'
  | 'GROUP_VERSION_STALE'
  | 'GROUP_NOT_AUTHORIZED'
  | 'GROUP_LIMIT'
  // LAN network layer: /pigeon/chat/1.0.0 framing and node start-up (app/core/net)
  | 'FRAME_OVERSIZE'
  | 'FRAME_INVALID'
  | 'NODE_START_FAILED'
  // the app's relay link (app/core/relay)
  | 'RELAY_URL_INVALID'
  | 'RELAY_UNREACHABLE'
  | 'RELAY_REFUSED'
  | 'PRESENCE_INVALID'
  | 'CONTACT_LINK_INVALID'
  // groups in the app (app/core/groups)
  | 'GROUP_UNKNOWN'
  | 'GROUP_AMBIGUOUS'
  | 'GROUP_NOT_MEMBER'
  | 'GROUP_EMPTY'
  | 'GROUP_OWNER_LEAVES'
  // files and folders (app/core/files; docs/protocol.md §10, §11)
  | 'FILE_OFFER_INVALID'
  | 'FILE_PATH_ABSOLUTE'
  | 'FILE_PATH_TRAVERSAL'
  | 'FILE_NAME_INVALID'
  | 'FILE_NAME_RESERVED'
  | 'FILE_NAME_TOO_LONG'
  | 'FILE_NAME_DUPLICATE'
  | 'FILE_SYMLINK'
  | 'FILE_SIZE_MISMATCH'
  | 'FILE_TOO_MANY_BYTES'
  | 'FILE_CHUNK_CORRUPT'
  | 'FILE_HASH_MISMATCH'
  | 'FILE_TRANSFER_UNKNOWN'
  | 'FILE_SOURCE_CHANGED'
  | 'FILE_TRANSFER_FAILED'
  | 'FILE_TRANSFER_STATE'
  | 'FILE_TARGET_UNWRITABLE'
  | 'FILE_DISK_FULL'
  // the LAN data channel (app/core/files/data-channel*.ts; docs/protocol.md §13)
  | 'FILE_CHANNEL_AUTH'
  | 'FILE_CHANNEL_FRAME'
  | 'FILE_CHANNEL_PEER'
  | 'FILE_CHANNEL_TRUNCATED'
  // the IPMsg bridge (app/core/legacy; docs/protocol.md §15)
  | 'IPMSG_MALFORMED'
  | 'IPMSG_OVERSIZE'
  | 'IPMSG_PORT_IN_USE'
  // browser mode's uploads and file links (app/api/uploads.ts, app/api/file-links.ts)
  | 'FILE_UPLOAD_UNKNOWN'
  | 'FILE_LINK_INVALID'
  // `pigeon open` on a node started without --web
  | 'WEB_UI_OFF'

export class PigeonError extends Error {
  readonly code: PigeonErrorCode

  constructor(code: PigeonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PigeonError'
    this.code = code
  }

  toJSON(): { code: PigeonErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

export function isPigeonError(error: unknown): error is PigeonError {
  return error instanceof PigeonError
}

/**
 * Codes that no retry can change: the envelope can never be encoded or decoded
 * (docs/protocol.md §2), or the recipient refused it for good (DELIVERY_REJECTED: a permanent
 * NACK, §6). The router marks such a message failed, with the error's sentence, instead of
 * retrying it; every other error is retried. The one list of them.
 */
const PERMANENT_CODES: ReadonlySet<PigeonErrorCode> = new Set<PigeonErrorCode>([
  'ENVELOPE_TRUNCATED',
  'ENVELOPE_MALFORMED',
  'ENVELOPE_UNKNOWN_KIND',
  'ENVELOPE_MISSING_FIELD',
  'ENVELOPE_OVERSIZE',
  'ENVELOPE_INVALID_FIELD',
  'DELIVERY_REJECTED',
  'MESSAGE_TOO_LONG',
  'GROUP_DOC_INVALID',
  'PEER_ID_INVALID',
  'KEY_INVALID',
])

export function isPermanentError(error: unknown): error is PigeonError {
  return isPigeonError(error) && PERMANENT_CODES.has(error.code)
}
