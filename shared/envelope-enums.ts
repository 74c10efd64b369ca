// The .proto's enums (shared/proto/envelope.proto) against Pigeon's names: one table per enum,
// read forwards by envelope-encode.ts and in reverse by envelope-decode.ts (docs/protocol.md §2).
import type { PeerStatus } from './status.js'
import * as pb from './proto/envelope.js'

export const receiptToPb = { delivered: pb.Receipt.State.DELIVERED, read: pb.Receipt.State.READ }
export const statusToPb: Record<PeerStatus, pb.Profile.Status> = {
  online: pb.Profile.Status.ONLINE,
  away: pb.Profile.Status.AWAY,
  busy: pb.Profile.Status.BUSY,
}
export const opToPb = {
  create: pb.GroupControl.Op.CREATE,
  add: pb.GroupControl.Op.ADD,
  remove: pb.GroupControl.Op.REMOVE,
  leave: pb.GroupControl.Op.LEAVE,
  rename: pb.GroupControl.Op.RENAME,
}
