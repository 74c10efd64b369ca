// Runs inside a test namespace next to a `pigeon start` and relays MessengerApi calls for the
// test process in the root namespace (which cannot reach 127.0.0.1 of another namespace):
// one JSON line in {id, method, args}, one JSON line out {id, ok, value | error}.
import '../../shared/polyfills.js'
import { createInterface } from 'node:readline'
import { connectToDataDir } from '../../app/api/discover.js'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('usage: api-bridge.ts <data dir>')
const api = (await connectToDataDir(dataDir)) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method, args } = JSON.parse(line) as { id: number; method: string; args: unknown[] }
  const call = api[method]
  const reply = (body: object): void => void process.stdout.write(`${JSON.stringify({ id, ...body })}\n`)
  if (typeof call !== 'function') {
    reply({ ok: false, error: { code: 'API_NOT_FOUND', message: `no method ${method}` } })
    return
  }
  call.apply(api, args).then(
    (value) => reply({ ok: true, value: value ?? null }),
    (error: { code?: string; message?: string }) => reply({ ok: false, error: { code: error.code ?? 'ERROR', message: error.message ?? String(error) } }),
  )
})
