import { createContext, useContext, useSyncExternalStore } from 'react'
import type { AppState, AppStore } from '../state/app-store.dom.js'

export const StoreContext = createContext<AppStore | null>(null)

export function useStore(): AppStore {
  const store = useContext(StoreContext)
  if (store === null) throw new Error('StoreContext missing')
  return store
}

/** Re-renders when the selected part of the snapshot changes (select must return stored values). */
export function useAppState<T>(select: (state: AppState) => T): T {
  const store = useStore()
  const snapshot = (): T => select(store.getState())
  // the same snapshot for server rendering: tests render components to HTML with react-dom/server
  return useSyncExternalStore(store.subscribe, snapshot, snapshot)
}
