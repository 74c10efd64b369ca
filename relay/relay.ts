// One relay process, composed: store → aedes with our hooks → MQTT/WS listeners → HTTP.
// `startRelay` is what relay/main.ts runs; it returns the addresses it bound (port 0 = any free
// port) and a graceful `close`.
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { createServer as createHttpServerNode, type Server as HttpServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { Aedes } from 'aedes'
import type { Logger } from 'pino'
import { WebSocketServer, createWebSocketStream } from 'ws'
import { PigeonError } from '../shared/errors.js'
import { ackAfterStore } from './aedes/ack-after-store.js'
import { stampClock } from './aedes/clock.js'
import { internalsOf } from './aedes/internals.js'
import { packetGuards } from './aedes/packet-guards.js'
import { checkAedesSources, checkParserSources } from './aedes/self-check.js'
import { createAcl } from './acl.js'
import { BlobStore } from './blobs.js'
import { createAuthenticate, preConnect } from './auth.js'
import type { RelayConfig } from './config.js'
import { ensureDataDir, loadAdminToken, loadRelayIdentity } from './data-dir.js'
import { GroupRegistry } from './groups.js'
import { InFlight } from './in-flight.js'
import { createHttpServer } from './http.js'
import { InviteBook } from './invites.js'
import { brokerLimits, PublishRateLimiter } from './limits.js'
import { createMetrics } from './metrics.js'
import { openStore } from './persistence.js'
import { openSpentTokens } from './spent-tokens.js'
import { QueueLedger } from './queue.js'
import { GrantedSubscriptions } from './subscriptions.js'
import { batchWrites } from './write-batch.js'
import { QuietCollector } from './quiet-collect.js'
import { fullCollection } from './runtime-flags.js'

export interface RunningRelay {
  relayId: string
  mqtt: string
  http: string
  ws: string | undefined
  close(): Promise<void>
}

// Room for the sealing overhead and MQTT framing on top of an envelope's own limit.
const PACKET_OVERHEAD_BYTES = 512
// longest wait for in-flight store work at shutdown: a publish may sleep 5 s for its rate token
// (limits.ts); main.ts gives the whole shutdown 20 s
const CLOSE_DRAIN_MS = 8000

/** one line a person can act on, for a port we cannot bind (`flag` names the setting) */
function cannotListen(
  error: NodeJS.ErrnoException,
  host: string,
  port: number,
  flag: string,
): PigeonError {
  const why =
    error.code === 'EADDRINUSE'
      ? 'the port is in use by another program'
      : error.code === 'EACCES'
        ? 'this user may not use the port'
        : error.code === 'EADDRNOTAVAIL'
          ? 'this machine has no such address'
          : (error.code ?? error.message)
  return new PigeonError(
    'RELAY_CONFIG_INVALID',
    `Cannot listen on ${host}:${port} (${flag}): ${why}. Stop the other program or choose another ${flag}${error.code === 'EADDRNOTAVAIL' ? ' or --host' : ''}.`,
    { cause: error },
  )
}

function listen(
  server: NetServer | HttpServer,
  port: number,
  host: string,
  flag: string,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(cannotListen(error, host, port, flag)),
    )
    server.listen(port, host, () => resolve(server.address() as AddressInfo))
  })
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path)
  } catch (cause) {
    throw new PigeonError(
      'RELAY_CONFIG_INVALID',
      `Cannot read ${flag} ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}. Point ${flag} at a PEM file this user can read.`,
      { cause },
    )
  }
}

function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

function url(scheme: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${scheme}://${host}:${address.port}`
}

export async function startRelay(config: RelayConfig, log: Logger): Promise<RunningRelay> {
  // before anything is opened: the patches below hold for one aedes (and its parser) only
  checkAedesSources()
  checkParserSources()
  ensureDataDir(config.data)
  const identity = await loadRelayIdentity(config.data)
  const adminToken = await loadAdminToken(config.data)
  const relayId = identity.peerId
  const metrics = createMetrics()
  const store = await openStore({
    dataDir: config.data,
    redisUrl: config.redis,
    queueCap: config.queueCap,
    queueTtlMs: config.queueTtlMs,
    store: config.store,
    fsyncEveryAck: config.fsyncEveryAck,
    onLinkError: (error) => log.warn({ err: error.message }, 'cluster link to Redis: retrying'),
  })
  const groups = new GroupRegistry({
    maxGroups: config.maxGroups,
    maxRetainedBytes: config.maxRetainedBytes,
  })
  const queues = new QueueLedger({
    cap: config.queueCap,
    share: config.senderShare,
    created: config.maxCreatedInboxes,
    ttlMs: config.queueTtlMs,
    metrics,
    log,
    redis: store.redis,
  })
  const rate = new PublishRateLimiter(config.publishRate, config.publishBurst)
  const subscriptions = new GrantedSubscriptions(config.maxSubscriptions)
  let closing = false
  // closing: what must finish before the store closes (in-flight.ts)
  const inFlight = new InFlight((error) => log.warn({ err: error }, 'store stream failed'))
  const invites = new InviteBook({ dataDir: config.data, redis: store.redis })
  const spent = await openSpentTokens({ dataDir: config.data, redis: store.redis })
  const isAdmitted = config.inviteOnly
    ? (peerId: string) => invites.isAdmitted(peerId)
    : async () => true
  const blobs = await BlobStore.open({
    dir: config.blobDir ?? join(config.data, 'blobs'),
    maxBytes: config.blobMaxBytes,
    quotaBytes: config.blobQuotaBytes,
    maxCount: config.blobMaxCount,
    ttlMs: config.blobTtlMs,
    metrics,
    log,
  })
  // the ACL is an input to the broker, but stamps the broker's counter: filled in below
  const clock: { broker?: { counter: number } } = {}
  const acl = createAcl({
    groups,
    queues,
    rate,
    subscriptions,
    inFlight,
    maxSubscriptions: config.maxSubscriptions,
    maxSubscribeTopics: config.maxSubscribeTopics,
    maxPayloadBytes: config.maxPacketBytes,
    metrics,
    log,
    stampClock: (now) => clock.broker !== undefined && stampClock(clock.broker, now),
  })

  const broker = await Aedes.createBroker({
    // unique per process (cluster nodes share the relay id); time first, so that a level store,
    // which orders a queue by broker id then counter, keeps queues in order across restarts
    id: `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`,
    // the queue ledger sits under the subscription filter: it writes the sessions of inboxes it
    // starts itself (queue.ts), which no SUBSCRIBE granted
    persistence: inFlight.wrap(subscriptions.wrap(queues.wrap(store.persistence as object))),
    mq: store.mq,
    ...brokerLimits(config),
    preConnect,
    authenticate: createAuthenticate({
      relayId,
      metrics,
      log,
      spent,
      isAdmitted,
    }),
    ...acl,
  })
  const internals = internalsOf<
    Parameters<GroupRegistry['load']>[0],
    Parameters<GroupRegistry['follow']>[0]
  >(broker)
  clock.broker = internals
  ackAfterStore(broker) // a PUBACK means "stored": aedes 1.2 would send it before the queue write
  const connected = internals.clients
  queues.isOnline = (clientId) => connected[clientId] !== undefined
  await groups.load(internals.persistence)
  await groups.follow(internals.mq)

  broker.on('client', (client) => {
    metrics.connectedClients.inc()
    queues
      .refresh(client.id)
      .catch((error: unknown) => log.error({ err: error }, 'cannot count a queue'))
  })
  broker.on('clientDisconnect', () => {
    metrics.connectedClients.dec() // the rate bucket stays: it belongs to the key, not the connection
  })
  // aedes emits 'error' for a store failure it cannot hand to a client (aedes.js DoEnqueues); unheard, it would end the process
  internals.on('error', (error: Error) =>
    log.error({ err: error }, closing ? 'store call failed while closing' : 'store call failed'),
  )
  broker.on('unsubscribe', (topics, client) => subscriptions.release(client, topics))
  broker.on('clientError', (client, error) =>
    log.debug({ clientId: client.id, err: error.message }, 'client error'),
  )
  broker.on('connectionError', (_client, error) =>
    log.debug({ err: error.message }, 'connection error'),
  )

  const maxPacket = config.maxPacketBytes + PACKET_OVERHEAD_BYTES
  const guard = packetGuards({
    maxSubscribeTopics: config.maxSubscribeTopics,
    maxPacketBytes: maxPacket,
    onOversize: (clientId) => {
      metrics.aclRefusals.inc({ reason: 'packet_too_large' })
      log.warn(
        { event: 'acl_refused', reason: 'packet_too_large', clientId },
        'oversize packet: connection closed',
      )
    },
  })
  // after a storm of connections, one collection returns what the handshakes left (quiet-collect.ts)
  const quiet = new QuietCollector({ collect: fullCollection })
  const handle = (stream: Duplex, request?: IncomingMessage): void => {
    quiet.connected()
    // small packets (PUBACK, short PUBLISH) must not wait for Nagle + the peer's delayed ACK
    if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') stream.setNoDelay(true)
    batchWrites(stream) // a burst of packets in one socket write (write-batch.ts)
    guard(broker.handle(stream, request))
  }

  const mqttServer =
    config.tlsCert !== undefined && config.tlsKey !== undefined
      ? createTlsServer(
          { cert: readPem(config.tlsCert, '--tls-cert'), key: readPem(config.tlsKey, '--tls-key') },
          (socket) => handle(socket),
        )
      : createNetServer((socket) => handle(socket))
  mqttServer.maxConnections = config.maxConnections
  const mqttAddress = await listen(mqttServer, config.mqttPort, config.host, '--mqtt-port')

  let wsHttp: HttpServer | undefined
  let wsAddress: AddressInfo | undefined
  if (config.wsPort !== undefined) {
    wsHttp = createHttpServerNode()
    const wss = new WebSocketServer({ server: wsHttp, maxPayload: maxPacket })
    wss.on('connection', (socket, request) => handle(createWebSocketStream(socket), request))
    wsAddress = await listen(wsHttp, config.wsPort, config.host, '--ws-port')
  }

  const http = createHttpServer({
    relayId,
    adminToken,
    inviteOnly: config.inviteOnly,
    metrics,
    invites,
    spent,
    blobs,
    isAdmitted,
    log,
    isClosing: () => closing,
    stats: async () => ({
      relayId,
      store: store.kind,
      connectedClients: broker.connectedClients,
      queuedMessages: (await metrics.queuedOffline.get()).values[0]?.value ?? 0,
      groups: groups.size,
      inviteOnly: config.inviteOnly,
      invites: await invites.counts(),
      uptimeSeconds: Math.round(process.uptime()),
      memory: process.memoryUsage(),
    }),
    disconnect: async (peerId) => {
      const client = connected[peerId]
      if (client === undefined) return false
      log.info({ event: 'admin_disconnect', peerId }, 'admin disconnected a client')
      await new Promise<void>((resolve) => client.close(resolve))
      return true
    },
  })
  await http
    .listen({ host: config.host, port: config.httpPort })
    .catch((error: NodeJS.ErrnoException) => {
      throw cannotListen(error, config.host, config.httpPort, '--http-port')
    })
  const httpAddress = http.server.address() as AddressInfo

  async function close(): Promise<void> {
    if (closing) return
    closing = true
    log.info(
      { event: 'closing' },
      'stopping: no new connections, closing clients, flushing the store',
    )
    const stopAccepting = [
      closeServer(mqttServer),
      ...(wsHttp === undefined ? [] : [closeServer(wsHttp)]),
    ]
    // aedes closes each client after its pending writes; queued messages stay in the store
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    await Promise.all(stopAccepting)
    // publishes being checked or stored, subscriptions being written: finish them, then close
    await inFlight.settled(CLOSE_DRAIN_MS)
    quiet.close()
    await store.close()
    await http.close()
    blobs.close()
    await spent.close()
  }

  return {
    relayId,
    mqtt: url(config.tlsCert === undefined ? 'mqtt' : 'mqtts', mqttAddress),
    http: url('http', httpAddress),
    ws: wsAddress === undefined ? undefined : url('ws', wsAddress),
    close,
  }
}
