// Numbered migrations (one file each, under migrations/), applied in order inside one transaction
// each; PRAGMA user_version records the last one applied. A database from a newer Pigeon is refused
// rather than written with an older schema in mind.
import type { Database } from 'better-sqlite3'
import { PigeonError } from '../../../shared/errors.js'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Applies the migrations newer than the database; returns the versions it applied. */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`)
  })
  const latest = sorted.length
  const current = schemaVersion(db)
  if (current > latest) {
    throw new PigeonError(
      'STORE_SCHEMA_TOO_NEW',
      `This data dir was written by a newer Pigeon (schema ${current}, this one knows ${latest}); update Pigeon.`,
    )
  }
  const applied: number[] = []
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    })()
    applied.push(m.version)
  }
  return applied
}
