// A file or folder offered to me, or to one of my groups (docs/protocol.md §10): stored as a
// transfer in state 'offered' with a file message in the conversation; nothing is pulled until I
// accept it. A group offer is taken only from a member of the group as I know it; otherwise it
// is refused (the sender retries), never stored.
import { PigeonError } from '../../../shared/errors.js'
import type { KindHandler } from './context.js'

export const fileOffer: KindHandler<'file-offer'> = (envelope, via, context) => {
  const groupId = 'group' in envelope.to ? envelope.to.group : undefined
  if (groupId !== undefined) {
    const group = context.groups.get(groupId)
    if (group?.joined !== true || !group.members.includes(envelope.sender))
      throw new PigeonError(
        'GROUP_NOT_MEMBER',
        `A file for group ${groupId} from ${envelope.sender}, who is not a member as this peer knows it; send it again later.`,
      )
  }
  context.transfers.offered(envelope, via)
}
