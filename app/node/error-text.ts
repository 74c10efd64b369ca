// The one-line form of an error for a log field (pino's `err` would print the whole stack).
export function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined
  return error instanceof Error ? error.message : String(error)
}
