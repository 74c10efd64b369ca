// My own profile, status and relay from the UI: the node answers with the new value, which
// replaces the snapshot's; a refusal shows in the banner, in words.
import type { PeerStatus } from '../../../api/contract.js'
import { toProblem, type AppState, type StoreCore } from './app-state.dom.js'

/** the node's answer into the snapshot; false (and the banner) when it refused */
async function answered(core: StoreCore, call: () => Promise<Partial<AppState>>): Promise<boolean> {
  try {
    core.set(await call())
    return true
  } catch (error) {
    core.set({ problem: toProblem(error) })
    return false
  }
}

export function setProfile(
  core: StoreCore,
  change: { name?: string; color?: number; workgroup?: string | null },
): Promise<boolean> {
  return answered(core, async () => ({ me: await core.api.setProfile(change) }))
}

export async function setStatus(core: StoreCore, status: PeerStatus): Promise<void> {
  await answered(core, async () => ({ me: await core.api.setStatus(status) }))
}

/** the relay's address, or null for none */
export function setRelay(core: StoreCore, url: string | null): Promise<boolean> {
  return answered(core, async () => ({ relay: await core.api.setRelay(url) }))
}
