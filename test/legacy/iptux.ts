// The real iptux 0.8.3 from Debian, for test/legacy/iptux.test.ts: an Xvfb of its own and iptux
// bound to one host of a test LAN (`iptux -b <ip> -l DEBUG`, packets logged to stderr), both
// inside that host's network namespace, never the machine's, with $HOME and the XDG dirs in a
// temp folder. Its config is $HOME/.iptux/config.<ip>.json (the name it reads with -b); its chat
// log dir must exist before it starts. `type` drives its chat window with xdotool.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { stopChild, type LanHost } from '../support/netns.js'

export interface Iptux {
  /** everything iptux printed (DEBUG: every packet, in hex and as text) */
  output(): string
  /** its chat log, communicate.log ('' before the first message) */
  chatLog(): string
  /** types `text` into the chat window whose title contains `title`, then Enter (send) */
  type(title: string, text: string): Promise<void>
  /** true when a window whose title contains `title` is open */
  hasWindow(title: string): Promise<boolean>
  stop(): Promise<void>
}

export async function startIptux(
  host: LanHost,
  profile: { nick: string; group: string },
): Promise<Iptux> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-iptux-'))
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    NO_AT_BRIDGE: '1',
    GSETTINGS_BACKEND: 'memory',
  }
  const logDir = join(env.XDG_CONFIG_HOME, 'iptux', 'log')
  for (const d of [join(env.HOME, '.iptux'), logDir, env.XDG_DATA_HOME, env.XDG_CACHE_HOME])
    mkdirSync(d, { recursive: true })
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 })
  writeFileSync(
    join(env.HOME, '.iptux', `config.${host.address}.json`),
    JSON.stringify({
      nick_name: profile.nick,
      belong_group: profile.group,
      record_log: true,
      open_chat: true,
      use_enter_key: true,
      preference_encode: 'utf-8',
      candidacy_encode: 'gb18030',
    }),
  )
  const children: ChildProcess[] = []
  const xvfb = host.spawn(
    'Xvfb',
    ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  )
  children.push(xvfb)
  const display = await new Promise<string>((resolve, reject) => {
    const fd = xvfb.stdio[3] as Readable
    let text = ''
    fd.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(`:${text.trim()}`)
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)))
  })
  const xenv = { ...env, DISPLAY: display }
  const iptux = host.spawn('iptux', ['-b', host.address, '-l', 'DEBUG'], {
    env: xenv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(iptux)
  let output = ''
  iptux.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  iptux.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const xdotool = (...args: string[]): Promise<string> =>
    host.exec('env', [...Object.entries(xenv).map(([k, v]) => `${k}=${v}`), 'xdotool', ...args])
  const chatLog = join(logDir, 'communicate.log')
  const handle: Iptux = {
    output: () => output,
    chatLog: () => (existsSync(chatLog) ? readFileSync(chatLog, 'utf8') : ''),
    async hasWindow(title) {
      return (await xdotool('search', '--name', title).catch(() => '')).trim() !== ''
    },
    async type(title, text) {
      const [window] = (await xdotool('search', '--name', title)).trim().split('\n')
      if (window === undefined || window === '') throw new Error(`no iptux window "${title}"`)
      await xdotool('windowactivate', '--sync', window).catch(() => xdotool('windowfocus', window))
      await xdotool('type', '--window', window, '--delay', '40', text)
      await xdotool('key', '--window', window, 'Return')
    },
    async stop() {
      for (const child of children.reverse()) await stopChild(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return handle
}
