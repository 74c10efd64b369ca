// Small key/value settings (listen port, API port, UI preferences), each value stored as JSON.
import type { Database, Statement } from 'better-sqlite3'

export type SettingValue =
  string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue }

export class SettingsRepo {
  readonly #get: Statement<[string], { value: string }>
  readonly #set: Statement<[string, string]>
  readonly #all: Statement<[], { key: string; value: string }>

  constructor(db: Database) {
    this.#get = db.prepare('SELECT value FROM settings WHERE key = ?')
    this.#set = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    this.#all = db.prepare('SELECT key, value FROM settings ORDER BY key')
  }

  get(key: string): SettingValue | undefined {
    const row = this.#get.get(key)
    return row === undefined ? undefined : (JSON.parse(row.value) as SettingValue)
  }

  set(key: string, value: SettingValue): void {
    this.#set.run(key, JSON.stringify(value))
  }

  all(): Record<string, SettingValue> {
    return Object.fromEntries(
      this.#all.all().map((r) => [r.key, JSON.parse(r.value) as SettingValue]),
    )
  }
}
