// How this page reaches its node. In Electron the preload put the MessengerApi on window.pigeon;
// in a browser the address printed by `pigeon start --web` carries the token in the fragment
// (never sent to a server, kept out of history), and /api on the same origin leads to the node,
// spoken by app/api's own client (the one the CLI uses). Either way the screens get the API's
// own methods, names and types; in a browser also the event stream's up and down.
import { backoffDelay, type BackoffPolicy } from '../../../../shared/backoff.js'
import { PigeonError } from '../../../../shared/errors.js'
import { ApiClient } from '../../../api/client.js'
import type { MessengerApi, MessengerEvent, Unsubscribe } from '../../../api/contract.js'
import { METHOD_NAMES } from '../../../api/methods.js'

declare global {
  interface Window {
    /** set by app/preload in Electron; absent in a browser */
    pigeon?: MessengerApi
  }
}

/** The event stream's state: down means events were missed (reload once it is up again); a
 * restarted node has a new token ('unauthorized'), which retrying cannot fix. */
export type LinkListener = (up: boolean, reason?: 'unauthorized') => void

export interface Connection {
  api: MessengerApi
  /** absent in Electron, where the IPC channel lives as long as the page */
  onLink?: (listener: LinkListener) => Unsubscribe
}

const TOKEN_KEY = 'pigeon.token'
/** reopening the event stream: 250–500 ms after the first drop, doubling up to 2–4 s (shared/backoff.ts) */
const RECONNECT: BackoffPolicy = { baseMs: 500, maxMs: 4000 }

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

/** this tab's token in browser mode, for the calls beside the method table (upload.dom.ts) */
export function browserToken(): string | undefined {
  return window.pigeon === undefined ? (sessionStorage.getItem(TOKEN_KEY) ?? undefined) : undefined
}

export function isElectron(): boolean {
  return window.pigeon !== undefined
}

/** The client's methods, with a subscribe that reopens the stream when the node drops it. */
function reconnecting(client: ApiClient): Connection {
  const links = new Set<LinkListener>()
  const tell: LinkListener = (up, reason) => {
    for (const listener of links) listener(up, reason)
  }
  const subscribe = (listener: (event: MessengerEvent) => void): Unsubscribe => {
    let stopped = false
    let up = false
    let failures = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let current: Unsubscribe | undefined
    const retry = async (): Promise<void> => {
      try {
        await client.me()
      } catch (error) {
        if (error instanceof PigeonError && error.code === 'API_UNAUTHORIZED')
          tell(false, 'unauthorized')
      }
      if (!stopped) open()
    }
    const open = (): void => {
      let closed = false
      const stream = client.stream(listener, () => {
        if (closed || stopped) return // an error and a close report the same end once
        closed = true
        if (up) {
          up = false
          tell(false)
        }
        timer = setTimeout(() => void retry(), backoffDelay(failures, RECONNECT))
        failures += 1
      })
      current = stream.unsubscribe
      stream.open.then(
        () => {
          failures = 0
          if (!up) {
            up = true
            tell(true)
          }
        },
        () => undefined, // the close handler above retries
      )
    }
    open()
    return () => {
      stopped = true
      clearTimeout(timer)
      current?.()
    }
  }
  const methods = Object.fromEntries(METHOD_NAMES.map((m) => [m, client[m]]))
  return {
    api: { ...(methods as Omit<MessengerApi, 'subscribe'>), subscribe },
    onLink: (listener) => {
      links.add(listener)
      return () => links.delete(listener)
    },
  }
}

export function connectApi(): Connection {
  if (window.pigeon !== undefined) return { api: window.pigeon }
  const token = takeToken()
  if (token === undefined) {
    const refuse = (): Promise<never> =>
      Promise.reject(new PigeonError('API_UNAUTHORIZED', 'No token in the address.'))
    const methods = Object.fromEntries(METHOD_NAMES.map((m) => [m, refuse]))
    return {
      api: {
        ...(methods as unknown as Omit<MessengerApi, 'subscribe'>),
        subscribe: () => () => undefined,
      },
    }
  }
  return reconnecting(new ApiClient({ url: location.origin, token }))
}
