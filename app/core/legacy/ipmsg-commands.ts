// IP Messenger's command numbers and option bits (protocol.txt Draft-10, "Command"; docs/protocol.md
// §15 "The IPMsg bridge"): the low 8 bits of a packet's command are the mode, the rest are flags.
// Only what the bridge reads or writes is named here.

export const IPMSG_PORT = 2425

/** modes: `command & MODE_MASK` */
export const MODE_MASK = 0xff

export const Mode = {
  NOOPERATION: 0x00,
  BR_ENTRY: 0x01,
  BR_EXIT: 0x02,
  ANSENTRY: 0x03,
  BR_ABSENCE: 0x04,
  SENDMSG: 0x20,
  RECVMSG: 0x21,
  READMSG: 0x30,
  DELMSG: 0x31,
  ANSREADMSG: 0x32,
  GETFILEDATA: 0x60,
  RELEASEFILES: 0x61,
  GETDIRFILES: 0x62,
} as const

/** option bits, all above MODE_MASK; some share a value and differ by the mode they go with */
export const Opt = {
  /** entry/absence: the user is away */
  ABSENCE: 0x0000_0100,
  /** SENDMSG: answer with RECVMSG (the delivered receipt) */
  SENDCHECK: 0x0000_0100,
  /** SENDMSG: a sealed message; READMSG when opened */
  SECRET: 0x0000_0200,
  BROADCAST: 0x0000_0400,
  MULTICAST: 0x0000_0800,
  /** an automatic answer (absence text): never answered again */
  AUTORET: 0x0000_2000,
  RETRY: 0x0000_4000,
  NOLOG: 0x0002_0000,
  READCHECK: 0x0010_0000,
  FILEATTACH: 0x0020_0000,
  ENCRYPT: 0x0040_0000,
  UTF8: 0x0080_0000,
  CAPUTF8: 0x0100_0000,
} as const

/** file attribute's low 8 bits (protocol.txt "File attach extension") */
export const FileType = { REGULAR: 0x1, DIR: 0x2, RETPARENT: 0x3 } as const

export const modeOf = (command: number): number => command & MODE_MASK
export const hasOpt = (command: number, opt: number): boolean => (command & opt) === opt
