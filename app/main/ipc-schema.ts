// The IPC contract between app/preload and app/main: channel names, and the validation every
// call's arguments pass before they reach the engine (the renderer is treated as untrusted: a
// compromised page must not be able to send anything the MessengerApi contract does not allow).
// Pure: no Electron, so the static security test and unit tests import it directly.
import type {
  ApiMethod,
  HistoryQuery,
  MessengerApi,
  PeerStatus,
  SettingValue,
} from '../api/contract.js'
import { LIMITS } from '../../shared/limits.js'

export const CALL_CHANNEL = 'pigeon:call'
export const SUBSCRIBE_CHANNEL = 'pigeon:subscribe'
export const UNSUBSCRIBE_CHANNEL = 'pigeon:unsubscribe'
export const EVENT_CHANNEL = 'pigeon:event'

/** What ipcMain.handle returns: a value, or an error with a code and a sentence (never a stack). */
export type IpcResult =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }

export type ValidCall =
  | { method: 'me' | 'peers' | 'conversations'; args: [] }
  | { method: 'history'; args: [string, HistoryQuery] }
  | { method: 'search'; args: [string, number | undefined] }
  | { method: 'send'; args: [string, string] }
  | { method: 'markRead'; args: [string] }
  | { method: 'typing'; args: [string, boolean] }
  | { method: 'setProfile'; args: [{ name?: string; color?: number }] }
  | { method: 'setStatus'; args: [PeerStatus] }
  | { method: 'getSetting'; args: [string] }
  | { method: 'setSetting'; args: [string, SettingValue] }
  | { method: 'relayStatus' | 'myLink' | 'groups'; args: [] }
  | { method: 'createGroup'; args: [string, string[]] }
  | { method: 'addToGroup' | 'removeFromGroup'; args: [string, string[]] }
  | { method: 'leaveGroup'; args: [string] }
  | { method: 'renameGroup'; args: [string, string] }
  | { method: 'setRelay'; args: [string | null] }
  | { method: 'addContact'; args: [string] }
  | { method: 'doctor'; args: [string | undefined] }

export class IpcValidationError extends Error {
  readonly code = 'API_BAD_REQUEST'
}

const MAX_PEER_REF = 200
const MAX_TEXT_BYTES = LIMITS.textBytes
const MAX_SEARCH = 500
const MAX_SETTING_BYTES = 16_384
const SETTING_KEY = /^[A-Za-z0-9._-]{1,100}$/
const MESSAGE_ID = /^[0-9a-f]{32}$/
const MAX_RELAY_URL = 512
const MAX_CONTACT_LINK = 2048
const MAX_GROUP_REF = 256
// a coarse bound in UTF-16 units (a character is at most 2, and spaces around it are trimmed):
// the engine applies the exact limit with a sentence that names it
const MAX_GROUP_NAME = 4 * LIMITS.groupNameChars
const MAX_NAME = 4 * LIMITS.nameChars
const MAX_GROUP_MEMBERS = LIMITS.groupMembers

function fail(what: string): never {
  throw new IpcValidationError(`Invalid argument: ${what}.`)
}

function string(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string') fail(`${what} must be text`)
  if (value.length === 0 || value.length > max) fail(`${what} must have 1 to ${max} characters`)
  return value
}

function peerList(value: unknown): string[] {
  if (!Array.isArray(value)) fail('members must be a list of peers')
  if (value.length === 0 || value.length > MAX_GROUP_MEMBERS)
    fail(`members must list 1 to ${MAX_GROUP_MEMBERS} peers`)
  return value.map((v: unknown) => string(v, 'member', MAX_PEER_REF))
}

function int(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(`${what} must be a whole number from ${min} to ${max}`)
  return value
}

function plainObject(
  value: unknown,
  what: string,
  keys: readonly string[],
): Record<string, unknown> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    fail(`${what} must be an object`)
  for (const key of Object.keys(value))
    if (!keys.includes(key)) fail(`${what} has an unknown field "${key}"`)
  return value as Record<string, unknown>
}

function settingValue(value: unknown): SettingValue {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    fail('setting value must be JSON')
  }
  if (json === undefined || new TextEncoder().encode(json).length > MAX_SETTING_BYTES)
    fail(`setting value must be JSON of at most ${MAX_SETTING_BYTES} bytes`)
  return JSON.parse(json) as SettingValue // a clean copy: no prototypes, no getters
}

function arity(args: unknown[], min: number, max: number, method: string): void {
  if (args.length < min || args.length > max)
    fail(`${method} takes ${min === max ? min : `${min} to ${max}`} arguments`)
}

/** Checks an IPC call from the renderer; throws IpcValidationError on anything unexpected. */
export function parseCall(method: unknown, rawArgs: unknown): ValidCall {
  if (!Array.isArray(rawArgs)) fail('arguments must be a list')
  const args: unknown[] = rawArgs
  switch (method) {
    case 'me':
    case 'peers':
    case 'conversations':
    case 'relayStatus':
    case 'myLink':
    case 'groups':
      arity(args, 0, 0, method)
      return { method, args: [] }
    case 'createGroup':
      arity(args, 2, 2, method)
      return { method, args: [string(args[0], 'group name', MAX_GROUP_NAME), peerList(args[1])] }
    case 'addToGroup':
    case 'removeFromGroup':
      arity(args, 2, 2, method)
      return { method, args: [string(args[0], 'group', MAX_GROUP_REF), peerList(args[1])] }
    case 'leaveGroup':
      arity(args, 1, 1, method)
      return { method, args: [string(args[0], 'group', MAX_GROUP_REF)] }
    case 'renameGroup':
      arity(args, 2, 2, method)
      return {
        method,
        args: [string(args[0], 'group', MAX_GROUP_REF), string(args[1], 'group name', MAX_GROUP_NAME)],
      }
    case 'setRelay':
      arity(args, 1, 1, method)
      return {
        method,
        args: [args[0] === null ? null : string(args[0], 'relay address', MAX_RELAY_URL)],
      }
    case 'addContact':
      arity(args, 1, 1, method)
      return { method, args: [string(args[0], 'contact link', MAX_CONTACT_LINK)] }
    case 'doctor':
      arity(args, 0, 1, method)
      return {
        method,
        args: [args[0] === undefined ? undefined : string(args[0], 'peer', MAX_PEER_REF)],
      }
    case 'history': {
      arity(args, 1, 2, method)
      const peer = string(args[0], 'peer', MAX_PEER_REF)
      const query: HistoryQuery = {}
      if (args[1] !== undefined) {
        const q = plainObject(args[1], 'history query', ['before', 'limit'])
        if (q.before !== undefined) {
          if (typeof q.before !== 'string' || !MESSAGE_ID.test(q.before))
            fail('before must be a message id (32 hex digits)')
          query.before = q.before
        }
        if (q.limit !== undefined) query.limit = int(q.limit, 'limit', 1, LIMITS.historyPage)
      }
      return { method, args: [peer, query] }
    }
    case 'search':
      arity(args, 1, 2, method)
      return {
        method,
        args: [
          string(args[0], 'search text', MAX_SEARCH),
          args[1] === undefined ? undefined : int(args[1], 'limit', 1, LIMITS.historyPage),
        ],
      }
    case 'send': {
      arity(args, 2, 2, method)
      const text = string(args[1], 'message', MAX_TEXT_BYTES)
      if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES)
        fail(`message must be at most ${MAX_TEXT_BYTES} bytes`)
      return { method, args: [string(args[0], 'peer', MAX_PEER_REF), text] }
    }
    case 'markRead':
      arity(args, 1, 1, method)
      return { method, args: [string(args[0], 'peer', MAX_PEER_REF)] }
    case 'typing':
      arity(args, 2, 2, method)
      if (typeof args[1] !== 'boolean') fail('typing must be true or false')
      return { method, args: [string(args[0], 'peer', MAX_PEER_REF), args[1]] }
    case 'setProfile': {
      arity(args, 1, 1, method)
      const change = plainObject(args[0], 'profile change', ['name', 'color'])
      const out: { name?: string; color?: number } = {}
      if (change.name !== undefined) out.name = string(change.name, 'name', MAX_NAME)
      if (change.color !== undefined) out.color = int(change.color, 'colour', 0, 0xffffff)
      return { method, args: [out] }
    }
    case 'setStatus':
      arity(args, 1, 1, method)
      if (args[0] !== 'online' && args[0] !== 'away' && args[0] !== 'busy')
        fail('status must be online, away or busy')
      return { method, args: [args[0]] }
    case 'getSetting':
      arity(args, 1, 1, method)
      if (typeof args[0] !== 'string' || !SETTING_KEY.test(args[0]))
        fail('setting key must be 1-100 of A-Z a-z 0-9 . _ -')
      return { method, args: [args[0]] }
    case 'setSetting':
      arity(args, 2, 2, method)
      if (typeof args[0] !== 'string' || !SETTING_KEY.test(args[0]))
        fail('setting key must be 1-100 of A-Z a-z 0-9 . _ -')
      return { method, args: [args[0], settingValue(args[1])] }
    default:
      return fail(`no such call "${String(method).slice(0, 40)}"`)
  }
}

/** Runs a validated call on the contract. */
export function invokeCall(api: MessengerApi, call: ValidCall): Promise<unknown> {
  switch (call.method) {
    case 'me':
      return api.me()
    case 'peers':
      return api.peers()
    case 'conversations':
      return api.conversations()
    case 'history':
      return api.history(...call.args)
    case 'search':
      return api.search(...call.args)
    case 'send':
      return api.send(...call.args)
    case 'markRead':
      return api.markRead(...call.args)
    case 'typing':
      return api.typing(...call.args)
    case 'setProfile':
      return api.setProfile(...call.args)
    case 'setStatus':
      return api.setStatus(...call.args)
    case 'getSetting':
      return api.getSetting(...call.args)
    case 'setSetting':
      return api.setSetting(...call.args)
    case 'relayStatus':
      return api.relayStatus()
    case 'myLink':
      return api.myLink()
    case 'setRelay':
      return api.setRelay(...call.args)
    case 'addContact':
      return api.addContact(...call.args)
    case 'doctor':
      return api.doctor(...call.args)
    case 'groups':
      return api.groups()
    case 'createGroup':
      return api.createGroup(...call.args)
    case 'addToGroup':
      return api.addToGroup(...call.args)
    case 'removeFromGroup':
      return api.removeFromGroup(...call.args)
    case 'leaveGroup':
      return api.leaveGroup(...call.args)
    case 'renameGroup':
      return api.renameGroup(...call.args)
  }
}

/** Every method the preload exposes: exactly the contract's, nothing else. */
export const API_METHODS: readonly ApiMethod[] = [
  'me',
  'peers',
  'conversations',
  'history',
  'search',
  'send',
  'markRead',
  'typing',
  'setProfile',
  'setStatus',
  'getSetting',
  'setSetting',
  'relayStatus',
  'setRelay',
  'addContact',
  'myLink',
  'doctor',
  'groups',
  'createGroup',
  'addToGroup',
  'removeFromGroup',
  'leaveGroup',
  'renameGroup',
]
