// Runs inside a test namespace next to a `pigeon start` and relays MessengerApi calls for the
// test process in the root namespace (which cannot reach 127.0.0.1 of another namespace):
// one JSON line in {id, method, args}, one JSON line out {id, ok, value | error}.
import '../../shared/polyfills.js'
import { createInterface } from 'node:readline'
import type { MessageView, MessengerApi } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('usage: api-bridge.ts <data dir>')
const api = (await connectToDataDir(dataDir)) as unknown as Record<
  string,
  (...args: unknown[]) => Promise<unknown>
>

// For benchmarks: send, and answer when the message is delivered (the receiver stored it and its
// ack or receipt came back), with the time it took on this host's clock and the path it took.
const waiting = new Map<string, (message: MessageView) => void>()
const early = new Map<string, MessageView>()
;(api as unknown as MessengerApi).subscribe((event) => {
  // a receipt can overtake the ack and mark it delivered before the path is known: wait for the path
  if (
    event.type !== 'message-state' ||
    event.message.state !== 'delivered' ||
    event.message.path === null
  )
    return
  const done = waiting.get(event.message.id)
  if (done === undefined) early.set(event.message.id, event.message)
  else done(event.message)
})
api['sendTimed'] = async (peer: unknown, text: unknown) => {
  const started = performance.now()
  const sent = await (api as unknown as MessengerApi).send(peer as string, text as string)
  const delivered =
    early.get(sent.id) ??
    (await new Promise<MessageView>((resolve) => waiting.set(sent.id, resolve)))
  waiting.delete(sent.id)
  early.delete(sent.id)
  return { id: sent.id, ms: performance.now() - started, path: delivered.path, at: Date.now() }
}
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method, args } = JSON.parse(line) as { id: number; method: string; args: unknown[] }
  const call = api[method]
  const reply = (body: object): void =>
    void process.stdout.write(`${JSON.stringify({ id, ...body })}\n`)
  if (typeof call !== 'function') {
    reply({ ok: false, error: { code: 'API_NOT_FOUND', message: `no method ${method}` } })
    return
  }
  call.apply(api, args).then(
    (value) => reply({ ok: true, value: value ?? null }),
    (error: { code?: string; message?: string }) =>
      reply({
        ok: false,
        error: { code: error.code ?? 'ERROR', message: error.message ?? String(error) },
      }),
  )
})
