// How this page reaches its node. In Electron the preload put the MessengerApi on window.pigeon;
// in a browser the address printed by `pigeon start --web` carries the token in the fragment
// (never sent to a server, kept out of history), and /api on the same origin leads to the node.
import type { MessengerApi } from '../../../api/contract.js'
import { BrowserApiClient } from './http-client.dom.js'
import { adaptMessengerApi } from './messenger-adapter.dom.js'
import { UiError, type UiApi } from './ui-api.js'

declare global {
  interface Window {
    /** set by app/preload in Electron; absent in a browser */
    pigeon?: MessengerApi
  }
}

const TOKEN_KEY = 'pigeon.token'

/** The token from `#token=…` (then removed from the address bar), or the one this tab kept. */
export function takeToken(): string | undefined {
  const params = new URLSearchParams(location.hash.slice(1))
  const fromUrl = params.get('token')
  if (fromUrl !== null && fromUrl.length > 0) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    history.replaceState(null, '', location.pathname + location.search)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

export function isElectron(): boolean {
  return window.pigeon !== undefined
}

export function connectApi(): UiApi {
  if (window.pigeon !== undefined) return adaptMessengerApi(window.pigeon)
  const token = takeToken()
  if (token === undefined) {
    const refuse = (): Promise<never> =>
      Promise.reject(new UiError('API_UNAUTHORIZED', 'No token in the address.'))
    return adaptMessengerApi(
      new Proxy({} as MessengerApi, {
        get: (_t, key) => (key === 'subscribe' ? () => () => undefined : refuse),
      }),
    )
  }
  const client = new BrowserApiClient(location.origin, token)
  return adaptMessengerApi(client, client.onLink)
}
