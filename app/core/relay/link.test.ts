import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import { generateIdentity, type Identity } from '../../../shared/identity.js'
import { startRelayProcess, type RelayProcess } from '../../../test/support/relay-process.js'
import type { PeerProfile } from '../delivery.js'
import { RelayLink, type RelayLinkInit, type RelayStatus } from './link.js'
import { parseRelayAddress } from './url.js'
import { until as waitUntil } from '../../../test/app/support/wait.js'

let relay: RelayProcess
const links: RelayLink[] = []

before(async () => {
  relay = await startRelayProcess()
})

after(async () => {
  for (const link of links) await link.stop()
  await relay.stop()
  relay.cleanup()
})

function link(
  identity: Identity,
  name: string,
  url = `${relay.mqtt}#${relay.relayId}`,
  extra: Partial<RelayLinkInit> = {},
): RelayLink {
  const created = new RelayLink({
    identity,
    url,
    profile: { name, color: 0x3366ff, status: 'online', version: 1 },
    backoff: { baseMs: 50, maxMs: 200 },
    ...extra,
  })
  links.push(created)
  return created
}

function until<T>(wait: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve) => wait(resolve))
}

async function connected(l: RelayLink): Promise<void> {
  if (l.status().state === 'connected') return
  await until<RelayStatus>((resolve) =>
    l.on('status', (s) => s.state === 'connected' && resolve(s)),
  )
}

function text(from: Identity, to: Identity, body: string): Envelope {
  return {
    id: newMessageId(),
    sender: from.peerId,
    to: { peer: to.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: body,
  }
}

test('a relay address needs the relay id, and says so in words', () => {
  assert.throws(
    () => parseRelayAddress('mqtt://relay.example:1883'),
    (e) => isPigeonError(e) && e.code === 'RELAY_URL_INVALID' && /relay id/.test(e.message),
  )
  assert.throws(
    () => parseRelayAddress('http://relay.example#x'),
    (e) => isPigeonError(e) && e.code === 'RELAY_URL_INVALID',
  )
  assert.throws(
    () => parseRelayAddress('not a url'),
    (e) => isPigeonError(e) && e.code === 'RELAY_URL_INVALID',
  )
})

test('a message to an offline peer waits at the relay and arrives, sealed, when it connects', async () => {
  const alice = await generateIdentity()
  const bob = await generateIdentity()
  const bobLink = link(bob, 'Bob')
  const received: Envelope[] = []
  bobLink.onInbound(async (envelope) => {
    received.push(envelope)
  })
  // Bob connects once to create his persistent session, then goes away
  bobLink.start()
  await connected(bobLink)
  await bobLink.stop()

  const aliceLink = link(alice, 'Alice')
  aliceLink.onInbound(async () => undefined)
  aliceLink.start()
  await connected(aliceLink)
  const sent = [
    text(alice, bob, 'first'),
    text(alice, bob, '第二条消息'),
    text(alice, bob, 'third'),
  ]
  for (const envelope of sent) await aliceLink.deliver(bob.peerId, envelope) // resolves on PUBACK

  bobLink.start()
  await connected(bobLink)
  while (received.length < sent.length) await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(
    received.map((e) => e.kind === 'text' && e.text),
    ['first', '第二条消息', 'third'],
  )
  assert.deepEqual(
    received.map((e) => e.sender),
    [alice.peerId, alice.peerId, alice.peerId],
  )
})

/** Bob, whose inbound handler is `inbound`, and Alice: both connected to the relay. */
async function connectedPair(inbound: (envelope: Envelope) => Promise<void>) {
  const alice = await generateIdentity()
  const bob = await generateIdentity()
  const bobLink = link(bob, 'Bob')
  bobLink.onInbound(inbound)
  bobLink.start()
  await connected(bobLink)
  const aliceLink = link(alice, 'Alice')
  aliceLink.start()
  await connected(aliceLink)
  return { alice, bob, aliceLink, bobLink }
}

test('a message the receiver fails to store comes again, and is kept once', async () => {
  let failOnce = true
  const kept: string[] = []
  const { alice, bob, aliceLink } = await connectedPair(async (envelope) => {
    if (failOnce) {
      failOnce = false
      throw new Error('disk full')
    }
    if (envelope.kind === 'text') kept.push(envelope.text)
  })
  await aliceLink.deliver(bob.peerId, text(alice, bob, 'important'))
  while (kept.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(kept, ['important'])
})

test('a message the receiver refuses for good is acked and dropped, not sent again forever', async () => {
  const seen: string[] = []
  const { alice, bob, aliceLink, bobLink } = await connectedPair(async (envelope) => {
    if (envelope.kind !== 'text') return
    seen.push(envelope.text)
    if (envelope.text === 'refused') throw new PigeonError('DELIVERY_REJECTED', 'not for me')
  })
  await aliceLink.deliver(bob.peerId, text(alice, bob, 'refused'))
  await aliceLink.deliver(bob.peerId, text(alice, bob, 'next'))
  await waitUntil(() => seen.includes('next'), 'the next message')
  // had it been left unacked, the relay would have handed it over again on the reconnect
  assert.deepEqual(seen, ['refused', 'next'])
  assert.equal(bobLink.status().state, 'connected')
})

test('presence: a watched contact appears with its profile and goes offline when it leaves', async () => {
  const alice = await generateIdentity()
  const carol = await generateIdentity()
  const aliceLink = link(alice, 'Alice')
  aliceLink.watch([carol.peerId])
  const profiles: PeerProfile[] = []
  aliceLink.on('profile', (p) => profiles.push(p))
  aliceLink.start()
  await connected(aliceLink)
  const carolLink = link(carol, 'Carol')
  const online = until<{ peerId: string }>((resolve) => aliceLink.on('peer:online', resolve))
  carolLink.start()
  assert.equal((await online).peerId, carol.peerId)
  assert.equal(profiles.at(-1)?.name, 'Carol')
  const offline = until<{ peerId: string }>((resolve) => aliceLink.on('peer:offline', resolve))
  await carolLink.stop()
  assert.equal((await offline).peerId, carol.peerId)
  assert.equal(aliceLink.isOnline(carol.peerId), false)
})

test('a relay that refuses us, or is not there, is an error state in words, and delivery fails cleanly', async () => {
  const dave = await generateIdentity()
  const stranger = await generateIdentity()
  // a token bound to another relay's id: refused at CONNECT, and said to be the relay id
  const wrong = link(dave, 'Dave', `${relay.mqtt}#${stranger.peerId}`, {
    refusedBackoff: { baseMs: 100, maxMs: 10_000 },
    random: () => 1,
  })
  const refusals: RelayStatus[] = []
  const thirdRefusal = until<void>((resolve) =>
    wrong.on('status', (s) => {
      if (s.state === 'error') refusals.push(s)
      if (refusals.length === 3) resolve()
    }),
  )
  wrong.start()
  await thirdRefusal
  const refused = refusals[0]!
  assert.equal(refused.lastError?.code, 'TOKEN_WRONG_RELAY')
  assert.match(refused.lastError?.message ?? '', /relay id is wrong/)
  await assert.rejects(
    wrong.deliver(stranger.peerId, text(dave, stranger, 'hi')),
    (e) => isPigeonError(e) && e.code === 'PEER_UNREACHABLE',
  )
  // retried with the refusal back-off (shared/backoff.ts), each wait twice the last
  const waits = refusals.map((s) => (s.retryAt ?? 0) - (s.lastError?.at ?? 0))
  assert.ok(
    waits[0]! >= 90 && waits[1]! >= 1.8 * waits[0]! && waits[2]! >= 1.8 * waits[1]!,
    `waits ${waits.join(', ')} ms`,
  )
  await wrong.stop()

  const nowhere = link(dave, 'Dave', `mqtt://127.0.0.1:1#${relay.relayId}`)
  nowhere.start()
  const unreachable = await until<RelayStatus>((resolve) =>
    nowhere.on('status', (s) => s.state === 'error' && resolve(s)),
  )
  assert.equal(unreachable.lastError?.code, 'RELAY_UNREACHABLE')
  assert.ok((unreachable.retryAt ?? 0) > 0)
  await nowhere.stop()
  assert.equal(nowhere.status().state, 'off')
})

test('a key an invite-only relay has not admitted is told so, not that the relay id is wrong', async () => {
  const closed = await startRelayProcess({ args: ['--invite-only'] })
  try {
    const erin = link(await generateIdentity(), 'Erin', `${closed.mqtt}#${closed.relayId}`)
    const refused = until<RelayStatus>((resolve) =>
      erin.on('status', (s) => s.state === 'error' && resolve(s)),
    )
    erin.start()
    const status = await refused
    assert.equal(status.lastError?.code, 'RELAY_REFUSED')
    assert.match(status.lastError?.message ?? '', /invite-only .* or this computer's clock/)
    await erin.stop()
  } finally {
    await closed.stop()
    closed.cleanup()
  }
})
