// Electron's security checklist, checked without an Electron binary: the window's options object
// itself (window-options.main.ts is pure), the CSP every host sends, the IPC validation and sender
// check exercised with hostile inputs, and a scan of the main/preload/renderer sources for the
// patterns the checklist forbids. Any violation fails the build.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseCall } from '../../app/main/ipc-schema.main.js'
import { isPigeonError } from '../../shared/errors.js'
import { LIMITS } from '../../shared/limits.js'
import { isTrustedSender } from '../../app/main/sender.main.js'
import {
  APP_ENTRY,
  isAppUrl,
  isSafeExternalUrl,
  secureWebPreferences,
  windowOptions,
} from '../../app/main/window-options.main.js'
import { CONTENT_SECURITY_POLICY } from '../../app/web/csp.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

function sources(dir: string, ext = /\.(ts|tsx)$/): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (ext.test(name))
        out.push({ file: path.slice(root.length), text: readFileSync(path, 'utf8') })
    }
  }
  walk(join(root, dir))
  return out
}

const mainSources = sources('app/main').filter((s) => !s.file.endsWith('.test.ts'))
const preload = readFileSync(join(root, 'app/preload/index.preload.ts'), 'utf8')

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...values]) => [name ?? '', values]),
  )
}

test('the window runs the page isolated, sandboxed and without Node', () => {
  const options = windowOptions('/opt/pigeon/preload.cjs', { width: 900 }, { devTools: false })
  const prefs = options.webPreferences
  assert.ok(prefs !== undefined)
  assert.equal(prefs.contextIsolation, true)
  assert.equal(prefs.sandbox, true)
  assert.equal(prefs.nodeIntegration, false)
  assert.equal(prefs.nodeIntegrationInWorker, false)
  assert.equal(prefs.nodeIntegrationInSubFrames, false)
  assert.equal(prefs.webSecurity, true)
  assert.equal(prefs.allowRunningInsecureContent, false)
  assert.equal(prefs.webviewTag, false)
  assert.equal(prefs.experimentalFeatures, false)
  assert.equal(prefs.navigateOnDragDrop, false)
  assert.equal(prefs.enableBlinkFeatures, undefined)
  assert.equal(prefs.devTools, false)
  assert.equal(prefs.preload, '/opt/pigeon/preload.cjs')
  // saved bounds cannot smuggle preferences in
  const hostile = windowOptions('/p.cjs', { webPreferences: { nodeIntegration: true } } as never, {
    devTools: false,
  })
  assert.equal(hostile.webPreferences?.nodeIntegration, false)
  assert.deepEqual(secureWebPreferences('/p.cjs', { devTools: true }).sandbox, true)
})

test('every BrowserWindow in app/main is built from windowOptions, and no other web preferences exist', () => {
  const creations = mainSources.flatMap((s) =>
    [...s.text.matchAll(/new (BrowserWindow|BrowserView|WebContentsView)\(([^)]*)/g)].map((m) => ({
      file: s.file,
      kind: m[1],
      args: m[2] ?? '',
    })),
  )
  assert.ok(creations.length >= 1, 'main creates its window')
  for (const c of creations) {
    assert.equal(c.kind, 'BrowserWindow', `${c.file}: only BrowserWindow is used`)
    assert.match(c.args, /^\s*windowOptions\(/, `${c.file}: new BrowserWindow(windowOptions(...))`)
  }
  for (const s of mainSources.filter((s) => !s.file.endsWith('window-options.main.ts'))) {
    assert.doesNotMatch(
      s.text,
      /webPreferences\s*:/,
      `${s.file} sets webPreferences outside window-options.main.ts`,
    )
    assert.doesNotMatch(
      s.text,
      /nodeIntegration|contextIsolation\s*:|sandbox\s*:\s*false|webSecurity/,
      `${s.file} touches a security preference`,
    )
    assert.doesNotMatch(
      s.text,
      /@electron\/remote|enableRemoteModule|allowRunningInsecureContent/,
      `${s.file}`,
    )
    assert.doesNotMatch(s.text, /loadURL\(\s*['"`]https?:/, `${s.file} loads remote content`)
    assert.doesNotMatch(s.text, /loadFile\(/, `${s.file}: use the pigeon:// scheme, not file://`)
  }
})

test('the CSP allows only our own origin: no inline or eval’d script, no remote origins', () => {
  const csp = directives(CONTENT_SECURITY_POLICY)
  assert.deepEqual(csp.get('default-src'), ["'none'"])
  assert.deepEqual(csp.get('script-src'), ["'self'"])
  assert.deepEqual(csp.get('object-src'), ["'none'"])
  assert.deepEqual(csp.get('base-uri'), ["'none'"])
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"])
  for (const [name, values] of csp) {
    for (const value of values) {
      assert.ok(["'self'", "'none'", 'data:'].includes(value), `${name} allows ${value}`)
      assert.ok(!(value === 'data:' && name !== 'img-src'), `data: only for images, not ${name}`)
    }
  }
  // the meta tag in index.html says the same (frame-ancestors is ignored in meta, so absent)
  const html = readFileSync(join(root, 'app/renderer/index.html'), 'utf8')
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
  assert.ok(meta !== undefined, 'index.html carries the CSP')
  const fromMeta = directives(meta)
  for (const [name, values] of csp)
    if (name !== 'frame-ancestors') assert.deepEqual(fromMeta.get(name), values, `meta ${name}`)
  assert.equal(fromMeta.size, csp.size - 1)
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html')
  // both hosts send the header
  assert.match(
    mainSources.find((s) => s.file.endsWith('main.main.ts'))?.text ?? '',
    /'content-security-policy': CONTENT_SECURITY_POLICY/,
  )
  assert.match(
    readFileSync(join(root, 'app/web/serve.ts'), 'utf8'),
    /'content-security-policy': CONTENT_SECURITY_POLICY/,
  )
})

test('every IPC handler checks its sender first and validates its arguments', () => {
  const main = mainSources.map((s) => s.text).join('\n')
  // each handler's body must open with the sender check (formatting-independent)
  const handlers = [
    ...main.matchAll(
      /ipcMain\.(handle|handleOnce|on|once)\(\s*([A-Z_]+),\s*(?:async\s*)?\(([^)]*)\)[^{]*\{\s*([^;]*?)\s+(?:return|\{)/g,
    ),
  ]
  assert.ok(handlers.length >= 3, 'call, subscribe and unsubscribe handlers')
  for (const [, kind, channel, params, firstStatement] of handlers) {
    assert.match(params ?? '', /^event\b/, `${kind}(${channel}) names its event`)
    assert.equal(
      (firstStatement ?? '').replace(/\s+/g, ' '),
      'if (!trusted(event))',
      `${kind}(${channel}) checks the sender before anything else`,
    )
  }
  const handlerCount = [...main.matchAll(/ipcMain\.\w+\(/g)].length
  assert.equal(handlerCount, handlers.length, 'every ipcMain registration was checked')
  const callHandler = /ipcMain\.handle\(\s*CALL_CHANNEL[\s\S]*?\n {2}\)/.exec(main)?.[0] ?? ''
  assert.match(callHandler, /parseCall\(method, args\)/, 'the call handler validates')
  assert.match(callHandler, /invokeCall\(api, call\)/, 'and calls only with the validated call')
  for (const s of sources('app').filter((s) => !s.file.startsWith('app/main/'))) {
    assert.doesNotMatch(s.text, /\bipcMain\b/, `${s.file}: ipcMain belongs to app/main`)
  }
})

test('the sender check accepts only our window’s main frame showing our page', () => {
  assert.equal(isTrustedSender({ url: APP_ENTRY, parent: null }, true), true)
  assert.equal(isTrustedSender({ url: 'pigeon://app/index.html#x', parent: null }, true), true)
  assert.equal(isTrustedSender({ url: APP_ENTRY, parent: {} }, true), false, 'a subframe')
  assert.equal(isTrustedSender({ url: APP_ENTRY, parent: null }, false), false, 'another window')
  assert.equal(isTrustedSender({ url: 'https://evil.example/', parent: null }, true), false)
  assert.equal(isTrustedSender({ url: 'file:///etc/passwd', parent: null }, true), false)
  assert.equal(isTrustedSender({ url: 'pigeon://evil/index.html', parent: null }, true), false)
  assert.equal(isTrustedSender({ url: 'pigeon://x:y@app/', parent: null }, true), false)
  assert.equal(isTrustedSender(null, true), false)
  assert.equal(isAppUrl('pigeon://app.evil/index.html'), false)
})

test('IPC validation refuses anything outside the contract', () => {
  // refused as HTTP refuses the same body (test/electron/method-table.test.ts: one schema)
  const refused = (method: unknown, args: unknown, why: string): void =>
    assert.throws(
      () => parseCall(method, args),
      (e) => isPigeonError(e) && ['API_BAD_REQUEST', 'API_NOT_FOUND'].includes(e.code),
      why,
    )
  refused('constructor', [], 'not a method')
  refused('__proto__', [], 'not a method')
  refused('send', 'bob hi', 'args not a list')
  refused('send', ['bob'], 'missing text')
  refused('send', ['bob', 42], 'text not a string')
  // the exact byte limit is the engine's (MESSAGE_TOO_LONG, the same answer on both transports)
  refused('send', ['bob', 'x'.repeat(LIMITS.envelopeBytes + 1)], 'oversize')
  refused('send', ['', 'hi'], 'empty peer')
  refused('send', ['bob', 'hi', 'extra'], 'extra argument')
  refused('history', ['bob', { before: "1' OR 1=1" }], 'bad id')
  refused('history', ['bob', { limit: 10_000 }], 'limit too big')
  refused('history', ['bob', { limit: 5, evil: true }], 'unknown field')
  refused('history', ['bob', JSON.parse('{"__proto__": {"polluted": true}}')], 'prototype key')
  refused('setProfile', [{ name: 'a', admin: true }], 'unknown field')
  refused('setProfile', [{ color: -1 }], 'bad colour')
  refused('setProfile', [new (class Evil {})()], 'not a plain object')
  refused('setStatus', ['invisible'], 'bad status')
  refused('typing', ['bob', 'yes'], 'not a boolean')
  refused('getSetting', ['../../etc'], 'bad key')
  refused('setSetting', ['ui.x', 'x'.repeat(20_000)], 'oversize value')
  refused('setSetting', ['ui.x', 10n], 'not JSON')
  assert.equal(({} as Record<string, unknown>).polluted, undefined)

  // send's options are a fields argument: it reaches the API as an object, empty when not given
  assert.deepEqual(parseCall('send', ['bob', '你好']), {
    method: 'send',
    args: ['bob', '你好', {}],
  })
  assert.deepEqual(parseCall('history', ['bob', { before: 'a'.repeat(32), limit: 200 }]), {
    method: 'history',
    args: ['bob', { before: 'a'.repeat(32), limit: 200 }],
  })
  assert.deepEqual(parseCall('me', []), { method: 'me', args: [] })
  assert.deepEqual(parseCall('setSetting', ['ui.notifications', false]), {
    method: 'setSetting',
    args: ['ui.notifications', false],
  })
})

test('links leave the app only as validated http(s) URLs', () => {
  for (const bad of [
    'javascript:alert(1)',
    'file:///etc/passwd',
    'smb://host/share',
    'ms-msdt:/id',
    'https://user:pw@host/',
    'data:text/html,x',
    'pigeon://app/',
    'not a url',
  ]) {
    assert.equal(isSafeExternalUrl(bad), false, bad)
  }
  assert.equal(isSafeExternalUrl('https://example.org/docs'), true)
  const main = mainSources.map((s) => s.text).join('\n')
  const opens = [...main.matchAll(/^.*shell\.openExternal\(([^)]*)\).*$/gm)]
  assert.ok(opens.length > 0)
  for (const [line, arg] of opens) {
    assert.ok(
      line.includes(`if (isSafeExternalUrl(${arg ?? ''}))`),
      `unvalidated openExternal: ${line.trim()}`,
    )
  }
})

test('navigation, new windows, webviews and permissions are locked down', () => {
  const main = mainSources.find((s) => s.file.endsWith('main.main.ts'))?.text ?? ''
  assert.match(main, /contents\.on\('will-navigate', refuse\)/)
  assert.match(main, /contents\.on\('will-redirect', refuse\)/)
  assert.match(main, /will-attach-webview', \(event\) => event\.preventDefault\(\)/)
  assert.match(main, /setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/)
  assert.match(
    main,
    /setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/,
  )
  assert.match(main, /setPermissionCheckHandler\(\(\) => false\)/)
  assert.match(main, /webRequest\.onBeforeRequest/, 'remote requests are cancelled')
  assert.match(main, /requestSingleInstanceLock\(\)/)
  assert.match(main, /registerSchemesAsPrivileged/)
})

test('the preload exposes the MessengerApi contract and nothing else', () => {
  const exposures = [...preload.matchAll(/contextBridge\.exposeInMainWorld\(([^,]+),\s*(\w+)\)/g)]
  assert.equal(exposures.length, 1, 'one exposure')
  assert.equal(exposures[0]?.[1], "'pigeon'")
  const objectName = exposures[0]?.[2] ?? ''
  // its keys: the table's names written in at build time, and subscribe (the built bundle's
  // object is compared with the table in test/electron/method-table.test.ts)
  const literal =
    new RegExp(`const ${objectName}: MessengerApi = \\{([\\s\\S]*?)\\n\\}`).exec(preload)?.[1] ?? ''
  const keys = [...literal.matchAll(/^ {2}(\.\.\.)?(\w+)[:(,]/gm)].map((m) => m[2]).sort()
  assert.deepEqual(keys, ['methods', 'subscribe'])
  assert.match(preload, /const methods = Object\.fromEntries\(\s*__PIGEON_METHODS__\.map\(/)
  assert.doesNotMatch(literal, /ipcRenderer(?!\.(invoke|send)\()/, 'no ipcRenderer handed out')
  assert.doesNotMatch(preload, /require\(|process\.|from 'node:/, 'no Node in the preload')
  // the event object never reaches the page: only the payload
  assert.match(preload, /ipcRenderer\.on\(EVENT_CHANNEL, \(_event, payload: MessengerEvent\) =>/)
})

test('the renderer imports neither Node nor Electron', () => {
  for (const s of sources('app/renderer/src')) {
    assert.doesNotMatch(s.text, /from ['"](node:|electron|fs|path|child_process)/, `${s.file}`)
    assert.doesNotMatch(s.text, /dangerouslySetInnerHTML|\beval\(|new Function\(/, `${s.file}`)
  }
})
