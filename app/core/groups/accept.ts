// Whether to take a group document a peer sent me (docs/protocol.md §7). A group I already know
// changes only by verifyGroupChange's rules. A group I see for the first time (I was just invited,
// or added at version 5 and never saw 1–4) cannot be checked against its history, so its document
// is taken on first use when the owner or an admin it names signed it — an invitation from anyone
// else is refused. Pure: no store, no network.
import { PigeonError } from '../../../shared/errors.js'
import {
  groupDocumentSigningBytes,
  verifyGroupChange,
  type SignedGroupDocument,
} from '../../../shared/group.js'
import { verify } from '../../../shared/identity.js'

export type Acceptance = 'new' | 'newer' | 'stale'

/**
 * 'new' or 'newer' when `next` is to be stored, 'stale' when it is as old as what I hold (a
 * repeat: nothing to do). Throws GROUP_DOC_INVALID / GROUP_NOT_AUTHORIZED for a document that can
 * never be taken.
 */
export async function acceptGroupDocument(
  current: SignedGroupDocument | undefined,
  next: SignedGroupDocument,
): Promise<Acceptance> {
  if (current !== undefined) {
    if (next.version <= current.version) return 'stale'
    await verifyGroupChange(current, next)
    return 'newer'
  }
  if (!(await verify(next.signer, groupDocumentSigningBytes(next), next.signature))) {
    throw new PigeonError(
      'GROUP_DOC_INVALID',
      'The group document is invalid: the signature does not match the signer.',
    )
  }
  if (next.signer !== next.owner && !next.admins.includes(next.signer)) {
    throw new PigeonError(
      'GROUP_NOT_AUTHORIZED',
      `This group change is not allowed: ${next.signer} is neither the owner nor an admin of group "${next.name}".`,
    )
  }
  return 'new'
}
