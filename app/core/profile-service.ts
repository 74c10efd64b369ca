// My profile and everyone else's: mine is saved with a growing version and handed to the paths,
// which carry it themselves — the LAN sends it on connect and on change, the relay publishes it as
// my retained presence (docs/protocol.md §4, §6) — and the profiles the paths report are applied
// when newer than the stored one. This is the one way profiles travel; tests use it too
// (test/app/support/memory-path.ts carries them like the LAN does).
import { PigeonError } from '../../shared/errors.js'
import type { ProfileBody } from '../../shared/envelope.js'
import { isPeerStatus, PEER_STATUS_WORDS, type PeerStatus } from '../../shared/status.js'
import type { PeerProfile } from './delivery.js'
import { errorText, type Logger } from './log.js'
import { checkColor, checkHost, checkName, checkWorkgroup, defaultColor } from './profile.js'
import type { MeRow, Store } from './store/index.js'

/** A path that carries profiles: LanNetwork, RelaySlot and the tests' MemoryPath fit this shape. */
export interface ProfileExchange {
  setProfile(profile: Omit<PeerProfile, 'peerId'>): void | Promise<void>
  on(event: 'profile', listener: (profile: PeerProfile) => void): void
  off(event: 'profile', listener: (profile: PeerProfile) => void): void
}

export interface ProfileServiceInit {
  store: Store
  /** my PeerId */
  me: string
  exchanges: readonly ProfileExchange[]
  now: () => number
  /** my profile changed */
  onMine: (me: MeRow) => void
  /** a peer's stored profile changed */
  onPeer: (peerId: string) => void
  /** the engine's logger (app/core/log.ts) */
  log: Logger
}

/** What the paths announce of my profile row. */
export function profileBody(me: MeRow): ProfileBody {
  const body: ProfileBody = {
    name: me.name,
    color: me.color,
    status: me.status,
    version: me.version,
  }
  if (me.workgroup !== null) body.workgroup = me.workgroup
  if (me.host !== null) body.host = me.host
  return body
}

/** What the user may change of my profile; a workgroup of null or '' removes it. */
export interface ProfileChange {
  name?: string
  color?: number
  workgroup?: string | null
}

export class ProfileService {
  readonly #init: ProfileServiceInit
  readonly #onProfile = (profile: PeerProfile): void => this.applyPeer(profile)

  constructor(init: ProfileServiceInit) {
    this.#init = init
  }

  /** The paths were built with my profile (ensureMyProfile first) and announce it themselves. */
  start(): void {
    for (const exchange of this.#init.exchanges) exchange.on('profile', this.#onProfile)
  }

  stop(): void {
    for (const exchange of this.#init.exchanges) exchange.off('profile', this.#onProfile)
  }

  me(): MeRow {
    const me = this.#init.store.peers.me()
    if (me === undefined) throw new Error('messenger not started: no profile yet')
    return me
  }

  async change(change: ProfileChange): Promise<MeRow> {
    const me = this.me()
    return this.#save({
      ...me,
      name: change.name === undefined ? me.name : checkName(change.name),
      color: change.color === undefined ? me.color : checkColor(change.color),
      workgroup: change.workgroup === undefined ? me.workgroup : checkWorkgroup(change.workgroup),
    })
  }

  async setStatus(status: PeerStatus): Promise<MeRow> {
    if (!isPeerStatus(status)) {
      throw new PigeonError(
        'API_BAD_REQUEST',
        `Status is ${PEER_STATUS_WORDS}; not "${String(status)}".`,
      )
    }
    return this.#save({ ...this.me(), status })
  }

  /** A peer's profile, from a path or a `profile` envelope; an older version changes nothing. */
  applyPeer(profile: PeerProfile): void {
    if (profile.peerId === this.#init.me) return
    if (this.#init.store.peers.applyProfile(profile)) this.#init.onPeer(profile.peerId)
  }

  async #save(next: MeRow): Promise<MeRow> {
    const me = this.me()
    const same = (['name', 'color', 'status', 'workgroup', 'host'] as const).every(
      (field) => next[field] === me[field],
    )
    if (same) return me
    // time-based versions keep growing across restarts and data-dir copies
    const saved = { ...next, version: Math.max(me.version + 1, this.#init.now()) }
    this.#init.store.peers.saveMe(saved)
    this.#init.onMine(saved)
    try {
      await Promise.all(this.#init.exchanges.map((e) => e.setProfile(profileBody(saved))))
    } catch (error) {
      this.#init.log.warn({ err: errorText(error) }, 'could not publish my profile')
    }
    return saved
  }
}

/**
 * Makes sure my profile row exists, applying a `name` given at start, and returns it. The engine's
 * start() calls it; call it first when a path needs my profile before the engine exists (the LAN
 * network announces it on connect).
 */
export function ensureMyProfile(
  store: Store,
  options: {
    peerId: string
    name?: string
    defaultName?: string
    /** replaces the stored workgroup ('' removes it); undefined keeps it */
    workgroup?: string
    /** this machine's host name, announced beside my name; undefined keeps the stored one */
    host?: string
    now: number
  },
): MeRow {
  const stored = store.peers.me()
  const name = options.name === undefined ? undefined : checkName(options.name)
  const workgroup = options.workgroup === undefined ? undefined : checkWorkgroup(options.workgroup)
  const host = options.host === undefined ? undefined : checkHost(options.host)
  if (stored === undefined) {
    const me: MeRow = {
      peerId: options.peerId,
      name: name ?? checkName(options.defaultName ?? 'Pigeon user'),
      color: defaultColor(options.peerId),
      status: 'online',
      version: 1,
      workgroup: workgroup ?? null,
      host: host ?? null,
    }
    store.peers.saveMe(me)
    return me
  }
  const next: MeRow = {
    ...stored,
    peerId: options.peerId,
    name: name ?? stored.name,
    workgroup: workgroup === undefined ? stored.workgroup : workgroup,
    host: host === undefined ? stored.host : host,
  }
  const changed = (['peerId', 'name', 'workgroup', 'host'] as const).some(
    (field) => next[field] !== stored[field],
  )
  if (!changed) return stored
  const me: MeRow = { ...next, version: Math.max(stored.version + 1, options.now) }
  store.peers.saveMe(me)
  return me
}
