// Where received files land unless the user chose (the setting files.downloadDir): the OS
// download folder's Pigeon subfolder. On Linux that folder is the XDG user dir DOWNLOAD (what
// `xdg-user-dir DOWNLOAD` prints from ~/.config/user-dirs.dirs, e.g. ~/下载 on a Chinese
// desktop); the script answers $HOME itself when none is set, which is never where downloads go.
import { execFileSync } from 'node:child_process'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'

export const DOWNLOAD_SUBDIR = 'Pigeon'

export function defaultDownloadDir(): string {
  return join(osDownloadDir(), DOWNLOAD_SUBDIR)
}

function osDownloadDir(): string {
  const home = homedir()
  if (process.platform === 'linux') {
    const xdg = xdgUserDir('DOWNLOAD')
    if (xdg !== undefined && isAbsolute(xdg) && resolve(xdg) !== resolve(home)) return xdg
  }
  return join(home, 'Downloads')
}

function xdgUserDir(name: string): string | undefined {
  try {
    const out = execFileSync('xdg-user-dir', [name], {
      encoding: 'utf8',
      timeout: 2_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    return out === '' ? undefined : out
  } catch {
    return undefined // not installed (xdg-user-dirs), or it failed: the common default
  }
}
