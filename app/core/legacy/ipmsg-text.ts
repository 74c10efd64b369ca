// Text on the IPMsg wire (docs/protocol.md §15 "Encoding"): a packet carries no trustworthy label
// for its code page — iptux never sets UTF8OPT, FeiQ and older Windows clients send GBK — so a
// field is read as UTF-8 when it is valid UTF-8 and as GB18030 (a superset of GBK and GB2312)
// otherwise; bytes that are neither are refused, never shown as mojibake. Pigeon always sends
// UTF-8 (iptux and FeiQ read it by the same validity test).
import { PigeonError } from '../../../shared/errors.js'

// fatal: an invalid sequence is an error, so the fallback is tried instead of U+FFFD shown
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// Node's full ICU has GB18030 (a build without it throws RangeError here, at load)
const gb18030Strict = new TextDecoder('gb18030', { fatal: true, ignoreBOM: true })
const utf8 = new TextEncoder()

export type TextEncoding = 'utf-8' | 'gb18030'

export function decodeLegacyText(
  bytes: Uint8Array,
  what: string,
): { text: string; encoding: TextEncoding } {
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf-8' }
  } catch {
    // not UTF-8: the sender's local code page, GBK/GB18030 for FeiQ and Chinese installs
  }
  try {
    return { text: gb18030Strict.decode(bytes), encoding: 'gb18030' }
  } catch (cause) {
    throw new PigeonError(
      'IPMSG_MALFORMED',
      `The IPMsg ${what} is neither UTF-8 nor GB18030 text; the packet is ignored.`,
      { cause },
    )
  }
}

export function encodeLegacyText(text: string): Uint8Array {
  return utf8.encode(text)
}

/** C0 controls and DEL: never part of a name a person reads */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g

/** A field of the header (user, host) may not hold the separator, a NUL or a line break. */
export function headerSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- the header's separators and controls
  return text.replace(/[:\u0000-\u001f]/g, '_')
}
