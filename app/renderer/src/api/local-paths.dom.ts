// Paths of files the user dropped or picked, for sendFiles (which takes paths on the node's own
// disk). Only Electron's preload can give them (window.pigeonFiles); a browser gives a page file
// contents, never paths: browser mode uploads them instead (upload.dom.ts).
declare global {
  interface Window {
    /** set by app/preload in Electron; absent in a browser */
    pigeonFiles?: {
      pathOf(file: File): string
      /** a received file or folder, by the main process: only inside the download dir */
      open?(path: string): Promise<void>
      show?(path: string): Promise<void>
    }
  }
}

export function canSendLocalFiles(): boolean {
  return window.pigeonFiles !== undefined
}

/** the paths of these files; empty in a browser, or for an entry with no path on disk */
export function localPaths(files: FileList | readonly File[]): string[] {
  const bridge = window.pigeonFiles
  if (bridge === undefined) return []
  return [...files].map((file) => bridge.pathOf(file)).filter((path) => path !== '')
}
