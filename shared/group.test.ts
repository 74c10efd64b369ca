import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isPigeonError } from './errors.js'
import { generateIdentity, type Identity } from './identity.js'
import { newGroupId } from './topics.js'
import {
  decodeSignedGroupDocument,
  encodeSignedGroupDocument,
  signGroupDocument,
  verifyGroupChange,
  type GroupDocument,
  type SignedGroupDocument,
} from './group.js'

const [owner, admin, alice, bob, mallory] = (await Promise.all(
  Array.from({ length: 5 }, () => generateIdentity()),
)) as Identity[]
const groupId = newGroupId()

function doc(changes: Partial<GroupDocument> = {}): GroupDocument {
  return {
    groupId,
    name: 'Lunch',
    owner: owner!.peerId,
    admins: [admin!.peerId],
    members: [owner!.peerId, admin!.peerId, alice!.peerId],
    version: 1,
    ...changes,
  }
}

async function refused(
  current: SignedGroupDocument | undefined,
  next: SignedGroupDocument,
  code: string,
): Promise<void> {
  await assert.rejects(verifyGroupChange(current, next), (e) => isPigeonError(e) && e.code === code)
}

test('a signed document survives encode/decode and verifies as a new group from its owner', async () => {
  const signed = await signGroupDocument(doc(), owner!)
  const decoded = decodeSignedGroupDocument(encodeSignedGroupDocument(signed))
  assert.deepEqual(decoded, signed)
  await verifyGroupChange(undefined, decoded)
})

test('only the owner creates a group', async () => {
  await refused(undefined, await signGroupDocument(doc(), admin!), 'GROUP_NOT_AUTHORIZED')
})

test('a tampered document fails its signature', async () => {
  const signed = await signGroupDocument(doc(), owner!)
  await refused(
    undefined,
    { ...signed, members: [...signed.members, mallory!.peerId] },
    'GROUP_DOC_INVALID',
  )
})

test('only a higher version replaces the current one', async () => {
  const v1 = await signGroupDocument(doc(), owner!)
  await refused(
    v1,
    await signGroupDocument(doc({ version: 1, name: 'Other' }), owner!),
    'GROUP_VERSION_STALE',
  )
  await verifyGroupChange(v1, await signGroupDocument(doc({ version: 5, name: 'Other' }), owner!))
})

test('an admin adds and removes plain members and renames, but cannot touch admins or the owner', async () => {
  const v1 = await signGroupDocument(doc(), owner!)
  await verifyGroupChange(
    v1,
    await signGroupDocument(
      doc({ version: 2, members: [owner!.peerId, admin!.peerId, bob!.peerId], name: 'Dinner' }),
      admin!,
    ),
  )
  await refused(
    v1,
    await signGroupDocument(doc({ version: 2, admins: [admin!.peerId, alice!.peerId] }), admin!),
    'GROUP_NOT_AUTHORIZED',
  )
  await refused(
    v1,
    await signGroupDocument(doc({ version: 2, owner: admin!.peerId }), admin!),
    'GROUP_NOT_AUTHORIZED',
  )
})

test('a member may only leave; an outsider may do nothing', async () => {
  const v1 = await signGroupDocument(doc(), owner!)
  await verifyGroupChange(
    v1,
    await signGroupDocument(doc({ version: 2, members: [owner!.peerId, admin!.peerId] }), alice!),
  )
  await refused(
    v1,
    await signGroupDocument(
      doc({ version: 2, members: [owner!.peerId, admin!.peerId, alice!.peerId, bob!.peerId] }),
      alice!,
    ),
    'GROUP_NOT_AUTHORIZED',
  )
  await refused(
    v1,
    await signGroupDocument(
      doc({ version: 2, members: [owner!.peerId, alice!.peerId], admins: [] }),
      alice!,
    ),
    'GROUP_NOT_AUTHORIZED',
  )
  await refused(
    v1,
    await signGroupDocument(
      doc({ version: 2, members: [owner!.peerId, admin!.peerId, mallory!.peerId] }),
      mallory!,
    ),
    'GROUP_NOT_AUTHORIZED',
  )
})

test('malformed documents are refused with GROUP_DOC_INVALID', async () => {
  const good = JSON.parse(
    new TextDecoder().decode(encodeSignedGroupDocument(await signGroupDocument(doc(), owner!))),
  ) as Record<string, unknown>
  const bad: unknown[] = [
    'not json',
    [],
    { ...good, extra: 1 },
    { ...good, version: 0 },
    { ...good, members: [alice!.peerId, alice!.peerId, owner!.peerId] },
    { ...good, members: [admin!.peerId, alice!.peerId] },
    { ...good, groupId: 'short' },
    { ...good, signature: 'AAAA' },
    { ...good, name: '' },
  ]
  for (const value of bad) {
    const bytes = new TextEncoder().encode(
      typeof value === 'string' ? value : JSON.stringify(value),
    )
    assert.throws(
      () => decodeSignedGroupDocument(bytes),
      (e) => isPigeonError(e) && e.code === 'GROUP_DOC_INVALID',
      JSON.stringify(value).slice(0, 80),
    )
  }
})
