// A file message renders as "Ada sent report.pdf (2.1 MB)" with the receiver's accept / decline,
// progress while it runs, in English and Chinese. react-dom/server: the real component and the
// real translations, no browser needed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import i18next from 'i18next'
import * as React from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { initReactI18next } from 'react-i18next'
import type { MessageView, TransferView } from '../../app/api/contract.js'
import { en } from '../../app/renderer/src/i18n/en.dom.js'
import { zhCN } from '../../app/renderer/src/i18n/zh-CN.dom.js'

Object.assign(globalThis, { React })
const { FileBubble, transferActions } = await import('../../app/renderer/src/ui/FileBubble.dom.js')

const message: MessageView = {
  id: '1'.repeat(32),
  conversation: 'ada',
  from: 'ada',
  direction: 'in',
  kind: 'file',
  text: 'report.pdf',
  sentAt: Date.UTC(2026, 11, 1, 9, 30),
  receivedAt: Date.UTC(2026, 11, 1, 9, 30),
  state: 'delivered',
  path: 'lan',
  failure: null,
  replyTo: null,
  mentions: [],
  recalledAt: null,
}
const offered: TransferView = {
  id: 'a'.repeat(32),
  message: message.id,
  peer: 'ada',
  name: 'report.pdf',
  size: 2_100_000,
  bytesDone: 0,
  rateBytesPerSec: 0,
  direction: 'in',
  state: 'offered',
  error: null,
  path: null,
}

function render(transfer: TransferView): string {
  return renderToStaticMarkup(
    React.createElement(FileBubble, { message, senderName: 'Ada', transfer }),
  )
}

test('a file offer reads "Ada sent report.pdf (2.1 MB)" with accept and decline, progress while it runs', async () => {
  await i18next.use(initReactI18next).init({
    lng: 'en',
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    interpolation: { escapeValue: false },
  })
  const html = render(offered)
  assert.match(html, /Ada sent report\.pdf \(2\.1 MB\)/)
  assert.match(html, /data-testid="file-accept"/)
  assert.match(html, /data-testid="file-decline"/)

  const running = render({
    ...offered,
    state: 'transferring',
    bytesDone: 1_050_000,
    rateBytesPerSec: 500_000,
  })
  assert.match(running, /<progress max="100" value="50"[^>]*><\/progress>/)
  assert.match(running, /1\.1 MB of 2\.1 MB · 500 kB\/s · 3 s left/)
  // paused half way: the bar stays, frozen, with no time left
  const paused = render({ ...offered, state: 'paused', bytesDone: 1_050_000 })
  assert.match(paused, /<progress max="100" value="50"/)
  assert.doesNotMatch(paused, /left/)
  assert.doesNotMatch(running, /file-accept/)
  assert.deepEqual(transferActions({ ...offered, state: 'transferring' }), ['pause', 'cancel'])
  assert.deepEqual(transferActions({ ...offered, state: 'done' }), [])
  assert.deepEqual(transferActions({ ...offered, direction: 'out' }), ['cancel'])

  await i18next.changeLanguage('zh-CN')
  const zh = render(offered)
  assert.match(zh, /Ada 发送了 report\.pdf（2\.1 MB）/)
  assert.match(zh, />接收</)
  assert.match(zh, />拒绝</)
})
