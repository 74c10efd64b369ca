// Whether an incoming message notifies, and how — one rule for Electron's native notifications
// (app/main) and the browser's (app/renderer): off means none; a muted conversation only for a
// mention of me; while I am Busy, silently (shared/status.ts).
import type { PeerStatus } from './status.js'

export type NotifyDecision = 'none' | 'quiet' | 'sound'

export interface NotifyInput {
  /** the user's notifications switch */
  enabled: boolean
  muted: boolean
  mentionsMe: boolean
  myStatus: PeerStatus
}

export function notifyDecision(input: NotifyInput): NotifyDecision {
  if (!input.enabled) return 'none'
  if (input.muted && !input.mentionsMe) return 'none'
  return input.myStatus === 'busy' ? 'quiet' : 'sound'
}
