// The IPC the window may use: calls of the MessengerApi (validated by ipc-schema.main.ts), opening
// a received file inside the download folder, and the event stream. Every handler checks its
// sender first (sender.main.ts): test/electron/security.test.ts scans these sources for it.
import { BrowserWindow, ipcMain, shell, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { isPigeonError } from '../../shared/errors.js'
import type { MessengerEvent, Unsubscribe } from '../api/contract.js'
import type { LocalApi } from '../api/local.js'
import {
  CALL_CHANNEL,
  EVENT_CHANNEL,
  OPEN_FILE_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  type IpcResult,
} from './ipc-channels.main.js'
import { invokeCall, parseCall } from './ipc-schema.main.js'
import { insideDownloads, isOpenAction } from './open-file.main.js'
import { isTrustedSender } from './sender.main.js'

function words(error: unknown): { code: string; message: string } {
  if (isPigeonError(error)) return { code: error.code, message: error.message }
  return { code: 'API_INTERNAL', message: 'The node failed to handle that request.' }
}

/** `mainWindow` is asked at each call: the window may be made again (macOS `activate`). */
export function handleIpc(api: LocalApi, mainWindow: () => BrowserWindow | undefined): void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const window = BrowserWindow.fromWebContents(event.sender)
    return isTrustedSender(event.senderFrame, window !== null && window === mainWindow())
  }
  ipcMain.handle(
    CALL_CHANNEL,
    async (event, method: unknown, args: unknown): Promise<IpcResult> => {
      if (!trusted(event))
        return {
          ok: false,
          error: {
            code: 'API_UNAUTHORIZED',
            message: 'Calls are accepted from Pigeon’s own window only.',
          },
        }
      try {
        const call = parseCall(method, args)
        return { ok: true, value: (await invokeCall(api, call)) ?? null }
      } catch (error) {
        return { ok: false, error: words(error) }
      }
    },
  )
  ipcMain.handle(
    OPEN_FILE_CHANNEL,
    async (event, path: unknown, action: unknown): Promise<IpcResult> => {
      if (!trusted(event))
        return { ok: false, error: { code: 'API_UNAUTHORIZED', message: 'Refused.' } }
      if (!isOpenAction(action))
        return { ok: false, error: { code: 'API_BAD_REQUEST', message: 'Open or show only.' } }
      try {
        const real = await insideDownloads(path, await api.downloadDir())
        if (action === 'show') shell.showItemInFolder(real)
        else {
          const failed = await shell.openPath(real)
          if (failed !== '')
            return { ok: false, error: { code: 'FILE_OPEN_FAILED', message: failed } }
        }
        return { ok: true, value: null }
      } catch (error) {
        return { ok: false, error: words(error) }
      }
    },
  )
  const subscriptions = new Map<number, Unsubscribe>()
  ipcMain.on(SUBSCRIBE_CHANNEL, (event) => {
    if (!trusted(event)) return
    const contents = event.sender
    if (subscriptions.has(contents.id)) return
    const id = contents.id
    subscriptions.set(
      id,
      api.subscribe((e: MessengerEvent) => {
        if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, e)
      }),
    )
    contents.once('destroyed', () => {
      subscriptions.get(id)?.()
      subscriptions.delete(id)
    })
  })
  ipcMain.on(UNSUBSCRIBE_CHANNEL, (event) => {
    if (!trusted(event)) return
    subscriptions.get(event.sender.id)?.()
    subscriptions.delete(event.sender.id)
  })
}
