// Loading a conversation's history a page at a time, the newest page first, merged with messages
// that events added while the page was on its way (message-list.dom.ts keeps the order).
import type { History, StoreCore } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'
import { mergePage } from './message-list.dom.js'

export const PAGE_SIZE = 200

/** Loads the page before the oldest loaded message (the newest page first). */
export async function loadOlder(core: StoreCore, conversationId: string): Promise<void> {
  const current = core.state().histories.get(conversationId)
  if (current?.loading === true || current?.complete === true) return
  const set = (h: History): void => {
    const histories = new Map(core.state().histories)
    histories.set(conversationId, h)
    core.set({ histories })
  }
  set({ items: current?.items ?? [], complete: false, loading: true })
  try {
    const page = await core.api.history(conversationId, {
      before: current?.items[0]?.id,
      limit: PAGE_SIZE,
    })
    const latest = core.state().histories.get(conversationId)?.items ?? []
    const lastOfPage = page[page.length - 1]
    const firstLoaded = latest[0]
    if (lastOfPage !== undefined && firstLoaded !== undefined && lastOfPage.id < firstLoaded.id) {
      // the usual case, an older page: no overlap, prepend without re-sorting 100,000 rows
      set({ items: [...page, ...latest], complete: page.length < PAGE_SIZE, loading: false })
      return
    }
    // first page, or events added messages meanwhile: merge by id
    set({ items: mergePage(page, latest), complete: page.length < PAGE_SIZE, loading: false })
  } catch (error) {
    set({ items: current?.items ?? [], complete: false, loading: false })
    core.set({ problem: toProblem(error) })
  }
}
