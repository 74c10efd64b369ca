// My presence on the IPMsg wire (docs/protocol.md §15 "Presence"): the entry packet's Additional
// section — nickname and group, then the Draft-10 UTF-8 lines and my PeerId as `PI:` so other
// Pigeon nodes skip me — its command (ABSENCEOPT when away or busy), and where announcements go:
// the limited broadcast, as iptux and IP Messenger send it, and each subnet's own.
import type { ProfileBody } from '../../../shared/envelope.js'
import { IPMSG_PORT, Opt } from './ipmsg-commands.js'
import { formatEntry } from './ipmsg-entry.js'
import { subnetBroadcasts, type Endpoint } from './ipmsg-socket.js'

const GROUP = 'Pigeon'

export function myEntry(
  o: { user: string; host: string; me: string },
  profile: ProfileBody,
): Uint8Array {
  const { name } = profile
  const ext = { UN: o.user, HN: o.host, NN: name, GN: GROUP, PI: o.me }
  return formatEntry({ nickname: name, group: GROUP, ext })
}

export function entryCommand(mode: number, profile: ProfileBody): number {
  const away = profile.status !== 'online' ? Opt.ABSENCE : 0
  return mode | away | Opt.UTF8 | Opt.CAPUTF8
}

export function announceTargets(announceTo: Endpoint[] | undefined): Endpoint[] {
  return (
    announceTo ??
    ['255.255.255.255', ...subnetBroadcasts()].map((address) => ({ address, port: IPMSG_PORT }))
  )
}
