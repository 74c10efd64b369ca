// Uploads under way in browser mode (app/renderer/src/api/upload.dom.ts), by conversation: what
// the conversation shows as "Preparing …" until the node has the files and the transfers exist.
// Its own small store, beside the app store, since nothing of it comes from the node.
import { useSyncExternalStore } from 'react'
import type { UploadProgress } from '../api/upload.dom.js'

let uploads: ReadonlyMap<string, UploadProgress> = new Map()
const listeners = new Set<() => void>()

function set(next: Map<string, UploadProgress>): void {
  uploads = next
  for (const listener of listeners) listener()
}

export function uploadProgress(conversationId: string, progress: UploadProgress | undefined): void {
  const next = new Map(uploads)
  if (progress === undefined) next.delete(conversationId)
  else next.set(conversationId, progress)
  set(next)
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useUpload(conversationId: string): UploadProgress | undefined {
  const snapshot = (): UploadProgress | undefined => uploads.get(conversationId)
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
