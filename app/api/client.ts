// A typed MessengerApi client for the local API server: fetch for the calls, a WebSocket for the
// events. Runs in Node and in a browser (pass a WebSocket factory, or the global one is used);
// app/api/discover.ts finds a data dir's node for Node callers such as the CLI.
import { PigeonError, type PigeonErrorCode } from '../../shared/errors.js'
import {
  API_TOKEN_PROTOCOL_PREFIX,
  type ApiResult,
  type MessengerApi,
  type MessengerEvent,
  type Unsubscribe,
} from './contract.js'
import { METHOD_NAMES, type MethodName } from './methods.js'
import { bodyOf } from './wire.js'

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

type Methods = Omit<MessengerApi, 'subscribe'>

class Client {
  readonly url: string
  readonly #token: string
  readonly #options: ApiClientOptions

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/$/, '')
    this.#token = options.token
    this.#options = options
    // one method per entry of the table (app/api/methods.ts), named and shaped as there
    const methods = this as unknown as Record<MethodName, (...args: unknown[]) => Promise<unknown>>
    for (const method of METHOD_NAMES)
      methods[method] = async (...args) => await this.#call(method, bodyOf(method, args))
  }

  subscribe(listener: (event: MessengerEvent) => void): Unsubscribe {
    const { unsubscribe } = this.stream(listener)
    return unsubscribe
  }

  /** Like subscribe, but resolves once the stream is open (no event after this is missed). */
  async subscribed(listener: (event: MessengerEvent) => void): Promise<Unsubscribe> {
    const { unsubscribe, open } = this.stream(listener)
    await open
    return unsubscribe
  }

  /** One event stream: `open` settles when it opened (or failed to), `onClosed` (default:
   * options.onStreamClosed) says when the node ended it; a stream is never reopened here. */
  stream(
    listener: (event: MessengerEvent) => void,
    onClosed = this.#options.onStreamClosed,
  ): {
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
        if (!closedByUs) onClosed?.(event)
      }
      socket.onclose = (event) => {
        reject(new PigeonError('NODE_NOT_RUNNING', `The event stream at ${wsUrl} closed.`))
        if (!closedByUs) onClosed?.(event)
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

  async #call(method: MethodName, body: Record<string, unknown>): Promise<unknown> {
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
    let result: ApiResult<unknown>
    try {
      result = (await response.json()) as ApiResult<unknown>
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

/** A MessengerApi over the local API server (the method table's methods, subscribe), with
 * `subscribed` and `stream` for callers that need to know when the event stream is open. */
export type ApiClient = Client & Methods
export const ApiClient = Client as new (options: ApiClientOptions) => ApiClient

function browserWebSocket(url: string, protocols: string[]): WebSocketLike {
  const Ctor = (
    globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }
  ).WebSocket
  if (Ctor === undefined) throw new Error('no WebSocket here: pass options.webSocket')
  return new Ctor(url, protocols)
}
