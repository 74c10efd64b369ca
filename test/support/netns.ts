// A LAN on this machine, built from network namespaces (needs root): one "switch" namespace
// holding a bridge, and N host namespaces, each with a veth cable plugged into that bridge.
// The subnet (10.77.0.0/24 by default) exists only inside these namespaces, so nothing a test
// sends can leave them, and mDNS multicast stays on the test's own bridge (docs/architecture.md §6
// "How it is tested"). Both ends of every cable are created from inside the switch namespace: no interface
// is ever added to, or named in, the root namespace.
//
//   const lan = await createLan({ hosts: 3 })
//   const child = lan.hosts[0].spawn(process.execPath, ['peer.js'])
//   await lan.cutLink(lan.hosts[1]) ... await lan.restoreLink(lan.hosts[1])
//   await lan.destroy()
import {
  execFile,
  execFileSync,
  spawn,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Every namespace this harness makes is called `pgn<pid>x<lan>-<role>`, so stale ones are findable. */
const PREFIX = 'pgn'
const NAME_PATTERN = /^pgn(\d+)x(\d+)-/

export interface LanHost {
  /** network namespace name, for `ip netns exec` */
  readonly namespace: string
  /** this host's address on the LAN, e.g. 10.77.0.1 */
  readonly address: string
  /** the cable's end on the switch (inside the switch namespace) */
  readonly switchPort: string
  /** runs a process inside this host's namespace; it is killed by lan.destroy() */
  spawn(command: string, args?: string[], options?: SpawnOptions): ChildProcess
  /** runs a command inside this host's namespace and returns its stdout */
  exec(command: string, args?: string[]): Promise<string>
}

export interface Lan {
  readonly hosts: LanHost[]
  readonly switchNamespace: string
  /** unplugs the host's cable at the switch: packets to and from it are lost, its routes stay */
  cutLink(host: LanHost): Promise<void>
  restoreLink(host: LanHost): Promise<void>
  destroy(): Promise<void>
}

export interface LanOptions {
  hosts: number
  /** the first three octets of the LAN's /24; default '10.77.0' */
  subnet?: string
}

let lanCounter = 0
const liveNamespaces = new Set<string>()
const liveChildren = new Set<ChildProcess>()
let exitHookInstalled = false

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args)
  return stdout
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function listNamespaces(): Promise<string[]> {
  const out = await ip('netns', 'list')
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(PREFIX))
}

/** Removes namespaces left behind by test processes that died without cleaning up. */
export async function removeStaleLans(): Promise<string[]> {
  const removed: string[] = []
  for (const name of await listNamespaces()) {
    const match = NAME_PATTERN.exec(name)
    const owner = Number(match?.[1])
    if (match === null || owner === process.pid || pidAlive(owner)) continue
    await killNamespaceProcesses(name)
    await ip('netns', 'del', name).catch(() => undefined)
    removed.push(name)
  }
  return removed
}

async function killNamespaceProcesses(name: string): Promise<void> {
  const out = await ip('netns', 'pids', name).catch(() => '')
  for (const pid of out
    .split('\n')
    .map(Number)
    .filter((n) => n > 0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** Last resort when the test process exits without destroy(): synchronous, best effort. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL')
    for (const name of liveNamespaces) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' })
      } catch {
        // nothing more we can do while exiting
      }
    }
  })
}

/**
 * Makes an empty namespace with loopback up, registered for cleanup at exit (for harnesses that
 * build other shapes than one LAN, e.g. test/support/topology.ts). Named pgn<pid>x<n>-<role>.
 */
export async function addTestNamespace(role: string, lan: number): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root')
  installExitHook()
  const name = `${PREFIX}${process.pid}x${lan}-${role}`
  await ip('netns', 'add', name)
  liveNamespaces.add(name)
  await ip('-n', name, 'link', 'set', 'lo', 'up')
  return name
}

/** Deletes a namespace made by addTestNamespace, killing what still runs in it. */
export async function removeTestNamespace(name: string): Promise<void> {
  await killNamespaceProcesses(name)
  await ip('netns', 'del', name).catch(() => undefined)
  liveNamespaces.delete(name)
}

export { makeHost as namespaceHost, stopChild }

export async function createLan(options: LanOptions): Promise<Lan> {
  if (process.getuid?.() !== 0) throw new Error('createLan needs root (network namespaces)')
  if (options.hosts < 1 || options.hosts > 200) throw new Error('createLan: 1..200 hosts')
  installExitHook()
  await removeStaleLans()

  const subnet = options.subnet ?? '10.77.0'
  const base = `${PREFIX}${process.pid}x${lanCounter++}`
  const switchNamespace = `${base}-sw`
  const created: string[] = []
  const addNamespace = async (name: string): Promise<void> => {
    await ip('netns', 'add', name)
    created.push(name)
    liveNamespaces.add(name)
    await ip('-n', name, 'link', 'set', 'lo', 'up')
  }

  const children = new Set<ChildProcess>()
  const hosts: LanHost[] = []
  try {
    await addNamespace(switchNamespace)
    // no multicast snooping: the bridge floods mDNS to every port, like a plain switch
    await ip('-n', switchNamespace, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0')
    await ip('-n', switchNamespace, 'link', 'set', 'br0', 'up')

    for (let i = 0; i < options.hosts; i++) {
      const namespace = `${base}-h${i}`
      const address = `${subnet}.${i + 1}`
      const switchPort = `port${i}`
      await addNamespace(namespace)
      await ip(
        '-n',
        switchNamespace,
        'link',
        'add',
        switchPort,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        namespace,
      )
      await ip('-n', switchNamespace, 'link', 'set', switchPort, 'master', 'br0')
      await ip('-n', switchNamespace, 'link', 'set', switchPort, 'up')
      await ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
      await ip('-n', namespace, 'link', 'set', 'eth0', 'up')
      // mDNS sends to 224.0.0.251: without a route the kernel answers "network unreachable"
      await ip('-n', namespace, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')
      hosts.push(makeHost(namespace, address, switchPort, children))
    }
  } catch (error) {
    for (const name of created) {
      await ip('netns', 'del', name).catch(() => undefined)
      liveNamespaces.delete(name)
    }
    throw error
  }

  let destroyed = false
  return {
    hosts,
    switchNamespace,
    async cutLink(host) {
      await ip('-n', switchNamespace, 'link', 'set', host.switchPort, 'down')
    },
    async restoreLink(host) {
      await ip('-n', switchNamespace, 'link', 'set', host.switchPort, 'up')
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      await Promise.all([...children].map((child) => stopChild(child)))
      for (const name of [...created].reverse()) {
        await killNamespaceProcesses(name)
        await ip('netns', 'del', name).catch(() => undefined)
        liveNamespaces.delete(name)
      }
    },
  }
}

function makeHost(
  namespace: string,
  address: string,
  switchPort: string,
  children: Set<ChildProcess>,
): LanHost {
  return {
    namespace,
    address,
    switchPort,
    spawn(command, args = [], options = {}) {
      const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], options)
      children.add(child)
      liveChildren.add(child)
      child.once('exit', () => {
        children.delete(child)
        liveChildren.delete(child)
      })
      return child
    },
    async exec(command, args = []) {
      const { stdout } = await run('ip', ['netns', 'exec', namespace, command, ...args])
      return stdout
    },
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}
