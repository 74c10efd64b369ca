// A whole office of IP Messenger users for the sidebar's scale test (test/e2e/sidebar-scale.test.ts),
// run in a test namespace by PeerProcess (test/support/peer-process.ts): on the request `enter`
// every user sends its BR_ENTRY to Pigeon's bridge at once (docs/protocol.md §15), as an office
// does when the bridge announces itself. Users `u000`… on hosts `pc-000`…, nicknames
// `Person 000`…, the IPMsg group field their workgroup: `Dept 0`…`Dept 9`, every 25th user none.
// They share the given source addresses, 25 to an address: under the bridge's flood limit per
// address (a burst of 60, 20 a second), also when a machine's 25 are sent again 2 s later.
import { createSocket, type Socket } from 'node:dgram'
import { createInterface } from 'node:readline'
import { Mode, Opt } from '../../../app/core/legacy/ipmsg-commands.js'
import { formatEntry } from '../../../app/core/legacy/ipmsg-entry.js'
import { formatPacket } from '../../../app/core/legacy/ipmsg-packet.js'

export const PER_ADDRESS = 25

export interface OfficeUser {
  user: string
  host: string
  nickname: string
  group: string
}

export function officeUser(i: number): OfficeUser {
  const n = String(i).padStart(3, '0')
  return {
    user: `u${n}`,
    host: `pc-${n}`,
    nickname: `Person ${n}`,
    group: i % 25 === 0 ? '' : `Dept ${i % 10}`,
  }
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as {
    users: number
    addresses: string[]
    to: string
  }
  const sockets: Socket[] = []
  const answers: number[] = []
  for (const [k, address] of args.addresses.entries()) {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, address, resolve))
    answers.push(0)
    // the bridge answers each entry with an ANSENTRY to where it came from
    socket.on('message', () => (answers[k] = (answers[k] ?? 0) + 1))
    sockets.push(socket)
  }
  const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`)
  const enter = (k: number): void => {
    const socket = sockets[k]
    if (socket === undefined) return
    answers[k] = 0
    for (let i = k * PER_ADDRESS; i < Math.min(args.users, (k + 1) * PER_ADDRESS); i++) {
      const u = officeUser(i)
      const extra = formatEntry({ nickname: u.nickname, group: u.group, ext: {} })
      const command = Mode.BR_ENTRY | Opt.UTF8 | Opt.CAPUTF8
      socket.send(
        formatPacket({ version: '1', packetNo: i + 1, user: u.user, host: u.host, command, extra }),
        2425,
        args.to,
      )
    }
  }
  const expected = (k: number): number =>
    Math.max(0, Math.min(PER_ADDRESS, args.users - k * PER_ADDRESS))
  out({ event: 'ready' })
  createInterface({ input: process.stdin }).on('line', (line) => {
    const request = JSON.parse(line) as { cmd: string; req: number }
    if (request.cmd !== 'enter') return
    void (async () => {
      // all at once, but one machine's 25 at a time: 500 datagrams in one go overflow the
      // bridge's socket buffer (the kernel drops what does not fit, as a real LAN would); a
      // machine whose entries were not all answered sends them again, as an IPMsg client
      // re-announces
      let rounds = 0
      let missing = sockets.map((_, k) => k)
      while (missing.length > 0 && rounds++ < 20) {
        for (const k of missing) {
          enter(k)
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        await new Promise((resolve) => setTimeout(resolve, 2000))
        missing = missing.filter((k) => (answers[k] ?? 0) < expected(k))
      }
      out({ reply: request.req, ok: missing.length === 0, rounds, error: 'entries unanswered' })
    })()
  })
  process.stdin.on('end', () => {
    for (const socket of sockets) socket.close()
  })
}

if (process.argv[1]?.endsWith('ipmsg-office.ts') === true) await main()
