// Group ids and other short binary names travel as unpadded base64url (RFC 4648 §5) inside topics
// and JSON: 16 bytes become 22 characters.
import { fromString, toString } from 'uint8arrays'
import { PigeonError } from './errors.js'

export function toBase64url(bytes: Uint8Array): string {
  return toString(bytes, 'base64url')
}

export function fromBase64url(text: string, expectedBytes?: number): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new PigeonError('ENVELOPE_INVALID_FIELD', `"${text.slice(0, 40)}" is not base64url text.`)
  }
  const bytes = fromString(text, 'base64url')
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new PigeonError(
      'ENVELOPE_INVALID_FIELD',
      `"${text.slice(0, 40)}" should encode ${expectedBytes} bytes, not ${bytes.length}.`,
    )
  }
  return bytes
}
