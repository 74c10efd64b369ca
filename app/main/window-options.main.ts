// The security-relevant options of Pigeon's one window, in a pure module so that
// test/electron/security.test.ts checks the very object main.main.ts passes to BrowserWindow.
// Electron's checklist (electronjs.org/docs/latest/tutorial/security): context isolation,
// sandbox, no Node in the page, web security on, no insecure content, no <webview>, a custom
// privileged scheme instead of file://, a strict CSP.
import type { BrowserWindowConstructorOptions, Rectangle, WebPreferences } from 'electron'

export const APP_SCHEME = 'pigeon'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

/** Only pages of our own scheme and host are ours: anything else is remote content. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (
      parsed.protocol === `${APP_SCHEME}:` &&
      parsed.host === APP_HOST &&
      parsed.username === '' &&
      parsed.password === ''
    )
  } catch {
    return false
  }
}

/** A link worth handing to the OS browser: http(s) with a host, no credentials, no odd scheme. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
      parsed.hostname !== '' &&
      parsed.username === '' &&
      parsed.password === '' &&
      url.length <= 2048
    )
  } catch {
    return false
  }
}

export function secureWebPreferences(
  preload: string,
  options: { devTools: boolean },
): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
    devTools: options.devTools,
  }
}

export const DEFAULT_BOUNDS = { width: 1100, height: 740 }
export const MIN_SIZE = { width: 640, height: 440 }

export function windowOptions(
  preload: string,
  bounds: Partial<Rectangle>,
  options: { devTools: boolean },
): BrowserWindowConstructorOptions {
  return {
    ...DEFAULT_BOUNDS,
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Pigeon',
    show: false, // shown on ready-to-show: no white flash
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preload, options),
  }
}
