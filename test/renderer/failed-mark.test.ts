// A message that can never be delivered shows a failed mark and the node's reason, in English and
// in Chinese (docs/protocol.md §6 "Delivery"). Rendered to HTML with react-dom/server: the real component and
// the real translations, no browser needed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import i18next from 'i18next'
import * as React from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { initReactI18next } from 'react-i18next'
import type { MessageView } from '../../app/api/contract.js'
import { en } from '../../app/renderer/src/i18n/en.dom.js'
import { zhCN } from '../../app/renderer/src/i18n/zh-CN.dom.js'

// the test runner's tsx compiles .tsx with the classic JSX transform (the root tsconfig has no
// "jsx"), which expects a global React; vite's build uses the automatic one
Object.assign(globalThis, { React })
const { MessageRow } = await import('../../app/renderer/src/ui/MessageList.dom.js')

const reason = 'The message is 70000 bytes encoded; the limit is 65536.'
const failed: MessageView = {
  id: '0'.repeat(32),
  conversation: 'bob',
  from: 'me',
  sentAt: Date.UTC(2026, 11, 1, 9, 30),
  receivedAt: null,
  kind: 'text',
  text: 'a very long message',
  state: 'failed',
  path: null,
  direction: 'out',
  failure: reason,
  replyTo: null,
  mentions: [],
  recalledAt: null,
}

function render(message: MessageView, language: string): string {
  return renderToStaticMarkup(
    React.createElement(MessageRow, { message, first: true, language, flash: false }),
  )
}

test('a failed message shows a failed mark and why, in English and Chinese', async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'en',
    interpolation: { escapeValue: false },
  })
  const html = render(failed, 'en')
  assert.match(html, /data-state="failed"/)
  assert.match(html, /title="Not sent"/)
  assert.match(
    html,
    new RegExp(`data-testid="failure"[^>]*>Not sent — it can never be delivered: ${reason}<`),
  )

  await i18next.changeLanguage('zh-CN')
  const zh = render(failed, 'zh-CN')
  assert.match(zh, /title="未发送"/)
  assert.ok(zh.includes(`未发送——这条消息永远无法送达：${reason}`))

  // a message on its way has no failure line
  await i18next.changeLanguage('en')
  assert.doesNotMatch(
    render({ ...failed, state: 'sent', failure: null }, 'en'),
    /data-testid="failure"/,
  )
})
