// @mentions in a group's composer: typing @ opens a list of the members, filtered by what follows
// it; picking one writes "@Name " and remembers the PeerId, so the text carries who is meant
// (docs/protocol.md §8) and not only a name two people may share.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

export interface Member {
  peerId: string
  name: string
}

/** the "@query" just before the caret, if the caret is in one */
export function mentionQuery(
  text: string,
  caret: number,
): { start: number; query: string } | undefined {
  const match = /(^|\s)@([^\s@]*)$/u.exec(text.slice(0, caret))
  if (match === null) return undefined
  return { start: caret - match[2]!.length - 1, query: match[2]! }
}

/** the PeerIds picked whose "@Name" is still in the text */
export function mentionsIn(text: string, picked: ReadonlyMap<string, string>): string[] {
  return [...picked].filter(([, name]) => text.includes(`@${name}`)).map(([peerId]) => peerId)
}

export function useMentions(members: readonly Member[] | undefined) {
  const [open, setOpen] = useState<{ start: number; query: string } | undefined>(undefined)
  const [active, setActive] = useState(0)
  const [picked, setPicked] = useState<ReadonlyMap<string, string>>(new Map())
  const matches =
    open === undefined || members === undefined
      ? []
      : members.filter((m) => m.name.toLowerCase().includes(open.query.toLowerCase())).slice(0, 8)
  return {
    matches,
    active: Math.min(active, Math.max(0, matches.length - 1)),
    picked,
    /** after each change of the text or the caret */
    update(text: string, caret: number): void {
      setOpen(members === undefined ? undefined : mentionQuery(text, caret))
      setActive(0)
    },
    close: () => setOpen(undefined),
    reset: () => {
      setOpen(undefined)
      setPicked(new Map())
    },
    move: (by: number) => setActive((a) => (a + by + matches.length) % Math.max(1, matches.length)),
    /** the new text and caret once `member` is picked */
    pick(member: Member, text: string, caret: number): { text: string; caret: number } {
      const start = open?.start ?? caret
      const inserted = `@${member.name} `
      setPicked(new Map(picked).set(member.peerId, member.name))
      setOpen(undefined)
      return {
        text: text.slice(0, start) + inserted + text.slice(caret),
        caret: start + inserted.length,
      }
    },
  }
}

export function MentionList(props: {
  matches: readonly Member[]
  active: number
  onPick: (member: Member) => void
}) {
  const { t } = useTranslation()
  if (props.matches.length === 0) return null
  return (
    <ul
      className="mention-picker"
      role="listbox"
      aria-label={t('everyday.mentionPicker')}
      data-testid="mention-picker"
    >
      {props.matches.map((m, i) => (
        <li
          key={m.peerId}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          // mousedown, not click: the textarea keeps its focus and caret
          onMouseDown={(e) => {
            e.preventDefault()
            props.onPick(m)
          }}
          data-testid="mention-option"
        >
          {m.name}
        </li>
      ))}
    </ul>
  )
}
