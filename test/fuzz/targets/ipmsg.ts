// The IPMsg bridge's reader (app/core/legacy/ipmsg-datagram.ts, docs/protocol.md §15): the first
// code to see a datagram from anyone on UDP 2425, before any peer or message exists.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { Mode, Opt } from '../../../app/core/legacy/ipmsg-commands.js'
import { readDatagram } from '../../../app/core/legacy/ipmsg-datagram.js'
import { formatEntry } from '../../../app/core/legacy/ipmsg-entry.js'
import { formatFileEntries } from '../../../app/core/legacy/ipmsg-files.js'
import { formatMessage } from '../../../app/core/legacy/ipmsg-message.js'
import { formatPacket, MAX_SEND_BYTES } from '../../../app/core/legacy/ipmsg-packet.js'
import { mutated } from '../mutate.js'
import { expectRefusal, hex, plain, PropertyViolation, type FuzzTarget } from '../target.js'

const GBK = Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3, 0xd1, 0xd0, 0xb7, 0xa2])
const text = fc.string({ unit: 'grapheme', maxLength: 40 })

/** well-formed datagrams of every mode the bridge reads, to mutate */
const valid: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(
      Mode.BR_ENTRY,
      Mode.ANSENTRY,
      Mode.BR_ABSENCE,
      Mode.BR_EXIT,
      Mode.SENDMSG,
      Mode.RECVMSG,
      Mode.READMSG,
      0x60,
    ),
    fc.nat({ max: 0xffff_ffff }),
    text,
    text,
    fc.boolean(),
  )
  .map(([mode, no, a, b, gbk]) => {
    const extra =
      mode === Mode.SENDMSG
        ? formatMessage(
            a,
            formatFileEntries([{ fileId: 1, name: b || 'f', size: 3, mtime: 0, attr: 1 }]),
          )
        : mode === Mode.RECVMSG || mode === Mode.READMSG
          ? new TextEncoder().encode(String(no))
          : gbk
            ? Uint8Array.from([...GBK, 0, ...GBK, 0])
            : formatEntry({ nickname: a, group: b, ext: { UN: 'u', PI: b } })
    const command = mode | (mode === Mode.SENDMSG ? Opt.SENDCHECK | Opt.FILEATTACH : 0)
    return formatPacket({ version: '1', packetNo: no, user: 'user', host: 'host', command, extra })
  })

export const target: FuzzTarget<Uint8Array> = {
  name: 'ipmsg',
  attacks: 'readDatagram (app/core/legacy/ipmsg-datagram.ts): every datagram on UDP 2425',
  async setup() {
    return {
      inputs: fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated(valid), valid),
      check(bytes) {
        let read
        try {
          read = readDatagram(bytes)
        } catch (error) {
          expectRefusal(error, ['IPMSG_MALFORMED', 'IPMSG_OVERSIZE'], 'readDatagram')
          return
        }
        // what was read is written back the same: the header fields survive formatPacket
        if (bytes.length > MAX_SEND_BYTES) return
        const again = readDatagram(formatPacket(read.packet))
        if (!isDeepStrictEqual(plain(again), plain(read)))
          throw new PropertyViolation('readDatagram(formatPacket(p)) is not p')
      },
      show: (bytes) => hex(bytes),
    }
  },
}
