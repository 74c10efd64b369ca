// Files through the relay (docs/protocol.md §12 "In the app"): real `pigeon start` processes
// (mDNS off, on 127.0.0.1, never connected directly, so only the relay reaches the other) and a
// real relay process. Ada sends to Bo while Bo is offline; Ada is killed with SIGKILL in the
// middle of the upload and resumes it after her restart; the relay refuses a file over its blob
// size and one over her quota, and Ada sees each as a failed transfer with the relay's code. Bo
// comes online, accepts, is killed with SIGKILL in the middle of the download, and resumes from
// what verifies on disk. Each node reaches the relay's HTTP port through a counting proxy
// (relay-proxy.ts) that holds the traffic at a chosen byte, so the kills land mid-transfer and the
// bytes sent twice are measured on the wire.
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { connectToDataDir } from '../../app/api/discover.js'
import type { ApiClient } from '../../app/api/client.js'
import { BLOB_CHUNK_BYTES, BLOB_TAG_BYTES, encryptedSize } from '../../shared/blob-stream.js'
import { startPigeon, tempDataDir, type PigeonProcess } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { startRelayProcess } from '../support/relay-process.js'
import { randomFile, sha256File } from './harness.js'
import { relayHasNoBlob } from './relay-nodes.js'
import { HoldProxy } from './relay-proxy.js'

const MiB = 1024 * 1024
const SIZE = 16 * MiB
const SEALED_CHUNK = BLOB_CHUNK_BYTES + BLOB_TAG_BYTES
// HTTP request and response heads: well under 1 KiB per request, one request per chunk
const HEADS = 64 * 1024

async function kill9(node: PigeonProcess): Promise<void> {
  node.child.kill('SIGKILL')
  await node.exited
}

/** SIGKILL, then let the held traffic go and start the node again on the same data dir */
async function killAndRestart(
  t: TestContext,
  node: PigeonProcess,
  wire: HoldProxy,
  args: string[],
): Promise<ApiClient> {
  await kill9(node)
  wire.release()
  await startPigeon(t, node.dataDir, args)
  return await connectToDataDir(node.dataDir)
}

async function transferOf(api: ApiClient, id: string) {
  return (await api.transfers()).find((v) => v.id === id)
}

test('an offline receiver gets a file through a relay blob; both sides survive a kill -9 mid-transfer', async (t: TestContext) => {
  const relay = await startRelayProcess({
    args: ['--blob-max-bytes', String(20 * MiB), '--blob-quota-bytes', String(28 * MiB)],
  })
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  const address = `${relay.mqtt}#${relay.relayId}`
  const relayPort = Number(new URL(relay.http).port)
  const adaWire = await HoldProxy.start(relayPort)
  const boWire = await HoldProxy.start(relayPort)
  t.after(() => Promise.all([adaWire.stop(), boWire.stop()]))
  const dir = tempDataDir(t, 'files')
  const source = join(dir, 'main.bin')
  await randomFile(source, SIZE)
  await randomFile(join(dir, 'big.bin'), 24 * MiB)
  await randomFile(join(dir, 'second.bin'), 14 * MiB)
  const target = join(dir, 'in')

  // Bo connects once (the relay keeps his session and queues for him), then goes offline
  const boData = tempDataDir(t, 'bo')
  const boArgs = ['--name', 'Bo', '--relay', address]
  let bo = await startPigeon(t, boData, boArgs)
  let boApi = await connectToDataDir(boData)
  await boApi.setSetting('files.relayBlobUrl', boWire.url)
  await eventually(async () => (await boApi.relayStatus()).state === 'connected', 'Bo on the relay')
  await kill9(bo)

  const adaData = tempDataDir(t, 'ada')
  const adaArgs = ['--name', 'Ada', '--relay', address]
  const ada = await startPigeon(t, adaData, adaArgs)
  let adaApi = await connectToDataDir(adaData)
  await adaApi.setSetting('files.relayBlobUrl', adaWire.url)
  adaWire.holdAfter('up', 6 * MiB)
  const [sent] = await adaApi.sendFiles(bo.peerId, [source])
  assert.equal(sent!.state, 'transferring', 'uploading to the relay first')
  await eventually(async () => adaWire.held('up'), 'the upload reaches 6 MiB')
  adaApi = await killAndRestart(t, ada, adaWire, adaArgs)
  await eventually(
    async () => (await transferOf(adaApi, sent!.id))?.state === 'offered',
    'the upload resumed and finished; the offer is on its way',
  )
  const blobBytes = encryptedSize(SIZE)
  const uploadedTwice = adaWire.bytes.up - blobBytes
  assert.ok(
    uploadedTwice >= 0 && uploadedTwice <= 2 * SEALED_CHUNK + HEADS,
    `uploaded ${uploadedTwice} bytes twice`,
  )

  // the relay's limits reach the sender as failed transfers with the relay's code and sentence
  const [big, second] = await adaApi.sendFiles(bo.peerId, [
    join(dir, 'big.bin'),
    join(dir, 'second.bin'),
  ])
  await eventually(async () => {
    const views = await adaApi.transfers()
    return [big, second].every((s) => views.find((v) => v.id === s!.id)?.state === 'failed')
  }, 'both refused')
  const views = await adaApi.transfers()
  assert.match(views.find((v) => v.id === big!.id)!.error ?? '', /^BLOB_TOO_LARGE: \S/)
  assert.match(views.find((v) => v.id === second!.id)!.error ?? '', /^BLOB_QUOTA_EXCEEDED: \S/)
  const messages = await adaApi.history(bo.peerId)
  assert.deepEqual(
    [big, second].map((s) => messages.find((m) => m.id === s!.message)?.state),
    ['failed', 'failed'],
    'their file messages fail with them',
  )

  // Bo comes online, accepts, and is killed in the middle of the download
  boWire.holdAfter('down', 5 * MiB)
  bo = await startPigeon(t, boData, boArgs)
  boApi = await connectToDataDir(boData)
  await eventually(
    async () => (await transferOf(boApi, sent!.id))?.state === 'offered',
    'the offer reaches Bo through the relay',
  )
  await boApi.acceptTransfer(sent!.id, target)
  const partial = join(target, '.pigeon-partial', sent!.id, 'main.bin')
  await eventually(
    // 5 MiB on the wire is 4 whole sealed chunks and part of the 5th: once the 4 are written,
    // nothing Bo holds in his buffers is unwritten but the cut chunk
    async () => boWire.held('down') && (await stat(partial)).size >= 4 * MiB,
    'Bo has written what came through',
  )
  const downloadedBefore = boWire.bytes.down
  boApi = await killAndRestart(t, bo, boWire, boArgs)
  await eventually(
    async () => (await transferOf(boApi, sent!.id))?.state === 'done',
    'the download resumed after the restart and finished',
    120_000,
  )
  assert.equal(await sha256File(join(target, 'main.bin')), await sha256File(source))
  const downloadedTwice = boWire.bytes.down - blobBytes
  assert.ok(downloadedBefore < blobBytes, 'the kill came before the end')
  assert.ok(
    downloadedTwice >= 0 && downloadedTwice <= 2 * SEALED_CHUNK + HEADS,
    `downloaded ${downloadedTwice} bytes twice`,
  )

  // Bo said he has it: the relay deletes the blob, and that is Ada's durable "done"
  await eventually(() => relayHasNoBlob(relay), 'the blob is gone from the relay')
  await eventually(
    async () => (await transferOf(adaApi, sent!.id))?.state === 'done',
    'Ada sees it done',
  )
})
