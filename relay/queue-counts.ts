// How many messages each client has queued, in all and per sender (docs/relay.md "Offline
// queues"): the numbers the inbox cap and the sender shares are checked against. One node keeps
// them in memory (MemoryCounts); a cluster keeps them in Redis (RedisCounts), so every node
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
import type { Redis } from 'ioredis'

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

// KEYS: one hash per client, then, when ARGV[6] names an owner whose inbox may be started: the
// sender's hash of started inboxes, the owner's starter key, the owner's aedes session hash.
// ARGV: cap, share, sender ('' = none), strict (0/1), ttl seconds, owner ('' = none), now ms,
// created limit, ttl ms, then one online flag (0/1) per client key. A client hash holds field `t`
// (total) and `s:<sender>` per sender; a started-inboxes hash holds owner → start time.
// Returns one code per client key (0 admitted, else REFUSALS), then 1 if this call started the inbox.
const ADMIT = `
local cap, share, sender, strict, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1', tonumber(ARGV[5])
local owner, now, limit, ttlms = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local n = #KEYS
local out = {}
local fresh = false
local started, starter
if owner ~= '' then
  n = n - 3
  started, starter = KEYS[n + 1], KEYS[n + 2]
  if redis.call('EXISTS', starter) == 0 and redis.call('EXISTS', KEYS[n + 3]) == 0 then
    local entries = redis.call('HGETALL', started)
    for i = 1, #entries, 2 do
      if tonumber(entries[i + 1]) <= now - ttlms then redis.call('HDEL', started, entries[i]) end
    end
    if redis.call('HLEN', started) >= limit then
      for i = 1, n do out[i] = 3 end
      out[n + 1] = 0
      return out
    end
    fresh = true
  end
end
local refused = false
for i = 1, n do
  out[i] = 0
  if ARGV[9 + i] ~= '1' then
    local key = KEYS[i]
    local total = tonumber(redis.call('HGET', key, 't') or '0')
    local mine = 0
    if sender ~= '' then mine = tonumber(redis.call('HGET', key, 's:' .. sender) or '0') end
    if total >= cap then out[i] = 1 elseif mine >= share then out[i] = 2 end
    if out[i] ~= 0 then refused = true end
  end
end
if strict and refused then
  for i = 1, n do if out[i] == 0 then out[i] = 1 end end
  out[n + 1] = 0
  return out
end
for i = 1, n do
  if out[i] == 0 then
    redis.call('HINCRBY', KEYS[i], 't', 1)
    if sender ~= '' then redis.call('HINCRBY', KEYS[i], 's:' .. sender, 1) end
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
out[n + 1] = 0
if fresh then
  redis.call('HSET', started, owner, now)
  redis.call('PEXPIRE', started, ttlms)
  redis.call('SET', starter, sender, 'PX', ttlms)
  out[n + 1] = 1
end
return out
`
// KEYS[1]: the client's hash; ARGV[1]: sender ('' = none). Never below zero.
const RELEASE = `
local function down(field)
  local n = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if n <= 1 then redis.call('HDEL', KEYS[1], field) else redis.call('HINCRBY', KEYS[1], field, -1) end
end
down('t')
if ARGV[1] ~= '' then down('s:' .. ARGV[1]) end
return 0
`

const STARTED_PREFIX = 'pigeon:started:'
const STARTER_PREFIX = 'pigeon:starter:'
/** aedes-persistence-redis keeps a client's subscriptions in this hash (its clientSubKey) */
const sessionKey = (clientId: string): string => `client:${encodeURIComponent(clientId)}`

// KEYS[1]: the owner's starter key; ARGV[1]: the owner. Its inbox no longer counts against whoever started it.
const CLAIM = `
local starter = redis.call('GET', KEYS[1])
if starter then
  redis.call('HDEL', '${STARTED_PREFIX}' .. starter, ARGV[1])
  redis.call('DEL', KEYS[1])
end
return 0
`

const REFUSALS: Array<Refusal | undefined> = [
  undefined,
  'queue_full',
  'share_full',
  'inbox_create_limit',
]

export class RedisCounts implements QueueCounts {
  readonly #redis: Redis & {
    pigeonAdmit?: (...args: Array<string | number>) => Promise<number[]>
    pigeonRelease?: (...args: Array<string | number>) => Promise<number>
    pigeonClaim?: (...args: Array<string | number>) => Promise<number>
  }
  readonly #limits: Limits
  readonly #ttlSeconds: number
  readonly #onError: (error: unknown) => void

  constructor(redis: Redis, limits: Limits, onError: (error: unknown) => void) {
    this.#redis = redis
    this.#limits = limits
    // a count outlives its newest message by a little; Redis expires the messages themselves
    this.#ttlSeconds = Math.ceil(limits.ttlMs / 1000) + 60
    this.#onError = onError
    redis.defineCommand('pigeonAdmit', { lua: ADMIT })
    redis.defineCommand('pigeonRelease', { numberOfKeys: 1, lua: RELEASE })
    redis.defineCommand('pigeonClaim', { numberOfKeys: 1, lua: CLAIM })
  }

  static key(clientId: string): string {
    return `pigeon:queue:${clientId}`
  }

  async admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
    creation?: Creation,
  ): Promise<Decided> {
    if (admissions.length === 0) return { decisions: [], created: false }
    const { cap, share, created, ttlMs } = this.#limits
    const keys = admissions.map((a) => RedisCounts.key(a.clientId))
    if (creation !== undefined)
      keys.push(
        STARTED_PREFIX + (sender ?? ''),
        STARTER_PREFIX + creation.owner,
        sessionKey(creation.owner),
      )
    const flags = admissions.map((a) => (a.online ? '1' : '0'))
    const out = await this.#redis.pigeonAdmit!(
      keys.length,
      ...keys,
      cap,
      share,
      sender ?? '',
      strict ? '1' : '0',
      this.#ttlSeconds,
      creation?.owner ?? '',
      creation?.now ?? 0,
      created,
      ttlMs,
      ...flags,
    )
    return {
      decisions: out.slice(0, admissions.length).map((code) => REFUSALS[code]),
      created: out[admissions.length] === 1,
    }
  }

  async claim(clientId: string): Promise<void> {
    await this.#redis.pigeonClaim!(STARTER_PREFIX + clientId, clientId)
  }

  release(clientId: string, sender: string | undefined): void {
    this.#redis.pigeonRelease!(RedisCounts.key(clientId), sender ?? '').catch(this.#onError)
  }

  unknown(): boolean {
    return false
  }

  begin(): number {
    return 0 // reset replaces the hash as a whole
  }

  async reset(clientId: string, stored: Tally): Promise<void> {
    const key = RedisCounts.key(clientId)
    const fields: Array<string | number> = ['t', stored.total]
    for (const [sender, n] of stored.bySender) fields.push(`s:${sender}`, n)
    await this.#redis
      .multi()
      .del(key)
      .hset(key, ...fields)
      .expire(key, this.#ttlSeconds)
      .exec()
  }
}
