// `pigeon open`: the address of the running node's web UI, with the token of this start (every
// start makes a new one, so an address printed before a restart no longer opens — this one
// does), printed, and on a desktop (a display is set) opened in the default browser with
// xdg-open (Linux), open (macOS) or start (Windows). `pigeon start --web` writes web.json in the
// data dir with its port for this; the token comes from api.json (app/api/discover.ts).
import { spawn } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { PigeonError } from '../../shared/errors.js'
import { readEndpoint } from '../api/discover.js'
import type { CliParts } from './cli-parts.js'

export const WEB_ENDPOINT_FILE = 'web.json'

interface WebEndpoint {
  port: number
  pid: number
}

/** start --web: where its web UI listens, for `pigeon open`; returns the remover for stop */
export function writeWebEndpoint(dataDir: string, port: number): () => Promise<void> {
  const file = join(dataDir, WEB_ENDPOINT_FILE)
  const mine: WebEndpoint = { port, pid: process.pid }
  writeFileSync(file, `${JSON.stringify(mine)}\n`)
  return async () => {
    if (readWebEndpoint(dataDir)?.pid === process.pid) rmSync(file, { force: true })
  }
}

function readWebEndpoint(dataDir: string): WebEndpoint | undefined {
  try {
    const endpoint = JSON.parse(
      readFileSync(join(dataDir, WEB_ENDPOINT_FILE), 'utf8'),
    ) as WebEndpoint
    return Number.isInteger(endpoint.port) ? endpoint : undefined
  } catch {
    return undefined
  }
}

/** the browser opener of this OS, when a desktop is there to show it */
function opener(env: NodeJS.ProcessEnv): [string, string[]] | undefined {
  if (process.platform === 'darwin') return ['open', []]
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']]
  const desktop = (env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== ''
  return desktop ? ['xdg-open', []] : undefined
}

export function addOpenCommand(
  program: Command,
  parts: Pick<CliParts, 'dataOption' | 'withClient' | 'print'> & {
    dataDirOf: (options: { data?: string }) => string
  },
): void {
  program
    .command('open')
    .description("print (and on a desktop, open) the running node's web UI address")
    .addOption(parts.dataOption())
    .option('--no-browser', 'only print the address')
    .action(async (options: { data?: string; browser: boolean }) => {
      const dataDir = parts.dataDirOf(options)
      // answers NODE_NOT_RUNNING when nothing runs there
      await parts.withClient(options, async () => undefined)
      const api = readEndpoint(dataDir)
      const web = readWebEndpoint(dataDir)
      if (api === undefined || web === undefined)
        throw new PigeonError(
          'WEB_UI_OFF',
          `The node of ${dataDir} runs without its web UI; restart it with \`pigeon start --web\`.`,
        )
      const url = `http://127.0.0.1:${web.port}/#token=${encodeURIComponent(api.token)}`
      parts.print(url)
      const open = options.browser ? opener(process.env) : undefined
      if (open === undefined) return
      const [command, args] = open
      const child = spawn(command, [...args, url], { detached: true, stdio: 'ignore' })
      child.on('error', () =>
        process.stderr.write(`Could not run ${command}; open the address above yourself.\n`),
      )
      child.unref()
    })
}
