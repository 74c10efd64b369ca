// The signed membership document of a group (docs/protocol.md §7). The relay keeps the newest one
// as the retained message on groupMetaTopic(groupId) — the store every cluster node already
// shares — and enforces group topics from it. Neither the relay nor an impostor can change a
// group: every version is signed by its owner, by an admin the owner named, or (to leave) by the
// member who leaves, and only a higher version replaces the current one.
import { fromBase64url, toBase64url } from './base64url.js'
import { PigeonError } from './errors.js'
import { isPeerId, sign, verify, type Identity } from './identity.js'
import { countChars, LIMITS } from './limits.js'
import { isGroupId } from './topics.js'

export interface GroupDocument {
  groupId: string
  name: string
  owner: string
  /** may add and remove members and rename; only the owner changes this list */
  admins: string[]
  /** every member, owner and admins included */
  members: string[]
  /** starts at 1; each change is strictly higher */
  version: number
}

export interface SignedGroupDocument extends GroupDocument {
  signer: string
  signature: Uint8Array
}

/**
 * The group document's view of the one limits table (shared/limits.ts): a document must fit the
 * group-control envelope that carries it to every member (docs/protocol.md §2, §8).
 */
export const GROUP_LIMITS = {
  maxMembers: LIMITS.groupMembers,
  maxNameChars: LIMITS.groupNameChars,
  maxDocumentBytes: LIMITS.groupDocumentBytes,
} as const

const DOMAIN = 'pigeon-group/1'
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function invalid(reason: string): PigeonError {
  return new PigeonError('GROUP_DOC_INVALID', `The group document is invalid: ${reason}.`)
}

/** The exact bytes that are signed: a fixed-order JSON array under a domain tag. */
export function groupDocumentSigningBytes(doc: GroupDocument): Uint8Array {
  return encoder.encode(
    JSON.stringify([
      DOMAIN,
      doc.groupId,
      doc.name,
      doc.owner,
      doc.admins,
      doc.members,
      doc.version,
    ]),
  )
}

function checkShape(doc: GroupDocument): void {
  if (!isGroupId(doc.groupId)) throw invalid('groupId is not 16 bytes of base64url')
  if (
    typeof doc.name !== 'string' ||
    doc.name.length === 0 ||
    countChars(doc.name) > GROUP_LIMITS.maxNameChars
  ) {
    throw invalid(`the name must have 1 to ${GROUP_LIMITS.maxNameChars} characters`)
  }
  if (!Number.isSafeInteger(doc.version) || doc.version < 1)
    throw invalid('version must be a whole number from 1')
  if (!Array.isArray(doc.members) || !Array.isArray(doc.admins))
    throw invalid('members and admins must be lists')
  if (doc.members.length > GROUP_LIMITS.maxMembers)
    throw invalid(`a group has at most ${GROUP_LIMITS.maxMembers} members`)
  const members = new Set(doc.members)
  if (members.size !== doc.members.length) throw invalid('a member is listed twice')
  if (new Set(doc.admins).size !== doc.admins.length) throw invalid('an admin is listed twice')
  for (const peer of [doc.owner, ...doc.members]) {
    if (typeof peer !== 'string' || !isPeerId(peer))
      throw invalid(`"${String(peer).slice(0, 60)}" is not a PeerId`)
  }
  if (!members.has(doc.owner)) throw invalid('the owner must be a member')
  for (const admin of doc.admins)
    if (!members.has(admin)) throw invalid('every admin must be a member')
}

export async function signGroupDocument(
  doc: GroupDocument,
  signer: Identity,
): Promise<SignedGroupDocument> {
  checkShape(doc)
  const signature = Uint8Array.from(await sign(signer, groupDocumentSigningBytes(doc)))
  return {
    ...doc,
    admins: [...doc.admins],
    members: [...doc.members],
    signer: signer.peerId,
    signature,
  }
}

export function encodeSignedGroupDocument(doc: SignedGroupDocument): Uint8Array {
  const { groupId, name, owner, admins, members, version, signer } = doc
  return encoder.encode(
    JSON.stringify({
      groupId,
      name,
      owner,
      admins,
      members,
      version,
      signer,
      signature: toBase64url(doc.signature),
    }),
  )
}

/** Strict decode: the right fields with the right types and nothing else; shape checked. */
export function decodeSignedGroupDocument(bytes: Uint8Array): SignedGroupDocument {
  if (bytes.length > GROUP_LIMITS.maxDocumentBytes)
    throw invalid(`it is larger than ${GROUP_LIMITS.maxDocumentBytes} bytes`)
  let raw: unknown
  try {
    raw = JSON.parse(decoder.decode(bytes))
  } catch {
    throw invalid('it is not UTF-8 JSON')
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid('it is not a JSON object')
  const o = raw as Record<string, unknown>
  const keys = ['groupId', 'name', 'owner', 'admins', 'members', 'version', 'signer', 'signature']
  for (const key of Object.keys(o))
    if (!keys.includes(key)) throw invalid(`unknown field "${key.slice(0, 40)}"`)
  const strings = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'string')
  if (
    typeof o['groupId'] !== 'string' ||
    typeof o['name'] !== 'string' ||
    typeof o['owner'] !== 'string'
  )
    throw invalid('groupId, name and owner must be strings')
  if (!strings(o['admins']) || !strings(o['members']))
    throw invalid('admins and members must be lists of PeerIds')
  if (
    typeof o['version'] !== 'number' ||
    typeof o['signer'] !== 'string' ||
    typeof o['signature'] !== 'string'
  )
    throw invalid('version, signer and signature are missing')
  let signature: Uint8Array
  try {
    signature = fromBase64url(o['signature'], 64)
  } catch {
    throw invalid('the signature is not 64 bytes of base64url')
  }
  const doc: SignedGroupDocument = {
    groupId: o['groupId'],
    name: o['name'],
    owner: o['owner'],
    admins: o['admins'],
    members: o['members'],
    version: o['version'],
    signer: o['signer'],
    signature,
  }
  checkShape(doc)
  if (!isPeerId(doc.signer)) throw invalid('the signer is not a PeerId')
  return doc
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const set = new Set(a)
  return b.every((x) => set.has(x))
}

function notAuthorized(reason: string): PigeonError {
  return new PigeonError('GROUP_NOT_AUTHORIZED', `This group change is not allowed: ${reason}.`)
}

/**
 * Accepts `next` as the successor of `current` (undefined: a new group) or throws
 * GROUP_DOC_INVALID | GROUP_VERSION_STALE | GROUP_NOT_AUTHORIZED. Rules:
 * - create: signed by the owner;
 * - owner: any change but handing the group to another owner;
 * - admin: add or remove non-admin members, rename; not the owner, not the admin list;
 * - member: leave (remove only itself from members and admins, nothing else).
 */
export async function verifyGroupChange(
  current: SignedGroupDocument | undefined,
  next: SignedGroupDocument,
): Promise<void> {
  checkShape(next)
  if (!(await verify(next.signer, groupDocumentSigningBytes(next), next.signature))) {
    throw invalid('the signature does not match the signer')
  }
  if (current === undefined) {
    if (next.signer !== next.owner) throw notAuthorized('only the owner creates a group')
    return
  }
  if (next.groupId !== current.groupId) throw invalid('it is for another group')
  if (next.version <= current.version) {
    throw new PigeonError(
      'GROUP_VERSION_STALE',
      `Group version ${next.version} is not newer than the relay's version ${current.version}; fetch the current document and try again.`,
    )
  }
  if (next.owner !== current.owner) throw notAuthorized('the owner cannot change')
  const signer = next.signer
  if (signer === current.owner) return
  const leaving =
    current.members.includes(signer) &&
    !next.members.includes(signer) &&
    next.name === current.name &&
    sameSet(
      next.members,
      current.members.filter((m) => m !== signer),
    ) &&
    sameSet(
      next.admins,
      current.admins.filter((a) => a !== signer),
    )
  if (leaving) return
  if (!current.admins.includes(signer))
    throw notAuthorized('only the owner or an admin changes a group; a member may only leave')
  // admins ⊆ members (checkShape), so an unchanged admin list also keeps every admin a member
  if (!sameSet(next.admins, current.admins))
    throw notAuthorized('only the owner names or removes admins')
}
