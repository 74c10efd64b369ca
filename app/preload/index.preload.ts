// The sandboxed preload (bundled to CommonJS by app/main/build.ts, as sandboxed preloads must be):
// puts exactly the MessengerApi contract on window.pigeon, and nothing else — no ipcRenderer,
// no event objects, no Node. Calls go through one invoke channel that the main process
// validates; failures come back as plain { code, message } objects, which cross the context
// bridge intact (Error subclasses lose their fields there).
import { contextBridge, ipcRenderer } from 'electron'
import type { ApiMethod, ApiResponses, MessengerApi, MessengerEvent } from '../api/contract.js'
import {
  CALL_CHANNEL,
  EVENT_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  type IpcResult,
} from '../main/ipc-schema.js'

async function call<M extends ApiMethod>(method: M, ...args: unknown[]): Promise<ApiResponses[M]> {
  const result = (await ipcRenderer.invoke(CALL_CHANNEL, method, args)) as IpcResult
  if (result.ok) return result.value as ApiResponses[M]
  return Promise.reject({ code: result.error.code, message: result.error.message })
}

const listeners = new Set<(event: MessengerEvent) => void>()
ipcRenderer.on(EVENT_CHANNEL, (_event, payload: MessengerEvent) => {
  for (const listener of listeners) listener(payload)
})

const api: MessengerApi = {
  me: () => call('me'),
  peers: () => call('peers'),
  conversations: () => call('conversations'),
  history: (peer, query) => call('history', peer, query),
  search: (text, limit) => call('search', text, limit),
  send: (peer, text) => call('send', peer, text),
  markRead: (peer) => call('markRead', peer),
  typing: (peer, typing) => call('typing', peer, typing),
  setProfile: (change) => call('setProfile', change),
  setStatus: (status) => call('setStatus', status),
  getSetting: (key) => call('getSetting', key),
  setSetting: (key, value) => call('setSetting', key, value),
  relayStatus: () => call('relayStatus'),
  setRelay: (url) => call('setRelay', url),
  addContact: (link) => call('addContact', link),
  myLink: () => call('myLink'),
  doctor: (peer) => call('doctor', peer),
  groups: () => call('groups'),
  createGroup: (name, members) => call('createGroup', name, members),
  addToGroup: (group, members) => call('addToGroup', group, members),
  removeFromGroup: (group, members) => call('removeFromGroup', group, members),
  leaveGroup: (group) => call('leaveGroup', group),
  renameGroup: (group, name) => call('renameGroup', group, name),
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
