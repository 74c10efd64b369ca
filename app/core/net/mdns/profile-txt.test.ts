// The signed profile of a TXT record (docs/protocol.md §16): what is signed reads back, and what
// was changed, moved to another id, left unsigned or cut to fit is told apart.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateIdentity } from '../../../../shared/identity.js'
import { readProfileTxt, signedProfileTxt } from './profile-txt.js'

const profile = {
  name: '张伟',
  color: 0x3366ff,
  status: 'busy' as const,
  version: 1_764_600_000_000,
  workgroup: 'R&D',
  host: 'zw-pc',
}

test('a signed profile reads back as it was signed', async () => {
  const me = await generateIdentity()
  const txt = await signedProfileTxt(me, profile)
  assert.equal(txt[0], `id=${me.peerId}`)
  assert.ok(txt.at(-1)!.startsWith('sig='))
  assert.deepEqual(
    await readProfileTxt(me.peerId, [...txt, 'dnsaddr=/ip4/10.0.0.1/tcp/1']),
    profile,
  )
  const { workgroup: _w, host: _h, ...bare } = profile
  assert.deepEqual(await readProfileTxt(me.peerId, await signedProfileTxt(me, bare)), bare)
})

test('a changed field, another id, no signature or a bad field are refused', async () => {
  const me = await generateIdentity()
  const other = await generateIdentity()
  const txt = await signedProfileTxt(me, profile)
  const changed = txt.map((s) => (s.startsWith('s=') ? 's=online' : s))
  assert.equal(await readProfileTxt(me.peerId, changed), 'bad-signature')
  const moved = txt.map((s) => (s.startsWith('id=') ? `id=${other.peerId}` : s))
  assert.equal(await readProfileTxt(other.peerId, moved), 'bad-signature')
  assert.equal(
    await readProfileTxt(other.peerId, txt),
    'malformed',
    'the id is not the claimed peer',
  )
  assert.equal(await readProfileTxt(me.peerId, txt.slice(0, -1)), 'unsigned')
  const repeated = [txt[0]!, txt[0]!, ...txt.slice(1)]
  assert.equal(await readProfileTxt(me.peerId, repeated), 'malformed')
  const badSig = [...txt.slice(0, -1), 'sig=AAAA']
  assert.equal(await readProfileTxt(me.peerId, badSig), 'malformed')
})

test('a field over 255 bytes is cut between characters and claims one version less', async () => {
  const me = await generateIdentity()
  const long = { ...profile, name: '😀'.repeat(64) } // 256 bytes of UTF-8
  const txt = await signedProfileTxt(me, long)
  for (const s of txt) assert.ok(new TextEncoder().encode(s).length <= 255, s)
  const read = await readProfileTxt(me.peerId, txt)
  assert.ok(typeof read === 'object')
  assert.equal(read.name, '😀'.repeat(63))
  assert.equal(read.version, long.version - 1, 'the full profile over the connection wins')
})
