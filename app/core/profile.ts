// My own profile's defaults and limits. Colours come from the PeerId so two new users who have not
// picked one still look different, and the same user looks the same on every machine.
import { PigeonError } from '../../shared/errors.js'
import { countChars, LIMITS } from '../../shared/limits.js'
import type { PeerProfile } from './delivery.js'

const PALETTE = [
  0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0x008080, 0x9a6324,
  0x800000, 0x808000, 0x000075,
] as const

export function defaultColor(peerId: string): number {
  let hash = 0
  for (const ch of peerId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return PALETTE[hash % PALETTE.length] ?? PALETTE[0]
}

export function checkName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0 || countChars(trimmed) > LIMITS.nameChars) {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `A display name has 1 to ${LIMITS.nameChars} characters; "${name.slice(0, 80)}" does not.`,
    )
  }
  return trimmed
}

/** A workgroup (department) or host name: trimmed, at most `max` characters; empty means none. */
function checkOptionalText(text: string | null, what: string, max: number): string | null {
  const trimmed = text?.trim() ?? ''
  if (trimmed === '') return null
  if (countChars(trimmed) > max) {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `A ${what} has at most ${max} characters; "${trimmed.slice(0, 80)}" has more.`,
    )
  }
  return trimmed
}

export function checkWorkgroup(workgroup: string | null): string | null {
  return checkOptionalText(workgroup, 'workgroup', LIMITS.workgroupChars)
}

export function checkHost(host: string | null): string | null {
  return checkOptionalText(host, 'host name', LIMITS.hostChars)
}

export function checkColor(color: number): number {
  if (!Number.isInteger(color) || color < 0 || color > 0xffffff) {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `A colour is 0xRRGGBB (0 to 16777215); ${color} is not.`,
    )
  }
  return color
}

/**
 * A peer known only from a contact link: the name there is a hint until the peer's own profile
 * arrives, which always wins (its version is ≥ 1; this one's is 0).
 */
export function placeholderProfile(peerId: string, name: string | undefined): PeerProfile {
  return { peerId, name: name ?? '', color: defaultColor(peerId), status: 'online', version: 0 }
}
