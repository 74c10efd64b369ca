// What the transfers list shows beyond the stored row (docs/protocol.md §10 "In the app"): the
// rate of a running transfer, from progress reports at most every PROGRESS_INTERVAL_MS; and the
// transfer id as the API and the CLI spell it (32 hex digits).
import { PigeonError } from '../../../shared/errors.js'
import type { TransferRow } from '../store/index.js'

/** how often a running transfer reports progress */
export const PROGRESS_INTERVAL_MS = 250

export interface TransferView extends TransferRow {
  /** bytes per second over the last progress interval; 0 when not moving */
  rateBytesPerSec: number
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function parseTransferId(text: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/i.test(text))
    throw new PigeonError(
      'FILE_TRANSFER_UNKNOWN',
      `"${text}" is not a transfer id (32 hex digits); see \`pigeon transfers\`.`,
    )
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/**
 * A progress callback that reports at most every PROGRESS_INTERVAL_MS, with the rate since the
 * last report; `report` stores and emits.
 */
export function progressMeter(
  now: () => number,
  startBytes: number,
  report: (bytesDone: number, rateBytesPerSec: number) => void,
): (bytesDone: number) => void {
  let last = { at: now(), bytes: startBytes }
  let lastEmit = 0
  return (bytesDone) => {
    const at = now()
    if (at - lastEmit < PROGRESS_INTERVAL_MS) return
    const rate = at > last.at ? ((bytesDone - last.bytes) * 1000) / (at - last.at) : 0
    last = { at, bytes: bytesDone }
    lastEmit = at
    report(bytesDone, Math.max(0, rate))
  }
}
