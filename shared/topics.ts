// MQTT topic names and the ACL predicates the relay enforces (docs/protocol.md §4). Both the app
// and the relay import these, so they cannot disagree about who may publish or subscribe where.
import { randomBytes } from '@noble/hashes/utils.js'
import { toBase64url } from './base64url.js'
import { isPeerId } from './identity.js'
import { GROUP_ID_BYTES } from './envelope.js'

export const TOPIC_ROOT = 'pigeon/v1'
/** every topic is exactly TOPIC_ROOT + kind + one id: three levels below the root, at most */
export const MAX_TOPIC_LEVELS = 4

export type TopicKind = 'inbox' | 'presence' | 'group' | 'group-meta'

export type ParsedTopic =
  | { kind: 'inbox'; peerId: string }
  | { kind: 'presence'; peerId: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'group-meta'; groupId: string }

export const inboxTopic = (peerId: string): string => `${TOPIC_ROOT}/inbox/${peerId}`
export const presenceTopic = (peerId: string): string => `${TOPIC_ROOT}/presence/${peerId}`
export const groupTopic = (groupId: string): string => `${TOPIC_ROOT}/group/${groupId}`
export const groupMetaTopic = (groupId: string): string => `${TOPIC_ROOT}/group-meta/${groupId}`

export function newGroupId(): string {
  return toBase64url(randomBytes(GROUP_ID_BYTES))
}

const GROUP_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

export function isGroupId(value: string): boolean {
  return GROUP_ID_PATTERN.test(value)
}

/** Parses one of our topics; undefined for anything else, wildcards and `$SYS` included. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/')
  if (parts.length !== MAX_TOPIC_LEVELS || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT)
    return undefined
  const kind = parts[2]
  const id = parts[3] ?? ''
  switch (kind) {
    case 'inbox':
    case 'presence':
      return isPeerId(id) ? { kind, peerId: id } : undefined
    case 'group':
    case 'group-meta':
      return isGroupId(id) ? { kind, groupId: id } : undefined
    default:
      return undefined
  }
}

export interface GroupMembership {
  isMember(groupId: string, peerId: string): boolean
}

export type AclDecision =
  { ok: true } | { ok: false; code: 'ACL_DENIED' | 'TOPIC_INVALID'; reason: string }

const allow: AclDecision = { ok: true }
const deny = (reason: string): AclDecision => ({ ok: false, code: 'ACL_DENIED', reason })

function parseOrRefuse(topic: string): ParsedTopic | AclDecision {
  // [MQTT-4.7.1-2], [MQTT-4.7.1-3]: wildcards are legal MQTT, but no Pigeon client needs one.
  if (topic.includes('#') || topic.includes('+'))
    return deny(`wildcard topic "${topic.slice(0, 80)}" is not allowed`)
  if (topic.startsWith('$'))
    return deny(`"${topic.slice(0, 80)}" is a broker topic, not for clients`)
  return (
    parseTopic(topic) ?? {
      ok: false,
      code: 'TOPIC_INVALID',
      reason: `"${topic.slice(0, 80)}" is not a Pigeon topic`,
    }
  )
}

function isDecision(value: ParsedTopic | AclDecision): value is AclDecision {
  return 'ok' in value
}

/** Who may subscribe: the owner to its inbox, anyone to presence, members to a group and its meta. */
export function maySubscribe(client: string, topic: string, groups: GroupMembership): AclDecision {
  const parsed = parseOrRefuse(topic)
  if (isDecision(parsed)) return parsed
  switch (parsed.kind) {
    case 'inbox':
      return parsed.peerId === client ? allow : deny('only its owner may read an inbox')
    case 'presence':
      return allow
    case 'group':
    case 'group-meta':
      return groups.isMember(parsed.groupId, client) ? allow : deny('only members may read a group')
  }
}

/**
 * Who may publish: anyone authenticated to an inbox (the envelope is sealed), only the owner to
 * its presence, members to a group. A group-meta publish is structurally allowed here; the relay
 * must still verify the signed membership document it carries (shared/group.ts).
 */
export function mayPublish(client: string, topic: string, groups: GroupMembership): AclDecision {
  const parsed = parseOrRefuse(topic)
  if (isDecision(parsed)) return parsed
  switch (parsed.kind) {
    case 'inbox':
      return allow
    case 'presence':
      return parsed.peerId === client ? allow : deny('only its owner may publish a presence')
    case 'group':
      return groups.isMember(parsed.groupId, client)
        ? allow
        : deny('only members may write to a group')
    case 'group-meta':
      return allow
  }
}
