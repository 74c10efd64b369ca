// Every size and count limit of the protocol and the app, in one table (docs/protocol.md §2 "Limits"): the
// envelope codec, the group document, the engine's checks, the local API's schemas and the UI all
// read these, so a value a check lets through is one every later step accepts too. Characters are
// counted as Unicode code points (countChars), everywhere.

export const LIMITS = {
  /** a whole encoded envelope (docs/protocol.md §2); a file's bytes never travel inside one */
  envelopeBytes: 64 * 1024,
  /** the text of one message, UTF-8 bytes */
  textBytes: 16 * 1024,
  /** message ids in one receipt envelope */
  receiptIds: 256,
  /** a display name (profile) */
  nameChars: 64,
  /** a workgroup or department (profile), optional */
  workgroupChars: 64,
  /** a host name (profile): a DNS name's 253 characters */
  hostChars: 253,
  /** a group's name: the group document and the group-control envelope both carry it */
  groupNameChars: 64,
  /** members of a group, owner included: the group-control envelope lists them all */
  groupMembers: 256,
  /** a signed group document (JSON) inside a group-control envelope */
  groupDocumentBytes: 32 * 1024,
  fileNameBytes: 1024,
  /** one path segment (a file or directory name) of a received file, UTF-8 bytes: ext4, NTFS, APFS (docs/protocol.md §10) */
  fileSegmentBytes: 255,
  /** a relative path inside a folder offer, UTF-8 bytes */
  filePathBytes: 4096,
  /** the chunk size a sender offers, and the bounds a receiver accepts (§10): a chunk is one frame */
  fileChunkBytes: 1024 * 1024,
  fileChunkMinBytes: 16 * 1024,
  fileChunkMaxBytes: 4 * 1024 * 1024,
  /** per-chunk hashes carried inside the offer envelope (32 bytes each); more go in the index (§10) */
  fileInlineChunkHashes: 256,
  /** the largest file or folder an offer may announce: 16 TiB */
  fileMaxBytes: 16 * 1024 ** 4,
  /** files and directories in one folder offer */
  folderEntries: 100_000,
  /** a transfer's index object (§10), fetched before the files */
  fileIndexBytes: 64 * 1024 * 1024,
  /** the receiver's credit on /pigeon/file/1.0.0: this many chunks' bytes in flight at most (its memory bound, §11) */
  fileCreditChunks: 2,
  /** messages in one page of history or search results (the local API, the CLI, the UI) */
  historyPage: 500,
  /**
   * How far ahead of the receiver's clock a message's claimed time (its UUIDv7 id, its sent_at)
   * may be, and how far in the past, before the receiver orders it by its own receive time
   * instead (docs/protocol.md §2 "Time").
   */
  clockSkewMs: 5 * 60_000,
  /** how long after sending a text its sender may recall it, by the sender's clock (docs/protocol.md §2 "Recall") */
  recallMs: 2 * 60_000,
  maxMessageAgeMs: 30 * 24 * 60 * 60_000,
} as const

/** Length as people count it (and as every check here counts): code points, not UTF-16 units. */
export function countChars(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}
