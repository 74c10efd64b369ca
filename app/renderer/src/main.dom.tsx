// Renderer entry: pick how to reach the node (Electron's preload bridge, or the local HTTP/WS API
// with the token from the page's URL), set up i18n, render.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connectApi, isElectron, takeToken } from './api/connect.dom.js'
import { initI18n } from './i18n/index.dom.js'
import { AppStore } from './state/app-store.dom.js'
import { App } from './ui/App.dom.js'
import { StoreContext } from './ui/context.dom.js'
import { peerName } from './ui/format.dom.js'
import { notifyInBrowser } from './ui/notifications.dom.js'
import { loadPrefs } from './state/prefs.dom.js'
import { notifyDecisionFor } from './state/notify.dom.js'
import { applyTheme, themeChoice } from './ui/theme.dom.js'
import './ui/styles.css'

async function main(): Promise<void> {
  // the new address of a restarted node pasted into this tab differs only in its #token: a
  // fragment change reloads nothing by itself, so take the token and start over
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has('token')) {
      takeToken()
      location.reload()
    }
  })
  await initI18n()
  applyTheme(themeChoice())
  const store = new AppStore(connectApi())
  // language, theme and notifications as the node keeps them (state/prefs.dom.ts)
  await loadPrefs(store.api).catch(() => undefined)
  store.onIncoming = (message, state) => {
    if (isElectron()) return // Electron's main process notifies natively
    const decision = notifyDecisionFor(message, state)
    if (decision === 'none') return
    const sender = peerName(state.peers.get(message.from), message.from)
    const group = state.groups.get(message.conversation)
    notifyInBrowser(
      message,
      group === undefined ? sender : `${sender} · ${group.name}`,
      () => store.select(message.conversation),
      { silent: decision === 'quiet' },
    )
  }
  const root = document.getElementById('root')
  if (root === null) throw new Error('#root missing from index.html')
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  )
  await store.start()
}

void main()
