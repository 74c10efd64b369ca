// How many messages each client has queued, in all and per sender (docs/relay.md "Offline
// queues"): the numbers the inbox cap and the sender shares are checked against. One node keeps
// them in memory (MemoryCounts); a cluster keeps them in Redis (RedisCounts), so every node
// checks against the same numbers, changed atomically by a Lua script (issue 10 item 3: per-node
// counts over-counted a queue that another node had drained, and under-counted one it had not seen).
//
// `admit` decides for every subscriber of one packet at once and counts the admitted ones; with
// `strict` (an inbox: the sender is refused rather than the message skipped) it admits none when
// one is refused. The caller makes the decision part of the enqueue itself (queue.ts), so nothing
// can pass between the check and the count.
import type { Redis } from 'ioredis'

export type Refusal = 'queue_full' | 'share_full'

export interface Admission {
  /** the client the message would be queued for */
  clientId: string
  /** connected to this node: receives live, never capped */
  online: boolean
}

export interface Limits {
  cap: number
  share: number
}

export interface QueueCounts {
  /** per admission: undefined = admitted and counted, else why not */
  admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
  ): Array<Refusal | undefined> | Promise<Array<Refusal | undefined>>
  release(clientId: string, sender: string | undefined): void
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
  readonly #limits: Limits

  constructor(limits: Limits) {
    this.#limits = limits
  }

  admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
  ): Array<Refusal | undefined> {
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
      return decisions.map((d) => d ?? 'queue_full')
    admissions.forEach(
      ({ clientId }, i) => decisions[i] === undefined && this.#add(clientId, sender, 1),
    )
    return decisions
  }

  release(clientId: string, sender: string | undefined): void {
    this.#add(clientId, sender, -1)
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

// KEYS: one hash per client. ARGV: cap, share, sender ('' = none), strict (0/1), ttl seconds,
// then one online flag (0/1) per key. A hash holds field `t` (total) and `s:<sender>` per sender.
const ADMIT = `
local cap, share, sender, strict, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1', tonumber(ARGV[5])
local out = {}
local refused = false
for i, key in ipairs(KEYS) do
  out[i] = 0
  if ARGV[5 + i] ~= '1' then
    local total = tonumber(redis.call('HGET', key, 't') or '0')
    local mine = 0
    if sender ~= '' then mine = tonumber(redis.call('HGET', key, 's:' .. sender) or '0') end
    if total >= cap then out[i] = 1 elseif mine >= share then out[i] = 2 end
    if out[i] ~= 0 then refused = true end
  end
end
if strict and refused then
  for i = 1, #KEYS do if out[i] == 0 then out[i] = 1 end end
  return out
end
for i, key in ipairs(KEYS) do
  if out[i] == 0 then
    redis.call('HINCRBY', key, 't', 1)
    if sender ~= '' then redis.call('HINCRBY', key, 's:' .. sender, 1) end
    redis.call('EXPIRE', key, ttl)
  end
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

const REFUSALS: Array<Refusal | undefined> = [undefined, 'queue_full', 'share_full']

export class RedisCounts implements QueueCounts {
  readonly #redis: Redis & {
    pigeonAdmit?: (...args: Array<string | number>) => Promise<number[]>
    pigeonRelease?: (...args: Array<string | number>) => Promise<number>
  }
  readonly #limits: Limits
  readonly #ttlSeconds: number
  readonly #onError: (error: unknown) => void

  constructor(redis: Redis, limits: Limits, ttlMs: number, onError: (error: unknown) => void) {
    this.#redis = redis
    this.#limits = limits
    // a count outlives its newest message by a little; Redis expires the messages themselves
    this.#ttlSeconds = Math.ceil(ttlMs / 1000) + 60
    this.#onError = onError
    redis.defineCommand('pigeonAdmit', { lua: ADMIT })
    redis.defineCommand('pigeonRelease', { numberOfKeys: 1, lua: RELEASE })
  }

  static key(clientId: string): string {
    return `pigeon:queue:${clientId}`
  }

  async admit(
    admissions: Admission[],
    sender: string | undefined,
    strict: boolean,
  ): Promise<Array<Refusal | undefined>> {
    if (admissions.length === 0) return []
    const { cap, share } = this.#limits
    const keys = admissions.map((a) => RedisCounts.key(a.clientId))
    const flags = admissions.map((a) => (a.online ? '1' : '0'))
    const out = await this.#redis.pigeonAdmit!(
      keys.length,
      ...keys,
      cap,
      share,
      sender ?? '',
      strict ? '1' : '0',
      this.#ttlSeconds,
      ...flags,
    )
    return out.map((code) => REFUSALS[code])
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
