// A checkbox list of known peers, the ones online first: who goes into a new group, or who is
// added to one. Shared by the New group dialog and the group info panel.
import { useTranslation } from 'react-i18next'
import type { PeerStatus, PeerView } from '../../../api/contract.js'
import { Avatar } from './Avatar.dom.js'
import { peerName } from './format.dom.js'

export function presenceOf(peer: PeerView | undefined): PeerStatus | 'offline' {
  if (peer === undefined || !peer.online) return 'offline'
  return peer.status ?? 'online'
}

/** online before offline, then by name */
export function pickable(peers: Iterable<PeerView>, exclude: ReadonlySet<string>): PeerView[] {
  return [...peers]
    .filter((p) => !exclude.has(p.peerId))
    .sort(
      (a, b) =>
        Number(b.online) - Number(a.online) ||
        peerName(a, a.peerId).localeCompare(peerName(b, b.peerId)),
    )
}

export function PeerPicker(props: {
  peers: PeerView[]
  chosen: ReadonlySet<string>
  onChange: (chosen: Set<string>) => void
  label: string
}) {
  const { t } = useTranslation()
  return (
    <ul className="picker" role="group" aria-label={props.label} data-testid="peer-picker">
      {props.peers.map((peer) => {
        const name = peerName(peer, peer.peerId)
        const presence = presenceOf(peer)
        return (
          <li key={peer.peerId}>
            <label className="picker-row">
              <input
                type="checkbox"
                checked={props.chosen.has(peer.peerId)}
                onChange={(e) => {
                  const next = new Set(props.chosen)
                  if (e.target.checked) next.add(peer.peerId)
                  else next.delete(peer.peerId)
                  props.onChange(next)
                }}
                data-testid="pick-peer"
                data-peer={peer.peerId}
              />
              <Avatar name={name} color={peer.color} presence={presence} />
              <span className="row-text">
                <span className="row-name">{name}</span>
                <span className="row-detail">
                  {presence === 'offline' ? t('group.offline') : t('group.online')}
                </span>
              </span>
            </label>
          </li>
        )
      })}
    </ul>
  )
}
