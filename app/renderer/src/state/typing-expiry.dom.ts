// Who is typing: a peer's indicator shows for a while after its last 'typing' event and goes when
// it stops, when its message arrives, or when the time is up (one timer, for the soonest expiry).
import type { StoreCore } from './app-state.dom.js'

const TYPING_SHOWN_MS = 6000

export class TypingExpiry {
  readonly #core: StoreCore
  #timer?: ReturnType<typeof setTimeout>

  constructor(core: StoreCore) {
    this.#core = core
  }

  /** a 'typing' event: started (shown for a while from now) or stopped */
  note(peerId: string, typing: boolean): void {
    if (!typing) {
      this.clear(peerId)
      return
    }
    const next = new Map(this.#core.state().typing)
    next.set(peerId, Date.now() + TYPING_SHOWN_MS)
    this.#core.set({ typing: next })
    this.#schedule()
  }

  clear(peerId: string): void {
    if (!this.#core.state().typing.has(peerId)) return
    const typing = new Map(this.#core.state().typing)
    typing.delete(peerId)
    this.#core.set({ typing })
  }

  stop(): void {
    clearTimeout(this.#timer)
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    const next = Math.min(...this.#core.state().typing.values())
    if (!Number.isFinite(next)) return
    this.#timer = setTimeout(
      () => {
        const now = Date.now()
        const typing = new Map([...this.#core.state().typing].filter(([, until]) => until > now))
        this.#core.set({ typing })
        this.#schedule()
      },
      Math.max(50, next - Date.now()),
    )
  }
}
