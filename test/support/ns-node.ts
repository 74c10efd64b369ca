// A real `pigeon start` inside a test namespace host, and its MessengerApi reached through
// test/support/api-bridge.ts running in the same namespace.
import { mkdtempSync, rmSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { ChildProcess } from 'node:child_process'
import type { MessengerApi } from '../../app/api/contract.js'
import { API_ENDPOINT_FILE } from '../../app/api/contract.js'
import { PIGEON_SOURCE } from './entry-points.js'
import type { LanHost } from './netns.js'

const ROOT = resolve(import.meta.dirname, '../..')
const BRIDGE = join(ROOT, 'test/support/api-bridge.ts')

export type NodeApi = Omit<MessengerApi, 'subscribe'>

export interface NsNode {
  readonly name: string
  readonly dataDir: string
  readonly host: LanHost
  peerId: string
  api: NodeApi
  child: ChildProcess
  /** SIGTERM, wait */
  stop(): Promise<void>
  /** SIGKILL, wait */
  kill9(): Promise<void>
  /** start again on the same data dir (after stop or kill9) */
  restart(): Promise<void>
  /** remove the data dir */
  cleanup(): void
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => child.once('exit', () => done()))
}

async function bridge(
  host: LanHost,
  dataDir: string,
): Promise<{ api: NodeApi; child: ChildProcess }> {
  const child = host.spawn(process.execPath, ['--import', 'tsx', BRIDGE, dataDir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    child.once('exit', (code) => {
      rejectReady(new Error(`api bridge exited (${code}): ${stderr}`))
      for (const call of pending.values()) call.reject(new Error(`api bridge exited: ${stderr}`))
      pending.clear()
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as {
        ready?: boolean
        id?: number
        ok?: boolean
        value?: unknown
        error?: { code: string; message: string }
      }
      if (message.ready === true) {
        resolveReady()
        return
      }
      const call = pending.get(message.id ?? -1)
      if (call === undefined) return
      pending.delete(message.id!)
      if (message.ok === true) call.resolve(message.value)
      else
        call.reject(
          Object.assign(new Error(message.error?.message ?? 'failed'), {
            code: message.error?.code,
          }),
        )
    })
  })
  await ready
  const api = new Proxy({} as NodeApi, {
    get:
      (_target, method: string) =>
      (...args: unknown[]) =>
        new Promise((resolveCall, rejectCall) => {
          const id = nextId++
          pending.set(id, { resolve: resolveCall, reject: rejectCall })
          child.stdin!.write(`${JSON.stringify({ id, method, args })}\n`)
        }),
  })
  return { api, child }
}

export async function startNsNode(
  host: LanHost,
  name: string,
  args: string[] = [],
  dataDir = mkdtempSync(join(tmpdir(), `pigeon-ns-${name}-`)),
): Promise<NsNode> {
  let node: { child: ChildProcess; bridge: ChildProcess } | undefined
  const launch = async (): Promise<void> => {
    rmSync(join(dataDir, API_ENDPOINT_FILE), { force: true }) // a killed node leaves a stale one
    const child = host.spawn(
      process.execPath,
      [...PIGEON_SOURCE, 'start', '--data', dataDir, '--name', name, ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PIGEON_LOG: 'warn' },
      },
    )
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 30_000
    while (!existsSync(join(dataDir, API_ENDPOINT_FILE))) {
      if (child.exitCode !== null) throw new Error(`pigeon start (${name}) exited: ${output}`)
      if (Date.now() > deadline)
        throw new Error(`pigeon start (${name}) wrote no api.json: ${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const connected = await bridge(host, dataDir)
    handle.api = connected.api
    handle.child = child
    handle.peerId = (await connected.api.me()).peerId
    node = { child, bridge: connected.child }
  }
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (node === undefined) return
    const { child, bridge: bridgeChild } = node
    node = undefined
    bridgeChild.kill('SIGKILL')
    child.kill(signal)
    await Promise.all([waitExit(child), waitExit(bridgeChild)])
  }
  const handle: NsNode = {
    name,
    dataDir,
    host,
    peerId: '',
    api: undefined as unknown as NodeApi,
    child: undefined as unknown as ChildProcess,
    stop: () => halt('SIGTERM'),
    kill9: () => halt('SIGKILL'),
    restart: launch,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  }
  await launch()
  return handle
}
