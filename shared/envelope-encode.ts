// Envelope → protobuf bytes (docs/protocol.md §2): validates first, so Pigeon never sends what a
// peer's strict decoder would refuse.
import { fromBase64url } from './base64url.js'
import { publicKeyFromPeerId } from './identity.js'
import * as pb from './proto/envelope.js'
import './proto/uint64.js' // protons-runtime's uint64 writer is wrong in [2^31, 2^32)
import { ENVELOPE_LIMITS, GROUP_ID_BYTES, type Envelope } from './envelope-types.js'
import { oversize, toUtf8, validate } from './envelope-check.js'
import { opToPb, receiptToPb, statusToPb } from './envelope-enums.js'

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
