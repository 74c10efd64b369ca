// How many messages each client has queued, in all and per sender (docs/relay.md "Offline
// queues"): the numbers the inbox cap and the sender shares are checked against. One node keeps
// them in memory (MemoryCounts); a cluster keeps them in Redis (RedisCounts, queue-counts-redis.ts), so every node
// checks against the same numbers, changed atomically by a Lua script (docs/relay.md
// "Cluster mode"; per-node counts over-counted a queue that another node had drained, and
// under-counted one it had not seen).
//
// `admit` decides for every subscriber of one packet at once and counts the admitted ones; with
// `strict` (an inbox: the sender is refused rather than the message skipped) it admits none when
// one is refused. The caller makes the decision part of the enqueue itself (queue.ts), so nothing
// can pass between the check and the count.
//
// The same step decides whether a sender may start the session of an inbox nobody has one for
// (docs/relay.md "Guarantees"): each sender may have at most `created` such inboxes that their
// owners have not claimed (connected) within the queue TTL. Who started an inbox is remembered
// until its owner connects (`claim`) or the TTL passes, so two publishes racing to start one
// inbox (one socket read; two cluster nodes) charge it once.

export type Refusal = 'queue_full' | 'share_full' | 'inbox_create_limit'

export interface Admission {
  /** the client the message would be queued for */
  clientId: string
  /** connected to this node: receives live, never capped */
  online: boolean
}

export interface Limits {
  cap: number
  share: number
  /** inboxes one sender may start that their owners have not claimed */
  created: number
  ttlMs: number
}

/** A publish to an inbox with no session here: the owner whose session it would start. */
export interface Creation {
  owner: string
  now: number
}

export interface Decided {
  /** per admission: undefined = admitted and counted, else why not */
  decisions: Array<Refusal | undefined>
  /** this decision started the owner's session: the caller stores it */
  created: boolean
}

export interface QueueCounts {
  admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
    creation?: Creation,
  ): Decided | Promise<Decided>
  release(clientId: string, sender: string | undefined): void
  /** the client connected: an inbox started for it no longer counts against its starter */
  claim(clientId: string): Promise<void>
  /** replaces a client's counts with what its stored queue holds */
  reset(clientId: string, stored: Tally): Promise<void>
  /** no numbers yet for this client: the caller should count its stored queue (memory only) */
  unknown(clientId: string): boolean
  /** a count of the stored queue starts; changes until `reset` land on top of it. Returns the total it replaces. */
  begin(clientId: string): number
}

export interface Tally {
  total: number
  bySender: Map<string, number>
}

/** Counts what is stored for one client: every packet, and per sender where the packet names one. */
export async function tallyOf(packets: AsyncIterable<unknown>): Promise<Tally> {
  const tally: Tally = { total: 0, bySender: new Map() }
  for await (const packet of packets) {
    tally.total++
    const sender = (packet as { clientId?: unknown }).clientId
    if (typeof sender === 'string')
      tally.bySender.set(sender, (tally.bySender.get(sender) ?? 0) + 1)
  }
  return tally
}

function refusalOf(total: number, fromSender: number, limits: Limits): Refusal | undefined {
  if (total >= limits.cap) return 'queue_full'
  if (fromSender >= limits.share) return 'share_full'
  return undefined
}

export class MemoryCounts implements QueueCounts {
  readonly #tallies = new Map<string, Tally>()
  /** changes seen while a client's stored queue is being counted */
  readonly #pending = new Map<string, Tally>()
  /** owner → who started its inbox, and when; until the owner connects */
  readonly #starters = new Map<string, { sender: string; at: number }>()
  /** sender → the unclaimed inboxes it started */
  readonly #started = new Map<string, Set<string>>()
  readonly #limits: Limits

  constructor(limits: Limits) {
    this.#limits = limits
  }

  admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
    creation?: Creation,
  ): Decided {
    const fresh = creation !== undefined && !this.#starters.has(creation.owner)
    if (fresh && this.#unclaimed(sender ?? '', creation.now) >= this.#limits.created)
      return { decisions: admissions.map(() => 'inbox_create_limit'), created: false }
    const decisions = admissions.map(({ clientId, online }) => {
      const tally = this.#tallies.get(clientId)
      // not counted yet (the count is being read): not capped, counted on top of what is read
      if (online || tally === undefined) return undefined
      return refusalOf(
        tally.total,
        sender === undefined ? 0 : (tally.bySender.get(sender) ?? 0),
        this.#limits,
      )
    })
    if (strict && decisions.some((d) => d !== undefined))
      return { decisions: decisions.map((d) => d ?? 'queue_full'), created: false }
    admissions.forEach(
      ({ clientId }, i) => decisions[i] === undefined && this.#add(clientId, sender, 1),
    )
    if (fresh) {
      const starter = sender ?? ''
      this.#starters.set(creation.owner, { sender: starter, at: creation.now })
      const owners = this.#started.get(starter) ?? new Set()
      this.#started.set(starter, owners.add(creation.owner))
    }
    return { decisions, created: fresh }
  }

  release(clientId: string, sender: string | undefined): void {
    this.#add(clientId, sender, -1)
  }

  async claim(clientId: string): Promise<void> {
    const starter = this.#starters.get(clientId)
    if (starter === undefined) return
    this.#starters.delete(clientId)
    this.#started.get(starter.sender)?.delete(clientId)
  }

  /** how many inboxes `sender` started within the TTL whose owners have not connected */
  #unclaimed(sender: string, now: number): number {
    const owners = this.#started.get(sender)
    if (owners === undefined) return 0
    for (const owner of owners) {
      const at = this.#starters.get(owner)?.at ?? 0
      if (now - at < this.#limits.ttlMs) continue
      owners.delete(owner)
      this.#starters.delete(owner)
    }
    if (owners.size === 0) this.#started.delete(sender)
    return owners.size
  }

  unknown(clientId: string): boolean {
    return !this.#tallies.has(clientId)
  }

  begin(clientId: string): number {
    const before = this.#tallies.get(clientId)?.total ?? 0
    this.#tallies.delete(clientId)
    this.#pending.set(clientId, { total: 0, bySender: new Map() })
    return before
  }

  async reset(clientId: string, stored: Tally): Promise<void> {
    const merged: Tally = { total: stored.total, bySender: new Map(stored.bySender) }
    const pending = this.#pending.get(clientId)
    this.#pending.delete(clientId)
    if (pending !== undefined) {
      merged.total = Math.max(0, merged.total + pending.total)
      for (const [sender, n] of pending.bySender)
        setCount(merged.bySender, sender, (merged.bySender.get(sender) ?? 0) + n, 0)
    }
    this.#tallies.set(clientId, merged)
  }

  #add(clientId: string, sender: string | undefined, delta: number): void {
    // while the stored queue is being read, changes collect in #pending and may go below zero
    const known = this.#tallies.get(clientId)
    const tally = known ?? this.#pending.get(clientId)
    if (tally === undefined) return
    const floor = known === undefined ? -Infinity : 0
    tally.total = Math.max(floor, tally.total + delta)
    if (sender !== undefined)
      setCount(tally.bySender, sender, (tally.bySender.get(sender) ?? 0) + delta, floor)
  }
}

function setCount(counts: Map<string, number>, sender: string, n: number, floor: number): void {
  const value = Math.max(floor, n)
  if (value === 0) counts.delete(sender)
  else counts.set(sender, value)
}
