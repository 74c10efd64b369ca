// Browser mode's way to send files (app/api/file-routes.ts): a page has the files' bytes but no
// paths, so each entry of what was dropped or picked is streamed into a staging folder of the
// node (PUT /api/upload/<id>, the File as the body: the browser reads it from disk as it sends,
// so a large file never sits in the page's memory), then the lot is offered from there. Folders
// keep their structure: a drop gives FileSystemEntry trees (webkitGetAsEntry, empty directories
// included), a folder picker gives webkitRelativePath (empty directories are not in a FileList).
import { PigeonError } from '../../../../shared/errors.js'
import type { TransferView } from '../../../api/contract.js'
import { browserToken } from './connect.dom.js'

/** one entry to upload: a file, or a directory (no file) */
export interface UploadEntry {
  /** '/'-separated, relative to the staging folder: the top-level name first */
  path: string
  file?: File
}

export interface UploadProgress {
  /** the top-level names, for "Preparing …" */
  names: string[]
  bytesDone: number
  bytesTotal: number
}

/** files uploaded at the same time: enough to hide a request's latency, few enough for a disk */
const PARALLEL = 4

/** The entries of a drop, folders walked; call it in the drop handler (items die after it). */
export function droppedEntries(data: DataTransfer): Promise<UploadEntry[]> {
  const roots = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null)
  if (roots.length === 0 || roots.some((root) => root === null))
    return Promise.resolve(pickedEntries(data.files)) // no entry API: plain files only
  return walkAll(roots as FileSystemEntry[])
}

async function walkAll(roots: FileSystemEntry[]): Promise<UploadEntry[]> {
  const out: UploadEntry[] = []
  for (const root of roots) await walk(root, root.name, out)
  return out
}

async function walk(entry: FileSystemEntry, path: string, out: UploadEntry[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    )
    out.push({ path, file })
    return
  }
  if (!entry.isDirectory) return
  out.push({ path })
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries hands out a directory in batches (about 100 in Chromium) until it returns none
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    )
    if (batch.length === 0) return
    for (const child of batch) await walk(child, `${path}/${child.name}`, out)
  }
}

/** The entries of a file or folder picker (a folder's files carry webkitRelativePath). */
export function pickedEntries(files: FileList | readonly File[]): UploadEntry[] {
  return [...files].map((file) => ({
    path: file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name,
    file,
  }))
}

/** Uploads the entries into a new staging folder and offers its top-level items to `peer`. */
export async function uploadAndSend(
  peer: string,
  entries: readonly UploadEntry[],
  onProgress: (progress: UploadProgress) => void,
): Promise<TransferView[]> {
  const names = [...new Set(entries.map((e) => e.path.split('/')[0] ?? e.path))]
  const bytesTotal = entries.reduce((sum, e) => sum + (e.file?.size ?? 0), 0)
  const progress: UploadProgress = { names, bytesDone: 0, bytesTotal }
  onProgress(progress)
  const { id } = await call<{ id: string }>('POST', '/api/upload')
  try {
    // directories first, so an empty one exists even when its folder holds nothing else
    for (const dir of entries.filter((e) => e.file === undefined))
      await call('PUT', uploadPath(id, dir.path, true))
    const files = entries.filter((e) => e.file !== undefined)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const entry = files[next++]!
        await call('PUT', uploadPath(id, entry.path, false), entry.file)
        progress.bytesDone += entry.file!.size
        onProgress({ ...progress })
      }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker))
    return await call<TransferView[]>('POST', `/api/upload/${id}/send`, { peer })
  } catch (error) {
    await call('POST', `/api/upload/${id}/discard`).catch(() => undefined)
    throw error
  }
}

/** The link to a received file (download, or inline for an image), made by the node. */
export async function fileLink(transferId: string): Promise<string> {
  return (await call<{ url: string }>('POST', '/api/fileLink', { id: transferId })).url
}

function uploadPath(id: string, path: string, directory: boolean): string {
  return `/api/upload/${id}?path=${encodeURIComponent(path)}${directory ? '&dir=1' : ''}`
}

async function call<T = null>(method: string, path: string, body?: File | object): Promise<T> {
  const token = browserToken()
  if (token === undefined) throw new PigeonError('API_UNAUTHORIZED', 'No token in the address.')
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (body instanceof File) headers['content-type'] = 'application/octet-stream'
  else if (body !== undefined) headers['content-type'] = 'application/json'
  let answer: Response
  try {
    answer = await fetch(path, {
      method,
      headers,
      body: body instanceof File ? body : body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (cause) {
    throw new PigeonError('NODE_NOT_RUNNING', 'The Pigeon node behind this page does not answer.', {
      cause,
    })
  }
  const result = (await answer.json().catch(() => null)) as
    { ok: true; value: T } | { ok: false; error: { code: string; message: string } } | null
  if (result === null)
    throw new PigeonError('API_INTERNAL', `The node answered ${answer.status} to ${path}.`)
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
  return result.value
}
