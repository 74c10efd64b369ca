// The envelopes the engine gets from IP Messenger (docs/protocol.md §15 "Text", "Files"): a
// SENDMSG's text and one file offer per acceptable attachment (ipmsg-transfers.ts), a READMSG as
// a read receipt for the message it names. Each comes from the legacy id, addressed to me, and
// passes through the same inbound handlers as a Pigeon peer's (app/core/inbound/).
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import type { IpmsgFileEntry } from './ipmsg-files.js'
import { offersFrom } from './ipmsg-transfers.js'

/** What one SENDMSG stores: its text (if any), then one offer per acceptable attachment. */
export function inboundEnvelopes(
  sender: string,
  me: string,
  packetNo: number,
  text: string,
  files: readonly IpmsgFileEntry[],
  refuse: (why: string) => void,
): Envelope[] {
  // the text's id first, so history shows it above its attachments (ids are time-ordered, §2)
  const at = Date.now()
  const message: Envelope[] =
    text === ''
      ? []
      : [{ kind: 'text', id: newMessageId(at), sender, to: { peer: me }, sentAt: at, text }]
  return [...message, ...offersFrom(sender, me, packetNo, files, refuse)]
}

export function readReceipt(sender: string, me: string, messageId: Uint8Array): Envelope {
  const at = Date.now()
  const base = { id: newMessageId(at), sender, to: { peer: me }, sentAt: at }
  return { ...base, kind: 'receipt', state: 'read', ids: [messageId] }
}
