// The IPC channels between app/preload and app/main, and what a call answers. Pure and tiny: the
// sandboxed preload bundles this file and nothing else of the app.

export const CALL_CHANNEL = 'pigeon:call'
export const SUBSCRIBE_CHANNEL = 'pigeon:subscribe'
export const UNSUBSCRIBE_CHANNEL = 'pigeon:unsubscribe'
export const EVENT_CHANNEL = 'pigeon:event'
/** window.pigeonFiles.open / show: (path, 'open' | 'show'), validated by open-file.main.ts */
export const OPEN_FILE_CHANNEL = 'pigeon:open-file'

/** What ipcMain.handle returns: a value, or an error with a code and a sentence (never a stack). */
export type IpcResult =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }
