// The record of spent tokens on a single node (relay/spent-tokens.ts): one winner among
// concurrent uses, durable across reopening, and a file that does not grow with old entries.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openSpentTokens, SPENT_TOKENS_FILE } from '../../relay/spent-tokens.js'
import { newDataDir } from '../support/relay-process.js'

const lines = (dir: string): number =>
  readFileSync(join(dir, SPENT_TOKENS_FILE), 'utf8').split('\n').filter(Boolean).length

test('of concurrent uses of one token exactly one wins, and it stays spent after reopening', async (t) => {
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const later = Date.now() + 3_600_000
  const spent = await openSpentTokens({ dataDir: dir, redis: undefined })
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, () => spent.spend('same-token', later)),
  )
  assert.equal(outcomes.filter(Boolean).length, 1)
  assert.equal(await spent.spend('another', later), true)
  await spent.close()

  const reopened = await openSpentTokens({ dataDir: dir, redis: undefined })
  assert.equal(await reopened.spend('same-token', later), false)
  assert.equal(await reopened.spend('another', later), false)
  assert.equal(await reopened.spend('a third', later), true)
  await reopened.close()
})

test('entries past their time are dropped from memory and from the file', async (t) => {
  const dir = newDataDir()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const spent = await openSpentTokens({ dataDir: dir, redis: undefined })
  const past = Date.now() - 1
  // spent together: one append and one sync for all of them
  const old = await Promise.all(
    Array.from({ length: 1500 }, (_, i) => spent.spend(`old-${i}`, past)),
  )
  assert.ok(old.every(Boolean))
  assert.equal(lines(dir), 1500)
  // the file is mostly expired entries now: the next write rewrites it with the live ones
  assert.equal(await spent.spend('live', Date.now() + 3_600_000), true)
  assert.equal(lines(dir), 1)
  await spent.close()

  const reopened = await openSpentTokens({ dataDir: dir, redis: undefined })
  assert.equal(await reopened.spend('old-7', past), true, 'an expired entry is forgotten')
  assert.equal(await reopened.spend('live', Date.now() + 3_600_000), false)
  await reopened.close()
})
