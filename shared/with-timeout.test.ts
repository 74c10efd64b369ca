import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withTimeout } from './with-timeout.js'

test('a promise that settles in time keeps its outcome', async () => {
  assert.equal(await withTimeout(Promise.resolve(7), 60_000, () => new Error('late')), 7)
  await assert.rejects(
    withTimeout(Promise.reject(new Error('own')), 60_000, () => new Error('late')),
    /own/,
  )
})

test('a promise that never settles rejects with the given error', async () => {
  await assert.rejects(
    withTimeout(new Promise(() => {}), 1, () => new Error('late')),
    /late/,
  )
})

test('the timer is cleared once the promise settles, so it holds no process open', async () => {
  // a timer left behind would show as an active handle after the race is over
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  await withTimeout(Promise.resolve(1), 60_000, () => new Error('late'))
  const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  assert.equal(after, before)
})
