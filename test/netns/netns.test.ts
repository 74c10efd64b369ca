// The namespace LAN harness itself: hosts reach each other by unicast and multicast, nothing of
// the LAN appears in the root namespace, a cut link drops traffic, destroy() removes everything.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createLan, type LanHost } from '../support/netns.js'

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
}

/** Runs a tiny node program inside a host; resolves with its stdout once it exits. */
function runNode(host: LanHost, source: string, args: string[] = []): Promise<string> {
  const child = host.spawn(process.execPath, ['-e', source, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`)),
    )
  })
}

const udpListener = `
const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true })
s.bind(15353, () => { s.addMembership('224.0.0.251'); console.log('ready') })
s.on('message', (m) => { console.log(String(m)); process.exit(0) })
setTimeout(() => process.exit(3), 10000)`

const udpSender = `
const s = require('node:dgram').createSocket('udp4')
const send = () => s.send('hello from ' + process.argv[1], 15353, '224.0.0.251')
send(); setInterval(send, 100); setTimeout(() => process.exit(0), 3000)`

test('a 3-host LAN: unicast and multicast inside, nothing in the root namespace', async (t) => {
  const lan = await createLan({ hosts: 3 })
  t.after(() => lan.destroy())

  assert.equal(lan.hosts.length, 3)
  assert.deepEqual(
    lan.hosts.map((h) => h.address),
    ['10.77.0.1', '10.77.0.2', '10.77.0.3'],
  )
  const rootAddresses = execFileSync('ip', ['-o', 'addr'], { encoding: 'utf8' })
  assert.doesNotMatch(
    rootAddresses,
    /10\.77\./,
    'the LAN subnet must not exist in the root namespace',
  )

  // unicast TCP from host 1 to host 0
  const server = lan.hosts[0]!.spawn(
    process.execPath,
    [
      '-e',
      `require('node:net').createServer((c) => { c.end('pong'); process.exit(0) }).listen(7000, () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise((resolve) => server.stdout?.once('data', resolve))
  const reply = await runNode(
    lan.hosts[1]!,
    `require('node:net').connect(7000, '10.77.0.1').on('data', (d) => { console.log(String(d)); process.exit(0) })`,
  )
  assert.equal(reply.trim(), 'pong')

  // multicast from host 0 reaches hosts 1 and 2
  const listeners = [lan.hosts[1]!, lan.hosts[2]!].map((host) => runNode(host, udpListener))
  const sender = runNode(lan.hosts[0]!, udpSender, ['h0'])
  const heard = await Promise.all(listeners)
  await sender
  for (const out of heard) assert.match(out, /hello from h0/)
})

test('cutLink drops traffic to a host, restoreLink brings it back', async (t) => {
  const lan = await createLan({ hosts: 2 })
  t.after(() => lan.destroy())
  const probe = `
const s = require('node:net').connect({ host: '10.77.0.1', port: 7001, timeout: 1500 })
s.on('connect', () => { console.log('connected'); process.exit(0) })
s.on('timeout', () => { console.log('timeout'); process.exit(0) })
s.on('error', (e) => { console.log(e.code); process.exit(0) })`
  const server = lan.hosts[0]!.spawn(
    process.execPath,
    [
      '-e',
      `require('node:net').createServer((c) => c.end()).listen(7001, () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise((resolve) => server.stdout?.once('data', resolve))

  assert.equal((await runNode(lan.hosts[1]!, probe)).trim(), 'connected')
  await lan.cutLink(lan.hosts[0]!)
  assert.notEqual((await runNode(lan.hosts[1]!, probe)).trim(), 'connected')
  await lan.restoreLink(lan.hosts[0]!)
  assert.equal((await runNode(lan.hosts[1]!, probe)).trim(), 'connected')
})

test('destroy removes every namespace of the LAN and kills its processes', async () => {
  const lan = await createLan({ hosts: 2 })
  const names = [lan.switchNamespace, ...lan.hosts.map((h) => h.namespace)]
  for (const name of names) assert.ok(namespaces().includes(name))
  const sleeper = lan.hosts[0]!.spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
  const exited = new Promise((resolve) => sleeper.once('exit', resolve))
  await lan.destroy()
  await exited
  for (const name of names) assert.ok(!namespaces().includes(name), `${name} still exists`)
})

test('two LANs at once do not collide', async (t) => {
  const [a, b] = await Promise.all([createLan({ hosts: 1 }), createLan({ hosts: 1 })])
  t.after(async () => {
    await a.destroy()
    await b.destroy()
  })
  assert.notEqual(a.switchNamespace, b.switchNamespace)
  assert.equal(a.hosts[0]!.address, b.hosts[0]!.address)
})
