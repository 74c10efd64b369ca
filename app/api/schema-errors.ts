// A request that fails its JSON schema (app/api/methods.ts) is answered with a sentence about the
// field in the words a person uses — "The group name is empty: give text of 1–256 characters." —
// not ajv's `body/name must NOT have fewer than 1 characters`. One place for every keyword the
// schemas use; a keyword without a sentence here still gets a sentence naming the field.
import { PigeonError } from '../../shared/errors.js'
import { isMethodName } from './methods.js'
import type { JsonSchema as FieldSchema } from './schema.js'
import { bodySchema } from './wire.js'

/** One schema failure, as ajv reports it (fastify passes ajv's errors on as they are). */
export interface SchemaFailure {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

/** Field names as people say them; `method.field` where one name means different things. */
const FIELD_NAMES: Record<string, string> = {
  peer: 'peer (a PeerId or a display name)',
  before: 'message id to page back from',
  limit: 'number of messages',
  'search.limit': 'number of results',
  text: 'message',
  'search.text': 'search text',
  typing: 'typing flag',
  'setProfile.name': 'display name',
  name: 'group name',
  color: 'colour',
  status: 'status',
  key: 'setting name',
  value: 'setting value',
  url: 'relay address',
  link: 'contact link',
  group: 'group (an id or a name)',
  members: 'list of members',
}

/** What a pattern accepts, in words (a regular expression is no help to a person). */
const PATTERN_WORDS: Record<string, string> = {
  '^[0-9a-fA-F]{32}$': 'a message id (32 hexadecimal digits, as `pigeon history --json` prints)',
  '^[A-Za-z0-9._-]{1,64}$': "1–64 letters, digits, '.', '_' or '-'",
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return `${min}–${max} ${unit}`
  if (min !== undefined) return `at least ${min} ${unit}`
  return `at most ${max} ${unit}`
}

/** What the field accepts, e.g. "text of 1–256 characters", "a whole number from 1 to 500". */
function accepted(schema: FieldSchema): string {
  if (schema.enum !== undefined) return `one of ${schema.enum.map(String).join(', ')}`
  if (schema.pattern !== undefined) return PATTERN_WORDS[schema.pattern] ?? 'the documented form'
  if (schema.maxJsonBytes !== undefined) return `JSON of at most ${schema.maxJsonBytes} bytes`
  const types = schema.type === undefined ? [] : [schema.type].flat()
  const words = types.map((type) => {
    switch (type) {
      case 'string':
        return schema.minLength === undefined && schema.maxLength === undefined
          ? 'text'
          : `text of ${range(schema.minLength, schema.maxLength, 'characters')}`
      case 'integer':
        return schema.minimum !== undefined && schema.maximum !== undefined
          ? `a whole number from ${schema.minimum} to ${schema.maximum}`
          : 'a whole number'
      case 'boolean':
        return 'true or false'
      case 'array':
        return `a list of ${range(schema.minItems, schema.maxItems, 'entries')}${schema.items === undefined ? '' : `, each ${accepted(schema.items)}`}`
      case 'object':
        return 'a JSON object'
      default:
        return type
    }
  })
  return words.length === 0 ? 'any JSON value' : words.join(', or ')
}

function fieldName(method: string, field: string): string {
  return FIELD_NAMES[`${method}.${field}`] ?? FIELD_NAMES[field] ?? `field "${field}"`
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The sentence for one schema error of a `method` request. */
function sentence(method: string, error: SchemaFailure): string {
  const body: FieldSchema = isMethodName(method) ? bodySchema(method) : {}
  const fields = Object.keys(body.properties ?? {})
  const [field, index] = error.instancePath.split('/').slice(1)
  if (field === undefined) {
    if (error.keyword === 'required') {
      const missing = String(error.params.missingProperty)
      const schema = body.properties?.[missing] ?? {}
      return `The ${fieldName(method, missing)} is missing: give ${accepted(schema)}.`
    }
    if (error.keyword === 'additionalProperties') {
      const extra = String(error.params.additionalProperty)
      return fields.length === 0
        ? `A ${method} request takes no fields, so "${extra}" cannot be sent; send {}.`
        : `"${extra}" is not a field of a ${method} request; it takes ${fields.join(', ')}.`
    }
    return fields.length === 0
      ? 'The request body must be a JSON object: send {}.'
      : `The request body must be a JSON object with the fields ${fields.join(', ')}.`
  }
  const whole = body.properties?.[field] ?? {}
  const schema = index === undefined ? whole : (whole.items ?? {})
  const what =
    index === undefined
      ? `the ${fieldName(method, field)}`
      : `entry ${Number(index) + 1} of the ${fieldName(method, field)}`
  const give = `give ${accepted(schema)}`
  switch (error.keyword) {
    case 'minLength':
      return Number(error.params.limit) <= 1
        ? `${capitalized(what)} is empty: ${give}.`
        : `${capitalized(what)} is too short: ${give}.`
    case 'maxLength':
      return `${capitalized(what)} is too long: ${give}.`
    case 'minItems':
      return `${capitalized(what)} is empty: ${give}.`
    case 'maxJsonBytes':
      return `${capitalized(what)} is too big: ${give}.`
    case 'maxItems':
      return `${capitalized(what)} has too many entries: ${give}.`
    case 'minimum':
    case 'maximum':
      return `${capitalized(what)} is out of range: ${give}.`
    case 'type':
    case 'enum':
      return `${capitalized(what)} must be ${accepted(schema)}.`
    case 'pattern':
      return `${capitalized(what)} is not in the right form: ${give}.`
    default:
      return `${capitalized(what)} is not valid: ${give}.`
  }
}

/** A schema failure of a `method` request as the error the API answers with (400). */
export function schemaError(method: string, errors: readonly SchemaFailure[]): PigeonError {
  const [first] = errors
  const message =
    first === undefined ? 'The request does not match its schema.' : sentence(method, first)
  return new PigeonError('API_BAD_REQUEST', message)
}
