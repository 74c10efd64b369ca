// The composer's draft for each conversation (drafts.dom.ts keeps it in the node): loaded when
// the conversation opens, saved a moment after each change and at once when it closes.
import { useCallback, useEffect, useRef, type Dispatch, type SetStateAction } from 'react'
import { useStore } from './context.dom.js'
import { loadDraft, saveDraft } from './drafts.dom.js'

const SAVE_AFTER_MS = 300

export function useDraft(
  conversationId: string,
  setText: Dispatch<SetStateAction<string>>,
): { changed: (text: string) => void } {
  const store = useStore()
  const pending = useRef<{ id: string; text: string } | undefined>(undefined)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const flush = useCallback(() => {
    clearTimeout(timer.current)
    const draft = pending.current
    pending.current = undefined
    if (draft !== undefined) void saveDraft(store.api, draft.id, draft.text).catch(() => undefined)
  }, [store])

  useEffect(() => {
    setText('')
    let open = true
    loadDraft(store.api, conversationId)
      .then((draft) => {
        // typing that began before the draft came wins over it
        if (open && draft.length > 0) setText((now) => (now.length === 0 ? draft : now))
      })
      .catch(() => undefined)
    window.addEventListener('pagehide', flush)
    return () => {
      open = false
      window.removeEventListener('pagehide', flush)
      flush()
    }
  }, [conversationId, store, flush, setText])

  return {
    changed(value: string): void {
      pending.current = { id: conversationId, text: value }
      clearTimeout(timer.current)
      timer.current = setTimeout(flush, SAVE_AFTER_MS)
    },
  }
}
