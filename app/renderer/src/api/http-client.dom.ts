// MessengerApi in a browser: `POST /api/<method>` with the bearer token, events over the
// `/api/events` WebSocket with the token as a subprotocol (browsers cannot set headers there).
// Speaks app/api/server.ts's protocol; same origin, because app/web/serve.ts proxies /api.
import {
  API_TOKEN_PROTOCOL_PREFIX,
  type ApiMethod,
  type ApiRequests,
  type ApiResponses,
  type ApiResult,
  type HistoryQuery,
  type MessengerApi,
  type MessengerEvent,
  type PeerStatus,
  type SettingValue,
} from '../../../api/contract.js'
import { UiError } from './ui-api.js'

const RECONNECT_MIN_MS = 500
const RECONNECT_MAX_MS = 4000

export class BrowserApiClient implements MessengerApi {
  readonly #base: string
  readonly #token: string
  readonly #listeners = new Set<(event: MessengerEvent) => void>()
  readonly #linkListeners = new Set<(up: boolean, reason?: 'unauthorized') => void>()
  #socket?: WebSocket
  #retryMs = RECONNECT_MIN_MS
  #timer?: ReturnType<typeof setTimeout>
  #up = false

  constructor(base: string, token: string) {
    this.#base = base.replace(/\/$/, '')
    this.#token = token
  }

  async #call<M extends ApiMethod>(method: M, body: ApiRequests[M]): Promise<ApiResponses[M]> {
    let response: Response
    try {
      response = await fetch(`${this.#base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#token}` },
        body: JSON.stringify(body),
      })
    } catch {
      throw new UiError('LINK_DOWN', 'The Pigeon node does not answer.')
    }
    let result: ApiResult<ApiResponses[M]>
    try {
      result = (await response.json()) as ApiResult<ApiResponses[M]>
    } catch {
      throw new UiError(
        'API_INTERNAL',
        `The node answered ${response.status} without a readable body.`,
      )
    }
    if (!result.ok) throw new UiError(result.error.code, result.error.message)
    return result.value
  }

  me = () => this.#call('me', {})
  peers = () => this.#call('peers', {})
  conversations = () => this.#call('conversations', {})
  history = (peer: string, query: HistoryQuery = {}) => this.#call('history', { peer, ...query })
  search = (text: string, limit?: number) => this.#call('search', { text, limit })
  send = (peer: string, text: string) => this.#call('send', { peer, text })
  markRead = (peer: string) => this.#call('markRead', { peer })
  typing = async (peer: string, typing: boolean) => {
    await this.#call('typing', { peer, typing })
  }
  setProfile = (change: { name?: string; color?: number }) => this.#call('setProfile', change)
  setStatus = (status: PeerStatus) => this.#call('setStatus', { status })
  getSetting = (key: string) => this.#call('getSetting', { key })
  setSetting = async (key: string, value: SettingValue) => {
    await this.#call('setSetting', { key, value })
  }
  relayStatus = () => this.#call('relayStatus', {})
  setRelay = (url: string | null) => this.#call('setRelay', { url })
  addContact = (link: string) => this.#call('addContact', { link })
  myLink = () => this.#call('myLink', {})
  doctor = (peer?: string) => this.#call('doctor', peer === undefined ? {} : { peer })
  groups = () => this.#call('groups', {})
  createGroup = (name: string, members: string[]) => this.#call('createGroup', { name, members })
  addToGroup = (group: string, members: string[]) => this.#call('addToGroup', { group, members })
  removeFromGroup = (group: string, members: string[]) =>
    this.#call('removeFromGroup', { group, members })
  leaveGroup = (group: string) => this.#call('leaveGroup', { group })
  renameGroup = (group: string, name: string) => this.#call('renameGroup', { group, name })

  subscribe(listener: (event: MessengerEvent) => void): () => void {
    this.#listeners.add(listener)
    if (this.#socket === undefined) this.#connect()
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0) this.close()
    }
  }

  /** up/down of the event stream; a reconnect means events were missed: reload. */
  onLink = (listener: (up: boolean, reason?: 'unauthorized') => void): (() => void) => {
    this.#linkListeners.add(listener)
    return () => this.#linkListeners.delete(listener)
  }

  close(): void {
    clearTimeout(this.#timer)
    const socket = this.#socket
    this.#socket = undefined
    socket?.close()
  }

  #setUp(up: boolean): void {
    if (up === this.#up) return
    this.#up = up
    for (const listener of this.#linkListeners) listener(up)
  }

  #connect(): void {
    const url = new URL('/api/events', this.#base)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const socket = new WebSocket(url, [`${API_TOKEN_PROTOCOL_PREFIX}${this.#token}`])
    this.#socket = socket
    socket.onopen = () => {
      this.#retryMs = RECONNECT_MIN_MS
      this.#setUp(true)
    }
    socket.onmessage = (message) => {
      let event: MessengerEvent
      try {
        event = JSON.parse(String(message.data)) as MessengerEvent
      } catch {
        return // not ours to show; the next reload fixes any gap
      }
      for (const listener of this.#listeners) listener(event)
    }
    socket.onclose = () => {
      if (this.#socket !== socket) return // closed on purpose
      this.#socket = undefined
      this.#setUp(false)
      this.#timer = setTimeout(() => void this.#retry(), this.#retryMs)
      this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS)
    }
  }

  /** A node restarted since this page opened has a new token: say so instead of retrying blind. */
  async #retry(): Promise<void> {
    try {
      await this.me()
    } catch (error) {
      if (error instanceof UiError && error.code === 'API_UNAUTHORIZED') {
        for (const listener of this.#linkListeners) listener(false, 'unauthorized')
      }
    }
    if (this.#listeners.size > 0 && this.#socket === undefined) this.#connect()
  }
}
