// A message's text as React text nodes — never HTML from a message — with its links clickable and
// the people it mentions highlighted. A link opens outside Pigeon: target=_blank with
// rel="noopener noreferrer" in a browser; Electron's main process turns that into
// shell.openExternal for http and https only (app/main/main.main.ts, isSafeExternalUrl).
import type { ReactNode } from 'react'

// http(s) up to whitespace or full-width punctuation (Chinese text runs on without spaces); the
// ASCII punctuation that usually ends a sentence is not part of the link either
const LINK =
  /https?:\/\/[^\s<>"，。！？；：、（）【】「」『』]*[^\s<>".,;:!?'")\]}，。！？；：、（）【】「」『』]/giu

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string }
  | { kind: 'mention'; text: string }

function mentionSegments(text: string, names: readonly string[]): Segment[] {
  const tokens = names.filter((n) => n.length > 0).map((n) => `@${n}`)
  if (tokens.length === 0) return text.length === 0 ? [] : [{ kind: 'text', text }]
  const out: Segment[] = []
  let rest = text
  while (rest.length > 0) {
    let at = -1
    let token = ''
    for (const candidate of tokens) {
      const i = rest.indexOf(candidate)
      if (i >= 0 && (at < 0 || i < at || (i === at && candidate.length > token.length))) {
        at = i
        token = candidate
      }
    }
    if (at < 0) {
      out.push({ kind: 'text', text: rest })
      break
    }
    if (at > 0) out.push({ kind: 'text', text: rest.slice(0, at) })
    out.push({ kind: 'mention', text: token })
    rest = rest.slice(at + token.length)
  }
  return out
}

/** The text cut into plain runs, links and mentions of `mentionNames` (as "@Name"). */
export function segments(text: string, mentionNames: readonly string[] = []): Segment[] {
  const out: Segment[] = []
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const start = match.index
    out.push(...mentionSegments(text.slice(last, start), mentionNames))
    out.push({ kind: 'link', text: match[0] })
    last = start + match[0].length
  }
  out.push(...mentionSegments(text.slice(last), mentionNames))
  return out
}

export function MessageText(props: { text: string; mentionNames?: readonly string[] }) {
  const parts: ReactNode[] = segments(props.text, props.mentionNames).map((s, i) =>
    s.kind === 'link' ? (
      <a key={i} href={s.text} target="_blank" rel="noopener noreferrer" data-testid="link">
        {s.text}
      </a>
    ) : s.kind === 'mention' ? (
      <mark key={i} className="mention" data-testid="mention">
        {s.text}
      </mark>
    ) : (
      s.text
    ),
  )
  return <div className="bubble-text">{parts}</div>
}
