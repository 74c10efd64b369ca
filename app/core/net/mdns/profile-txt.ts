// A node's profile in its DNS-SD TXT record, signed by its identity key (docs/protocol.md §16),
// so a peer can list it by name, host, workgroup and status without connecting — as XEP-0174
// (serverless messaging) puts presence in TXT records. The PeerId embeds the Ed25519 public key,
// so the signature is checked with nothing but the `id=` string. The strings, in this order:
//
//   id=<PeerId> v=<profile version> n=<name> c=<rrggbb> s=<online|busy|away> [w=<workgroup>]
//   [h=<host>] sig=<base64url Ed25519 signature>
//
// The signature covers "pigeon-mdns-profile/1" then every string before `sig=`, each preceded by
// its length in one byte (the TXT wire form, RFC 6763 §6.1). A string is at most 255 bytes; a
// field that does not fit is cut at a character boundary and the record then claims version - 1,
// so the full profile, sent over the connection (§6), replaces it.
import { fromBase64url, toBase64url } from '../../../../shared/base64url.js'
import { sign, verify, type Identity } from '../../../../shared/identity.js'
import { isPeerStatus } from '../../../../shared/status.js'
import type { PeerProfile } from '../../delivery.js'

const utf8 = new TextEncoder()
const CONTEXT = utf8.encode('pigeon-mdns-profile/1')
const MAX_STRING_BYTES = 255
const SIGNATURE_BYTES = 64

/** The profile fields a TXT record carries (PeerProfile without its PeerId). */
export type TxtProfile = Omit<PeerProfile, 'peerId'>

/** Why a peer's TXT record was not taken; the peer is not listed. */
export type TxtRefusal = 'unsigned' | 'malformed' | 'bad-signature'

/** The signed strings of my TXT record, `id=` first, `sig=` last (dnsaddr entries follow). */
export async function signedProfileTxt(identity: Identity, profile: TxtProfile): Promise<string[]> {
  let cut = false
  const field = (key: string, value: string): string => {
    const text = fit(`${key}=${value}`)
    cut ||= text.length < key.length + 1 + value.length
    return text
  }
  const fields = [
    field('n', profile.name),
    `c=${profile.color.toString(16).padStart(6, '0')}`,
    `s=${profile.status}`,
    ...(profile.workgroup === undefined ? [] : [field('w', profile.workgroup)]),
    ...(profile.host === undefined ? [] : [field('h', profile.host)]),
  ]
  const strings = [`id=${identity.peerId}`, `v=${profile.version - (cut ? 1 : 0)}`, ...fields]
  const signature = await sign(identity, signedBytes(strings))
  return [...strings, `sig=${toBase64url(signature)}`]
}

/**
 * The profile a peer's TXT strings claim, when they are well formed and signed by `peerId`'s
 * key; else why not. Strings after `sig=` (dnsaddr) are not signed and not read here.
 */
export async function readProfileTxt(
  peerId: string,
  strings: string[],
): Promise<TxtProfile | TxtRefusal> {
  const at = strings.findIndex((s) => s.startsWith('sig='))
  if (at < 0) return 'unsigned'
  const signed = strings.slice(0, at)
  const values = new Map<string, string>()
  for (const text of signed) {
    const eq = text.indexOf('=')
    const key = eq < 0 ? text : text.slice(0, eq)
    if (eq <= 0 || values.has(key) || utf8.encode(text).length > MAX_STRING_BYTES)
      return 'malformed'
    values.set(key, text.slice(eq + 1))
  }
  const version = Number(values.get('v'))
  const color = parseInt(values.get('c') ?? '', 16)
  const name = values.get('n') ?? ''
  const status = values.get('s')
  if (
    values.get('id') !== peerId ||
    !Number.isSafeInteger(version) ||
    version < 1 ||
    !/^[0-9a-f]{6}$/.test(values.get('c') ?? '') ||
    name.trim() === '' ||
    !isPeerStatus(status)
  )
    return 'malformed'
  let signature: Uint8Array
  try {
    signature = fromBase64url(strings[at]!.slice(4), SIGNATURE_BYTES)
  } catch {
    return 'malformed'
  }
  if (!(await verify(peerId, signedBytes(signed), signature))) return 'bad-signature'
  const profile: TxtProfile = { name, color, status, version }
  const workgroup = values.get('w')
  const host = values.get('h')
  if (workgroup !== undefined && workgroup !== '') profile.workgroup = workgroup
  if (host !== undefined && host !== '') profile.host = host
  return profile
}

function signedBytes(strings: string[]): Uint8Array {
  const parts = strings.map((s) => utf8.encode(s))
  const out = new Uint8Array(CONTEXT.length + parts.reduce((n, p) => n + 1 + p.length, 0))
  out.set(CONTEXT)
  let offset = CONTEXT.length
  for (const part of parts) {
    out[offset++] = part.length
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** The longest prefix of `text` that is at most 255 UTF-8 bytes, cut between characters. */
function fit(text: string): string {
  if (utf8.encode(text).length <= MAX_STRING_BYTES) return text
  let out = ''
  let bytes = 0
  for (const ch of text) {
    const size = utf8.encode(ch).length
    if (bytes + size > MAX_STRING_BYTES) break
    out += ch
    bytes += size
  }
  return out
}
