// The namespace topology itself: what can reach what. The product tests over it are in
// test/paths/*.test.ts.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTopology, PUBLIC_RELAY_ADDRESS, type Topology } from '../support/topology.js'

let net: Topology

before(async () => {
  net = await createTopology()
})

after(async () => {
  await net.destroy()
})

async function reaches(
  from: { exec: (c: string, a: string[]) => Promise<string> },
  address: string,
): Promise<boolean> {
  try {
    await from.exec('ping', ['-c', '1', '-W', '1', address])
    return true
  } catch {
    return false
  }
}

test('both LANs reach the relay through their NAT; the LANs cannot reach each other', async () => {
  assert.equal(await reaches(net.a1, PUBLIC_RELAY_ADDRESS), true)
  assert.equal(await reaches(net.b1, PUBLIC_RELAY_ADDRESS), true)
  assert.equal(await reaches(net.a1, net.a2.address), true)
  assert.equal(await reaches(net.a1, net.b1.address), false)
  assert.equal(await reaches(net.b1, net.a2.address), false)
})

test('cutting the direct a1–a2 link keeps both on the relay, and restoring it brings it back', async () => {
  await net.cutDirect()
  assert.equal(await reaches(net.a1, net.a2.address), false)
  assert.equal(await reaches(net.a2, PUBLIC_RELAY_ADDRESS), true)
  await net.restoreDirect()
  assert.equal(await reaches(net.a1, net.a2.address), true)
})
