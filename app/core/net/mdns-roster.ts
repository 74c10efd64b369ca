// The peers listed online on the LAN by their mDNS records alone, without a connection
// (docs/protocol.md §16): a peer is listed while its signed TXT record (mdns/profile-txt.ts) is
// fresh in my cache. It leaves on its goodbye (TTL 0, RFC 6762 §10.1), when the record expires
// unrefreshed (§5.2 querying keeps live ones fresh), or when a failed connection makes me ask it
// to confirm its records and it does not answer in time (§10.4). A TXT record that is unsigned,
// malformed, signed by another key, or older than the one I hold lists nothing, and its addresses
// are not taken: only a sighting whose TXT checks out tells where the peer is.
import type { Logger } from '../log.js'
import { readProfileTxt, type TxtProfile } from './mdns/profile-txt.js'
import type { Sighting } from './mdns/records.js'
import { ThrottledLog } from './throttled-log.js'

/** how long a reconfirmed peer has to answer before it is flushed (RFC 6762 §10.4) */
export const RECONFIRM_MS = 10_000
/** the reconfirmation queries: at once, then these ms later (a lost query is not a dead peer) */
const RECONFIRM_REPEATS_MS = [1_000, 3_000]

interface Listed {
  profile: TxtProfile
  /** the TXT strings last verified, joined: the same record again needs no new check */
  text: string
  expiry: ReturnType<typeof setTimeout>
  reconfirm?: Array<ReturnType<typeof setTimeout>>
}

export interface RosterInit {
  /** a peer is listed, or its listed profile changed */
  onListed: (peerId: string, profile: TxtProfile) => void
  /** a sighting whose TXT checks out (the peer's addresses are taken from it) */
  onSeen: (sighting: Sighting) => void
  /** a listed peer is gone (goodbye, expiry, failed reconfirmation) */
  onUnlisted: (peerId: string) => void
  /** sends one reconfirmation query for the peer's records */
  query: (peerId: string) => void
  logger: Logger
  reconfirmMs?: number
}

export class MdnsRoster {
  readonly #listed = new Map<string, Listed>()
  /** TXT texts being verified now, by peer: a repeat of the same one waits for that check */
  readonly #checking = new Map<string, string>()
  readonly #log: ThrottledLog
  readonly #init: RosterInit
  #stopped = false

  constructor(init: RosterInit) {
    this.#init = init
    this.#log = new ThrottledLog(init.logger)
  }

  isListed(peerId: string): boolean {
    return this.#listed.has(peerId)
  }

  /** listed and not being reconfirmed: its records need no answer to my queries */
  isFresh(peerId: string): boolean {
    const listed = this.#listed.get(peerId)
    return listed !== undefined && listed.reconfirm === undefined
  }

  onSighting(sighting: Sighting): void {
    if (this.#stopped) return
    const { peerId } = sighting
    const listed = this.#listed.get(peerId)
    if (sighting.ttl === 0) {
      // a goodbye counts when it repeats the record I listed (anyone can send a TTL of 0)
      if (listed !== undefined && sighting.txt?.join('\n') === listed.text) this.#unlist(peerId)
      return
    }
    // without its signed TXT a response proves nothing about the peer
    if (sighting.txt === undefined) return
    const text = sighting.txt.join('\n')
    const ttl = sighting.txtTtl ?? sighting.ttl
    if (listed?.text === text) {
      this.#refresh(peerId, listed, ttl)
      this.#init.onSeen(sighting)
      return
    }
    if (this.#checking.get(peerId) === text) return
    this.#checking.set(peerId, text)
    void readProfileTxt(peerId, sighting.txt).then((profile) => {
      if (this.#checking.get(peerId) === text) this.#checking.delete(peerId)
      if (this.#stopped) return
      if (typeof profile === 'string') {
        this.#log.warn(
          `${peerId}:txt`,
          { peer: peerId, reason: profile },
          'ignoring an mDNS TXT record that fails its check',
        )
        return
      }
      this.#init.onSeen(sighting) // first: 'peer:online' tells the addresses
      this.#take(peerId, profile, text, ttl)
    })
  }

  /** The peer's connection failed: ask it to confirm its records, flush it if it is silent. */
  reconfirm(peerId: string): void {
    const listed = this.#listed.get(peerId)
    if (listed === undefined || listed.reconfirm !== undefined || this.#stopped) return
    this.#init.query(peerId)
    listed.reconfirm = [
      ...RECONFIRM_REPEATS_MS.map((ms) => setTimeout(() => this.#init.query(peerId), ms)),
      setTimeout(() => this.#unlist(peerId), this.#init.reconfirmMs ?? RECONFIRM_MS),
    ]
  }

  stop(): void {
    this.#stopped = true
    for (const listed of this.#listed.values()) this.#clearTimers(listed)
    this.#listed.clear()
    this.#checking.clear()
  }

  #take(peerId: string, profile: TxtProfile, text: string, ttl: number): void {
    const listed = this.#listed.get(peerId)
    if (listed !== undefined && profile.version < listed.profile.version) {
      // a replayed older record: the newer one stands (it still proves the peer is there)
      this.#refresh(peerId, listed, ttl)
      return
    }
    if (listed !== undefined) this.#clearTimers(listed)
    const next: Listed = { profile, text, expiry: this.#expiry(peerId, ttl) }
    this.#listed.set(peerId, next)
    if (listed === undefined || listed.text !== text) this.#init.onListed(peerId, profile)
  }

  #refresh(peerId: string, listed: Listed, ttl: number): void {
    this.#clearTimers(listed)
    listed.reconfirm = undefined
    listed.expiry = this.#expiry(peerId, ttl)
  }

  #expiry(peerId: string, ttl: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.#unlist(peerId), ttl * 1000)
    timer.unref()
    return timer
  }

  #clearTimers(listed: Listed): void {
    clearTimeout(listed.expiry)
    for (const timer of listed.reconfirm ?? []) clearTimeout(timer)
  }

  #unlist(peerId: string): void {
    const listed = this.#listed.get(peerId)
    if (listed === undefined) return
    this.#clearTimers(listed)
    this.#listed.delete(peerId)
    this.#init.onUnlisted(peerId)
  }
}
