import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPigeonError, type PigeonErrorCode } from './errors.js'
import { decryptIdentity, encryptIdentity } from './identity-backup.js'
import { generateIdentity } from './identity.js'

const code = (expected: PigeonErrorCode) => (e: unknown) => isPigeonError(e) && e.code === expected

// the cost an export really uses is in the first test; the others use a cheap one, which the file records
const CHEAP = { log2N: 10, r: 8, p: 1 }

test('an export is version 1 at N = 2^17, r = 8, p = 1', async () => {
  const identity = await generateIdentity()
  const file = await encryptIdentity(identity, 'correct horse battery')
  assert.equal(new TextDecoder().decode(file.subarray(0, 8)), 'PIGEONID')
  assert.deepEqual([...file.subarray(8, 12)], [1, 17, 8, 1])
  assert.equal(file.length, 52 + 68 + 16, 'header, the 68-byte key, the tag')
  // opening it at that cost: test/cli/data-dir.test.ts, through `pigeon identity import`
})

test('a backup opens with its passphrase only, and refuses any changed byte', async () => {
  const identity = await generateIdentity()
  const file = await encryptIdentity(identity, 'Grüße aus Köln', CHEAP)
  // the same passphrase typed in another Unicode normal form opens it
  const decomposed = 'Grüße aus Köln'.normalize('NFD')
  assert.equal((await decryptIdentity(file, decomposed)).peerId, identity.peerId)
  await assert.rejects(decryptIdentity(file, 'Grüße aus Bonn'), code('BACKUP_WRONG_PASSPHRASE'))
  // the salt (in the header, bound as associated data) and the sealed key
  for (const at of [20, file.length - 1]) {
    const changed = file.slice()
    changed[at]! ^= 1
    await assert.rejects(
      decryptIdentity(changed, 'Grüße aus Köln'),
      code('BACKUP_WRONG_PASSPHRASE'),
      `byte ${at}`,
    )
  }
})

test('a file that is not a backup, a newer version, or an expensive one is refused before any work', async () => {
  const file = await encryptIdentity(await generateIdentity(), 'long enough', CHEAP)
  await assert.rejects(
    decryptIdentity(new TextEncoder().encode('not a backup at all, not at all'), 'x'),
    code('BACKUP_INVALID'),
  )
  await assert.rejects(decryptIdentity(file.subarray(0, 60), 'long enough'), code('BACKUP_INVALID'))
  const newer = file.slice()
  newer[8] = 2
  await assert.rejects(decryptIdentity(newer, 'long enough'), code('BACKUP_INVALID'))
  const costly = file.slice()
  costly[9] = 30
  await assert.rejects(decryptIdentity(costly, 'long enough'), code('BACKUP_INVALID'))
  await assert.rejects(
    encryptIdentity(await generateIdentity(), 'short'),
    code('BACKUP_PASSPHRASE_WEAK'),
  )
})
