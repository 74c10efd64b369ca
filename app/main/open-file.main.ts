// Which paths the page may have opened or shown in the file manager (window.pigeonFiles.open /
// show): only what lies inside the download dir, after resolving links, so a page that was
// tricked (or a hostile file name) cannot make shell.openPath run something elsewhere on disk.
import { realpath } from 'node:fs/promises'
import { isAbsolute, relative } from 'node:path'
import { PigeonError } from '../../shared/errors.js'

export const OPEN_ACTIONS = ['open', 'show'] as const
export type OpenAction = (typeof OPEN_ACTIONS)[number]

/** The real path of `path` if it is inside `downloadDir` (or is it), else a PigeonError. */
export async function insideDownloads(path: unknown, downloadDir: string): Promise<string> {
  const refuse = (): PigeonError =>
    new PigeonError(
      'FILE_PATH_TRAVERSAL',
      `Pigeon opens only received files inside ${downloadDir}.`,
    )
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || !isAbsolute(path))
    throw refuse()
  let real: string
  let root: string
  try {
    ;[real, root] = await Promise.all([realpath(path), realpath(downloadDir)])
  } catch {
    throw new PigeonError('FILE_TRANSFER_UNKNOWN', `${path} is not there any more.`)
  }
  const rel = relative(root, real)
  if (rel.startsWith('..') || isAbsolute(rel)) throw refuse()
  return real
}

export function isOpenAction(value: unknown): value is OpenAction {
  return OPEN_ACTIONS.includes(value as OpenAction)
}
