// File transfers from the UI (docs/protocol.md §10–§12): offering files, and a file bubble's buttons.
// The node answers with each transfer's new state, handled like its 'transfer' event.
import type { TransferView } from '../../../api/contract.js'
import type { StoreCore, TransferAction } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'

/** transfers made by `send`: sendFiles, or browser mode's upload (ui/send-files.dom.ts) */
export async function offerWith(
  core: StoreCore,
  send: () => Promise<TransferView[]>,
): Promise<void> {
  try {
    for (const view of await send()) core.dispatch({ type: 'transfer', transfer: view })
  } catch (error) {
    core.set({ problem: toProblem(error) })
  }
}

/** a file bubble's button; the node answers with the transfer's new state */
export async function transferAction(
  core: StoreCore,
  action: TransferAction,
  id: string,
): Promise<void> {
  const api = core.api
  try {
    const view = await (action === 'accept'
      ? api.acceptTransfer(id)
      : action === 'decline'
        ? api.declineTransfer(id)
        : action === 'pause'
          ? api.pauseTransfer(id)
          : action === 'resume'
            ? api.resumeTransfer(id)
            : api.cancelTransfer(id))
    core.dispatch({ type: 'transfer', transfer: view })
  } catch (error) {
    core.set({ problem: toProblem(error) })
  }
}
