import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupCommit } from './group-commit.js'

test('writes asked for in one turn are committed together, each caller gets its own outcome', async () => {
  const commits: number[][] = []
  const group = new GroupCommit<number, number>((items) => {
    commits.push(items)
    return items.map((n) => (n < 0 ? new Error(`negative ${n}`) : n * 2))
  })
  const results = await Promise.allSettled([group.add(1), group.add(-1), group.add(3)])
  assert.deepEqual(commits, [[1, -1, 3]])
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    [2, 'negative -1', 6],
  )
  assert.equal(await group.add(5), 10)
  assert.deepEqual(commits, [[1, -1, 3], [5]])
})

test('a commit that fails as a whole rejects every caller in it', async () => {
  const group = new GroupCommit<number, number>(() => {
    throw new Error('disk full')
  })
  const results = await Promise.allSettled([group.add(1), group.add(2)])
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  )
})
