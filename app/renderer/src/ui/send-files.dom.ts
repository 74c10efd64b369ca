// Sending what the user dropped on a conversation or picked with the attach buttons, in either
// host: Electron's preload gives the node's own paths (local-paths.dom.ts, straight to
// sendFiles); a browser uploads the contents first (upload.dom.ts).
import { browserToken } from '../api/connect.dom.js'
import { canSendLocalFiles, localPaths } from '../api/local-paths.dom.js'
import {
  droppedEntries,
  pickedEntries,
  uploadAndSend,
  type UploadEntry,
} from '../api/upload.dom.js'
import type { AppStore } from '../state/app-store.dom.js'
import { uploadProgress } from '../state/uploads.dom.js'

/** whether this page can send files at all: Electron with its bridge, or a browser with a token */
export function canSendFiles(): boolean {
  return canSendLocalFiles() || browserToken() !== undefined
}

export function sendDropped(store: AppStore, conversationId: string, data: DataTransfer): void {
  if (canSendLocalFiles()) {
    void store.sendFiles(conversationId, localPaths(data.files))
    return
  }
  // the entries are taken now: a DataTransfer's items are gone once the drop handler returns
  const entries = droppedEntries(data)
  void upload(store, conversationId, entries)
}

export function sendPicked(store: AppStore, conversationId: string, files: FileList): void {
  if (canSendLocalFiles()) void store.sendFiles(conversationId, localPaths(files))
  else void upload(store, conversationId, Promise.resolve(pickedEntries(files)))
}

async function upload(
  store: AppStore,
  conversationId: string,
  entries: Promise<UploadEntry[]>,
): Promise<void> {
  await store.offerWith(async () => {
    try {
      const list = await entries
      if (list.length === 0) return []
      return await uploadAndSend(conversationId, list, (p) => uploadProgress(conversationId, p))
    } finally {
      uploadProgress(conversationId, undefined)
    }
  })
}
