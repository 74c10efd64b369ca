import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { generateIdentity } from '../../../shared/identity.js'
import { createLan, type Lan, type LanHost } from '../../../test/support/netns.js'
import { startRelayProcess, type RelayProcess } from '../../../test/support/relay-process.js'
import { parseRelayAddress } from '../relay/url.js'
import type { Finding } from './checks.js'
import { checkRelay } from './relay.js'

let lan: Lan
let relay: RelayProcess
const identity = await generateIdentity()

before(async () => {
  lan = await createLan({ hosts: 3, subnet: '10.78.0' })
  relay = await startRelayProcess()
})

after(async () => {
  await lan.destroy()
  await relay.stop()
  relay.cleanup()
})

async function probe(host: LanHost, request: object): Promise<Finding[]> {
  const out = await host.exec(process.execPath, [
    '--import',
    'tsx',
    'test/support/doctor-probe.ts',
    JSON.stringify(request),
  ])
  return JSON.parse(out) as Finding[]
}

function peer(addresses: string[]) {
  return { peerId: '12D3KooWPeerUnderTest', name: 'Bob', online: [], addresses }
}

test('multicast works on a LAN interface with a multicast route', async () => {
  const [found] = await probe(lan.hosts[0]!, { check: 'multicast' })
  assert.equal(found?.verdict, 'ok', found?.message)
  assert.match(found?.message ?? '', /eth0/)
})

test('an interface without a multicast route is named as the reason discovery fails', async () => {
  const host = lan.hosts[2]!
  await host.exec('ip', ['route', 'del', '224.0.0.0/4'])
  try {
    const [found] = await probe(host, { check: 'multicast' })
    assert.equal(found?.verdict, 'fail')
    assert.match(found?.message ?? '', /multicast route/)
  } finally {
    await host.exec('ip', ['route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
  }
})

test('a peer whose Pigeon is not running: nothing listens on its port', async () => {
  const findings = await probe(lan.hosts[0]!, {
    check: 'peer',
    relay: false,
    peer: peer([`/ip4/${lan.hosts[1]!.address}/tcp/4719/p2p/x`]),
  })
  assert.equal(findings[0]?.verdict, 'fail')
  assert.match(findings[0]?.message ?? '', /Nothing listens at .*:4719/)
})

test('a firewall dropping the peer’s port is told apart from a stopped peer', async () => {
  const target = lan.hosts[1]!
  await target.exec('nft', ['add', 'table', 'inet', 'doctortest'])
  await target.exec('nft', [
    'add chain inet doctortest input { type filter hook input priority 0; policy accept; }',
  ])
  await target.exec('nft', [
    'add',
    'rule',
    'inet',
    'doctortest',
    'input',
    'tcp',
    'dport',
    '4719',
    'drop',
  ])
  try {
    const findings = await probe(lan.hosts[0]!, {
      check: 'peer',
      relay: true,
      peer: peer([`/ip4/${target.address}/tcp/4719/p2p/x`]),
    })
    assert.equal(findings[0]?.check, 'firewall')
    assert.match(findings[0]?.message ?? '', /firewall/)
  } finally {
    await target.exec('nft', ['delete', 'table', 'inet', 'doctortest'])
  }
})

test('a peer last seen on another subnet is explained: mDNS does not cross routers', async () => {
  const findings = await probe(lan.hosts[0]!, {
    check: 'peer',
    relay: false,
    peer: peer(['/ip4/10.99.5.7/tcp/4001/p2p/x']),
  })
  assert.equal(findings[0]?.check, 'subnet')
  assert.match(findings[0]?.message ?? '', /another subnet/)
  assert.match(findings[0]?.message ?? '', /relay/)
})

test('a peer never seen on the LAN', async () => {
  const findings = await probe(lan.hosts[0]!, { check: 'peer', relay: false, peer: peer([]) })
  assert.equal(findings[0]?.verdict, 'fail')
  assert.match(findings[0]?.message ?? '', /never been seen/)
})

test('relay: accepted, not running, and a wrong clock measured in minutes', async () => {
  const address = parseRelayAddress(`${relay.mqtt}#${relay.relayId}`)
  const good = await checkRelay({ address, identity, linkConnected: false })
  assert.equal(good[0]?.verdict, 'ok', good[0]?.message)

  const port = new URL(relay.mqtt).port
  const absent = await checkRelay({
    address: parseRelayAddress(`mqtt://127.0.0.1:1#${relay.relayId}`),
    identity,
    linkConnected: false,
  })
  assert.match(absent[0]?.message ?? '', /Nothing listens/)
  assert.notEqual(port, '1')

  const fast = await checkRelay({
    address,
    identity,
    linkConnected: false,
    now: () => Date.now() + 10 * 60_000,
  })
  assert.equal(fast[0]?.verdict, 'fail')
  assert.match(fast[0]?.message ?? '', /clock is about (8|12) minutes ahead of/)
  assert.equal(fast[1]?.check, 'clock')

  const stranger = await generateIdentity()
  const wrongRelay = await checkRelay({
    address: parseRelayAddress(`${relay.mqtt}#${stranger.peerId}`),
    identity,
    linkConnected: false,
  })
  assert.match(
    wrongRelay[0]?.message ?? '',
    /not the relay named after "#" in the address: the relay id is wrong/,
  )
})
