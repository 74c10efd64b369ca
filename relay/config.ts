// The relay's settings from four sources, highest first: command-line flag, PIGEON_RELAY_* env
// variable, JSON config file (--config), built-in default (docs/relay.md "Configuration").
// The table of settings is relay/config-settings.ts; this module parses each source, coerces each
// value by its kind and checks the settings that go together.
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { PigeonError } from '../shared/errors.js'
import { DAY_MS, envName, SETTINGS, type RelayConfig, type Setting } from './config-settings.js'

export { envName, SETTINGS, type RelayConfig } from './config-settings.js'

function invalid(message: string): PigeonError {
  return new PigeonError('RELAY_CONFIG_INVALID', message)
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
