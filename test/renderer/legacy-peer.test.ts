// An IP Messenger user over the bridge (docs/protocol.md §15) is marked in the sidebar and its
// conversation says plainly that messages and files are not encrypted, in English and in Chinese; a Pigeon
// peer has neither. The real store over a scripted node, the real components rendered to HTML.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import i18next from 'i18next'
import * as React from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { initReactI18next } from 'react-i18next'
import type { PeerView } from '../../app/api/contract.js'
import { en } from '../../app/renderer/src/i18n/en.dom.js'
import { zhCN } from '../../app/renderer/src/i18n/zh-CN.dom.js'
import { AppStore } from '../../app/renderer/src/state/app-store.dom.js'
import { StoreContext } from '../../app/renderer/src/ui/context.dom.js'
import { scriptedNode } from './support/scripted-node.js'

// classic JSX transform under tsx (see failed-mark.test.ts)
// a browser page without the Electron preload, and without a token in this tab
Object.assign(globalThis, { React, window: {}, sessionStorage: { getItem: () => null } })
const { Sidebar } = await import('../../app/renderer/src/ui/Sidebar.dom.js')
const { Conversation } = await import('../../app/renderer/src/ui/Conversation.dom.js')

const base = {
  color: 1,
  status: 'online' as const,
  online: true,
  paths: ['lan' as const],
  addresses: [],
  lastSeen: 1,
  workgroup: null,
  host: null,
  fingerprint: '',
  verified: false,
}
const wang: PeerView = {
  ...base,
  peerId: 'ipmsg:wang@pc-wang',
  name: '老王',
  legacy: true,
  host: 'pc-wang',
  workgroup: '研发部',
  group: '研发部',
}
const bob: PeerView = { ...base, peerId: '12D3KooWBob', name: 'Bob' }

async function storeWith(peers: PeerView[]): Promise<AppStore> {
  const node = scriptedNode({ peers: async () => peers }, async () => undefined)
  const store = new AppStore({ api: node.api })
  await store.start()
  return store
}

const render = (store: AppStore, element: React.ReactElement): string =>
  renderToStaticMarkup(React.createElement(StoreContext.Provider, { value: store }, element))

test('a legacy peer has a badge and a not-encrypted line; a Pigeon peer has neither', async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'en',
    interpolation: { escapeValue: false },
  })
  const store = await storeWith([wang, bob])
  const sidebar = render(store, React.createElement(Sidebar))
  assert.equal(sidebar.match(/data-testid="legacy"/g)?.length, 1)
  assert.match(
    sidebar,
    /data-peer="ipmsg:wang@pc-wang"[^]*?data-testid="legacy"[^>]*>IP Messenger</,
  )
  const header = render(store, React.createElement(Conversation, { id: wang.peerId }))
  assert.match(
    header,
    /data-testid="legacy-warning">IP Messenger user on pc-wang: messages and files to and from them are not encrypted/,
  )
  assert.doesNotMatch(
    render(store, React.createElement(Conversation, { id: bob.peerId })),
    /legacy-warning/,
  )

  await i18next.changeLanguage('zh-CN')
  assert.match(
    render(store, React.createElement(Conversation, { id: wang.peerId })),
    /pc-wang 上的飞鸽传书用户：与其往来的消息和文件不加密/,
  )
  await i18next.changeLanguage('en')
})
