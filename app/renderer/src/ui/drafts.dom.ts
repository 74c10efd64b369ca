// Drafts, one per conversation, kept in the node (a setting per conversation) so they survive
// switching conversations, reloading the page and restarting the node.
import type { MessengerApi } from '../../../api/contract.js'

/** a setting key (app/api/methods.ts: letters, digits, . _ -): `group:<id>` becomes `group.<id>` */
export function draftKey(conversationId: string): string {
  return `draft.${conversationId.replace(':', '.')}`
}

// a setting holds 16 KiB of JSON; a longer draft is kept only on this page
const MAX_DRAFT_JSON = 16 * 1024 - 16

export async function loadDraft(api: MessengerApi, conversationId: string): Promise<string> {
  const value = await api.getSetting(draftKey(conversationId))
  return typeof value === 'string' ? value : ''
}

export async function saveDraft(
  api: MessengerApi,
  conversationId: string,
  text: string,
): Promise<void> {
  if (JSON.stringify(text).length > MAX_DRAFT_JSON) return
  await api.setSetting(draftKey(conversationId), text.length === 0 ? null : text)
}
