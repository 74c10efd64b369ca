// Cluster mode with a shared blob directory (docs/relay.md "Cluster mode", "File blobs"): a file
// uploaded through node A is resumed, downloaded and deleted through node B, and a token spent
// on one node is refused on the other.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { blobRequest, createBlob, putPiece } from '../support/blob-client.js'
import { startRelayCluster, type RelayCluster } from '../support/relay-cluster.js'

const blobDir = mkdtempSync(join(tmpdir(), 'pigeon-blobs-shared-'))
let cluster: RelayCluster
let alice: Identity
let bob: Identity

before(async () => {
  ;[alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
  cluster = await startRelayCluster(['--blob-dir', blobDir])
})

after(async () => {
  await cluster.stop()
  rmSync(blobDir, { recursive: true, force: true })
})

test('a blob uploaded through one node is resumed, read and deleted through the other', async () => {
  const { nodeA, nodeB } = cluster
  const bytes = randomBytes(3000)
  const { id } = (await (await createBlob(nodeA, alice, bytes.length, [bob.peerId])).json()) as {
    id: string
  }
  assert.equal((await putPiece(nodeA, alice, id, 0, bytes.subarray(0, 1000))).status, 200)
  const status = (await (await blobRequest(nodeB, alice, `/blobs/${id}/status`)).json()) as {
    received: number
  }
  assert.equal(status.received, 1000)
  assert.equal((await putPiece(nodeB, alice, id, 1000, bytes.subarray(1000))).status, 200)
  const download = await blobRequest(nodeB, bob, `/blobs/${id}`, {
    headers: { range: 'bytes=1000-' },
  })
  assert.equal(download.status, 206)
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes.subarray(1000))

  const token = await createRelayToken(bob, nodeA.relayId)
  const headers = { authorization: `Pigeon ${bob.peerId} ${token}` }
  assert.equal((await fetch(`${nodeA.http}/blobs/${id}/status`, { headers })).status, 200)
  const replayed = await fetch(`${nodeB.http}/blobs/${id}/status`, { headers })
  assert.equal(((await replayed.json()) as { code: string }).code, 'TOKEN_REPLAYED')

  assert.deepEqual(
    await (await blobRequest(nodeB, bob, `/blobs/${id}`, { method: 'DELETE' })).json(),
    { deleted: true },
  )
  assert.equal((await blobRequest(nodeA, alice, `/blobs/${id}/status`)).status, 404)
  assert.deepEqual(readdirSync(blobDir), [])
})
