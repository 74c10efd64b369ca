// relay/write-batch.ts on real loopback sockets: packets written on successive event-loop turns
// (as aedes writes a queue drain, one per turn) leave in a few socket writes, in order, and
// nothing corked is lost or stuck: a lone packet goes out, a full buffer still drains, and a
// destroy right after a write (aedes closing a refused client after its CONNACK) delivers it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket, type AddressInfo } from 'node:net'
import { batchWrites } from '../../relay/write-batch.js'

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** a loopback pair: the server side (batched) and what the client side has read */
async function pair(): Promise<{ server: Socket; received: () => Buffer; close: () => void }> {
  const listener = createServer()
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve))
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1')
  const chunks: Buffer[] = []
  client.on('data', (chunk: Buffer) => chunks.push(chunk))
  client.on('error', () => undefined)
  const server = await accepted
  server.on('error', () => undefined)
  batchWrites(server)
  return {
    server,
    received: () => Buffer.concat(chunks),
    close: () => {
      client.destroy()
      server.destroy()
      listener.close()
    },
  }
}

/** counts the socket writes the stream hands to the system (Node's _write / _writev) */
function countWrites(socket: Socket): () => number {
  let calls = 0
  const internals = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name].bind(socket)
    internals[name] = (...args: unknown[]) => {
      calls++
      original(...args)
    }
  }
  return () => calls
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

test('packets written one per turn leave in a few socket writes, in order', async () => {
  const { server, received, close } = await pair()
  const writes = countWrites(server)
  const expected: Buffer[] = []
  for (let i = 0; i < 60; i++) {
    const packet = Buffer.alloc(200, i)
    expected.push(packet)
    server.write(packet)
    await turn()
  }
  const all = Buffer.concat(expected)
  await until(() => received().length >= all.length)
  assert.deepEqual(received(), all)
  // one per packet without the batching; MAX_TURNS (32) packets per write with it
  assert.ok(writes() <= 3, `${writes()} socket writes for 60 packets`)
  close()
})

test('a lone packet is sent without waiting for more', async () => {
  const { server, received, close } = await pair()
  server.write(Buffer.from('connack'))
  await until(() => received().length === 7)
  assert.equal(received().toString(), 'connack')
  close()
})

test('a write followed at once by destroy is still delivered', async () => {
  const { server, received, close } = await pair()
  server.write(Buffer.from([0x20, 2, 0, 5])) // a refusing CONNACK
  server.destroy()
  await until(() => received().length === 4)
  assert.deepEqual([...received()], [0x20, 2, 0, 5])
  close()
})

test('a full buffer is flushed, so the drain a writer waits for comes', async () => {
  const { server, received, close } = await pair()
  const big = Buffer.alloc(server.writableHighWaterMark, 1)
  let ok = true
  let sent = 0
  while (ok) {
    ok = server.write(big)
    sent += big.length
  }
  await new Promise<void>((resolve) => server.once('drain', resolve))
  await until(() => received().length === sent)
  close()
})
