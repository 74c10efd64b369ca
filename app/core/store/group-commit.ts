// Group commit: writes requested in the same turn of the event loop share one transaction (one
// WAL commit) and each caller still learns its own outcome. Inbound messages from several
// streams at once (two peers, LAN and relay) then cost one commit instead of one each; a lone
// message waits only for the next turn (setImmediate).
export class GroupCommit<T, R> {
  #pending: Array<{ item: T; resolve: (value: R) => void; reject: (error: unknown) => void }> = []
  #scheduled = false

  /**
   * @param commit writes all items in one transaction and returns, per item, its result or the
   *   Error that item alone failed with (one bad item must not sink the others)
   */
  readonly #commit: (items: T[]) => Array<R | Error>

  constructor(commit: (items: T[]) => Array<R | Error>) {
    this.#commit = commit
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject })
      if (this.#scheduled) return
      this.#scheduled = true
      setImmediate(() => this.#flush())
    })
  }

  #flush(): void {
    this.#scheduled = false
    const batch = this.#pending
    this.#pending = []
    let results: Array<R | Error>
    try {
      results = this.#commit(batch.map((p) => p.item))
    } catch (error) {
      for (const p of batch) p.reject(error)
      return
    }
    batch.forEach((p, i) => {
      const result = results[i]
      if (result instanceof Error) p.reject(result)
      else p.resolve(result as R)
    })
  }
}
