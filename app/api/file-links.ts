// Links to received files for browser mode (docs/architecture.md §4 "Files in browser mode"): a
// "download" link and an inline image thumbnail cannot carry the bearer token (an <a download>
// or <img src> sends no Authorization header), so the page asks for a link with its token, and
// the link carries an HMAC of the transfer id under this start's token instead: it opens only
// that one file, and dies when the node restarts (new token). The CSP stays `img-src 'self'`:
// the thumbnail is the file itself, served from the page's own origin, only when its first bytes
// are a PNG, JPEG, GIF or WebP (never SVG, which can hold script) and it is small enough. A
// folder downloads as one tar stream (folder-tar.ts).
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { lstat, open } from 'node:fs/promises'
import { PigeonError } from '../../shared/errors.js'
import type { MessengerApi } from './contract.js'
import { folderTar } from './folder-tar.js'

/** the largest image shown inline; bigger ones are only downloaded */
export const THUMBNAIL_MAX_BYTES = 16 * 1024 * 1024

const IMAGE_MAGIC: ReadonlyArray<[string, (head: Buffer) => boolean]> = [
  ['image/png', (h) => h.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))],
  ['image/jpeg', (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff],
  ['image/gif', (h) => /^GIF8[79]a/.test(h.subarray(0, 6).toString('latin1'))],
  [
    'image/webp',
    (h) =>
      h.subarray(0, 4).toString('latin1') === 'RIFF' &&
      h.subarray(8, 12).toString('latin1') === 'WEBP',
  ],
]

// opened on its own, what is served is inert: no script, no plugin, no frame, no sniffing
const INERT = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'private, no-store',
}

export interface ServedFile {
  headers: Record<string, string>
  body: Readable
}

export class FileLinks {
  readonly #api: MessengerApi
  readonly #key: string

  constructor(api: MessengerApi, token: string) {
    this.#api = api
    this.#key = token
  }

  /** the page's link to a received file or folder (same origin: /api/… reaches the node through
   * app/web) */
  async link(id: string): Promise<string> {
    await this.#received(id)
    return `/api/file/${id}/${this.#sign(id)}`
  }

  /** The file behind a link, with the headers to send it under; throws when it may not be. */
  async open(id: string, signature: string, inline: boolean): Promise<ServedFile> {
    if (!this.#valid(id, signature))
      throw new PigeonError(
        'FILE_LINK_INVALID',
        'This file link is not valid (the node restarted?); reload the page.',
      )
    const { path, name } = await this.#received(id)
    const stats = await lstat(path)
    if (stats.isDirectory() && !inline)
      return {
        headers: {
          ...INERT,
          'content-type': 'application/x-tar',
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.tar`)}`,
        },
        body: folderTar(path, name),
      }
    if (!stats.isFile())
      throw new PigeonError('FILE_TRANSFER_STATE', `${name} is not a file that can be shown.`)
    const image = inline ? await imageType(path) : undefined
    if (inline && (image === undefined || stats.size > THUMBNAIL_MAX_BYTES))
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `${name} is not a PNG, JPEG, GIF or WebP image under ${THUMBNAIL_MAX_BYTES} bytes.`,
      )
    const disposition = `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`
    return {
      headers: {
        'content-type': image ?? 'application/octet-stream',
        'content-length': String(stats.size),
        'content-disposition': disposition,
        ...INERT,
      },
      body: createReadStream(path),
    }
  }

  async #received(id: string): Promise<{ path: string; name: string }> {
    const transfer = (await this.#api.transfers()).find((t) => t.id === id)
    if (transfer === undefined)
      throw new PigeonError('FILE_TRANSFER_UNKNOWN', `No transfer ${id}; see \`pigeon transfers\`.`)
    if (transfer.direction !== 'in' || transfer.state !== 'done' || transfer.path === null)
      throw new PigeonError(
        'FILE_TRANSFER_STATE',
        `${transfer.name} is not a file received in full; only those can be downloaded.`,
      )
    return { path: transfer.path, name: transfer.name }
  }

  #sign(id: string): string {
    return createHmac('sha256', this.#key).update(`pigeon-file-link:${id}`).digest('base64url')
  }

  #valid(id: string, signature: string): boolean {
    const want = Buffer.from(this.#sign(id))
    const given = Buffer.from(signature)
    return want.length === given.length && timingSafeEqual(want, given)
  }
}

async function imageType(path: string): Promise<string | undefined> {
  const file = await open(path, 'r')
  try {
    const head = Buffer.alloc(16)
    const { bytesRead } = await file.read(head, 0, head.length, 0)
    const bytes = head.subarray(0, bytesRead)
    return IMAGE_MAGIC.find(([, matches]) => matches(bytes))?.[0]
  } finally {
    await file.close()
  }
}
