// The engine's one logger: pino, as in the relay. The program makes it (app/cli/commands/start.ts,
// Electron main) and app/node/start-node.ts hands it down — a child per layer to the LAN network and the
// relay link, the same to the Messenger and its parts (router, presence, profiles, groups,
// inbound). Not given (tests, tools): silent. Log calls take pino's shape: fields, then message.
import { pino, type Logger } from 'pino'

export type { Logger }

/** A logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/** The one-line form of an error for a log field (pino's `err` would print the whole stack). */
export function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined
  return error instanceof Error ? error.message : String(error)
}
