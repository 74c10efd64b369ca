// The Additional section of BR_ENTRY, ANSENTRY and BR_ABSENCE (protocol.txt "Entry", docs/protocol.md
// §15 "Presence"): `nickname\0group\0`, then, from clients that know Draft-10, `\nUN:user\nHN:host
// \nNN:nickname\nGN:group\n` in UTF-8 whatever the rest is in. Pigeon adds one line of its own,
// `PI:<PeerId>`: a Pigeon node that also answers on 2425 is then shown once, as the Pigeon peer it
// is (the bridge ignores entries that carry PI), never a second time as a legacy peer.
import { PigeonError } from '../../../shared/errors.js'
import { joinNul, splitNul } from './ipmsg-packet.js'
import { CONTROL_CHARS, decodeLegacyText, encodeLegacyText } from './ipmsg-text.js'

/** nickname and group, in characters; longer ones are cut with an ellipsis for display */
export const MAX_ENTRY_CHARS = 64

export interface IpmsgEntry {
  nickname: string
  group: string
  /** UN/HN/NN/GN/PI lines (only these keys are kept) */
  ext: Partial<Record<ExtKey, string>>
}

const EXT_KEYS = ['UN', 'HN', 'NN', 'GN', 'PI'] as const
type ExtKey = (typeof EXT_KEYS)[number]

function clip(text: string): string {
  const chars = [...text]
  const shown =
    chars.length > MAX_ENTRY_CHARS ? chars.slice(0, MAX_ENTRY_CHARS - 1).join('') + '…' : text
  // a control character in a name misleads a person
  return shown.replace(CONTROL_CHARS, ' ').trim()
}

function extLines(part: Uint8Array | undefined): IpmsgEntry['ext'] {
  const ext: IpmsgEntry['ext'] = {}
  if (part === undefined || part[0] !== 0x0a) return ext
  let lines: string
  try {
    lines = decodeLegacyText(part, 'entry extension').text
  } catch {
    return ext // the lines are an optional extra; the header and nickname still hold
  }
  for (const line of lines.split('\n')) {
    const key = line.slice(0, 2) as ExtKey
    if (line[2] === ':' && EXT_KEYS.includes(key) && ext[key] === undefined)
      ext[key] = line.slice(3)
  }
  return ext
}

export function parseEntry(extra: Uint8Array): IpmsgEntry {
  const [nick = new Uint8Array(), group = new Uint8Array(), third] = splitNul(extra)
  const ext = extLines(third)
  const nickname = clip(ext.NN ?? decodeLegacyText(nick, 'nickname').text)
  if (nickname === '' && nick.length > 0 && ext.NN === undefined) {
    throw new PigeonError(
      'IPMSG_MALFORMED',
      'An IPMsg entry had a nickname of control characters only.',
    )
  }
  return {
    nickname,
    group: clip(ext.GN ?? decodeLegacyText(group, 'group name').text),
    ext: Object.fromEntries(Object.entries(ext).map(([k, v]) => [k, clip(v)])),
  }
}

export function formatEntry(entry: IpmsgEntry): Uint8Array {
  const lines = EXT_KEYS.filter((k) => entry.ext[k] !== undefined)
    .map((k) => `${k}:${entry.ext[k]}\n`)
    .join('')
  const parts = [encodeLegacyText(entry.nickname), encodeLegacyText(entry.group)]
  if (lines !== '') parts.push(encodeLegacyText(`\n${lines}`))
  return joinNul(parts)
}
