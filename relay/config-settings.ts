// The one table of relay settings (docs/relay.md "Configuration"): each row names a setting's
// config key, its --flag, its PIGEON_RELAY_* env variable (derived from the flag) and its default.
// relay/config.ts reads all four sources from this table, so a setting cannot exist in one source
// and be missing in another.
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface RelayConfig {
  data: string
  host: string
  publicAddress: string | undefined
  mqttPort: number
  httpPort: number
  wsPort: number | undefined
  tlsCert: string | undefined
  tlsKey: string | undefined
  redis: string | undefined
  /** the single-node store (docs/relay.md "The journal") */
  store: 'journal' | 'level'
  /** journal: fdatasync before every PUBACK, not once a second */
  fsyncEveryAck: boolean
  inviteOnly: boolean
  maxConnections: number
  maxPacketBytes: number
  publishRate: number
  publishBurst: number
  queueCap: number
  senderShare: number
  maxCreatedInboxes: number
  queueTtlMs: number
  maxSubscriptions: number
  maxSubscribeTopics: number
  maxGroups: number
  maxRetainedBytes: number
  connectTimeoutMs: number
  drainTimeoutMs: number
  blobDir: string | undefined
  blobMaxBytes: number
  blobQuotaBytes: number
  blobMaxCount: number
  blobTtlMs: number
  logLevel: string
}

export type Kind = 'string' | 'port' | 'int' | 'bool' | 'duration'

export interface Setting {
  key: keyof RelayConfig
  flag: string
  kind: Kind
  describe: string
  fallback: string | number | boolean | undefined
}

export const DAY_MS = 86_400_000

// Defaults protect a small server: 1,000 queued messages per inbox of at most 96 KiB is ~100 MiB
// worst case per user, and a queue older than a week is dropped. One sender fills at most a
// quarter of an inbox, so three others still reach its owner. The app subscribes to its inbox and
// every contact's presence in one SUBSCRIBE, and treats one refused topic as a failed connect
// (app/core/relay/link.ts): the subscription caps leave room for 999 contacts.
export const SETTINGS: readonly Setting[] = [
  {
    key: 'data',
    flag: 'data',
    kind: 'string',
    describe: 'data directory (relay key, admin token, message store)',
    fallback: join(homedir(), '.pigeon-relay'),
  },
  {
    key: 'host',
    flag: 'host',
    kind: 'string',
    describe: 'address to listen on (0.0.0.0 to serve everyone)',
    fallback: '127.0.0.1',
  },
  {
    key: 'publicAddress',
    flag: 'public-address',
    kind: 'string',
    describe:
      'host name or IP users reach the relay at (DNS name, NAT); printed in the address users enter',
    fallback: undefined,
  },
  {
    key: 'mqttPort',
    flag: 'mqtt-port',
    kind: 'port',
    describe: 'MQTT port (TLS when --tls-cert is set)',
    fallback: 1883,
  },
  {
    key: 'httpPort',
    flag: 'http-port',
    kind: 'port',
    describe: 'HTTP port: /healthz, /metrics, admin API',
    fallback: 8080,
  },
  {
    key: 'wsPort',
    flag: 'ws-port',
    kind: 'port',
    describe: 'MQTT over WebSocket port (off unless set)',
    fallback: undefined,
  },
  {
    key: 'tlsCert',
    flag: 'tls-cert',
    kind: 'string',
    describe: 'TLS certificate file (PEM)',
    fallback: undefined,
  },
  {
    key: 'tlsKey',
    flag: 'tls-key',
    kind: 'string',
    describe: 'TLS private key file (PEM)',
    fallback: undefined,
  },
  {
    key: 'redis',
    flag: 'redis',
    kind: 'string',
    describe: 'redis://host:port — cluster mode: store and fan-out in Redis',
    fallback: undefined,
  },
  {
    key: 'store',
    flag: 'store',
    kind: 'string',
    describe:
      'journal (default: memory + append-only log) or level (LevelDB); ignored with --redis',
    fallback: 'journal',
  },
  {
    key: 'fsyncEveryAck',
    flag: 'fsync-every-ack',
    kind: 'bool',
    describe: 'journal: fdatasync the log before every PUBACK (default: once a second)',
    fallback: false,
  },
  {
    key: 'inviteOnly',
    flag: 'invite-only',
    kind: 'bool',
    describe: 'only keys that redeemed an admin invite may connect',
    fallback: false,
  },
  {
    key: 'maxConnections',
    flag: 'max-connections',
    kind: 'int',
    describe: 'open MQTT connections at most',
    fallback: 10_000,
  },
  {
    key: 'maxPacketBytes',
    flag: 'max-packet-bytes',
    kind: 'int',
    describe: 'largest PUBLISH payload (a sealed envelope); bigger packets close the connection',
    fallback: 98_304,
  },
  {
    key: 'publishRate',
    flag: 'publish-rate',
    kind: 'int',
    describe: 'publishes per second per key (sustained; kept across reconnects)',
    fallback: 50,
  },
  {
    key: 'publishBurst',
    flag: 'publish-burst',
    kind: 'int',
    describe: 'publishes a key may send at once above the rate',
    fallback: 500,
  },
  {
    key: 'queueCap',
    flag: 'queue-cap',
    kind: 'int',
    describe: 'queued offline messages per inbox',
    fallback: 1000,
  },
  {
    key: 'senderShare',
    flag: 'sender-share',
    kind: 'int',
    describe: 'queued messages one sender may have in one inbox',
    fallback: 250,
  },
  {
    key: 'maxCreatedInboxes',
    flag: 'max-created-inboxes',
    kind: 'int',
    describe:
      'inboxes one sender may start (by sending to an inbox with no session) whose owners have not connected within the queue TTL',
    fallback: 100,
  },
  {
    key: 'queueTtlMs',
    flag: 'queue-ttl',
    kind: 'duration',
    describe: 'a queued message expires after this (e.g. 7d, 12h, 90s)',
    fallback: 7 * DAY_MS,
  },
  {
    key: 'maxSubscriptions',
    flag: 'max-subscriptions',
    kind: 'int',
    describe: 'subscriptions one client may hold',
    fallback: 1000,
  },
  {
    key: 'maxSubscribeTopics',
    flag: 'max-subscribe-topics',
    kind: 'int',
    describe: 'topics in one SUBSCRIBE packet',
    fallback: 1000,
  },
  {
    key: 'maxGroups',
    flag: 'max-groups',
    kind: 'int',
    describe: 'groups one key may own on the relay',
    fallback: 50,
  },
  {
    key: 'maxRetainedBytes',
    flag: 'max-retained-bytes',
    kind: 'int',
    describe: 'bytes of retained group documents one key may own',
    fallback: 1_048_576,
  },
  {
    key: 'connectTimeoutMs',
    flag: 'connect-timeout',
    kind: 'duration',
    describe: 'time from TCP accept to CONNECT',
    fallback: 10_000,
  },
  {
    key: 'drainTimeoutMs',
    flag: 'drain-timeout',
    kind: 'duration',
    describe: 'a subscriber that does not read for this long is dropped',
    fallback: 30_000,
  },
  // File blobs (docs/relay.md "File blobs"): a 1 GiB file at most, 2 GiB waiting per uploader, a
  // week to fetch it — the queue's TTL, so a file waits as long as the offer that names it.
  {
    key: 'blobDir',
    flag: 'blob-dir',
    kind: 'string',
    describe: 'directory of file blobs (default <data>/blobs); cluster nodes share one',
    fallback: undefined,
  },
  {
    key: 'blobMaxBytes',
    flag: 'blob-max-bytes',
    kind: 'int',
    describe: 'largest file blob (encrypted bytes)',
    fallback: 1_073_741_824,
  },
  {
    key: 'blobQuotaBytes',
    flag: 'blob-quota-bytes',
    kind: 'int',
    describe: 'bytes of file blobs one key may have waiting on the relay',
    fallback: 2_147_483_648,
  },
  {
    key: 'blobMaxCount',
    flag: 'blob-max-count',
    kind: 'int',
    describe: 'file blobs one key may have waiting on the relay (bounds files on disk)',
    fallback: 1000,
  },
  {
    key: 'blobTtlMs',
    flag: 'blob-ttl',
    kind: 'duration',
    describe: 'a file blob is deleted this long after it was created (e.g. 7d, 12h)',
    fallback: 7 * DAY_MS,
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    kind: 'string',
    describe: 'pino level: fatal error warn info debug',
    fallback: 'info',
  },
]

export function envName(setting: Setting): string {
  return `PIGEON_RELAY_${setting.flag.toUpperCase().replaceAll('-', '_')}`
}
