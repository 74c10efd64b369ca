import type { PeerStatus } from '../../../api/contract.js'
import { colorCss, initials, textOn } from './format.dom.js'

export function Avatar(props: {
  name: string
  color: number | null | undefined
  size?: 'small' | 'large'
  presence?: PeerStatus | 'offline'
  /** a group's avatar: rounded square, so it never reads as a person */
  group?: boolean
}) {
  return (
    <span
      className={`avatar avatar-${props.size ?? 'small'}${props.group === true ? ' avatar-group' : ''}`}
      style={{ backgroundColor: colorCss(props.color), color: textOn(props.color) }}
      aria-hidden="true"
    >
      {initials(props.name)}
      {props.presence !== undefined && <span className={`presence presence-${props.presence}`} />}
    </span>
  )
}
