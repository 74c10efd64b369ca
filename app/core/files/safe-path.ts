// Where a received file may be written (docs/protocol.md §10 "Safety"). Names in an offer or a
// folder index come from the peer: every one is checked here before any byte is written, so a
// hostile offer cannot reach outside the target directory on Linux, macOS or Windows, and two
// entries cannot land on the same file of a case-insensitive disk.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'

const utf8 = new TextEncoder()
// CON, PRN, AUX, NUL, COM0–9, LPT0–9 (and the superscript-digit forms): Windows opens the device
// for these names whatever the extension or trailing dots and spaces (Microsoft, "Naming Files,
// Paths, and Namespaces")
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i
// characters no Windows file name may hold, and the C0 controls (a newline in a name misleads a person)
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const FORBIDDEN = /[<>:"|?*\\\u0000-\u001f]/
const DRIVE = /^[a-z]:/i

/**
 * Splits a relative path ('/'-separated, as the index carries it, docs/protocol.md §10) into
 * segments, or throws the PigeonError that says why it may not be written.
 */
export function checkRelativePath(path: string): string[] {
  if (path.includes('\u0000'))
    throw new PigeonError(
      'FILE_NAME_INVALID',
      `The offered name ${quote(path)} contains a NUL byte; it is refused.`,
    )
  if (path.startsWith('/') || path.startsWith('\\') || DRIVE.test(path)) {
    throw new PigeonError(
      'FILE_PATH_ABSOLUTE',
      `The offered path ${quote(path)} is absolute; only paths inside the chosen folder are accepted.`,
    )
  }
  if (utf8.encode(path).length > LIMITS.filePathBytes) {
    throw new PigeonError(
      'FILE_NAME_TOO_LONG',
      `An offered path is longer than ${LIMITS.filePathBytes} bytes; it is refused.`,
    )
  }
  const segments = path.split('/')
  for (const segment of segments) checkSegment(segment, path)
  return segments
}

/** The name of an offered file or folder: one segment, never a path. */
export function checkOfferName(name: string): void {
  if (checkRelativePath(name).length > 1)
    throw new PigeonError(
      'FILE_NAME_INVALID',
      `The offered name ${quote(name)} is a path; a file or folder is offered under its own name only.`,
    )
}

/** One file or directory name: the rules of checkRelativePath for a single segment. */
export function checkSegment(segment: string, path = segment): void {
  if (segment === '..' || segment.split('\\').includes('..')) {
    throw new PigeonError(
      'FILE_PATH_TRAVERSAL',
      `The offered path ${quote(path)} climbs out of its folder with "..".`,
    )
  }
  if (segment === '' || segment === '.')
    throw new PigeonError(
      'FILE_NAME_INVALID',
      `The offered path ${quote(path)} has an empty or "." part.`,
    )
  if (FORBIDDEN.test(segment)) {
    throw new PigeonError(
      'FILE_NAME_INVALID',
      `The offered name ${quote(segment)} contains a character that is not allowed in file names (< > : " | ? * \\ or a control character).`,
    )
  }
  // Windows drops trailing dots and spaces, so "a." and "a" are one file there; "CON." is CON
  if (/[. ]$/.test(segment))
    throw new PigeonError(
      'FILE_NAME_INVALID',
      `The offered name ${quote(segment)} ends with a dot or a space.`,
    )
  if (RESERVED.test(segment.trimEnd())) {
    throw new PigeonError(
      'FILE_NAME_RESERVED',
      `The offered name ${quote(segment)} is reserved for a device on Windows; it is refused.`,
    )
  }
  if (utf8.encode(segment).length > LIMITS.fileSegmentBytes) {
    throw new PigeonError(
      'FILE_NAME_TOO_LONG',
      `The offered name ${quote(segment.slice(0, 40))}… is longer than ${LIMITS.fileSegmentBytes} bytes.`,
    )
  }
}

/** The key two names collide under on a case-insensitive, normalising disk (NTFS, APFS). */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase()
}

/**
 * Checks a whole folder index's paths together: each one alone, then that no two are the same
 * file on a case-insensitive disk and that no file is also the directory of another entry.
 */
export function checkIndexPaths(
  entries: ReadonlyArray<{ path: string; directory: boolean }>,
): void {
  const seen = new Map<string, boolean>()
  for (const entry of entries) {
    checkRelativePath(entry.path)
    const key = collisionKey(entry.path)
    if (seen.has(key))
      throw new PigeonError(
        'FILE_NAME_DUPLICATE',
        `The offer names ${quote(entry.path)} twice (names that differ only in case are one file on Windows and macOS).`,
      )
    seen.set(key, entry.directory)
  }
  for (const entry of entries) {
    const segments = entry.path.split('/')
    for (let i = 1; i < segments.length; i++) {
      if (seen.get(collisionKey(segments.slice(0, i).join('/'))) === false) {
        throw new PigeonError(
          'FILE_NAME_DUPLICATE',
          `The offer has ${quote(segments.slice(0, i).join('/'))} both as a file and as the folder of ${quote(entry.path)}.`,
        )
      }
    }
  }
}

/**
 * Refuses to write through a symbolic link: every existing component from `root` (exclusive) to
 * `root/relative` must be a real directory or file. Someone who planted a link in the target (or
 * in a partial folder kept for resume) cannot redirect the write elsewhere.
 */
export async function refuseSymlinks(root: string, segments: readonly string[]): Promise<void> {
  let path = root
  for (const segment of segments) {
    path = join(path, segment)
    let stats
    try {
      stats = await lstat(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    if (stats.isSymbolicLink())
      throw new PigeonError(
        'FILE_SYMLINK',
        `${path} is a symbolic link; Pigeon does not write through links.`,
      )
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}
