// What cannot go to an IP Messenger user (docs/protocol.md §15 "Text"): group traffic (a legacy
// user has no key, so no group document can name it), a group's files among it. Refused
// for good (DELIVERY_REJECTED): the message is marked failed with the sentence, not retried.
import type { Envelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'

export function refuseForLegacy(envelope: Envelope): void {
  if ('group' in envelope.to || envelope.kind === 'group-control') {
    throw new PigeonError(
      'DELIVERY_REJECTED',
      'IP Messenger users cannot be in a Pigeon group; the message is not sent to them.',
    )
  }
}
