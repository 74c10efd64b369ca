// The IPMsg bridge's file readers (docs/protocol.md §15 "Files"), the first code to see what a
// legacy peer sends over TCP 2425: a GETFILEDATA / GETDIRFILES request to Pigeon's file server
// (app/core/legacy/ipmsg-file-request.ts) and the folder records of a GETDIRFILES stream Pigeon
// fetches (app/core/legacy/ipmsg-dir-records.ts, read the way ipmsg-fetch.ts reads them: the
// length digits before the first colon, then the whole header).
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import {
  formatDirRecord,
  headerLength,
  MAX_DIR_HEADER,
  MAX_LENGTH_DIGITS,
  parseDirRecord,
  type DirRecord,
} from '../../../app/core/legacy/ipmsg-dir-records.js'
import { FileType } from '../../../app/core/legacy/ipmsg-commands.js'
import {
  formatFileRequest,
  MAX_REQUEST_BYTES,
  parseFileRequest,
} from '../../../app/core/legacy/ipmsg-file-request.js'
import { mutated } from '../mutate.js'
import { expectRefusal, hex, PropertyViolation, type FuzzTarget } from '../target.js'

type Input = { kind: 'record' | 'request'; bytes: Uint8Array }

const COLON = 0x3a

const records: fc.Arbitrary<Uint8Array> = fc
  .record({
    name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    size: fc.nat({ max: 2 ** 40 }),
    attr: fc.constantFrom(FileType.REGULAR, FileType.DIR, FileType.RETPARENT, 0x201),
    mtime: fc.nat({ max: 0xffff_ffff }),
  })
  .map((record) => formatDirRecord(record))

const requests: fc.Arbitrary<Uint8Array> = fc
  .record({
    folder: fc.boolean(),
    packetNo: fc.nat({ max: 0xffff_ffff }),
    fileId: fc.nat({ max: 0xffff }),
    offset: fc.nat({ max: 2 ** 40 }),
  })
  .map((request) => formatFileRequest({ user: 'wang', host: 'pc-wang', packetNo: 7 }, request))

/** A header as the fetcher reads one: its length from the digits before the first colon. */
function readRecord(bytes: Uint8Array): DirRecord {
  const colon = bytes.subarray(0, MAX_LENGTH_DIGITS + 1).indexOf(COLON)
  const digits = Buffer.from(bytes.subarray(0, colon < 0 ? MAX_LENGTH_DIGITS + 1 : colon))
  const length = headerLength(digits.toString('latin1'))
  return parseDirRecord(bytes.subarray(0, length))
}

function checkRecord(bytes: Uint8Array): void {
  let record: DirRecord
  try {
    record = readRecord(bytes)
  } catch (error) {
    expectRefusal(error, ['IPMSG_MALFORMED'], 'a folder record')
    return
  }
  const again = parseDirRecord(formatDirRecord(record))
  const expected = { ...record, mtime: record.mtime ?? 0 }
  if (!isDeepStrictEqual(again, expected))
    throw new PropertyViolation('parseDirRecord(formatDirRecord(r)) is not r')
}

function checkRequest(bytes: Uint8Array): void {
  let request
  try {
    request = parseFileRequest(bytes)
  } catch (error) {
    expectRefusal(error, ['IPMSG_MALFORMED', 'IPMSG_OVERSIZE'], 'parseFileRequest')
    return
  }
  const { folder, packetNo, fileId, offset } = request
  const again = parseFileRequest(
    formatFileRequest({ user: 'u', host: 'h', packetNo: 1 }, { folder, packetNo, fileId, offset }),
  )
  const same = { folder, packetNo, fileId, offset: folder ? 0 : offset }
  const read = { folder, packetNo: again.packetNo, fileId: again.fileId, offset: again.offset }
  if (again.folder !== folder || !isDeepStrictEqual(read, same))
    throw new PropertyViolation('parseFileRequest(formatFileRequest(q)) is not q')
}

export const target: FuzzTarget<Input> = {
  name: 'ipmsg-files',
  attacks:
    'parseFileRequest, the folder records of GETDIRFILES (app/core/legacy/ipmsg-file-request.ts, ipmsg-dir-records.ts): what a legacy peer sends on TCP 2425',
  async setup() {
    const bytesOf = (valid: fc.Arbitrary<Uint8Array>, max: number) =>
      fc.oneof(fc.uint8Array({ maxLength: max }), mutated(valid), valid)
    return {
      inputs: fc.oneof(
        bytesOf(records, MAX_DIR_HEADER + 64).map((bytes) => ({ kind: 'record' as const, bytes })),
        bytesOf(requests, MAX_REQUEST_BYTES).map((bytes) => ({ kind: 'request' as const, bytes })),
      ),
      check(input) {
        if (input.kind === 'record') checkRecord(input.bytes)
        else if (input.bytes.length <= MAX_REQUEST_BYTES) checkRequest(input.bytes)
      },
      show: (input) => `${input.kind} ${hex(input.bytes)}`,
    }
  },
}
