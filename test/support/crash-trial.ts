// Crash trials (docs/architecture.md §6, "Crash trials"): Ada sends Bo a burst through a real
// pigeon-relay process (and, in some trials, over a LAN link too), and one of the three — Bo, Ada
// or the relay — is killed with SIGKILL at a random point of the burst, restarted after a random
// pause, and in some trials a second one is killed again during the recovery. When everything has
// restarted and settled, Bo's history is counted against what Ada's `send` accepted (stored in her
// outbox): lost, shown twice, out of Ada's order. Delivery is counted at the receiver, so the
// trial means the same whether the relay's PUBACK or Bo's receipt ends Ada's responsibility.
// Real `pigeon start` processes, a real relay process, real SQLite files; a printed seed replays
// the same plan. Used by test/crash/trials.test.ts (a few) and `npm run bench -- crash` (100).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApiClient } from '../../app/api/client.js'
import type { MessageView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { launchPigeon, type PigeonProcess } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { startRelayProcess, type RelayProcess } from './relay-process.js'

export type Role = 'receiver' | 'sender' | 'relay'
const ROLES: Role[] = ['receiver', 'sender', 'relay']

export interface Kill {
  victim: Role
  /** the first kill: right after this many messages were accepted; a recovery kill: ms after the first victim is back */
  at: number
  /** ms the victim stays down */
  downMs: number
}

export interface TrialPlan {
  trial: number
  messages: number
  /** 'relay': Ada and Bo reach each other only through the relay; 'lan+relay': also directly */
  path: 'relay' | 'lan+relay'
  kills: Kill[]
}

export interface TrialResult {
  plan: TrialPlan
  /** ids Ada's `send` returned: stored in her outbox */
  accepted: number
  /** accepted messages shown at Bo */
  delivered: number
  lost: number
  /** a message shown more than once at Bo (same id, or the same text under another id) */
  duplicated: number
  /** messages shown before one Ada sent earlier */
  outOfOrder: number
  /** sends that died with a killed sender, unanswered (they may or may not arrive; not counted as accepted) */
  unanswered: number
}

/** mulberry32: a small seeded PRNG, so a printed seed replays the same trials */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `trials` plans from one seed: a first kill at a random point of the burst, a recovery kill in about half */
export function planTrials(seed: number, trials: number, messages: number): TrialPlan[] {
  const random = seededRandom(seed)
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
  const role = (): Role => ROLES[int(0, ROLES.length - 1)]!
  return Array.from({ length: trials }, (_, trial) => {
    const kills: Kill[] = [
      { victim: ROLES[trial % ROLES.length]!, at: int(1, messages - 1), downMs: int(0, 1500) },
    ]
    if (random() < 0.5) kills.push({ victim: role(), at: int(0, 2000), downMs: int(0, 1500) })
    return { trial, messages, path: random() < 0.5 ? 'relay' : 'lan+relay', kills }
  })
}

export function describePlan(plan: TrialPlan): string {
  const [first, again] = plan.kills
  if (first === undefined) return `${plan.path}, no kill`
  const text = `${plan.path}, kill ${first.victim} after ${first.at} accepted, down ${first.downMs} ms`
  return again === undefined
    ? text
    : `${text}; ${again.victim} again ${again.at} ms into recovery, down ${again.downMs} ms`
}

/** A whole conversation, oldest first, page by page (a page holds at most 500). */
export async function allHistory(client: ApiClient, peer: string): Promise<MessageView[]> {
  const all: MessageView[] = []
  let before: string | undefined
  for (;;) {
    const page = await client.history(peer, { limit: 500, before })
    all.unshift(...page)
    if (page.length < 500) return all
    before = page[0]?.id
  }
}

const RELAY_ARGS = [
  '--queue-cap',
  '100000',
  '--publish-rate',
  '100000',
  '--publish-burst',
  '100000',
]
/** a liveness bound only: what has not arrived this long after the last restart is lost */
const SETTLE_LIMIT_MS = 120_000

/** One pigeon node, restartable on its data dir (its LAN port and relay address are remembered). */
class Node {
  process: PigeonProcess | undefined
  #api: ApiClient | undefined
  /** resolves while the node is up; replaced by a pending one while it is down */
  #ready: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  constructor(readonly dataDir: string) {}

  get peerId(): string {
    return this.process!.peerId
  }

  async start(args: string[] = []): Promise<void> {
    this.process = await launchPigeon(this.dataDir, args)
    this.#api = await connectToDataDir(this.dataDir)
    this.#release?.()
    this.#release = undefined
    this.#ready = Promise.resolve()
  }

  /** the node's API, once it is (back) up */
  async api(): Promise<ApiClient> {
    await this.#ready
    return this.#api!
  }

  /** SIGKILL now, synchronously; the node counts as down until `start` */
  kill(): Promise<unknown> {
    this.#api = undefined
    this.#ready = new Promise((resolve) => (this.#release = resolve))
    this.process?.child.kill('SIGKILL')
    return this.process?.exited ?? Promise.resolve()
  }

  async stop(): Promise<void> {
    const child = this.process?.child
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await this.process!.exited
    }
  }
}

/** Ada, Bo and the relay of one trial; the relay restarts on its data dir and port. */
class Cast {
  readonly sender = new Node(mkdtempSync(join(tmpdir(), 'pigeon-crash-ada-')))
  readonly receiver = new Node(mkdtempSync(join(tmpdir(), 'pigeon-crash-bo-')))
  relay!: RelayProcess
  #relayPort = '0'

  async start(path: TrialPlan['path']): Promise<void> {
    await this.startRelay()
    const address = `${this.relay.mqtt}#${this.relay.relayId}`
    await this.receiver.start(['--name', 'Bo', '--relay', address])
    const lan = path === 'lan+relay' ? ['--connect', this.receiver.process!.address] : []
    await this.sender.start(['--name', 'Ada', '--relay', address, ...lan])
  }

  async startRelay(dataDir?: string): Promise<void> {
    this.relay = await startRelayProcess({
      dataDir,
      args: [...RELAY_ARGS, '--mqtt-port', this.#relayPort],
    })
    this.#relayPort = new URL(this.relay.mqtt).port
  }

  kill(role: Role): Promise<unknown> {
    if (role === 'relay') return this.relay.kill9()
    return (role === 'sender' ? this.sender : this.receiver).kill()
  }

  async restart(role: Role): Promise<void> {
    if (role === 'relay') await this.startRelay(this.relay.dataDir)
    else await (role === 'sender' ? this.sender : this.receiver).start()
  }

  async close(): Promise<void> {
    await Promise.all([this.sender.stop(), this.receiver.stop(), this.relay?.kill9()])
    this.relay?.cleanup()
    for (const dir of [this.sender.dataDir, this.receiver.dataDir])
      rmSync(dir, { recursive: true, force: true })
  }
}

const text = (plan: TrialPlan, i: number): string => `crash trial ${plan.trial} message ${i}`

/** Runs one trial to the end; the counts say what happened (a trial does not throw for a lost message). */
export async function runTrial(plan: TrialPlan): Promise<TrialResult> {
  const cast = new Cast()
  try {
    await cast.start(plan.path)
    const bo = cast.receiver.peerId
    const ada = cast.sender.peerId
    // both linked (to the relay, and directly where planned) before the burst
    const hello = await (await cast.sender.api()).send(bo, `crash trial ${plan.trial} hello`)
    await eventually(
      async () => (await (await cast.receiver.api()).history(ada)).some((m) => m.id === hello.id),
      'the first message',
    )

    const accepted = new Map<string, number>()
    const unanswered = new Set<number>()
    const [first, again] = plan.kills
    let recovery: Promise<void> = Promise.resolve()
    const killAndRestart = async (kill: Kill): Promise<void> => {
      await cast.kill(kill.victim)
      await sleep(kill.downMs)
      await cast.restart(kill.victim)
    }
    for (let i = 0; i < plan.messages; i++) {
      const api = await cast.sender.api()
      try {
        accepted.set((await api.send(bo, text(plan, i))).id, i)
      } catch {
        unanswered.add(i) // the sender died under this send
        continue
      }
      if (first !== undefined && accepted.size === first.at) {
        // the kill signal goes out before this loop sends again
        recovery = killAndRestart(first).then(async () => {
          if (again === undefined) return
          await sleep(again.at)
          await killAndRestart(again)
        })
      }
    }
    await recovery

    const boApi = await cast.receiver.api()
    await eventually(
      async () => {
        const ids = new Set((await allHistory(boApi, ada)).map((m) => m.id))
        return [...accepted.keys()].every((id) => ids.has(id))
      },
      'every accepted message at Bo',
      SETTLE_LIMIT_MS,
    ).catch(() => undefined) // what is missing now is counted as lost
    await sleep(500) // a late duplicate would show up here
    return count(plan, accepted, unanswered, await allHistory(boApi, ada))
  } finally {
    await cast.close()
  }
}

function count(
  plan: TrialPlan,
  accepted: Map<string, number>,
  unanswered: Set<number>,
  history: MessageView[],
): TrialResult {
  const prefix = `crash trial ${plan.trial} message `
  const shown = history.filter((m) => m.text?.startsWith(prefix) === true)
  const index = (m: MessageView): number => Number(m.text!.slice(prefix.length))
  const ids = new Set(shown.map((m) => m.id))
  const perText = new Map<number, number>()
  for (const m of shown) perText.set(index(m), (perText.get(index(m)) ?? 0) + 1)
  let outOfOrder = 0
  let highest = -1
  for (const m of shown) {
    if (index(m) < highest) outOfOrder++
    highest = Math.max(highest, index(m))
  }
  const delivered = [...accepted.keys()].filter((id) => ids.has(id)).length
  return {
    plan,
    accepted: accepted.size,
    delivered,
    lost: accepted.size - delivered,
    duplicated: [...perText.values()].reduce((sum, n) => sum + n - 1, 0),
    outOfOrder,
    unanswered: unanswered.size,
  }
}

export type TrialTotals = Omit<TrialResult, 'plan'> & { trials: number }

export function totals(results: TrialResult[]): TrialTotals {
  const sum = (key: keyof Omit<TrialResult, 'plan'>): number =>
    results.reduce((s, r) => s + r[key], 0)
  return {
    trials: results.length,
    accepted: sum('accepted'),
    delivered: sum('delivered'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    outOfOrder: sum('outOfOrder'),
    unanswered: sum('unanswered'),
  }
}
