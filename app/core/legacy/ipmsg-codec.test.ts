// The IPMsg codec (docs/protocol.md §15): packets, entries, messages, file lists — round trips,
// `::` escapes, GBK and UTF-8 names, and every malformed kind refused with its code.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError } from '../../../shared/errors.js'
import { FileType, Mode, Opt, modeOf, hasOpt } from './ipmsg-commands.js'
import { formatEntry, parseEntry } from './ipmsg-entry.js'
import { formatFileEntries, parseFileEntries } from './ipmsg-files.js'
import {
  formatAnsweredNo,
  formatMessage,
  parseAnsweredNo,
  parseMessage,
  splitText,
} from './ipmsg-message.js'
import { formatPacket, MAX_PACKET_BYTES, parsePacket, type IpmsgPacket } from './ipmsg-packet.js'
import { CONTROL_CHARS, decodeLegacyText } from './ipmsg-text.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
// "你好" and "研发部" in GBK, as FeiQ sends them
const GBK_NIHAO = Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3])
const GBK_YANFABU = Uint8Array.from([0xd1, 0xd0, 0xb7, 0xa2, 0xb2, 0xbf])
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts))

function refused(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isPigeonError(e) && e.code === code)
}

test('a packet round-trips; mode and options come apart', () => {
  const packet: IpmsgPacket = {
    version: '1',
    packetNo: 1_764_590_000,
    user: 'alice',
    host: 'desk-7',
    command: Mode.SENDMSG | Opt.SENDCHECK | Opt.UTF8,
    extra: formatMessage('hello: world 你好 🐦'),
  }
  const back = parsePacket(formatPacket(packet))
  assert.deepEqual(back, packet)
  assert.equal(modeOf(back.command), Mode.SENDMSG)
  assert.ok(hasOpt(back.command, Opt.SENDCHECK))
  assert.equal(parseMessage(back.extra, false).text, 'hello: world 你好 🐦')
})

test('iptux and FeiQ version fields are taken as they are', () => {
  for (const version of ['1_iptux 0.8.3#1', '1_lbt6_0#128#000C29D8C8A0#0#0#0#4001#9']) {
    const p = parsePacket(bytes(`${version}:5:bob:pc:32:hi\0`))
    assert.equal(p.version, version)
    assert.equal(p.packetNo, 5)
  }
})

test('GBK names and text decode to Chinese; UTF-8 is preferred when valid', () => {
  const p = parsePacket(
    cat(
      bytes('1:7:'),
      GBK_NIHAO,
      bytes(':host:1:'),
      GBK_NIHAO,
      bytes('\0'),
      GBK_YANFABU,
      bytes('\0'),
    ),
  )
  assert.equal(p.user, '你好')
  const entry = parseEntry(p.extra)
  assert.deepEqual([entry.nickname, entry.group], ['你好', '研发部'])
  assert.equal(decodeLegacyText(bytes('研发部'), 'x').encoding, 'utf-8')
  assert.equal(decodeLegacyText(GBK_YANFABU, 'x').encoding, 'gb18030')
  const m = parseMessage(cat(GBK_NIHAO, bytes('\0')), false)
  assert.deepEqual([m.text, m.encoding], ['你好', 'gb18030'])
})

test('the Draft-10 UTF-8 lines win over the code-page fields; PI carries a Pigeon PeerId', () => {
  const extra = cat(
    GBK_NIHAO,
    bytes('\0'),
    GBK_YANFABU,
    bytes('\0\nUN:zhang\nHN:pc1\nNN:张三\nGN:研发\nPI:12D3KooWabc\n\0'),
  )
  const entry = parseEntry(extra)
  assert.equal(entry.nickname, '张三')
  assert.equal(entry.group, '研发')
  assert.equal(entry.ext.PI, '12D3KooWabc')
  const again = parseEntry(formatEntry(entry))
  assert.deepEqual(again, entry)
})

test('entries round-trip for any nickname and group', () => {
  const name = fc
    .string({ unit: 'grapheme', maxLength: 20 })
    .map((s) => s.replace(CONTROL_CHARS, '').trim())
  fc.assert(
    fc.property(name, name, (nickname, group) => {
      const entry = { nickname, group, ext: {} }
      assert.deepEqual(parseEntry(formatEntry(entry)), entry)
    }),
  )
})

test('packets round-trip for any field values', () => {
  const word = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
    .filter(
      (s) =>
        !s.includes(':') &&
        s.replace(CONTROL_CHARS, '') === s &&
        new TextEncoder().encode(s).length <= 128,
    )
  fc.assert(
    fc.property(
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      word,
      word,
      fc.nat({ max: 0xffff_ffff }),
      fc.uint8Array({ maxLength: 2000 }),
      (packetNo, user, host, command, extra) => {
        const p = { version: '1', packetNo, user, host, command, extra }
        assert.deepEqual(parsePacket(formatPacket(p)), p)
      },
    ),
  )
})

test('texts split at code points within the byte limit and join back whole', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 400 }),
      fc.integer({ min: 4, max: 64 }),
      (text, max) => {
        const pieces = splitText(text, max)
        assert.equal(pieces.join(''), text)
        for (const piece of pieces) assert.ok(bytes(piece).length <= max)
      },
    ),
  )
  assert.equal(splitText('你'.repeat(3000)).length, 2) // 9,000 bytes: two packets, nothing cut
})

test('file entries round-trip, colons in names escaped as ::', () => {
  const raw = bytes('1:a::b.txt:1f:5f3e:1:\u00072:::lead and trail:::0:0:2:\u0007')
  const entries = parseFileEntries(raw)
  assert.deepEqual(
    entries.map((e) => [e.fileId, e.name, e.size, e.attr]),
    [
      [1, 'a:b.txt', 31, FileType.REGULAR],
      [2, ':lead and trail:', 0, FileType.DIR],
    ],
  )
  const entry = fc.record({
    fileId: fc.nat({ max: 0xffff_ffff }),
    name: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter((s) => !s.includes('\u0007') && s.trim() === s),
    size: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    mtime: fc.nat({ max: 0xffff_ffff }),
    attr: fc.constantFrom(FileType.REGULAR, FileType.DIR),
  })
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), (list) => {
      assert.deepEqual(
        parseFileEntries(formatFileEntries(list)),
        list.map((e) => ({ ...e })),
      )
    }),
  )
})

test('RECVMSG names the packet number it answers', () => {
  assert.equal(parseAnsweredNo(formatAnsweredNo(1764590001)), 1764590001)
  assert.equal(parseAnsweredNo(bytes('42')), 42)
  refused(() => parseAnsweredNo(bytes('x42')), 'IPMSG_MALFORMED')
})

test('malformed, truncated, oversized and wrongly encoded packets are refused with a code', () => {
  const cases: Array<[Uint8Array, string]> = [
    [bytes(''), 'IPMSG_MALFORMED'],
    [bytes('1:2:alice:host:32'), 'IPMSG_MALFORMED'], // truncated: five fields
    [bytes('1:x:alice:host:32:hi'), 'IPMSG_MALFORMED'], // packet number not a number
    [bytes('1:2:alice:host:0x20:hi'), 'IPMSG_MALFORMED'],
    [bytes('1:2:alice:host:99999999999:hi'), 'IPMSG_MALFORMED'], // command over 32 bits
    [bytes('1:99999999999999999:a:h:32:'), 'IPMSG_MALFORMED'], // packet number too long
    [bytes('1:2::host:32:hi'), 'IPMSG_MALFORMED'], // empty user
    [bytes(`1:2:${'u'.repeat(129)}:host:32:hi`), 'IPMSG_MALFORMED'],
    [bytes('\u0001:2:a:h:32:'), 'IPMSG_MALFORMED'], // version not printable
    [cat(bytes('1:2:'), Uint8Array.from([0xff, 0xff, 0xff]), bytes(':h:32:')), 'IPMSG_MALFORMED'], // neither UTF-8 nor GB18030
    [new Uint8Array(MAX_PACKET_BYTES + 1).fill(0x31), 'IPMSG_OVERSIZE'],
  ]
  for (const [packet, code] of cases) refused(() => parsePacket(packet), code)
  refused(() => parseMessage(Uint8Array.from([0x80, 0xff]), false), 'IPMSG_MALFORMED')
  refused(() => parseFileEntries(bytes('x:a:1:1:1:')), 'IPMSG_MALFORMED')
  refused(() => parseFileEntries(bytes('1:a:zz:1:1:')), 'IPMSG_MALFORMED')
  refused(() => parseFileEntries(bytes('1::1:1:1:')), 'IPMSG_MALFORMED') // no name
  refused(() => parseFileEntries(bytes('1:a:1:1:3:')), 'IPMSG_MALFORMED') // RETPARENT is no entry
  refused(() => parseFileEntries(bytes('1:a:1:1:1:\u0007'.repeat(257))), 'IPMSG_MALFORMED')
  refused(
    () =>
      formatPacket({
        version: '1',
        packetNo: 1,
        user: 'a',
        host: 'h',
        command: 32,
        extra: new Uint8Array(9000),
      }),
    'IPMSG_OVERSIZE',
  )
})

test('any bytes parse to a packet or a PigeonError, never another exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
      for (const input of [junk, cat(bytes('1:1:a:h:'), junk)]) {
        try {
          const p = parsePacket(input)
          parseEntry(p.extra)
          parseMessage(p.extra, true)
        } catch (e) {
          if (!isPigeonError(e)) throw e
        }
      }
    }),
  )
})
