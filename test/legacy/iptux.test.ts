// Pigeon and the real iptux 0.8.3 (Debian) on one namespaced LAN (docs/protocol.md §15): Pigeon
// sees the iptux user appear; Pigeon's message is confirmed by iptux's RECVMSG (delivered) and is
// in iptux's chat log; iptux, typed into with xdotool under Xvfb, sends Chinese text that lands
// in Pigeon's history, and iptux receives Pigeon's RECVMSG for it. Everything runs in namespaces
// this test made; skipped where iptux, Xvfb or xdotool are missing (test/support/debian-deps.sh
// installs them).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, test } from 'node:test'
import { createLan, type Lan } from '../support/netns.js'
import { PIGEON_SOURCE } from '../support/entry-points.js'
import { startNsNode, type NsNode } from '../support/ns-node.js'
import { eventually } from '../app/support/wait.js'
import { startIptux, type Iptux } from './iptux.js'

const missing = ['iptux', 'Xvfb', 'xdotool'].filter((tool) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' })
    return false
  } catch {
    return true
  }
})
const skip = missing.length > 0 ? `not installed: ${missing.join(', ')}` : false

let lan: Lan
let pigeon: NsNode
let iptux: Iptux

before(async () => {
  if (skip !== false) return
  lan = await createLan({ hosts: 2, subnet: '10.77.13' })
  // Pigeon first: iptux bound to one address (-b) hears no broadcast, so it is iptux's BR_ENTRY
  // at its start that Pigeon hears and answers
  pigeon = await startNsNode(lan.hosts[0]!, 'Alice', ['--ipmsg', '--no-mdns'])
  iptux = await startIptux(lan.hosts[1]!, { nick: '老王', group: '研发部' })
})

after(async () => {
  if (skip !== false) return
  await pigeon?.stop()
  pigeon?.cleanup()
  await iptux?.stop()
  await lan?.destroy()
})

const legacyPeer = async () => (await pigeon.api.peers()).find((p) => p.legacy === true)

test(
  'Pigeon and iptux see each other and exchange Chinese text with receipts',
  { skip },
  async () => {
    await eventually(
      async () => (await legacyPeer())?.online === true,
      'the iptux user in Pigeon',
      30_000,
    )
    const peer = await legacyPeer()
    assert.equal(peer?.name, '老王')
    assert.equal(peer?.address, lan.hosts[1]!.address)
    assert.equal(peer?.group, '研发部')
    // the CLI shows it the same way (run in Pigeon's namespace: its API is on that 127.0.0.1)
    const cli = JSON.parse(
      await lan.hosts[0]!.exec(process.execPath, [
        ...PIGEON_SOURCE,
        'peers',
        '--json',
        '--data',
        pigeon.dataDir,
      ]),
    ) as Array<{ peerId: string; legacy?: boolean; host?: string; group?: string }>
    const listed = cli.find((p) => p.peerId === peer?.peerId)
    assert.deepEqual([listed?.legacy, listed?.group], [true, '研发部'])

    const text = 'Hello 老王, 这是鸽子 🐦'
    const sent = await pigeon.api.send(peer!.peerId, text)
    await eventually(
      async () =>
        (await pigeon.api.history(peer!.peerId)).some(
          (m) => m.id === sent.id && m.state === 'delivered',
        ),
      'iptux confirms with RECVMSG (delivered)',
      30_000,
    )
    await eventually(
      async () => iptux.chatLog().includes(text),
      'the text in iptux communicate.log',
      30_000,
    )

    // open_chat: iptux opened a chat window for Alice; type an answer into it
    await eventually(() => iptux.hasWindow('Alice'), 'the iptux chat window', 30_000)
    const answer = '你好，鸽子！'
    await iptux.type('Alice', answer)
    await eventually(
      async () =>
        (await pigeon.api.history(peer!.peerId)).some(
          (m) => m.direction === 'in' && m.text === answer,
        ),
      'the Chinese answer in Pigeon history',
      30_000,
    )
    // iptux logs every packet it receives: Pigeon's RECVMSG (0x21) for its message
    await eventually(
      async () => /command NO\.: \[0x21\]/.test(iptux.output()),
      'RECVMSG at iptux',
      10_000,
    )
  },
)
