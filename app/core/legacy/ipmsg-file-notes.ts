// Files an IP Messenger user attaches (docs/protocol.md §15 "Files"). Pulling them over TCP is not
// built yet, so the conversation says plainly what was offered instead of dropping it silently;
// every name is first checked as a file name inside a target folder (app/core/files/safe-path.ts):
// one with ../, an absolute path or a reserved name is refused and logged, never shown as if fine.
import { checkOfferName } from '../files/safe-path.js'
import { FileType } from './ipmsg-commands.js'
import type { IpmsgFileEntry } from './ipmsg-files.js'

/** The text with one line per acceptable attachment; refused names go to `refuse`. */
export function withFileNotes(
  text: string,
  files: readonly IpmsgFileEntry[],
  refuse: (why: string) => void,
): string {
  const notes: string[] = []
  for (const file of files) {
    try {
      checkOfferName(file.name)
    } catch (error) {
      refuse(`refused an IPMsg file entry: ${(error as Error).message}`)
      continue
    }
    const what = (file.attr & 0xff) === FileType.DIR ? 'folder' : `file, ${file.size} bytes`
    notes.push(
      `📎 ${file.name} (${what}; offered over IP Messenger, not received: Pigeon does not take files from IP Messenger yet)`,
    )
  }
  return [text, ...notes].filter((line) => line !== '').join('\n')
}
