// `pigeon-relay`: resolve the settings, start, print where we listen and our relay id, and stop
// gracefully on SIGTERM/SIGINT (exit 0). A bad flag or config is one line on stderr, exit 2.
import { pino } from 'pino'
import { isPigeonError } from '../shared/errors.js'
import { userAddresses } from './addresses.js'
import { parseRelayConfig } from './config.js'
import { startRelay } from './relay.js'

function fail(message: string): never {
  process.stderr.write(`pigeon-relay: ${message}\n`)
  process.exit(2)
}

let outcome
try {
  outcome = parseRelayConfig(process.argv.slice(2), process.env)
} catch (error) {
  fail(isPigeonError(error) ? error.message : String(error))
}
if (outcome.kind === 'exit') {
  process.stdout.write(outcome.output)
  process.exit(outcome.code)
}
const config = outcome.config
const log = pino({ name: 'pigeon-relay', level: config.logLevel })

let relay
try {
  relay = await startRelay(config, log)
} catch (error) {
  // the cause in full for whoever debugs it; the person starting the relay gets one line
  log.debug({ err: error }, 'cannot start')
  fail(
    isPigeonError(error)
      ? error.message
      : `cannot start: ${(error as Error).message ?? String(error)}`,
  )
}
const running = relay
// stdout may be a pipe whose reader is gone (a supervisor or test that died): a failed log write
// must never keep the relay from stopping
process.stdout.on('error', () => undefined)
function safely(write: () => void): void {
  try {
    write()
  } catch {
    // nowhere left to report it
  }
}

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  safely(() => log.info({ event: 'signal', signal }, `${signal}: shutting down`))
  // a drain that hangs must not keep the process (and the systemd stop job) forever
  const timer = setTimeout(() => {
    safely(() => log.error({ event: 'shutdown_timeout' }, 'shutdown took too long; exiting'))
    process.exit(1)
  }, 20_000)
  timer.unref()
  try {
    await running.close()
    safely(() => {
      log.info({ event: 'stopped' }, 'stopped')
      log.flush()
    })
    process.exit(0)
  } catch (error) {
    safely(() => log.error({ err: error }, 'error while stopping'))
    process.exit(1)
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))

// only now that a signal stops us gracefully: a supervisor may send SIGTERM as soon as it reads
// the line below
const addresses = userAddresses(running.mqtt, running.relayId, {
  publicAddress: config.publicAddress,
})
const hint =
  config.publicAddress === undefined &&
  !running.mqtt.includes('127.0.0.1') &&
  !running.mqtt.includes('[::1]')
    ? ' (behind a NAT or with a DNS name? start with --public-address HOST)'
    : ''
// where we listen is printed whatever --log-level says (admins and supervisors read it)
log.child({}, { level: 'info' }).info(
  {
    event: 'listening',
    relayId: running.relayId,
    address: addresses[0],
    addresses,
    mqtt: running.mqtt,
    http: running.http,
    ws: running.ws,
    data: config.data,
    store: config.redis === undefined ? 'level' : 'redis',
    inviteOnly: config.inviteOnly,
  },
  `pigeon-relay ${running.relayId} listening on ${[running.mqtt, running.ws, running.http].filter(Boolean).join(', ')}; users enter ${addresses.join(' or ')}${hint}`,
)
