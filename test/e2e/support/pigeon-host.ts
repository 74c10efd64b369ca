// One "computer" of the e2e LAN: a network namespace (test/support/netns.ts) running a real
// `pigeon start --web` and its own headless Chromium. The web UI listens on 127.0.0.1 *inside*
// the namespace, which the root namespace cannot reach, so Chromium runs in the namespace too:
// playwright launches a two-line wrapper that does `ip netns exec <ns> chromium …`, and the
// DevTools pipe (fds 3 and 4) survives the exec.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { spawn, type ChildProcess } from 'node:child_process'
import { chromium, type Browser, type Page } from 'playwright-core'
import { PIGEON_SOURCE } from '../../support/entry-points.js'
import type { LanHost } from '../../support/netns.js'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
/** node arguments that run `pigeon` (the source; PIGEON_E2E_BIN=<a .js entry> runs that instead) */
export const PIGEON_ARGV =
  process.env.PIGEON_E2E_BIN === undefined ? PIGEON_SOURCE : [process.env.PIGEON_E2E_BIN]
const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_%-]+)/

export interface RunningPigeon {
  child: ChildProcess
  /** the address `pigeon start --web` printed, token included */
  url: string
  output: string[]
}

/**
 * Starts `pigeon start --web` in the host's namespace — or, with no host, in this namespace
 * (then pass `--no-mdns --listen-host 127.0.0.1`: mDNS never runs outside test namespaces) —
 * and waits for the URL it prints.
 */
export function startPigeon(
  host: LanHost | undefined,
  /** no name: the node takes its default, and the UI asks at first start */
  options: { dataDir: string; name?: string; args?: string[]; timeoutMs?: number },
): Promise<RunningPigeon> {
  const argv = [
    ...PIGEON_ARGV,
    'start',
    '--data',
    options.dataDir,
    ...(options.name === undefined ? [] : ['--name', options.name]),
    '--web',
    ...(options.args ?? []),
  ]
  if (host === undefined && !(argv.includes('--no-mdns') && argv.includes('127.0.0.1'))) {
    return Promise.reject(
      new Error('outside a test namespace a node must run with --no-mdns on 127.0.0.1'),
    )
  }
  const spawnOptions = {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PIGEON_LOG: 'warn' },
  }
  const child =
    host === undefined
      ? spawn(process.execPath, argv, spawnOptions)
      : host.spawn(process.execPath, argv, spawnOptions)
  const output: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `pigeon start --web printed no URL in ${options.timeoutMs ?? 30_000} ms:\n${output.join('\n')}`,
          ),
        ),
      options.timeoutMs ?? 30_000,
    )
    const fail = (error: Error): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    const onLine = (line: string): void => {
      output.push(line)
      const url = URL_LINE.exec(line)?.[1]
      if (url !== undefined) {
        clearTimeout(timer)
        resolve({ child, url, output })
      }
    }
    createInterface({ input: child.stdout! }).on('line', onLine)
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line))
    child.once('exit', (code) =>
      fail(
        new Error(
          `pigeon start --web exited (${code}) before printing its URL:\n${output.join('\n')}`,
        ),
      ),
    )
  })
}

/** A headless Chromium inside the host's namespace (killed by lan.destroy() if close is missed). */
export async function launchChromiumIn(host: LanHost, scratchDir: string): Promise<Browser> {
  const wrapper = join(scratchDir, `chromium-${host.namespace}.sh`)
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${host.namespace}' '${CHROMIUM}' "$@"\n`)
  chmodSync(wrapper, 0o755)
  return chromium.launch({ executablePath: wrapper, headless: true, args: CHROMIUM_ARGS })
}

/** Stops a node the way Ctrl-C would and waits for it to exit. */
export async function stopPigeon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** One person of an e2e test: a node in a namespace host and the Chromium page showing its UI. */
export interface Person {
  name: string
  node: RunningPigeon
  browser: Browser
  page: Page
}

/** Starts a node called `name` on `host` and opens its web UI, ready once the UI shows my name. */
export async function openPerson(
  host: LanHost,
  scratchDir: string,
  name: string,
  args: string[] = [],
): Promise<Person> {
  const node = await startPigeon(host, { dataDir: join(scratchDir, name), name, args })
  const browser = await launchChromiumIn(host, scratchDir)
  const page = await browser.newPage({
    viewport: { width: 1180, height: 760 },
    locale: 'en-US',
    colorScheme: 'light',
  })
  await page.goto(node.url)
  await page.getByTestId('me-name').waitFor({ timeout: 30_000 })
  return { name, node, browser, page }
}

/** Closes the browsers, then stops the nodes. */
export async function closePeople(people: readonly Person[]): Promise<void> {
  for (const person of people) await person.browser.close().catch(() => undefined)
  for (const person of people) await stopPigeon(person.node.child)
}
