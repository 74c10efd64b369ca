// The checks every outgoing text passes before it is stored. Its own module, so the CLI can run
// them before it connects without loading the engine (and its native SQLite binding).
import { ENVELOPE_LIMITS } from '../../shared/envelope.js'
import { PigeonError } from '../../shared/errors.js'

export function checkOutgoingText(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > ENVELOPE_LIMITS.maxTextBytes) {
    throw new PigeonError(
      'MESSAGE_TOO_LONG',
      `The message is ${bytes} bytes; the limit is ${ENVELOPE_LIMITS.maxTextBytes} bytes of UTF-8 — split it up.`,
    )
  }
  if (text.trim().length === 0) throw new PigeonError('API_BAD_REQUEST', 'The message is empty.')
}
