// A call's positional arguments ↔ its wire body (`POST /api/<method>`, the IPC check), by the
// method table (app/api/methods.ts): an argument travels as the field of its name, a `fields`
// argument's fields as fields of the body. Pure: the client in the browser uses it too.
import { PigeonError } from '../../shared/errors.js'
import { METHODS, type Arg, type MethodName } from './methods.js'
import type { JsonSchema } from './schema.js'

function refused(message: string): PigeonError {
  return new PigeonError('API_BAD_REQUEST', message)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function fieldNames(arg: Arg): string[] {
  return Object.keys(arg.schema.properties ?? {})
}

/** The body of a call. Refuses (API_BAD_REQUEST) too many arguments, and a `fields` argument that
 * is not a plain object or has a field its schema does not name — so a field can never overwrite
 * another argument. The values themselves are the schema's to check (app/api/validator.ts). */
export function bodyOf(method: MethodName, args: readonly unknown[]): Record<string, unknown> {
  const specs: readonly Arg[] = METHODS[method].args
  if (args.length > specs.length)
    throw refused(`${method} takes at most ${specs.length} arguments; it was given ${args.length}.`)
  const body: Record<string, unknown> = {}
  specs.forEach((spec, index) => {
    const value = args[index]
    if (value === undefined) return
    if (!spec.fields) {
      body[spec.name] = value
      return
    }
    if (!isPlainObject(value))
      throw refused(`The ${spec.name} of a ${method} call must be an object.`)
    const allowed = fieldNames(spec)
    for (const [key, field] of Object.entries(value)) {
      if (!allowed.includes(key))
        throw refused(
          `"${key}" is not a field of a ${method} ${spec.name}; it takes ${allowed.join(', ')}.`,
        )
      if (field !== undefined) body[key] = field
    }
  })
  return body
}

/** The positional arguments of a (validated) body. */
export function argsOf(method: MethodName, body: Readonly<Record<string, unknown>>): unknown[] {
  const specs: readonly Arg[] = METHODS[method].args
  return specs.map((spec) => {
    if (!spec.fields) return body[spec.name]
    const value: Record<string, unknown> = {}
    for (const key of fieldNames(spec)) if (body[key] !== undefined) value[key] = body[key]
    return value
  })
}

const bodySchemas = new Map<MethodName, JsonSchema>()

/** The JSON schema of a method's body: its arguments' fields, no others. */
export function bodySchema(method: MethodName): JsonSchema {
  let schema = bodySchemas.get(method)
  if (schema !== undefined) return schema
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const spec of METHODS[method].args as readonly Arg[]) {
    if (spec.fields) {
      Object.assign(properties, spec.schema.properties)
      if (!spec.optional) required.push(...(spec.schema.required ?? []))
    } else {
      properties[spec.name] = spec.schema
      if (!spec.optional) required.push(spec.name)
    }
  }
  schema = { type: 'object', additionalProperties: false, properties, required }
  bodySchemas.set(method, schema)
  return schema
}
