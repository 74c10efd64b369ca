// Browser mode's file routes (app/api/file-routes.ts) over real HTTP, as the page uses them: two
// whole nodes (startNode, real store, real LAN nodes on 127.0.0.1, mDNS off). A folder — nested,
// an empty directory, Chinese and emoji names — is streamed into Ada's staging folder, offered to
// Bo, pulled, and arrives equal; Bo downloads a received file through its link and sees an image
// inline; what must be refused is.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import type { TransferView } from '../../app/api/contract.js'
import { UPLOADS_DIR } from '../../app/api/uploads.js'
import { eventually, until } from '../app/support/wait.js'
import { apiNode } from './api-node.js'

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])

async function node(t: TestContext, name: string, connect?: string[]) {
  const { running, client } = await apiNode(t, name, connect)
  const http = (path: string, init: RequestInit = {}, token: string | null = running.api.token) =>
    fetch(`${running.api.url}${path}`, {
      ...init,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(init.headers as Record<string, string> | undefined),
      },
    })
  const json = async <T>(path: string, body?: unknown): Promise<T> => {
    const answer = await http(path, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const result = (await answer.json()) as { ok: boolean; value: T; error?: unknown }
    assert.ok(result.ok, `${path}: ${JSON.stringify(result.error)}`)
    return result.value
  }
  const put = (id: string, path: string, body?: Buffer) =>
    http(
      `/api/upload/${id}?path=${encodeURIComponent(path)}${body === undefined ? '&dir=1' : ''}`,
      {
        method: 'PUT',
        headers: body === undefined ? {} : { 'content-type': 'application/octet-stream' },
        body,
      },
    )
  return { running, http, json, put, client }
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

test('a folder uploaded by the page is offered, pulled, equal on the other side, and cleaned up', async (t) => {
  const ada = await node(t, 'Ada')
  const bo = await node(t, 'Bo', ada.running.addresses())
  await until(() => ada.running.messenger.peer(bo.running.peerId)?.online.length === 1, 'online')
  const target = await mkdtemp(join(tmpdir(), 'pigeon-upload-in-'))
  t.after(() => rm(target, { recursive: true, force: true }))

  const files: Record<string, Buffer> = {
    '项目/报告 📊.txt': Buffer.from('季度报告\n'.repeat(1000)),
    '项目/deep/a/b.bin': Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a),
    '项目/photo.png': PNG,
  }
  const { id } = await ada.json<{ id: string }>('/api/upload')
  for (const [path, bytes] of Object.entries(files))
    assert.equal((await ada.put(id, path, bytes)).status, 200, path)
  assert.equal((await ada.put(id, '项目/空的')).status, 200, 'an empty directory')

  // refused: no token, a path out of the folder, the same file twice, an unknown upload
  assert.equal((await ada.http(`/api/upload`, { method: 'POST' }, null)).status, 401)
  const climb = await ada.put(id, '../escape.txt', Buffer.from('x'))
  assert.equal(climb.status, 400)
  assert.equal(
    ((await climb.json()) as { error: { code: string } }).error.code,
    'FILE_PATH_TRAVERSAL',
  )
  const twice = await ada.put(id, '项目/photo.png', Buffer.from('other'))
  assert.equal(
    ((await twice.json()) as { error: { code: string } }).error.code,
    'FILE_NAME_DUPLICATE',
  )
  const unknown = await ada.put('0'.repeat(32), 'a.txt', Buffer.from('x'))
  assert.equal(unknown.status, 404)

  const sent = await ada.json<TransferView[]>(`/api/upload/${id}/send`, { peer: 'Bo' })
  assert.deepEqual(
    sent.map((v) => [v.name, v.direction, v.state]),
    [['项目', 'out', 'offered']],
  )
  await eventually(async () => (await bo.client.transfers()).length === 1, 'the offer reaches Bo')
  await bo.client.acceptTransfer(sent[0]!.id, target)
  await eventually(
    async () => (await bo.client.transfers())[0]?.state === 'done',
    'Bo has the folder',
  )
  for (const [path, bytes] of Object.entries(files))
    assert.equal(sha(await readFile(join(target, path))), sha(bytes), path)
  assert.ok((await stat(join(target, '项目/空的'))).isDirectory(), 'the empty directory came too')
  assert.deepEqual(await readdir(join(target, '项目/空的')), [])

  // the staging folder goes once its transfer is final
  const staging = join(ada.running.dataDir, UPLOADS_DIR, id)
  await until(() => !existsSync(staging), 'the staging folder is removed')
})

test('a received file is downloaded through its link, an image shown inline, a wrong link refused', async (t) => {
  const ada = await node(t, 'Ada')
  const bo = await node(t, 'Bo', ada.running.addresses())
  await until(() => ada.running.messenger.peer(bo.running.peerId)?.online.length === 1, 'online')
  const target = await mkdtemp(join(tmpdir(), 'pigeon-link-in-'))
  t.after(() => rm(target, { recursive: true, force: true }))

  const { id } = await ada.json<{ id: string }>('/api/upload')
  await ada.put(id, 'cat.png', PNG)
  await ada.put(id, 'notes.html', Buffer.from('<script>alert(1)</script>'))
  const sent = await ada.json<TransferView[]>(`/api/upload/${id}/send`, { peer: 'Bo' })
  const [cat, notes] = sent // sorted by name
  assert.deepEqual([cat!.name, notes!.name], ['cat.png', 'notes.html'])
  await eventually(async () => (await bo.client.transfers()).length === 2, 'offers reach Bo')

  // not yet received: no link
  const early = await bo.http('/api/fileLink', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: cat!.id }),
  })
  assert.equal(early.status, 409)

  for (const v of sent) await bo.client.acceptTransfer(v.id, target)
  await eventually(
    async () => (await bo.client.transfers()).every((v) => v.state === 'done'),
    'Bo has both',
  )
  const catLink = (await bo.json<{ url: string }>('/api/fileLink', { id: cat!.id })).url
  const htmlLink = (await bo.json<{ url: string }>('/api/fileLink', { id: notes!.id })).url

  // the link needs no bearer token: an <img src> or <a download> cannot send one
  const image = await bo.http(`${catLink}?inline=1`, {}, null)
  assert.equal(image.status, 200)
  assert.equal(image.headers.get('content-type'), 'image/png')
  assert.match(image.headers.get('content-security-policy') ?? '', /sandbox/)
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG)

  const html = await bo.http(htmlLink, {}, null)
  assert.equal(html.headers.get('content-type'), 'application/octet-stream')
  assert.match(
    html.headers.get('content-disposition') ?? '',
    /^attachment; filename\*=UTF-8''notes\.html$/,
  )
  assert.equal(await html.text(), '<script>alert(1)</script>')
  assert.equal((await bo.http(`${htmlLink}?inline=1`, {}, null)).status, 409, 'not an image')

  const forged = htmlLink.replace(/[^/]{43}$/, 'A'.repeat(43))
  assert.equal((await bo.http(forged, {}, null)).status, 403)
  // Ada's link key is not Bo's: another node's link opens nothing here
  assert.equal((await ada.http(catLink, {}, null)).status, 403)
})
