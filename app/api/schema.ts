// A small typed builder for JSON Schema: every builder returns a plain JSON Schema object (what
// ajv validates and app/api/schema-errors.ts puts in words) that also carries, at the type level
// only, the TypeScript type of the values it accepts. So the API's types come out of its schemas
// (Infer<typeof schema>) and cannot drift from what the server and the IPC checks validate.
// No package for this is installed (no TypeBox, no json-schema-to-ts), and the API needs only
// these few keywords.

declare const accepts: unique symbol

/** The keywords the builders below write (and schema-errors.ts reads). */
export interface JsonSchema {
  type?: string | readonly string[]
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  enum?: readonly unknown[]
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  properties?: Readonly<Record<string, JsonSchema>>
  required?: readonly string[]
  additionalProperties?: boolean
  anyOf?: readonly JsonSchema[]
  /** app/api/validator.ts: the value as JSON is at most this many UTF-8 bytes */
  maxJsonBytes?: number
}

/** A JSON Schema whose accepted values have the type T. */
export type Schema<T> = JsonSchema & { readonly [accepts]?: T }

export type Infer<S> = S extends Schema<infer T> ? T : never

type Simplify<T> = { [K in keyof T]: T[K] } & {}

type Props = Record<string, Schema<unknown>>

/** An object with these required and optional fields, and no others. */
export type ObjectOf<R extends Props, O extends Props> = Simplify<
  { [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> }
>

type Bounds = { minLength?: number; maxLength?: number; pattern?: string }

export const s = {
  string: (bounds: Bounds = {}): Schema<string> => ({ type: 'string', ...bounds }),
  integer: (minimum: number, maximum: number): Schema<number> => ({
    type: 'integer',
    minimum,
    maximum,
  }),
  /** a number of any size (times in ms, counts) */
  number: (): Schema<number> => ({ type: 'number' }),
  boolean: (): Schema<boolean> => ({ type: 'boolean' }),
  oneOf: <const T extends readonly (string | number)[]>(...values: T): Schema<T[number]> => ({
    enum: values,
  }),
  array: <T>(items: Schema<T>, bounds: { minItems?: number; maxItems?: number } = {}) =>
    ({ type: 'array', items, ...bounds }) as Schema<T[]>,
  /** the value, or null; for a string or a number the bounds still apply to the value */
  nullable: <T>(schema: Schema<T>): Schema<T | null> =>
    schema.type !== undefined && schema.enum === undefined
      ? { ...schema, type: [schema.type as string, 'null'] }
      : { anyOf: [schema, { type: 'null' }] },
  object: <R extends Props, O extends Props = Record<never, never>>(
    required: R,
    optional?: O,
  ): Schema<ObjectOf<R, O>> => ({
    type: 'object',
    additionalProperties: false,
    properties: { ...required, ...optional },
    required: Object.keys(required),
  }),
  /** any JSON value of type T (checked only for its size); for types no keyword describes */
  json: <T>(maxJsonBytes?: number): Schema<T> =>
    maxJsonBytes === undefined ? {} : { maxJsonBytes },
  /** no value: the method answers null */
  none: (): Schema<void> => ({ type: 'null' }),
}

/** The field schemas of an object schema built by s.object. */
export function fieldsOf(schema: JsonSchema): Readonly<Record<string, JsonSchema>> {
  return schema.properties ?? {}
}
