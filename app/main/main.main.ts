// Electron main process: one window showing the renderer from the privileged pigeon:// scheme,
// the node (app/node/start-node.ts: identity, store, LAN, relay, local API) in this process, IPC
// that checks its sender and validates every argument, tray with the unread count, native
// notifications, the window's place remembered. Everything security-relevant about the window
// lives in window-options.main.ts, where test/electron/security.test.ts reads it.
import '../../shared/polyfills.js'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  screen,
  session,
  shell,
  Tray,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
} from 'electron'
import { isPigeonError } from '../../shared/errors.js'
import type { MessengerEvent, Unsubscribe } from '../api/contract.js'
import type { LocalApi } from '../api/local.js'
import { startNode, type RunningNode } from '../node/start-node.js'
import { insideDownloads, isOpenAction } from './open-file.main.js'
import { resolveDataDir } from '../core/data-dir.js'
import { groupOfConversation } from '../core/store/conversations.js'
import { CONTENT_SECURITY_POLICY } from '../web/csp.js'
import { contentType, resolveStatic } from '../web/static.js'
import {
  CALL_CHANNEL,
  EVENT_CHANNEL,
  OPEN_FILE_CHANNEL,
  SUBSCRIBE_CHANNEL,
  UNSUBSCRIBE_CHANNEL,
  type IpcResult,
} from './ipc-channels.main.js'
import { invokeCall, parseCall } from './ipc-schema.main.js'
import { isTrustedSender } from './sender.main.js'
import { notifyDecision } from '../../shared/notify.js'
import { trayBitmap } from './tray-icon.main.js'
import {
  APP_ENTRY,
  APP_HOST,
  APP_SCHEME,
  isAppUrl,
  isSafeExternalUrl,
  windowOptions,
} from './window-options.main.js'
import { loadWindowState, saveWindowState } from './window-state.main.js'

const here = dirname(fileURLToPath(import.meta.url))
/** dist/electron/main.js → dist/renderer and dist/electron/preload.cjs */
const RENDERER_ROOT = join(here, '..', 'renderer')
const PRELOAD = join(here, 'preload.cjs')

let mainWindow: BrowserWindow | undefined
let tray: Tray | undefined
let node: RunningNode | undefined
let quitting = false

// Must precede 'ready': a standard, secure scheme gets an origin, so the CSP's 'self' means it.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
])

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

function words(error: unknown): { code: string; message: string } {
  if (isPigeonError(error)) return { code: error.code, message: error.message }
  return { code: 'API_INTERNAL', message: 'The node failed to handle that request.' }
}

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = url.host === APP_HOST ? resolveStatic(RENDERER_ROOT, url.pathname) : undefined
    if (file === undefined) return new Response('Not found', { status: 404 })
    return new Response(await readFile(file), {
      headers: {
        'content-type': contentType(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    })
  })
}

/** No remote content, no permissions: the page needs neither. */
function lockSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onBeforeRequest((details, callback) => {
    const scheme = details.url.slice(0, details.url.indexOf(':') + 1)
    callback({
      cancel: !(
        scheme === `${APP_SCHEME}:` ||
        scheme === 'devtools:' ||
        scheme === 'data:' ||
        scheme === 'blob:'
      ),
    })
  })
}

function lockNavigation(): void {
  app.on('web-contents-created', (_event, contents) => {
    const refuse = (event: { preventDefault(): void }, url: string): void => {
      if (isAppUrl(url) && url.split('#')[0] === APP_ENTRY) return // a reload of our own page
      event.preventDefault()
      if (isSafeExternalUrl(url)) void shell.openExternal(url)
    }
    contents.on('will-navigate', refuse)
    contents.on('will-redirect', refuse)
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
}

function trusted(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const window = BrowserWindow.fromWebContents(event.sender)
  return isTrustedSender(event.senderFrame, window !== null && window === mainWindow)
}

function handleIpc(api: LocalApi): void {
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

function showWindow(): void {
  if (mainWindow === undefined || mainWindow.isDestroyed()) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const window = new BrowserWindow(
    windowOptions(PRELOAD, state.bounds, { devTools: !app.isPackaged }),
  )
  if (state.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  const save = (): void => {
    clearTimeout(saveTimer)
    if (!window.isDestroyed())
      saveWindowState(stateFile, {
        bounds: window.getNormalBounds(),
        maximized: window.isMaximized(),
      })
  }
  const saveSoon = (): void => {
    clearTimeout(saveTimer)
    saveTimer = setTimeout(save, 500)
  }
  window.on('resize', saveSoon)
  window.on('move', saveSoon)
  window.on('close', save)
  void window.loadURL(APP_ENTRY)
  return window
}

async function updateUnread(api: LocalApi): Promise<void> {
  const total = (await api.conversations()).reduce((sum, c) => sum + c.unread, 0)
  app.setBadgeCount(total)
  if (tray === undefined) return
  tray.setImage(nativeImage.createFromBitmap(trayBitmap(32, total > 0), { width: 32, height: 32 }))
  tray.setToolTip(total > 0 ? `Pigeon — ${total} unread` : 'Pigeon')
}

function createTray(api: LocalApi): void {
  tray = new Tray(nativeImage.createFromBitmap(trayBitmap(32, false), { width: 32, height: 32 }))
  tray.setToolTip('Pigeon')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Pigeon', click: showWindow },
      { type: 'separator' },
      { label: 'Quit', role: 'quit' },
    ]),
  )
  tray.on('click', showWindow)
  void updateUnread(api)
}

function notifyIncoming(running: RunningNode): void {
  running.messenger.on('message', (row) => {
    if (row.direction !== 'in' || mainWindow === undefined || mainWindow.isFocused()) return
    if (!Notification.isSupported()) return
    // muted, Busy (shared/notify.ts)
    const decision = notifyDecision({
      enabled: running.messenger.getSetting('ui.notifications') !== false,
      muted: running.messenger.conversations().some((c) => c.id === row.conversationId && c.muted),
      mentionsMe: row.mentions?.includes(running.messenger.peerId) === true,
      myStatus: running.messenger.me().status,
    })
    if (decision === 'none') return
    const sender = running.messenger.peer(row.sender)?.name ?? 'Pigeon'
    const groupId = groupOfConversation(row.conversationId)
    const group = groupId === undefined ? undefined : running.messenger.groupById(groupId)
    const notification = new Notification({
      title: group === undefined ? sender : `${sender} · ${group.name}`,
      body: (row.text ?? '').slice(0, 200),
      silent: decision === 'quiet',
    })
    notification.on('click', () => {
      showWindow()
      mainWindow?.webContents.send(EVENT_CHANNEL, {
        type: 'ui:open',
        conversation: row.conversationId,
      })
    })
    notification.show()
  })
}

async function start(): Promise<void> {
  await app.whenReady()
  lockSession()
  serveApp()
  const dataDir = resolveDataDir({
    flag: argValue('--data'),
    env: process.env,
    platform: process.platform,
    home: homedir(),
  })
  const mdns = process.env.PIGEON_MDNS !== 'off'
  try {
    node = await startNode({
      dataDir,
      mdns,
      // for tests on one machine: loopback only, peers by address instead of mDNS
      listenHost: process.env.PIGEON_LISTEN_HOST,
      connect: process.env.PIGEON_CONNECT?.split(',').filter((a) => a !== ''),
    })
  } catch (error) {
    const abi = String(error).includes('NODE_MODULE_VERSION')
      ? 'better-sqlite3 is built for Node, not for Electron: run `npm run electron:install` (it rebuilds it), then start again.'
      : undefined
    dialog.showErrorBox(
      'Pigeon could not start',
      isPigeonError(error)
        ? error.message
        : (abi ??
            'The messenger engine failed to start; run `pigeon start` in a terminal to see why.'),
    )
    app.exit(1)
    return
  }
  const running = node
  // the very MessengerApi the node's HTTP API serves: IPC and HTTP cannot drift apart
  const api = running.localApi
  handleIpc(api)
  mainWindow = createWindow()
  createTray(api)
  notifyIncoming(running)
  running.messenger.on('conversation', () => void updateUnread(api))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', showWindow)
  lockNavigation()
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) mainWindow = createWindow()
    else showWindow()
  })
  // the engine closes its store and says goodbye on the LAN before the process ends
  app.on('before-quit', (event) => {
    if (quitting || node === undefined) return
    event.preventDefault()
    quitting = true
    void node.stop().finally(() => app.quit())
  })
  void start()
}
