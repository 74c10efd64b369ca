// Full-text search from the sidebar: the latest query's results win (an older query's answer that
// comes late is dropped), and the previous results stay shown while the next ones load.
import type { StoreCore } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'

const SEARCH_RESULTS = 100

export class MessageSearch {
  readonly #core: StoreCore
  #seq = 0

  constructor(core: StoreCore) {
    this.#core = core
  }

  async run(query: string): Promise<void> {
    const seq = ++this.#seq
    const trimmed = query.trim()
    if (trimmed.length === 0) {
      this.#core.set({ search: undefined })
      return
    }
    this.#core.set({
      search: { query: trimmed, results: this.#core.state().search?.results ?? [], loading: true },
    })
    try {
      const results = await this.#core.api.search(trimmed, SEARCH_RESULTS)
      if (seq === this.#seq) this.#core.set({ search: { query: trimmed, results, loading: false } })
    } catch (error) {
      if (seq === this.#seq)
        this.#core.set({
          search: { query: trimmed, results: [], loading: false },
          problem: toProblem(error),
        })
    }
  }
}
