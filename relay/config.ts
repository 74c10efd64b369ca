// The relay's settings from four sources, highest first: command-line flag, PIGEON_RELAY_* env
// variable, JSON config file (--config), built-in default (docs/relay.md "Configuration").
// One table drives all four, so a setting cannot exist in one source and be missing in another.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { PigeonError } from '../shared/errors.js'

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

type Kind = 'string' | 'port' | 'int' | 'bool' | 'duration'

interface Setting {
  key: keyof RelayConfig
  flag: string
  kind: Kind
  describe: string
  fallback: string | number | boolean | undefined
}

const DAY_MS = 86_400_000

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

function invalid(message: string): PigeonError {
  return new PigeonError('RELAY_CONFIG_INVALID', message)
}

export function envName(setting: Setting): string {
  return `PIGEON_RELAY_${setting.flag.toUpperCase().replaceAll('-', '_')}`
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
}

function coerce(setting: Setting, raw: unknown, where: string): string | number | boolean {
  switch (setting.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw === '')
        throw invalid(`${where} must be a non-empty string.`)
      return raw
    case 'bool':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === '1' || raw === 'yes') return true
      if (raw === 'false' || raw === '0' || raw === 'no' || raw === '') return false
      throw invalid(`${where} must be true or false, not ${JSON.stringify(raw)}.`)
    case 'port':
    case 'int': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\d+$/.test(raw)
            ? Number(raw)
            : NaN
      const max = setting.kind === 'port' ? 65_535 : Number.MAX_SAFE_INTEGER
      const min = setting.kind === 'port' ? 0 : 1
      if (!Number.isInteger(n) || n < min || n > max)
        throw invalid(
          `${where} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}.`,
        )
      return n
    }
    case 'duration': {
      if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return raw * 1000
      const match = typeof raw === 'string' ? /^(\d+)(ms|s|m|h|d)?$/.exec(raw) : null
      if (match === null)
        throw invalid(
          `${where} must be a duration like 90s, 30m, 12h or 7d, not ${JSON.stringify(raw)}.`,
        )
      const value = Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1000)
      if (value <= 0) throw invalid(`${where} must be longer than zero.`)
      return value
    }
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw invalid(`Cannot read config file ${path}: ${(cause as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw invalid(`Config file ${path} is not valid JSON: ${(cause as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid(`Config file ${path} must hold one JSON object.`)
  const known = new Set(SETTINGS.map((s) => s.flag))
  for (const key of Object.keys(parsed)) {
    if (!known.has(key))
      throw invalid(
        `Config file ${path} has an unknown key "${key}" (keys are the flag names, e.g. "mqtt-port").`,
      )
  }
  return parsed as Record<string, unknown>
}

function buildCommand(): Command {
  const command = new Command('pigeon-relay')
    .description(
      'The Pigeon relay: an MQTT broker that stores and forwards sealed envelopes it cannot read.',
    )
    .option(
      '--config <file>',
      'JSON config file; keys are the flag names (see docs/relay.example.json)',
    )
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
  for (const s of SETTINGS) {
    const flag = s.kind === 'bool' ? `--${s.flag}` : `--${s.flag} <value>`
    const fallback =
      s.fallback === undefined
        ? ''
        : ` (default ${s.kind === 'duration' ? `${Number(s.fallback) / 1000}s` : String(s.fallback)})`
    command.option(flag, `${s.describe}; env ${envName(s)}${fallback}`)
  }
  return command
}

export type ParseOutcome =
  { kind: 'config'; config: RelayConfig } | { kind: 'exit'; code: number; output: string }

/** Resolves the settings; never exits the process itself, so tests can call it. */
export function parseRelayConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ParseOutcome {
  const command = buildCommand()
  let output = ''
  command.configureOutput({ writeOut: (text) => (output += text), writeErr: () => undefined })
  try {
    command.parse(argv, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return { kind: 'exit', code: 0, output }
      throw invalid(error.message.replace(/^error: /, ''))
    }
    throw error
  }
  const flags = command.opts<Record<string, unknown>>()
  const configPath = (flags['config'] as string | undefined) ?? env['PIGEON_RELAY_CONFIG']
  const file = configPath === undefined ? {} : readConfigFile(configPath)

  const config: Record<string, unknown> = {}
  for (const s of SETTINGS) {
    const camel = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    const fromFlag = flags[camel]
    const fromEnv = env[envName(s)]
    const fromFile = file[s.flag]
    if (fromFlag !== undefined) config[s.key] = coerce(s, fromFlag, `--${s.flag}`)
    else if (fromEnv !== undefined) config[s.key] = coerce(s, fromEnv, envName(s))
    else if (fromFile !== undefined) config[s.key] = coerce(s, fromFile, `config key "${s.flag}"`)
    else config[s.key] = s.fallback
  }
  const result = config as unknown as RelayConfig
  if ((result.tlsCert === undefined) !== (result.tlsKey === undefined))
    throw invalid('--tls-cert and --tls-key go together: give both or neither.')
  if (result.redis !== undefined && !/^rediss?:\/\//.test(result.redis))
    throw invalid(`--redis must be a redis:// URL, not ${JSON.stringify(result.redis)}.`)
  if (result.store !== 'journal' && result.store !== 'level')
    throw invalid(`--store must be journal or level, not ${JSON.stringify(result.store)}.`)
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(result.logLevel))
    throw invalid(`--log-level must be one of fatal, error, warn, info, debug, trace, silent.`)
  return { kind: 'config', config: result }
}
