import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatBytes } from './byte-size.js'

test('byte counts read as a file manager shows them', () => {
  assert.equal(formatBytes(0), '0 B')
  assert.equal(formatBytes(999), '999 B')
  assert.equal(formatBytes(2_100_000), '2.1 MB')
  assert.equal(formatBytes(20 * 1024 * 1024), '21.0 MB')
  assert.equal(formatBytes(123_456_789), '123 MB')
  assert.equal(formatBytes(5e15), '5000 TB')
})
