// What the journal records (docs/relay.md "The journal"): one record per change aedes asks of
// its persistence, replayed in order on start. A body is
//   u8 kind | u32 length of a JSON header | the header | the packet's payload bytes, if any
// The payload stays raw: it is most of a queued message's bytes, and JSON would triple it. Any
// other Buffer (MQTT 5 properties) goes through JSON and is revived on reading.
export const Kind = {
  retained: 1,
  subscribe: 2,
  unsubscribe: 3,
  cleanSubscriptions: 4,
  enqueue: 5,
  /** the queued packet with this brokerId + brokerCounter now has a messageId */
  numbered: 6,
  /** the queued packet with this messageId is replaced (a PUBREL, or another broker's packet) */
  replaced: 7,
  cleared: 8,
  incoming: 9,
  incomingDeleted: 10,
  cleanIncoming: 11,
  will: 12,
  willDeleted: 13,
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

export interface Decoded {
  kind: Kind
  header: Record<string, unknown>
  payload: Buffer | undefined
}

interface WithPayload {
  [field: string]: unknown
  payload?: unknown
}

/** `packet`'s payload rides raw after the header; the header keeps the packet's other fields under `p` */
export function encode(kind: Kind, header: Record<string, unknown>, packet?: WithPayload): Buffer {
  let payload: Buffer | undefined
  let fields = header
  if (packet !== undefined) {
    const { payload: raw, ...rest } = packet
    payload = raw === undefined ? undefined : Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)) // aedes accepts a string payload (abstract suite)
    fields = { ...header, p: rest, ...(payload === undefined ? {} : { b: 1 }) }
  }
  // the header's text goes straight into the body: one allocation per record, not two
  const json = JSON.stringify(fields)
  const jsonBytes = Buffer.byteLength(json)
  const body = Buffer.allocUnsafe(5 + jsonBytes + (payload?.length ?? 0))
  body.writeUInt8(kind, 0)
  body.writeUInt32LE(jsonBytes, 1)
  body.write(json, 5, 'utf8')
  payload?.copy(body, 5 + jsonBytes)
  return body
}

function revive(_key: string, value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  )
    return Buffer.from((value as { data: number[] }).data)
  return value
}

export function decode(body: Buffer): Decoded {
  const kind = body.readUInt8(0) as Kind
  const length = body.readUInt32LE(1)
  const header = JSON.parse(body.toString('utf8', 5, 5 + length), revive) as Record<string, unknown>
  // a copy: the body is a slice of the whole file read at start, which must not stay referenced
  const payload = header.b === 1 ? Buffer.from(body.subarray(5 + length)) : undefined
  return { kind, header, payload }
}

/** the packet a record carries, with its payload back in place */
export function packetOf(decoded: Decoded): Record<string, unknown> {
  const packet = { ...(decoded.header.p as Record<string, unknown>) }
  if (decoded.payload !== undefined) packet.payload = decoded.payload
  return packet
}
