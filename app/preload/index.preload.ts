// The sandboxed preload (bundled to CommonJS by app/main/build.ts, as sandboxed preloads must be):
// puts exactly the MessengerApi contract on window.pigeon, and nothing else — no ipcRenderer,
// no event objects, no Node. Its methods are the method table's (app/api/methods.ts), whose
// names build.ts writes in as __PIGEON_METHODS__, so the bundle holds only those names and the
// channels. Calls go through one invoke channel that the main process validates; failures come
// back as plain { code, message } objects, which cross the context bridge intact (Error
// subclasses lose their fields there).
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { MessengerApi, MessengerEvent } from '../api/contract.js'
import type { MethodName } from '../api/methods.js'
import {
  CALL_CHANNEL,
  EVENT_CHANNEL,
  OPEN_FILE_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  type IpcResult,
} from '../main/ipc-channels.main.js'

declare const __PIGEON_METHODS__: readonly MethodName[]

async function call(method: MethodName, args: unknown[]): Promise<unknown> {
  const result = (await ipcRenderer.invoke(CALL_CHANNEL, method, args)) as IpcResult
  if (result.ok) return result.value
  return Promise.reject({ code: result.error.code, message: result.error.message })
}

const listeners = new Set<(event: MessengerEvent) => void>()
ipcRenderer.on(EVENT_CHANNEL, (_event, payload: MessengerEvent) => {
  for (const listener of listeners) listener(payload)
})

const methods = Object.fromEntries(
  __PIGEON_METHODS__.map((method) => [method, (...args: unknown[]) => call(method, args)]),
) as Omit<MessengerApi, 'subscribe'>

const api: MessengerApi = {
  ...methods,
  subscribe(listener) {
    listeners.add(listener)
    if (listeners.size === 1) ipcRenderer.send(SUBSCRIBE_CHANNEL)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0) ipcRenderer.send(UNSUBSCRIBE_CHANNEL)
    }
  },
}

contextBridge.exposeInMainWorld('pigeon', api)
// The one thing besides the contract: the path of a file the user dropped or picked (Electron
// gives File objects no path since v32). sendFiles takes paths on the node's disk, and only in
// Electron are the page and the node on the same disk for sure.
// open / show: a received file, by the main process, which opens only paths inside the download
// dir (app/main/open-file.main.ts).
async function openFile(path: string, action: 'open' | 'show'): Promise<void> {
  const result = (await ipcRenderer.invoke(OPEN_FILE_CHANNEL, path, action)) as IpcResult
  if (!result.ok) return Promise.reject({ code: result.error.code, message: result.error.message })
}

contextBridge.exposeInMainWorld('pigeonFiles', {
  pathOf: (file: File): string => webUtils.getPathForFile(file),
  open: (path: string) => openFile(path, 'open'),
  show: (path: string) => openFile(path, 'show'),
})
