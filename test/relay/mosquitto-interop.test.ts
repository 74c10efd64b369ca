// Interop with an independent MQTT implementation: Debian's mosquitto_pub / mosquitto_sub log in
// with a relay token as the password (the token is ASCII, so -P takes it), publish and subscribe
// as the ACL allows, and are refused without a token or outside the ACL.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { URL } from 'node:url'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { inboxTopic, presenceTopic } from '../../shared/topics.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { closeAll, collect, connectAs } from '../support/mqtt-clients.js'

let relay: RelayProcess
let port: string
let alice: Identity
let bob: Identity

before(async () => {
  relay = await startRelayProcess()
  port = new URL(relay.mqtt).port
  ;[alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
})
after(async () => {
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[], options: { timeoutMs?: number } = {}): Promise<Run> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000)
  return new Promise<Run>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
}

async function login(who: Identity): Promise<string[]> {
  return [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '-V',
    'mqttv311',
    '-i',
    who.peerId,
    '-u',
    who.peerId,
    '-P',
    await createRelayToken(who, relay.relayId),
  ]
}

test('mosquitto_sub collects from its own inbox what mosquitto_pub sent while it was away', async () => {
  // -c: persistent session; -E: exit once the SUBACK arrives (stdout is buffered when piped, so
  // its debug output cannot tell us when it is subscribed)
  const first = await run('mosquitto_sub', [
    ...(await login(bob)),
    '-c',
    '-q',
    '1',
    '-E',
    '-t',
    inboxTopic(bob.peerId),
  ])
  assert.equal(first.code, 0, first.stderr)
  const pub = await run('mosquitto_pub', [
    ...(await login(alice)),
    '-q',
    '1',
    '-t',
    inboxTopic(bob.peerId),
    '-m',
    'hello from mosquitto',
  ])
  assert.equal(pub.code, 0, pub.stderr)
  const again = await run('mosquitto_sub', [
    ...(await login(bob)),
    '-c',
    '-q',
    '1',
    '-C',
    '1',
    '-W',
    '10',
    '-t',
    inboxTopic(bob.peerId),
  ])
  assert.equal(again.code, 0, again.stderr)
  assert.equal(again.stdout.trim(), 'hello from mosquitto')
})

test('mosquitto_pub without a token is refused: no credential for this relay (CONNACK 4)', async () => {
  const pub = await run('mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '-V',
    'mqttv311',
    '-i',
    alice.peerId,
    '-u',
    alice.peerId,
    '-q',
    '1',
    '-t',
    inboxTopic(bob.peerId),
    '-m',
    'x',
  ])
  assert.notEqual(pub.code, 0)
  assert.match(pub.stderr + pub.stdout, /bad user name or password/i) // docs/protocol.md §5 "Refusals"
})

test("mosquitto_sub is denied another's inbox", async () => {
  const sub = await run('mosquitto_sub', [
    ...(await login(alice)),
    '-d',
    '-q',
    '1',
    '-W',
    '5',
    '-t',
    inboxTopic(bob.peerId),
  ])
  assert.match(sub.stdout + sub.stderr, /denied|128|0x80/i)
})

test("mosquitto_pub cannot forge another's presence; a watching mqtt.js client sees nothing", async () => {
  const watcher = await connectAs(relay.mqtt, bob, relay.relayId, { clean: true })
  const seen = collect(watcher)
  await watcher.subscribeAsync(presenceTopic(bob.peerId), { qos: 1 })
  await run('mosquitto_pub', [
    ...(await login(alice)),
    '-q',
    '1',
    '-r',
    '-t',
    presenceTopic(bob.peerId),
    '-m',
    'offline',
  ])
  // the owner's own presence still goes through, so the watcher is live
  await watcher.publishAsync(presenceTopic(bob.peerId), 'online', { qos: 1, retain: true })
  await seen.waitFor(1)
  await new Promise((r) => setTimeout(r, 200))
  assert.deepEqual(
    seen.messages.map((m) => m.payload.toString()),
    ['online'],
  )
})
