// Which relay this node uses: the switchable slot (slot.ts) and the remembered setting, changed
// together in this one place, so a restart comes back to the relay the node last used — whether
// the user set it (`pigeon relay set`, `pigeon start --relay`) or a contact link brought it.
import type { Store } from '../store/index.js'
import type { RelayStatus } from './link.js'
import type { RelaySlot } from './slot.js'

export const SETTING_RELAY = 'relayUrl'

/** The relay address remembered from an earlier run, if any. */
export function rememberedRelay(store: Store): string | undefined {
  const url = store.settings.get(SETTING_RELAY)
  return typeof url === 'string' && url !== '' ? url : undefined
}

export class RelayChoice {
  readonly #store: Store
  readonly #slot: RelaySlot

  constructor(store: Store, slot: RelaySlot) {
    this.#store = store
    this.#slot = slot
  }

  get url(): string | undefined {
    return this.#slot.url
  }

  /**
   * Switches the slot to this relay (undefined: off) and remembers it. A bad address throws
   * RELAY_URL_INVALID before anything changes (RelaySlot.setAddress validates first).
   */
  async set(url: string | undefined): Promise<RelayStatus> {
    const status = await this.#slot.setAddress(url)
    // the normalised text (RelayAddress.text), so the setting and `pigeon relay` read the same
    this.#store.settings.set(SETTING_RELAY, this.#slot.url ?? null)
    return status
  }

  /** A relay from someone else (a contact link) is taken only when I have none of my own. */
  async adopt(url: string): Promise<void> {
    if (this.#slot.url === undefined) await this.set(url)
  }
}
