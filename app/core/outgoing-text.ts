// The checks every outgoing text passes before it is stored. Its own module, so the CLI can run
// them before it connects without loading the engine (and its native SQLite binding).
import { PigeonError } from '../../shared/errors.js'
import { LIMITS } from '../../shared/limits.js'

export function checkOutgoingText(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > LIMITS.textBytes) {
    throw new PigeonError(
      'MESSAGE_TOO_LONG',
      `The message is ${bytes} bytes; the limit is ${LIMITS.textBytes} bytes of UTF-8 — split it up.`,
    )
  }
  if (text.trim().length === 0) throw new PigeonError('API_BAD_REQUEST', 'The message is empty.')
}
