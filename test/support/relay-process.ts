// Starts the real `pigeon-relay` (relay/bin.ts, through tsx: entry-points.ts) as a child process with a temp data dir on
// loopback ports chosen by the relay (port 0), and reads its "listening" log line.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { RELAY_SOURCE } from './entry-points.js'

export interface RelayProcess {
  relayId: string
  mqtt: string
  http: string
  ws: string | undefined
  dataDir: string
  adminToken: string
  child: ChildProcess
  /** every JSON log line so far */
  logs: Array<Record<string, unknown>>
  stderr: () => string
  /** SIGTERM and wait; resolves with the exit code */
  stop(): Promise<number | null>
  /** SIGKILL and wait */
  kill9(): Promise<void>
  /** remove the data dir (after stop) */
  cleanup(): void
}

export interface StartRelayOptions {
  args?: string[]
  env?: Record<string, string>
  dataDir?: string
  timeoutMs?: number
  /** node arguments that run the relay: default the source (entry-points.ts) */
  entry?: string[]
  /** run inside a test namespace (e.g. the topology's public host); pass --host there in args */
  host?: { spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess }
}

const running = new Set<ChildProcess>()

// never leave a relay behind, even when a test forgets or crashes
function killAll(): void {
  for (const child of running) child.kill('SIGKILL')
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(1)
  })
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pigeon-relay-test-'))
}

function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

export async function startRelayProcess(options: StartRelayOptions = {}): Promise<RelayProcess> {
  const dataDir = options.dataDir ?? newDataDir()
  const args = [
    ...(options.entry ?? RELAY_SOURCE),
    '--data',
    dataDir,
    '--host',
    '127.0.0.1',
    '--mqtt-port',
    '0',
    '--http-port',
    '0',
    '--log-level',
    'info',
    ...(options.args ?? []),
  ]
  const spawnOptions: SpawnOptions = {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }
  const child =
    options.host !== undefined
      ? options.host.spawn(process.execPath, args, spawnOptions)
      : spawn(process.execPath, args, spawnOptions)
  running.add(child)
  child.once('exit', () => running.delete(child))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const logs: Array<Record<string, unknown>> = []
  const lines = createInterface({ input: child.stdout! })

  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`relay did not start within ${options.timeoutMs ?? 20000} ms\n${stderr}`)),
      options.timeoutMs ?? 20_000,
    )
    lines.on('line', (line) => {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      logs.push(entry)
      if (entry['event'] === 'listening') {
        clearTimeout(timer)
        resolve(entry)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`relay exited with ${code} before listening\n${stderr}`))
    })
  })

  return {
    relayId: listening['relayId'] as string,
    mqtt: listening['mqtt'] as string,
    http: listening['http'] as string,
    ws: listening['ws'] as string | undefined,
    dataDir,
    adminToken: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
    child,
    logs,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return await waitExit(child)
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await waitExit(child)
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Runs the relay expecting it to fail fast; resolves with exit code and stderr. */
export function runRelayExpectingExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [...RELAY_SOURCE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ code, stderr, stdout })
    }),
  )
}

/** Relay flags for tests about queues, not limits: no publish rate, and `queueCap` for the inbox and each sender's share of it. */
export function unthrottled(queueCap?: number): string[] {
  const rate = ['--publish-rate', '1000000', '--publish-burst', '1000000']
  return queueCap === undefined
    ? rate
    : [...rate, '--queue-cap', String(queueCap), '--sender-share', String(queueCap)]
}
