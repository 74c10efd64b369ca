// The queue counts of a cluster (docs/relay.md "Offline queues", "Cluster mode"): kept in
// Redis, so every node checks against the same numbers, changed atomically by Lua scripts.
// The interface and the one-node counts are in queue-counts.ts.
import type { Redis } from 'ioredis'
import type {
  Admission,
  Creation,
  Decided,
  Limits,
  QueueCounts,
  Refusal,
  Tally,
} from './queue-counts.js'

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
