// The known peers from the UI: adding a contact beyond the LAN, forgetting one, marking one
// verified (docs/protocol.md §14). The node answers with the peer; forgetting also sends every
// open UI a 'peer-forgotten' event (store-events.dom.ts).
// Each reply is written after the peer events that came before it (a frame's batch, flushed
// first): written over a pending event, the reply would drop it, and that event may be newer.
import type { Problem, StoreCore } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'

/** Someone beyond the LAN, by PeerId or contact link; opens the conversation. Error in words. */
export async function addContact(
  core: StoreCore,
  link: string,
  select: (conversationId: string) => void,
): Promise<Problem | undefined> {
  try {
    const peer = await core.api.addContact(link)
    core.flushPeers()
    // a 'peer' event (e.g. the contact's presence through the relay) may have overtaken this
    // reply: it is newer than the snapshot in the reply, so it wins
    if (!core.state().peers.has(peer.peerId)) {
      const peers = new Map(core.state().peers)
      peers.set(peer.peerId, peer)
      core.set({ peers })
    }
    select(peer.peerId)
    return undefined
  } catch (error) {
    return toProblem(error)
  }
}

/** Drops a peer from the known list (its conversation stays), here at once; others by the event. */
export async function forgetPeer(core: StoreCore, peerId: string): Promise<void> {
  try {
    await core.api.forgetPeer(peerId)
    core.flushPeers()
    const peers = new Map(core.state().peers)
    peers.delete(peerId)
    core.set({ peers })
  } catch (error) {
    core.set({ problem: toProblem(error) })
  }
}

/** Marks a peer verified after comparing safety numbers (docs/protocol.md §14), or not. */
export async function setVerified(
  core: StoreCore,
  peerId: string,
  verified: boolean,
): Promise<boolean> {
  try {
    const peer = await core.api.setVerified(peerId, verified)
    core.flushPeers()
    const peers = new Map(core.state().peers)
    peers.set(peer.peerId, peer)
    core.set({ peers })
    return true
  } catch (error) {
    core.set({ problem: toProblem(error) })
    return false
  }
}
