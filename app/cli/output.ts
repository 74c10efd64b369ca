// How the CLI prints things for people (the --json forms print the API's views as they are).
import type { GroupView, MeView, MessageView, PeerView } from '../api/contract.js'
import { shortPeerId } from '../api/views.js'
import { peerLabels } from './peer-label.js'

export function formatMe(me: MeView, extra: Array<[string, string]> = []): string {
  const rows: Array<[string, string]> = [
    ['PeerId', me.peerId],
    ['name', me.name],
    ['status', me.status],
    ...(me.workgroup === null ? [] : [['workgroup', me.workgroup] as [string, string]]),
    ...(me.host === null ? [] : [['host', me.host] as [string, string]]),
    ...me.addresses.map((a): [string, string] => ['listen', a]),
    ...extra,
  ]
  return rows.map(([k, v]) => `${k.padEnd(8)} ${v}`).join('\n')
}

export function formatPeers(peers: PeerView[]): string {
  if (peers.length === 0) return 'No peers known yet.'
  const label = peerLabels(peers)
  return peers
    .map((p) =>
      [
        p.peerId,
        label(p),
        p.status ?? '-',
        p.online ? `online (${p.paths.join(', ')})` : 'offline',
        `host ${p.host ?? '-'}`,
        `workgroup ${p.workgroup ?? '-'}`,
        p.verified ? 'verified' : 'unverified',
        ...(p.legacy === true ? [`IP Messenger user on ${p.host ?? '?'} — not encrypted`] : []),
        p.addresses.join(' '),
      ].join('  '),
    )
    .join('\n')
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

export function formatMessages(
  messages: MessageView[],
  names: Map<string, string>,
  me: string,
): string {
  if (messages.length === 0) return 'No messages.'
  const who = (peerId: string): string =>
    peerId === me ? 'me' : (names.get(peerId) ?? shortPeerId(peerId))
  return messages
    .map((m) => {
      const group = m.conversation.startsWith('group:')
      const flow = group
        ? `${who(m.from)} → ${names.get(m.conversation) ?? m.conversation}`
        : m.direction === 'out'
          ? `me → ${who(m.conversation)}`
          : `${who(m.from)} → me`
      const how = m.path === null ? m.state : `${m.state}/${m.path}`
      // a message that can never be delivered says why, on its own line
      const why = m.state === 'failed' && m.failure !== null ? `\n    not sent: ${m.failure}` : ''
      // a recalled message shows that it was, never its words (docs/protocol.md §2 "Recall")
      const text = m.recalledAt !== null ? '(recalled)' : (m.text ?? '')
      const reply = m.replyTo === null ? '' : `↪ ${m.replyTo.slice(0, 8)}  `
      return `${time(m.sentAt)}  ${m.id}  ${flow}  [${how}]  ${reply}${text}${why}`
    })
    .join('\n')
}

export function formatGroups(groups: GroupView[], names: Map<string, string>, me: string): string {
  if (groups.length === 0) return 'No groups yet (pigeon group create <name> <peer…>).'
  const who = (peerId: string): string =>
    peerId === me ? 'me' : (names.get(peerId) ?? shortPeerId(peerId))
  return groups
    .map((g) =>
      [
        g.id,
        g.name,
        g.joined ? g.role : 'left',
        `v${g.version}`,
        g.members.map((m) => (m === g.owner ? `${who(m)} (owner)` : who(m))).join(', '),
      ].join('  '),
    )
    .join('\n')
}
