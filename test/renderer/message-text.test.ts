// A message's text becomes text nodes, links and mentions — never HTML from the message — and a
// link opens outside with noopener (app/renderer/src/ui/MessageText.dom.tsx). Rendered with
// react-dom/server: the real component, no browser needed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as React from 'react'
import { renderToStaticMarkup } from 'react-dom/server'

// the test runner's tsx compiles .tsx with the classic JSX transform, which expects a global React
Object.assign(globalThis, { React })
const { MessageText, segments } = await import('../../app/renderer/src/ui/MessageText.dom.js')

const render = (text: string, mentionNames?: string[]): string =>
  renderToStaticMarkup(React.createElement(MessageText, { text, mentionNames }))

test('links are cut out without the punctuation that ends a sentence, in Chinese too', () => {
  assert.deepEqual(segments('see https://example.com/a?b=1. ok'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://example.com/a?b=1' },
    { kind: 'text', text: '. ok' },
  ])
  assert.deepEqual(segments('文档：http://intranet/wiki/页面。谢谢'), [
    { kind: 'text', text: '文档：' },
    { kind: 'link', text: 'http://intranet/wiki/页面' },
    { kind: 'text', text: '。谢谢' },
  ])
  assert.deepEqual(segments('javascript:alert(1) ftp://x'), [
    { kind: 'text', text: 'javascript:alert(1) ftp://x' },
  ])
})

test('markup in a message stays text; a link has target _blank and rel noopener noreferrer', () => {
  const html = render('<img src=x onerror=alert(1)> https://example.com/"><script>')
  assert.doesNotMatch(html, /<img|<script/)
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/)
  assert.match(
    html,
    /<a href="https:\/\/example.com\/" target="_blank" rel="noopener noreferrer" data-testid="link">https:\/\/example.com\/<\/a>&quot;&gt;&lt;script&gt;/,
  )
})

test('mentions of the named people are marked, the longest name first', () => {
  assert.equal(
    render('@Bob and @Bobby, hi @Eve', ['Bob', 'Bobby']),
    '<div class="bubble-text"><mark class="mention" data-testid="mention">@Bob</mark> and <mark class="mention" data-testid="mention">@Bobby</mark>, hi @Eve</div>',
  )
})
