// Who may call the IPC handlers: only the main frame of our own window, showing our own page.
// A subframe, another window, or our window after a (blocked, but belt and braces) navigation
// elsewhere gets nothing. Pure, so the security test can exercise it.
import { isAppUrl } from './window-options.main.js'

export interface SenderFrameLike {
  url: string
  /** the frame's parent; null for a main frame */
  parent: unknown
}

export function isTrustedSender(
  frame: SenderFrameLike | null | undefined,
  isOurWindow: boolean,
): boolean {
  if (frame === null || frame === undefined || !isOurWindow) return false
  return frame.parent === null && isAppUrl(frame.url)
}
