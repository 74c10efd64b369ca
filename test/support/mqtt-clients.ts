// mqtt.js clients that log in to a test relay the way the app does (client id = username = PeerId,
// password = a fresh relay token).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { createRelayToken } from '../../shared/relay-token.js'
import type { Identity } from '../../shared/identity.js'

export interface ConnectOptions extends Partial<IClientOptions> {
  token?: string
  /** runs on the client before its CONNACK is read (attach listeners here) */
  beforeConnack?: (client: MqttClient) => void
}

const open = new Set<MqttClient>()
/** messages each connectAs client received from its first packet on */
const arrived = new WeakMap<MqttClient, Array<{ topic: string; payload: Buffer }>>()

export async function connectAs(
  url: string,
  identity: Identity,
  relayId: string,
  options: ConnectOptions = {},
): Promise<MqttClient> {
  const { token, beforeConnack, ...rest } = options
  const client = mqtt.connect(url, {
    clientId: identity.peerId,
    username: identity.peerId,
    password: token ?? (await createRelayToken(identity, relayId)),
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...rest,
  })
  open.add(client)
  client.on('close', () => open.delete(client))
  // everything that arrives is kept for collect(), which may be called only after connecting
  const seen: Array<{ topic: string; payload: Buffer }> = []
  arrived.set(client, seen)
  client.on('message', (topic, payload) => seen.push({ topic, payload }))
  // a persistent session's queue can arrive in the same read as the CONNACK: a listener added
  // after connecting would miss its first messages
  beforeConnack?.(client)
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      client.end(true)
      reject(error)
    }
    client.once('connect', () => {
      client.off('error', fail)
      resolve()
    })
    client.once('error', fail)
  })
  return client
}

/** connectAs with a collector listening from the first packet on (queued messages included). */
export async function connectCollecting(
  url: string,
  identity: Identity,
  relayId: string,
  options: ConnectOptions = {},
): Promise<{ client: MqttClient; inbox: ReturnType<typeof collect> }> {
  let inbox: ReturnType<typeof collect> | undefined
  const client = await connectAs(url, identity, relayId, {
    ...options,
    beforeConnack: (c) => (inbox = collect(c)),
  })
  return { client, inbox: inbox as ReturnType<typeof collect> }
}

/** Tries to connect; resolves with the CONNACK return code of a refusal (0 when accepted). */
export async function connackCode(url: string, options: IClientOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...options,
    })
    await client.endAsync(true)
    return 0
  } catch (error) {
    const code = (error as { code?: number }).code
    if (typeof code === 'number') return code
    throw error
  }
}

export async function closeAll(): Promise<void> {
  await Promise.all([...open].map((c) => c.endAsync(true).catch(() => undefined)))
}

/** Collects messages arriving on a client, by topic. */
export function collect(client: MqttClient): {
  messages: Array<{ topic: string; payload: Buffer }>
  waitFor(n: number, timeoutMs?: number): Promise<void>
} {
  // a session's queue may come in the same read as the CONNACK, before this was called: start
  // from what the client already received (nothing can arrive between this copy and the listener)
  const messages: Array<{ topic: string; payload: Buffer }> = [...(arrived.get(client) ?? [])]
  const waiters: Array<() => void> = []
  client.on('message', (topic, payload) => {
    messages.push({ topic, payload })
    for (const w of waiters.splice(0)) w()
  })
  return {
    messages,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`got ${messages.length} of ${n} messages`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
    },
  }
}

/** Resolves when the client's connection closes (or after timeoutMs with false). */
export function closed(client: MqttClient, timeoutMs = 10_000): Promise<boolean> {
  if (!client.connected) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    client.once('close', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}
