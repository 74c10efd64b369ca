// The file half of the IPMsg codec (docs/protocol.md §15 "Files"): the folder records of a
// GETDIRFILES stream (round trips with `::`, Chinese names and mtimes; iptux's own header form;
// every malformed kind refused), the GETFILEDATA / GETDIRFILES request as iptux and IP Messenger
// write it, and the transfer id that carries a SENDMSG's packet and file id.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError } from '../../../shared/errors.js'
import { FileType, Mode } from './ipmsg-commands.js'
import {
  formatDirRecord,
  headerLength,
  MAX_DIR_HEADER,
  parseDirRecord,
  RETURN_TO_PARENT,
} from './ipmsg-dir-records.js'
import { formatFileRequest, parseFileRequest } from './ipmsg-file-request.js'
import { formatPacket } from './ipmsg-packet.js'
import { legacyTransferId, parseLegacyTransferId } from './ipmsg-transfers.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

function refused(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isPigeonError(e) && e.code === code)
}

test('folder records round-trip for any name, size and type; the length counts itself', () => {
  const name = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\u0000'))
  const type = fc.constantFrom(FileType.REGULAR, FileType.DIR, FileType.RETPARENT)
  fc.assert(
    fc.property(name, fc.nat(), type, fc.nat({ max: 2 ** 32 }), (n, size, attr, mtime) => {
      const header = formatDirRecord({ name: n, size, attr, mtime })
      const digits = Buffer.from(header.subarray(0, 4)).toString('latin1')
      assert.equal(headerLength(digits), header.length)
      assert.deepEqual(parseDirRecord(header), { name: n, size, attr, mtime })
    }),
  )
  const colon = formatDirRecord({ name: '纪要:第一版.txt', size: 3, attr: FileType.REGULAR })
  assert.ok(Buffer.from(colon).toString().includes('纪要::第一版.txt'))
  assert.equal(parseDirRecord(formatDirRecord(RETURN_TO_PARENT)).attr, FileType.RETPARENT)
})

test("iptux's own records parse: 4 hex digits, size padded, mtime and ctime extensions", () => {
  // as iptux's SendDirFiles writes them: "%.4x:%s:%.9llx:%lx:14=%lx:16=%lx:"
  const body = ':报告.bin:0000003e8:1:14=65a1b2c3:16=65a1b2c3:'
  const header = `${(4 + Buffer.byteLength(body)).toString(16).padStart(4, '0')}${body}`
  assert.deepEqual(parseDirRecord(text(header)), {
    name: '报告.bin',
    size: 1000,
    attr: FileType.REGULAR,
    mtime: 0x65a1b2c3,
  })
  assert.equal(parseDirRecord(text('000b:.:0:3:')).attr, FileType.RETPARENT)
})

test('malformed folder records are refused with a code', () => {
  refused(() => headerLength('zz'), 'IPMSG_MALFORMED')
  refused(() => headerLength((MAX_DIR_HEADER + 1).toString(16)), 'IPMSG_MALFORMED')
  refused(() => headerLength('0005'), 'IPMSG_MALFORMED') // shorter than any record
  refused(() => parseDirRecord(text('000c::0:1:')), 'IPMSG_MALFORMED') // no name
  refused(() => parseDirRecord(text('000d:a:xy:1:')), 'IPMSG_MALFORMED')
  refused(() => parseDirRecord(text('000c:a:0:zz:')), 'IPMSG_MALFORMED')
  refused(() => parseDirRecord(text('000b:a:0:9:')), 'IPMSG_MALFORMED') // no such type
  refused(() => parseDirRecord(text('000b:a:0')), 'IPMSG_MALFORMED') // cut short
  refused(
    () => parseDirRecord(Uint8Array.from([...text('000b:'), 0xff, 0xfe, ...text(':0:1:')])),
    'IPMSG_MALFORMED',
  )
})

test('file requests: iptux without a trailing colon, IP Messenger with one, GETDIRFILES', () => {
  const packet = (command: number, extra: string): Uint8Array =>
    formatPacket({
      version: '1_iptux',
      packetNo: 9,
      user: 'wang',
      host: 'pc',
      command,
      extra: text(extra),
    })
  assert.deepEqual(
    (({ folder, packetNo, fileId, offset }) => ({ folder, packetNo, fileId, offset }))(
      parseFileRequest(packet(Mode.GETFILEDATA | 0x0020_0000, '6a1b2c3d:2710:400')),
    ),
    { folder: false, packetNo: 0x6a1b2c3d, fileId: 0x2710, offset: 0x400 },
  )
  assert.equal(parseFileRequest(packet(Mode.GETFILEDATA, '1f:0:0:\0')).packetNo, 0x1f)
  const dir = parseFileRequest(packet(Mode.GETDIRFILES, '1f:3:0'))
  assert.deepEqual([dir.folder, dir.fileId], [true, 3])
  const ours = formatFileRequest(
    { user: 'alice', host: 'pc', packetNo: 5 },
    { folder: false, packetNo: 1_764_000_000, fileId: 7, offset: 12 },
  )
  const back = parseFileRequest(ours)
  assert.deepEqual([back.packetNo, back.fileId, back.offset], [1_764_000_000, 7, 12])
  refused(() => parseFileRequest(packet(Mode.SENDMSG, '1f:0:0')), 'IPMSG_MALFORMED')
  refused(() => parseFileRequest(packet(Mode.GETFILEDATA, '1f')), 'IPMSG_MALFORMED')
  refused(() => parseFileRequest(packet(Mode.GETFILEDATA, '1f:0:0:0')), 'IPMSG_MALFORMED')
  refused(() => parseFileRequest(packet(Mode.GETFILEDATA, '1f:x:0')), 'IPMSG_MALFORMED')
})

test('a legacy transfer id carries the packet and file id, and differs each time', () => {
  fc.assert(
    fc.property(fc.nat({ max: 2 ** 48 }), fc.nat({ max: 2 ** 32 - 1 }), (packetNo, fileId) => {
      const id = legacyTransferId(packetNo, fileId)
      assert.equal(id.length, 16)
      assert.deepEqual(parseLegacyTransferId(id), { packetNo, fileId })
    }),
  )
  assert.notDeepEqual(legacyTransferId(1, 0), legacyTransferId(1, 0))
})
