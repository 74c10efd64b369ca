// The one validator of request bodies: ajv (installed with fastify) compiling the method table's
// schemas, used by the HTTP server (fastify's validator compiler) and by Electron's main process
// for IPC calls — the same schema, the same sentence (schema-errors.ts) on both transports.
// Strict: an unknown field or a wrong type is refused, never dropped or coerced.
import { Ajv, type ValidateFunction } from 'ajv'
import { PigeonError } from '../../shared/errors.js'
import { isMethodName, type MethodName } from './methods.js'
import type { JsonSchema } from './schema.js'
import { schemaError } from './schema-errors.js'
import { bodySchema } from './wire.js'

const ajv = new Ajv({
  allErrors: false,
  allowUnionTypes: true,
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: false,
})

// s.json(maxJsonBytes): a value no keyword bounds (a setting) is bounded by its size as JSON
ajv.addKeyword({
  keyword: 'maxJsonBytes',
  schemaType: 'number',
  validate: (max: number, data: unknown) => {
    const json = JSON.stringify(data) as string | undefined
    return json !== undefined && new TextEncoder().encode(json).length <= max
  },
  errors: false,
})

export function compileSchema(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema)
}

const validators = new Map<MethodName, ValidateFunction>()

function validatorOf(method: MethodName): ValidateFunction {
  let validate = validators.get(method)
  if (validate === undefined) {
    validate = compileSchema(bodySchema(method))
    validators.set(method, validate)
  }
  return validate
}

/** Checks a body against its method's schema; throws API_BAD_REQUEST with a sentence. */
export function validateBody(method: string, body: unknown): asserts method is MethodName {
  if (!isMethodName(method))
    throw new PigeonError('API_NOT_FOUND', `No such API call: ${method.slice(0, 40)}.`)
  const validate = validatorOf(method)
  if (!validate(body)) throw schemaError(method, validate.errors ?? [])
}
