// A transfer's numbers as a person reads them: percent, "12 s" / "4:05" / "1:02:03" left, and an
// icon by the name's extension (the file bubble and the transfers panel).
import type { TransferView } from '../../../api/contract.js'

export function percentOf(t: Pick<TransferView, 'bytesDone' | 'size'>): number {
  return t.size === 0 ? 100 : Math.min(100, Math.floor((t.bytesDone * 100) / t.size))
}

/** the time left at the current rate, or undefined when nothing moves */
export function timeLeft(
  t: Pick<TransferView, 'bytesDone' | 'size' | 'rateBytesPerSec'>,
): string | undefined {
  if (t.rateBytesPerSec <= 0) return undefined
  const seconds = Math.ceil(Math.max(0, t.size - t.bytesDone) / t.rateBytesPerSec)
  if (seconds < 60) return `${seconds} s`
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

const ICONS: ReadonlyArray<[RegExp, string]> = [
  [/\.(png|jpe?g|gif|webp|bmp|svg|heic)$/i, '🖼️'],
  [/\.(mp4|mkv|mov|avi|webm)$/i, '🎞️'],
  [/\.(mp3|flac|wav|ogg|m4a)$/i, '🎵'],
  [/\.(zip|rar|7z|tar|gz|xz|bz2)$/i, '🗜️'],
  [/\.(pdf|docx?|xlsx?|pptx?|odt|ods|txt|md)$/i, '📄'],
]

export function fileIcon(name: string): string {
  if (!/\.[^.]+$/.test(name)) return '📁' // no extension: most often a folder
  return ICONS.find(([pattern]) => pattern.test(name))?.[1] ?? '📄'
}

/** an image the node shows inline (app/api/file-links.ts checks the bytes, this only the name) */
export function looksLikeImage(name: string): boolean {
  return /\.(png|jpe?g|gif|webp)$/i.test(name)
}
