// Names, colours, times and days as people read them, in the current UI language.
import type { MeView, PeerView } from '../../../api/contract.js'

export function shortPeerId(peerId: string): string {
  return peerId.length > 14 ? `${peerId.slice(0, 6)}…${peerId.slice(-4)}` : peerId
}

export function peerName(
  peer: Pick<PeerView, 'peerId' | 'name'> | undefined,
  fallbackId: string,
): string {
  const name = peer?.name?.trim()
  return name !== undefined && name.length > 0 ? name : shortPeerId(fallbackId)
}

// a group has no profile colour: one is picked from its id, so it stays the same everywhere
const GROUP_COLORS = [0x2f6fed, 0x0f9d76, 0x8e44ad, 0xd9822b, 0xc2185b, 0x00838f, 0x5d6d7e]

export function groupColor(groupId: string): number {
  let hash = 0
  for (const char of groupId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return GROUP_COLORS[hash % GROUP_COLORS.length] ?? 0x2f6fed
}

export function colorCss(color: number | null | undefined): string {
  return `#${((color ?? 0x8a8f98) & 0xffffff).toString(16).padStart(6, '0')}`
}

/** dark text on light avatar colours, white on the rest (WCAG relative luminance) */
export function textOn(color: number | null | undefined): string {
  const c = (color ?? 0x8a8f98) & 0xffffff
  const channel = (v: number): number => {
    const x = v / 255
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
  }
  const luminance =
    0.2126 * channel(c >> 16) + 0.7152 * channel((c >> 8) & 0xff) + 0.0722 * channel(c & 0xff)
  return luminance > 0.45 ? '#1c2430' : '#ffffff'
}

export function initials(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length === 0) return '?'
  const words = trimmed.split(/\s+/)
  const first = [...(words[0] ?? '')][0] ?? '?'
  // CJK names read best as their first character alone
  if (/\p{Script=Han}/u.test(first)) return first
  const second = words.length > 1 ? ([...(words[words.length - 1] ?? '')][0] ?? '') : ''
  return (first + second).toUpperCase()
}

// Building an Intl formatter costs far more than using one: one per language and style.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(
  language: string,
  style: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${language}|${style}`
  let f = formatters.get(key)
  if (f === undefined) {
    f = new Intl.DateTimeFormat(language, options)
    formatters.set(key, f)
  }
  return f
}

export function dayKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

export function dayLabel(
  ms: number,
  language: string,
  words: { today: string; yesterday: string },
): string {
  const now = new Date()
  const today = dayKey(now.getTime())
  const yesterday = dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).getTime())
  const key = dayKey(ms)
  if (key === today) return words.today
  if (key === yesterday) return words.yesterday
  return formatter(language, 'day', {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(ms)
}

export function timeLabel(ms: number, language: string): string {
  return formatter(language, 'time', { hour: '2-digit', minute: '2-digit' }).format(ms)
}

/** time today, else date and time: search results span the whole history */
export function whenLabel(ms: number, language: string): string {
  if (dayKey(ms) === dayKey(Date.now())) return timeLabel(ms, language)
  return formatter(language, 'when', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms)
}

/** one formatter per language: making one costs ~10 µs, and the sidebar asks for thousands */
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>()

export function relativeLabel(ms: number, language: string): string {
  const seconds = Math.round((ms - Date.now()) / 1000)
  const minutes = Math.round(seconds / 60)
  let rtf = relativeFormats.get(language)
  if (rtf === undefined) {
    rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' })
    relativeFormats.set(language, rtf)
  }
  if (Math.abs(seconds) < 60) return rtf.format(seconds, 'second')
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  if (Math.abs(hours) < 24) return rtf.format(hours, 'hour')
  return rtf.format(Math.round(hours / 24), 'day')
}

export type Displayable = Pick<MeView, 'name' | 'color'> | Pick<PeerView, 'name' | 'color'>
