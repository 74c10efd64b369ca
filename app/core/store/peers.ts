// Me (my own profile) and the peers I know: their signed profile as last received, and where and
// when I last saw them.
import type { Database, Statement } from 'better-sqlite3'
import type { PeerStatus } from '../../../shared/status.js'
import type { PeerProfile } from '../delivery.js'
import type { MeRow, PeerRow } from './types.js'

interface PeerSql {
  peer_id: string
  name: string | null
  color: number | null
  status: PeerStatus | null
  profile_version: number
  addresses: string
  last_seen: number | null
  workgroup: string | null
  host: string | null
  verified_at: number | null
}

function toPeer(row: PeerSql): PeerRow {
  return {
    peerId: row.peer_id,
    name: row.name,
    color: row.color,
    status: row.status,
    profileVersion: row.profile_version,
    addresses: JSON.parse(row.addresses) as string[],
    lastSeen: row.last_seen,
    workgroup: row.workgroup,
    host: row.host,
    verifiedAt: row.verified_at,
  }
}

/** A profile as its row stores it: an absent optional field is NULL. */
type ProfileSql = Omit<PeerProfile, 'workgroup' | 'host'> & {
  workgroup: string | null
  host: string | null
}

export class PeerRepo {
  readonly #getMe: Statement<[], MeRow>
  readonly #putMe: Statement<[MeRow]>
  readonly #get: Statement<[string], PeerSql>
  readonly #all: Statement<[], PeerSql>
  readonly #ensure: Statement<[string]>
  readonly #seen: Statement<[{ peerId: string; addresses: string; at: number }]>
  readonly #touch: Statement<[{ peerId: string; at: number }]>
  readonly #profile: Statement<[ProfileSql]>
  readonly #verify: Statement<[{ peerId: string; at: number | null }]>
  readonly #forget: Statement<[string]>

  constructor(db: Database) {
    this.#getMe = db.prepare(
      'SELECT peer_id AS peerId, name, color, status, version, workgroup, host FROM me WHERE singleton = 1',
    )
    this.#putMe = db.prepare(
      `INSERT INTO me (singleton, peer_id, name, color, status, version, workgroup, host)
       VALUES (1, @peerId, @name, @color, @status, @version, @workgroup, @host)
       ON CONFLICT (singleton) DO UPDATE SET peer_id = excluded.peer_id, name = excluded.name,
         color = excluded.color, status = excluded.status, version = excluded.version,
         workgroup = excluded.workgroup, host = excluded.host`,
    )
    this.#get = db.prepare('SELECT * FROM peers WHERE peer_id = ?')
    this.#all = db.prepare('SELECT * FROM peers ORDER BY coalesce(name, peer_id), peer_id')
    this.#ensure = db.prepare('INSERT INTO peers (peer_id) VALUES (?) ON CONFLICT DO NOTHING')
    this.#seen = db.prepare(
      `INSERT INTO peers (peer_id, addresses, last_seen) VALUES (@peerId, @addresses, @at)
       ON CONFLICT (peer_id) DO UPDATE SET addresses = CASE WHEN json_array_length(excluded.addresses) > 0
         THEN excluded.addresses ELSE peers.addresses END, last_seen = excluded.last_seen`,
    )
    this.#touch = db.prepare('UPDATE peers SET last_seen = @at WHERE peer_id = @peerId')
    this.#forget = db.prepare('DELETE FROM peers WHERE peer_id = ?')
    // an older (or replayed) profile never replaces a newer one
    this.#profile = db.prepare(
      `INSERT INTO peers (peer_id, name, color, status, profile_version, workgroup, host)
       VALUES (@peerId, @name, @color, @status, @version, @workgroup, @host)
       ON CONFLICT (peer_id) DO UPDATE SET name = excluded.name, color = excluded.color,
         status = excluded.status, profile_version = excluded.profile_version,
         workgroup = excluded.workgroup, host = excluded.host
       WHERE excluded.profile_version > peers.profile_version`,
    )
    this.#verify = db.prepare('UPDATE peers SET verified_at = @at WHERE peer_id = @peerId')
  }

  me(): MeRow | undefined {
    return this.#getMe.get()
  }

  saveMe(me: MeRow): void {
    this.#putMe.run(me)
  }

  get(peerId: string): PeerRow | undefined {
    const row = this.#get.get(peerId)
    return row === undefined ? undefined : toPeer(row)
  }

  list(): PeerRow[] {
    return this.#all.all().map(toPeer)
  }

  ensure(peerId: string): void {
    this.#ensure.run(peerId)
  }

  /** Records a sighting; an empty address list keeps the last known addresses. */
  seen(peerId: string, addresses: string[], at: number): void {
    this.#seen.run({ peerId, addresses: JSON.stringify(addresses), at })
  }

  touch(peerId: string, at: number): void {
    this.#touch.run({ peerId, at })
  }

  /** Drops a peer's row (profile, addresses, last sighting); its messages stay. False when none. */
  forget(peerId: string): boolean {
    return this.#forget.run(peerId).changes > 0
  }

  /** Applies a received profile; false when it is not newer than the one stored. */
  applyProfile(profile: PeerProfile): boolean {
    const row: ProfileSql = {
      peerId: profile.peerId,
      name: profile.name,
      color: profile.color,
      status: profile.status,
      version: profile.version,
      workgroup: profile.workgroup ?? null,
      host: profile.host ?? null,
    }
    return this.#profile.run(row).changes > 0
  }

  /** Marks the peer verified at `at` (ms), or not verified with null; false when it is unknown. */
  setVerified(peerId: string, at: number | null): boolean {
    return this.#verify.run({ peerId, at }).changes > 0
  }
}
