// A typed MessengerApi client for the local API server: fetch for the calls, a WebSocket for the
// events. Runs in Node and in a browser (pass a WebSocket factory, or the global one is used);
// app/api/discover.ts finds a data dir's node for Node callers such as the CLI.
import { PigeonError, type PigeonErrorCode } from '../../shared/errors.js'
import {
  API_TOKEN_PROTOCOL_PREFIX,
  type ApiMethod,
  type ApiRequests,
  type ApiResponses,
  type ApiResult,
  type ContactLinkView,
  type ConversationView,
  type GroupView,
  type DoctorFinding,
  type HistoryQuery,
  type MeView,
  type MessageView,
  type MessengerApi,
  type MessengerEvent,
  type PeerStatus,
  type PeerView,
  type RelayStatusView,
  type SettingValue,
  type Unsubscribe,
} from './contract.js'

/** The part of a WebSocket (browser's or the `ws` package's) the client uses. */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  close(): void
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike

export interface ApiClientOptions {
  url: string
  token: string
  webSocket?: WebSocketFactory
  /** a stream error or close (the node went away); the subscription is over */
  onStreamClosed?: (reason: unknown) => void
}

export class ApiClient implements MessengerApi {
  readonly url: string
  readonly #token: string
  readonly #options: ApiClientOptions

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/$/, '')
    this.#token = options.token
    this.#options = options
  }

  me(): Promise<MeView> {
    return this.#call('me', {})
  }

  peers(): Promise<PeerView[]> {
    return this.#call('peers', {})
  }

  conversations(): Promise<ConversationView[]> {
    return this.#call('conversations', {})
  }

  history(peer: string, query: HistoryQuery = {}): Promise<MessageView[]> {
    return this.#call('history', { peer, ...query })
  }

  search(text: string, limit?: number): Promise<MessageView[]> {
    return this.#call('search', limit === undefined ? { text } : { text, limit })
  }

  send(peer: string, text: string): Promise<MessageView> {
    return this.#call('send', { peer, text })
  }

  markRead(peer: string): Promise<{ read: number }> {
    return this.#call('markRead', { peer })
  }

  async typing(peer: string, typing: boolean): Promise<void> {
    await this.#call('typing', { peer, typing })
  }

  setProfile(change: { name?: string; color?: number }): Promise<MeView> {
    return this.#call('setProfile', change)
  }

  setStatus(status: PeerStatus): Promise<MeView> {
    return this.#call('setStatus', { status })
  }

  getSetting(key: string): Promise<SettingValue | null> {
    return this.#call('getSetting', { key })
  }

  async setSetting(key: string, value: SettingValue): Promise<void> {
    await this.#call('setSetting', { key, value })
  }

  relayStatus(): Promise<RelayStatusView> {
    return this.#call('relayStatus', {})
  }

  setRelay(url: string | null): Promise<RelayStatusView> {
    return this.#call('setRelay', { url })
  }

  addContact(link: string): Promise<PeerView> {
    return this.#call('addContact', { link })
  }

  myLink(): Promise<ContactLinkView> {
    return this.#call('myLink', {})
  }

  doctor(peer?: string): Promise<DoctorFinding[]> {
    return this.#call('doctor', peer === undefined ? {} : { peer })
  }

  groups(): Promise<GroupView[]> {
    return this.#call('groups', {})
  }

  createGroup(name: string, members: string[]): Promise<GroupView> {
    return this.#call('createGroup', { name, members })
  }

  addToGroup(group: string, members: string[]): Promise<GroupView> {
    return this.#call('addToGroup', { group, members })
  }

  removeFromGroup(group: string, members: string[]): Promise<GroupView> {
    return this.#call('removeFromGroup', { group, members })
  }

  leaveGroup(group: string): Promise<GroupView> {
    return this.#call('leaveGroup', { group })
  }

  renameGroup(group: string, name: string): Promise<GroupView> {
    return this.#call('renameGroup', { group, name })
  }

  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe {
    const { unsubscribe } = this.#open(listener)
    return unsubscribe
  }

  /** Like subscribe, but resolves once the stream is open (no event after this is missed). */
  async subscribed(listener: (event: MessengerEvent) => void): Promise<Unsubscribe> {
    const { unsubscribe, open } = this.#open(listener)
    await open
    return unsubscribe
  }

  #open(listener: (event: MessengerEvent) => void): {
    unsubscribe: Unsubscribe
    open: Promise<void>
  } {
    const factory = this.#options.webSocket ?? browserWebSocket
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/api/events`
    const socket = factory(wsUrl, [`${API_TOKEN_PROTOCOL_PREFIX}${this.#token}`])
    let closedByUs = false
    const open = new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve()
      socket.onerror = (event) => {
        reject(
          new PigeonError('NODE_NOT_RUNNING', `The event stream at ${wsUrl} failed.`, {
            cause: event,
          }),
        )
        if (!closedByUs) this.#options.onStreamClosed?.(event)
      }
      socket.onclose = (event) => {
        reject(new PigeonError('NODE_NOT_RUNNING', `The event stream at ${wsUrl} closed.`))
        if (!closedByUs) this.#options.onStreamClosed?.(event)
      }
    })
    open.catch(() => undefined)
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string' && !(message.data instanceof Uint8Array)) return
      listener(JSON.parse(String(message.data)) as MessengerEvent)
    }
    return {
      open,
      unsubscribe: () => {
        closedByUs = true
        socket.close()
      },
    }
  }

  async #call<M extends ApiMethod>(method: M, body: ApiRequests[M]): Promise<ApiResponses[M]> {
    let response: Response
    try {
      response = await fetch(`${this.url}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    } catch (cause) {
      throw new PigeonError('NODE_NOT_RUNNING', `No Pigeon node answers at ${this.url}.`, { cause })
    }
    let result: ApiResult<ApiResponses[M]>
    try {
      result = (await response.json()) as ApiResult<ApiResponses[M]>
    } catch (cause) {
      throw new PigeonError(
        'API_INTERNAL',
        `The node at ${this.url} sent a response that is not JSON.`,
        { cause },
      )
    }
    if (!result.ok)
      throw new PigeonError(result.error.code as PigeonErrorCode, result.error.message)
    return result.value
  }
}

function browserWebSocket(url: string, protocols: string[]): WebSocketLike {
  const Ctor = (
    globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }
  ).WebSocket
  if (Ctor === undefined) throw new Error('no WebSocket here: pass options.webSocket')
  return new Ctor(url, protocols)
}
