// A node for the renderer's store tests (pure logic: no DOM, no network): what the store's start
// asks answered as an empty node would, unless the test gives its own calls, and the events the
// test sends as if the node had.
import type { MessengerApi, MessengerEvent } from '../../../app/api/contract.js'

type Calls = Partial<Record<keyof MessengerApi, (...args: never[]) => unknown>>

export interface ScriptedNode {
  api: MessengerApi
  emit(event: MessengerEvent): void
}

/** `otherwise`: what a method the test did not script does (default: it is missing) */
export function scriptedNode(calls: Calls = {}, otherwise?: () => Promise<unknown>): ScriptedNode {
  let listener: (event: MessengerEvent) => void = () => undefined
  const table: Record<string, unknown> = {
    me: async () => ({
      peerId: 'me',
      name: 'Me',
      color: 2,
      status: 'online' as const,
      version: 1,
      workgroup: null,
      host: null,
      addresses: [],
    }),
    peers: async () => [],
    conversations: async () => [],
    groups: async () => [],
    transfers: async () => [],
    relayStatus: async () => ({ state: 'off' as const, url: null, lastError: null, retryAt: null }),
    subscribe: (l: (event: MessengerEvent) => void) => {
      listener = l
      return () => undefined
    },
    ...calls,
  }
  const api = new Proxy(table, {
    get: (target, name) => target[name as string] ?? otherwise,
  }) as unknown as MessengerApi
  return { api, emit: (event) => listener(event) }
}
