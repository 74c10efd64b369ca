// A text, to me or to one of my groups. A group text from a sender the group does not have yet
// is parked until the change that adds it arrives (GroupService.admitText; parked.ts releases it).
import type { KindHandler } from './context.js'

export const text: KindHandler<'text'> = async (envelope, via, context) => {
  const { sender } = envelope
  const groupId = 'group' in envelope.to ? envelope.to.group : undefined
  if (groupId !== undefined) {
    const parked = {
      id: envelope.id,
      groupId,
      sender,
      sentAt: envelope.sentAt,
      text: envelope.text,
      ...(envelope.replyTo !== undefined && { replyTo: envelope.replyTo }),
      ...(envelope.mentions !== undefined && { mentions: envelope.mentions }),
    }
    if ((await context.groups.admitText(parked, via)) === 'parked') return
  }
  const { inserted, message } = await context.texts.add({
    text: {
      id: envelope.id,
      sender,
      sentAt: envelope.sentAt,
      text: envelope.text,
      groupId,
      ...(envelope.replyTo !== undefined && { replyTo: envelope.replyTo }),
      ...(envelope.mentions !== undefined && { mentions: envelope.mentions }),
      // a mention counts in a group only (docs/protocol.md §8)
      mentionsMe: groupId !== undefined && envelope.mentions?.includes(context.me) === true,
    },
    via,
    now: context.now(),
  })
  if (!inserted) return // a duplicate: acked again, shown once
  context.events.message(message)
  context.events.conversation(message.conversationId)
  // a delivered receipt may be queued for it (relay path): let the router send it
  context.kick(sender)
}
