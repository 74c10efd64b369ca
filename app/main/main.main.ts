// Electron main process: one window showing the renderer from the privileged pigeon:// scheme,
// the node (app/node/start-node.ts: identity, store, LAN, relay, local API) in this process, the
// session and navigation locked down, the window's place remembered. The IPC that checks its
// sender and validates every argument is ipc-handlers.main.ts; the tray with the unread count
// unread-tray.main.ts; native notifications notify-incoming.main.ts. Everything security-relevant about the window
// lives in window-options.main.ts, where test/electron/security.test.ts reads it.
import '../../shared/polyfills.js'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, protocol, screen, session, shell, Tray } from 'electron'
import { isPigeonError } from '../../shared/errors.js'
import { startNode, type RunningNode } from '../node/start-node.js'
import { resolveDataDir } from '../core/data-dir.js'
import { CONTENT_SECURITY_POLICY } from '../web/csp.js'
import { contentType, resolveStatic } from '../web/static.js'
import { handleIpc } from './ipc-handlers.main.js'
import { notifyIncoming } from './notify-incoming.main.js'
import { createTray, updateUnread } from './unread-tray.main.js'
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
  handleIpc(api, () => mainWindow)
  mainWindow = createWindow()
  tray = createTray(api, showWindow)
  notifyIncoming(running, () => mainWindow, showWindow)
  running.messenger.on('conversation', () => void updateUnread(api, tray))
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
