import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPigeonError } from '../../../shared/errors.js'
import { generateIdentity } from '../../../shared/identity.js'
import { contactLinkQr, formatContactLink, parseContactLink } from './link.js'

const me = await generateIdentity()
const relayId = (await generateIdentity()).peerId
const relay = `mqtt://relay.example.org:1883#${relayId}`

test('a contact link carries PeerId, name and relay, and reads back the same', () => {
  const text = formatContactLink({ peerId: me.peerId, name: '王小明 & co', relay })
  assert.match(text, /^pigeon:12D3KooW[^?]+\?name=/)
  assert.deepEqual(parseContactLink(text), {
    peerId: me.peerId,
    name: '王小明 & co',
    relay: `mqtt://relay.example.org:1883#${relayId}`,
  })
})

test('a bare PeerId is a contact link too', () => {
  assert.deepEqual(parseContactLink(`  ${me.peerId}\n`), { peerId: me.peerId })
  assert.deepEqual(parseContactLink(formatContactLink({ peerId: me.peerId })), {
    peerId: me.peerId,
  })
})

test('broken links say what is wrong', () => {
  const code = (e: unknown) => isPigeonError(e) && e.code === 'CONTACT_LINK_INVALID'
  assert.throws(() => parseContactLink('alice'), code)
  assert.throws(() => parseContactLink(`pigeon:${me.peerId.slice(0, 30)}`), code)
  assert.throws(
    () => parseContactLink(`pigeon:${me.peerId}?relay=${encodeURIComponent('mqtt://host:1883')}`),
    (e) => code(e) && /relay/.test((e as Error).message),
  )
})

test('the QR code encodes the link in terminal block characters', async () => {
  const qr = await contactLinkQr(formatContactLink({ peerId: me.peerId, name: 'Ada', relay }))
  const lines = qr.trimEnd().split('\n')
  assert.ok(lines.length > 20)
  assert.match(qr, /[█▀▄]/)
})
