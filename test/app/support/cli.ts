// Runs the real `pigeon` command for tests in the root namespace: mDNS off (PIGEON_MDNS=off),
// LAN on 127.0.0.1 only, peers linked with --connect. Every process is killed in t.after.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { promisify } from 'node:util'
import { PIGEON_SOURCE } from '../../support/entry-points.js'

const run = promisify(execFile)

export const CLI_ENV = {
  ...process.env,
  PIGEON_MDNS: 'off',
  PIGEON_LISTEN_HOST: '127.0.0.1',
  PIGEON_HOME: '',
}

export interface PigeonProcess {
  dataDir: string
  peerId: string
  /** the LAN listen address, …/p2p/<PeerId> */
  address: string
  apiUrl: string
  stdout: string
  child: ChildProcess
  /** resolves with the exit code */
  exited: Promise<number | null>
}

export function tempDataDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pigeon-cli-${name}-`))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export async function startPigeon(
  t: TestContext,
  dataDir: string,
  args: string[] = [],
): Promise<PigeonProcess> {
  return await launchPigeon(dataDir, args, (child, exited) =>
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    }),
  )
}

/** `pigeon start` without a test context: the caller (crash trials, benches) ends the process. */
export async function launchPigeon(
  dataDir: string,
  args: string[] = [],
  onSpawn: (child: ChildProcess, exited: Promise<number | null>) => void = () => undefined,
): Promise<PigeonProcess> {
  const child = spawn(process.execPath, [...PIGEON_SOURCE, 'start', '--data', dataDir, ...args], {
    env: CLI_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  onSpawn(child, exited)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  await new Promise<void>((ready, fail) => {
    const check = (): void => {
      if (/^API\s+http/m.test(stdout)) ready()
    }
    child.stdout.on('data', check)
    void exited.then((code) => fail(new Error(`pigeon start exited (${code}): ${stderr}${stdout}`)))
  })
  const field = (name: string): string => {
    const value = new RegExp(`^${name}\\s+(\\S+)$`, 'm').exec(stdout)?.[1]
    if (value === undefined) throw new Error(`pigeon start printed no ${name}:\n${stdout}`)
    return value
  }
  return {
    dataDir,
    peerId: field('PeerId'),
    address: field('listen'),
    apiUrl: field('API'),
    stdout,
    child,
    exited,
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function pigeon(...args: string[]): Promise<CliResult> {
  return pigeonVia([], ...args)
}

/**
 * `pigeon <args>` run through a wrapper command, e.g. ['unshare', '-n'] for another network
 * namespace. A command that should have failed but runs (e.g. a second `pigeon start`) is killed
 * after a minute, so the test fails instead of hanging.
 */
export async function pigeonVia(prefix: string[], ...args: string[]): Promise<CliResult> {
  const [command, ...before] = [...prefix, process.execPath]
  try {
    const { stdout, stderr } = await run(command!, [...before, ...PIGEON_SOURCE, ...args], {
      env: CLI_ENV,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }
  }
}

export async function pigeonJson<T>(...args: string[]): Promise<T> {
  const result = await pigeon(...args, '--json')
  if (result.code !== 0) throw new Error(`pigeon ${args.join(' ')} failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}
