// The attach buttons (files, a folder) are shown only where the page can send files — Electron,
// whose preload sets window.pigeonFiles, or a browser holding its node's token (it uploads,
// app/renderer/src/api/upload.dom.ts) — and only in a direct chat; in Electron a picked file goes
// to sendFiles as its path. react-dom/server and the real store over a scripted node: no browser needed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import i18next from 'i18next'
import * as React from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { initReactI18next } from 'react-i18next'
import type { MessengerApi, TransferView } from '../../app/api/contract.js'
import { en } from '../../app/renderer/src/i18n/en.dom.js'
import { AppStore } from '../../app/renderer/src/state/app-store.dom.js'

Object.assign(globalThis, { React })
const { Composer } = await import('../../app/renderer/src/ui/Composer.dom.js')
const { StoreContext } = await import('../../app/renderer/src/ui/context.dom.js')
const { localPaths } = await import('../../app/renderer/src/api/local-paths.dom.js')

const sent: Array<[string, string[]]> = []
const api = {
  sendFiles: async (peer: string, paths: string[]): Promise<TransferView[]> => {
    sent.push([peer, paths])
    return []
  },
} as unknown as MessengerApi
const store = new AppStore({ api })

function composer(files: boolean): string {
  return renderToStaticMarkup(
    React.createElement(
      StoreContext.Provider,
      { value: store },
      React.createElement(Composer, { conversationId: 'bob', name: 'Bob', files }),
    ),
  )
}

test('attach: shown in Electron for a direct chat, never in a browser or a group; paths go to sendFiles', async () => {
  await i18next.use(initReactI18next).init({
    lng: 'en',
    resources: { en: { translation: en } },
    interpolation: { escapeValue: false },
  })
  const window: { pigeonFiles?: { pathOf(file: File): string } } = {}
  const tab = new Map<string, string>()
  const sessionStorage = { getItem: (key: string) => tab.get(key) ?? null }
  Object.assign(globalThis, { window, sessionStorage })
  assert.doesNotMatch(composer(true), /data-testid="attach"/, 'a browser without its token')
  assert.deepEqual(localPaths([{ name: 'a.txt' } as File]), [])
  tab.set('pigeon.token', 'secret')
  assert.match(composer(true), /data-testid="attach"/, 'a browser with its token uploads')
  assert.match(composer(true), /data-testid="attach-folder"/)
  assert.doesNotMatch(composer(false), /data-testid="attach"/, 'not in a group')
  tab.clear()

  window.pigeonFiles = { pathOf: (file) => (file.name === 'pasted' ? '' : `/home/bo/${file.name}`) }
  assert.match(composer(true), /data-testid="attach"/)
  assert.match(composer(true), /aria-label="Send files"/)
  assert.doesNotMatch(composer(false), /data-testid="attach"/, 'not in a group')
  const files = [{ name: 'report.pdf' }, { name: 'pasted' }] as File[]
  assert.deepEqual(localPaths(files), ['/home/bo/report.pdf'])
  await store.sendFiles('bob', localPaths(files))
  assert.deepEqual(sent, [['bob', ['/home/bo/report.pdf']]])
})
