// Waits for a condition in tests that drive real timers. The limit only turns a hang into a
// failure with a message; no test asserts how long anything took.
import { setTimeout as sleep } from 'node:timers/promises'

export async function until(
  condition: () => boolean,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** Polls an async check, one at a time (a check may be a whole `pigeon` process or an API call). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  limitMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}
