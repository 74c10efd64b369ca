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
import { eventually } from '../app/support/wait.js'

const APP_ID = 'io.github.iptux_src.iptux'
const APP_PATH = '/io/github/iptux_src/iptux'

export interface Iptux {
  /** everything iptux printed (DEBUG: every packet, in hex and as text) */
  output(): string
  /** its chat log, communicate.log ('' before the first message) */
  chatLog(): string
  /** types `text` into the chat window whose title contains `title`, then Enter (send) */
  type(title: string, text: string): Promise<void>
  /** true when a window whose title contains `title` is open */
  hasWindow(title: string): Promise<boolean>
  /** its $HOME, where it saves received files (archive_path) */
  home: string
  /** runs xdotool on its display; the output */
  xdotool(...args: string[]): Promise<string>
  /** runs any program on its display, in its namespace and environment */
  run(command: string, ...args: string[]): Promise<string>
  /** attaches `path` in the chat window and sends it (its "attach file" dialog, then Send) */
  sendFile(path: string): Promise<void>
  /**
   * Attaches and sends the one folder inside `parent`: GTK's select-folder chooser opens a typed
   * folder and Return takes the row it then selects, its first subfolder.
   */
  sendFolder(parent: string): Promise<void>
  /** presses Accept on the chat window's "Files to be received", saving into $HOME */
  acceptFiles(title: string): Promise<void>
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
  // a session bus of its own: GtkApplication exports each window's actions on it (org.gtk.Actions),
  // which is how a test opens iptux's "attach file" dialog without a window manager
  const bus = join(dir, 'bus')
  const dbus = host.spawn('dbus-daemon', ['--session', '--nofork', `--address=unix:path=${bus}`], {
    env,
    stdio: 'ignore',
  })
  children.push(dbus)
  for (let i = 0; i < 200 && !existsSync(bus); i++) await new Promise((r) => setTimeout(r, 25))
  const xenv = { ...env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus}` }
  const iptux = host.spawn('iptux', ['-b', host.address, '-l', 'DEBUG'], {
    env: xenv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(iptux)
  let output = ''
  iptux.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  iptux.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const run = (command: string, ...args: string[]): Promise<string> =>
    host.exec('env', [...Object.entries(xenv).map(([k, v]) => `${k}=${v}`), command, ...args])
  const xdotool = (...args: string[]): Promise<string> => run('xdotool', ...args)
  const chatLog = join(logDir, 'communicate.log')
  const windowOf = async (title: string): Promise<string> => {
    let found = ''
    await eventually(
      async () => {
        found = (await xdotool('search', '--name', title).catch(() => '')).trim().split('\n')[0]!
        return found !== ''
      },
      `the iptux window "${title}"`,
      30_000,
    )
    return found
  }
  // each window of a GtkApplication exports its actions on the session bus (org.gtk.Actions)
  const action = async (name: string): Promise<void> => {
    const gdbus = (path: string, ...call: string[]): Promise<string> =>
      run('gdbus', 'call', '--session', '--dest', APP_ID, '--object-path', path, ...call)
    for (let n = 1; n <= 8; n++) {
      const path = `${APP_PATH}/window/${n}`
      const list = await gdbus(path, '--method', 'org.gtk.Actions.List').catch(() => '')
      if (!list.includes(`'${name}'`)) continue
      // an action that opens a modal dialog answers only once it closes: do not wait for that
      const call = ['--method', 'org.gtk.Actions.Activate', name, '[]', '{}', '--timeout', '2']
      await gdbus(path, ...call).catch((error: Error) => {
        if (!String(error).includes('Timeout was reached')) throw error
      })
      return
    }
    throw new Error(`no iptux window has the action ${name}`)
  }
  const keys = async (window: string, ...names: string[]): Promise<void> => {
    await xdotool('windowfocus', '--sync', window)
    for (const key of names) await xdotool('key', '--window', window, key)
  }
  /** the attach action's chooser, a path typed into its location entry (GTK: ctrl+L), then Send */
  const attach = async (name: string, title: string, path: string): Promise<void> => {
    await action(name)
    const chooser = await windowOf(title)
    await keys(chooser, 'ctrl+l')
    await xdotool('type', '--window', chooser, '--delay', '20', path)
    await keys(chooser, 'Return')
    await eventually(
      async () => (await xdotool('search', '--name', title).catch(() => '')).trim() === '',
      'the chooser closed',
    )
    await action('send_message')
  }
  const handle: Iptux = {
    output: () => output,
    home: env.HOME,
    xdotool,
    run,
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
    sendFile: (path) => attach('attach_file', 'Choose enclosure files', path),
    sendFolder: (parent) => attach('attach_folder', 'Choose enclosure folders', parent),
    async acceptFiles(title) {
      const chat = await windowOf(title)
      // no window manager: the window is placed at 0,0, where its default layout (570x420,
      // config.json's peer_* dividers) puts the Accept button of "Files to be received" here
      await xdotool('windowmove', '--sync', chat, '0', '0')
      await xdotool('mousemove', '--window', chat, '563', '77', 'click', '1')
      // "Please select a folder to save files.", opened on archive_path ($HOME): take it
      await keys(await windowOf('select a folder'), 'Return')
    },
    async stop() {
      for (const child of children.reverse()) await stopChild(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return handle
}
