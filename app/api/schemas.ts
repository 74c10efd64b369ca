// JSON schemas of every request body (fastify validates with ajv before a handler runs).
// Strings are bounded here; the engine applies the exact limits (UTF-8 bytes of a message, name
// length) so the user gets the specific error, e.g. MESSAGE_TOO_LONG.
import { LIMITS } from '../../shared/limits.js'
import type { ApiMethod } from './contract.js'

const peer = { type: 'string', minLength: 1, maxLength: 256 } as const
const empty = { type: 'object', additionalProperties: false, properties: {} } as const
const group = { type: 'string', minLength: 1, maxLength: 256 } as const
// names and texts are bounded coarsely (spaces around a name are trimmed first); the engine
// applies the exact limits from shared/limits.ts
const groupName = { type: 'string', minLength: 1, maxLength: 4 * LIMITS.groupNameChars } as const
const displayName = { type: 'string', minLength: 1, maxLength: 4 * LIMITS.nameChars } as const
const members = { type: 'array', items: peer, minItems: 1, maxItems: LIMITS.groupMembers } as const
const settingKey = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const

function body(properties: Record<string, object>, required: string[]): object {
  return { type: 'object', additionalProperties: false, properties, required }
}

export const REQUEST_SCHEMAS: Record<ApiMethod, object> = {
  me: empty,
  peers: empty,
  conversations: empty,
  history: body(
    {
      peer,
      before: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
      limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPage },
    },
    ['peer'],
  ),
  search: body(
    {
      text: { type: 'string', minLength: 1, maxLength: 1024 },
      limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPage },
    },
    ['text'],
  ),
  send: body({ peer, text: { type: 'string', minLength: 1, maxLength: LIMITS.envelopeBytes } }, [
    'peer',
    'text',
  ]),
  markRead: body({ peer }, ['peer']),
  typing: body({ peer, typing: { type: 'boolean' } }, ['peer', 'typing']),
  setProfile: body(
    {
      name: displayName,
      color: { type: 'integer', minimum: 0, maximum: 0xffffff },
    },
    [],
  ),
  setStatus: body({ status: { enum: ['online', 'away', 'busy'] } }, ['status']),
  getSetting: body({ key: settingKey }, ['key']),
  setSetting: body({ key: settingKey, value: {} }, ['key', 'value']),
  relayStatus: empty,
  setRelay: body({ url: { type: ['string', 'null'], minLength: 1, maxLength: 512 } }, ['url']),
  addContact: body({ link: { type: 'string', minLength: 1, maxLength: 2048 } }, ['link']),
  myLink: empty,
  doctor: body({ peer }, []),
  groups: empty,
  createGroup: body({ name: groupName, members }, ['name', 'members']),
  addToGroup: body({ group, members }, ['group', 'members']),
  removeFromGroup: body({ group, members }, ['group', 'members']),
  leaveGroup: body({ group }, ['group']),
  renameGroup: body({ group, name: groupName }, ['group', 'name']),
}
