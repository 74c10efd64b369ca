// The validation every IPC call's arguments pass before they reach the engine (the renderer is
// treated as untrusted: a compromised page must not be able to send anything the MessengerApi
// contract does not allow). The call is checked exactly as the same call over HTTP would be: its
// arguments become the wire body (app/api/wire.ts), a clean JSON copy of it (no prototypes, no
// getters, nothing JSON cannot carry) passes the method table's schema (app/api/validator.ts),
// and the engine gets the arguments back from that copy. Refusals are PigeonErrors with the same
// codes and sentences as over HTTP. No Electron here, so tests import it directly.
import { PigeonError } from '../../shared/errors.js'
import type { ApiArgs, MessengerApi } from '../api/contract.js'
import { isMethodName, METHOD_NAMES, type MethodName } from '../api/methods.js'
import { validateBody } from '../api/validator.js'
import { argsOf, bodyOf } from '../api/wire.js'

export type ValidCall = { [M in MethodName]: { method: M; args: ApiArgs[M] } }[MethodName]

function jsonCopy(body: Record<string, unknown>): unknown {
  try {
    return JSON.parse(JSON.stringify(body)) as unknown
  } catch (cause) {
    throw new PigeonError('API_BAD_REQUEST', 'The arguments of a call must be plain JSON values.', {
      cause,
    })
  }
}

/** Checks an IPC call from the renderer; throws a PigeonError (API_NOT_FOUND, API_BAD_REQUEST). */
export function parseCall(method: unknown, rawArgs: unknown): ValidCall {
  if (!isMethodName(method))
    throw new PigeonError('API_NOT_FOUND', `No such API call: ${String(method).slice(0, 40)}.`)
  if (!Array.isArray(rawArgs))
    throw new PigeonError('API_BAD_REQUEST', `The arguments of ${method} must be a list.`)
  const body = jsonCopy(bodyOf(method, rawArgs))
  validateBody(method, body)
  return { method, args: argsOf(method, body as Record<string, unknown>) } as ValidCall
}

/** Runs a validated call on the contract. */
export function invokeCall(api: MessengerApi, call: ValidCall): Promise<unknown> {
  const run = api[call.method] as (...args: unknown[]) => Promise<unknown>
  return run.apply(api, call.args)
}

/** Every method the preload exposes: exactly the table's (app/main/build.ts gives it the list). */
export const API_METHODS: readonly MethodName[] = METHOD_NAMES
