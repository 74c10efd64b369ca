// The start-up check for the aedes seams (docs/relay.md "The aedes seams"). The files in this
// folder depend on aedes internals that are no API: the order of steps in the PUBLISH handler,
// the broker's packet counter, `clients`, `persistence` and `mq`, and mqtt-packet's parser inside
// each client. package.json pins aedes to one version; this refuses to run if the aedes that is
// actually loaded is not that version, or if any source file those patches were read against has
// changed (a patched install, a different build), or if a broker lacks a field they use. An
// upgrade means: read the files again, confirm each patch still holds, then update the hashes.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PigeonError } from '../../shared/errors.js'

export const AEDES_VERSION = '1.2.0'

/** sha256 of each aedes file a patch here was written against (paths relative to the package) */
export const AEDES_SOURCES: Readonly<Record<string, string>> = {
  // ack-after-store.ts: broker.publish, publishFuncsQoS, mq.emit, counter, clients
  'aedes.js': '5b4b483b749c0eb5e932dbee0718eab871dfca0a9a2ddec6c335ff28b9bd2325',
  // ack-after-store.ts: authorizePublish, then PUBACK-and-publish, in series on one packet
  'lib/handlers/publish.js': '7cd015f9cc71c88e39dd87d6c2e7b05e6fcd47e1b54c0b234bc71a026df10475',
  // ack-after-store.ts: write() defers its callback with setImmediate
  'lib/write.js': 'affdb5d157bbf358077ff59628c1bcf1cac70ec2b0b247f538e4a7ec74131e4f',
  // packet-guards.ts: client._parser, client.conn; the concurrent handling of one read
  'lib/client.js': '7a9961477a92db79e7657d229c4ae3e8024723c7cc07ece28aded3494d07c79c',
  // the offline drain (emptyQueue) and session restore the stores serve
  'lib/handlers/connect.js': 'c522097e13a72a63478583cab8f521d1c2549ae117333bd3c0db5a65be4f4f60',
  // packet-guards.ts (the granted QoS), subscriptions.ts, retained-streams.ts
  'lib/handlers/subscribe.js': 'e30405a3a906bbf51567d17f0b814c741b47e21a119ccb35d8002ef70c569f3a',
}

/** packet-guards.ts replaces the parser's _resetState and its list with bl's plain BufferList */
export const PARSER_SOURCES: Readonly<Record<string, string>> = {
  'mqtt-packet/parser.js': 'bde1d714e10bf2f3a087c3a49587a67c4885fb89060e0892f62ef042d4769d65',
  'bl/BufferList.js': '213b228bcd49a6d061b0827b3a98e867f378b1aa4ef2f66e9af938c9c164a94e',
}

function mismatch(detail: string): PigeonError {
  return new PigeonError(
    'RELAY_AEDES_MISMATCH',
    `The installed aedes is not the one pigeon-relay's patches were written for (${detail}). Install aedes ${AEDES_VERSION} exactly (npm ci), or review relay/aedes/ against the new version before changing its pins.`,
  )
}

/** where the aedes package that `import 'aedes'` loads lives */
export function aedesRoot(): string {
  // aedes' exports map hides package.json; its main module sits at the package root
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('aedes'))
}

/** Checks the aedes package on disk: version and the source files the patches depend on. */
export function checkAedesSources(root: string = aedesRoot()): void {
  let version: unknown
  try {
    version = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }
    ).version
  } catch {
    throw mismatch(`no readable package.json in ${root}`)
  }
  if (version !== AEDES_VERSION) throw mismatch(`version ${String(version)}`)
  for (const [file, expected] of Object.entries(AEDES_SOURCES)) {
    let text: Buffer
    try {
      text = readFileSync(join(root, file))
    } catch {
      throw mismatch(`${file} is missing`)
    }
    if (createHash('sha256').update(text).digest('hex') !== expected)
      throw mismatch(`${file} differs from aedes ${AEDES_VERSION}`)
  }
}

/** Checks the parser files packet-guards.ts was written against, resolved the way aedes does. */
export function checkParserSources(root: string = aedesRoot()): void {
  const fromAedes = createRequire(join(root, 'aedes.js'))
  const parser = fromAedes.resolve('mqtt-packet/parser.js')
  const files: Record<string, string> = {
    'mqtt-packet/parser.js': parser,
    'bl/BufferList.js': createRequire(parser).resolve('bl/BufferList.js'),
  }
  for (const [name, path] of Object.entries(files))
    if (createHash('sha256').update(readFileSync(path)).digest('hex') !== PARSER_SOURCES[name])
      throw mismatch(`${name} differs from the one aedes ${AEDES_VERSION} was checked with`)
}

/** Checks a created broker has the fields the patches use. */
export function checkBroker(broker: unknown): void {
  const b = broker as Record<string, unknown>
  const mq = b.mq as Record<string, unknown> | undefined
  const missing = [
    typeof b.id === 'string' ? undefined : 'id',
    typeof b.counter === 'number' ? undefined : 'counter',
    typeof b.clients === 'object' && b.clients !== null ? undefined : 'clients',
    typeof b.persistence === 'object' && b.persistence !== null ? undefined : 'persistence',
    typeof b.authorizePublish === 'function' ? undefined : 'authorizePublish',
    typeof b.publish === 'function' ? undefined : 'publish',
    typeof mq?.emit === 'function' ? undefined : 'mq.emit',
  ].filter((name) => name !== undefined)
  if (missing.length > 0) throw mismatch(`the broker has no ${missing.join(', ')}`)
}
