// Load for the relay benches (test/bench/relay.ts, soak.ts, relay-heap.ts): a broker under test,
// and idle authenticated connections made with minimal hand-written CONNECTs, so the load
// generator itself stays small.
import { readFileSync } from 'node:fs'
import { connect as netConnect, type Socket } from 'node:net'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'

export interface Target {
  name: string
  pid: number
  host: string
  port: number
  /** login for a fresh identity: MQTT client id, username, password */
  login(identity: Identity): Promise<{ clientId: string; username: string; password: string }>
}

export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN)
}

function encodeString(text: string): Buffer {
  const bytes = Buffer.from(text)
  const length = Buffer.alloc(2)
  length.writeUInt16BE(bytes.length)
  return Buffer.concat([length, bytes])
}

/** A bare MQTT 3.1.1 CONNECT (keepalive 0, clean session) — a few hundred bytes per socket here. */
export function connectPacket(login: {
  clientId: string
  username: string
  password: string
}): Buffer {
  const variable = Buffer.concat([encodeString('MQTT'), Buffer.from([4, 0xc2, 0, 0])])
  const body = Buffer.concat([
    variable,
    encodeString(login.clientId),
    encodeString(login.username),
    encodeString(login.password),
  ])
  const length: number[] = []
  let n = body.length
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    length.push(byte)
  } while (n > 0)
  return Buffer.concat([Buffer.from([0x10, ...length]), body])
}

export interface IdleMeasure {
  /** RSS growth per connection 2 s after the last CONNACK */
  kibPerConn: number
  /**
   * the same after `settleMs` more with the connections idle (0 when not asked for): what the
   * broker holds for them once a garbage-collected runtime has collected what the connection
   * storm left behind (docs/relay.md "Memory per connection")
   */
  settledKibPerConn: number
  sockets: Socket[]
}

export async function idleConnections(
  target: Target,
  count: number,
  settleMs = 0,
): Promise<IdleMeasure> {
  const ids = await Promise.all(Array.from({ length: count }, () => generateIdentity()))
  const logins = []
  for (const id of ids) logins.push(await target.login(id))
  await new Promise((r) => setTimeout(r, 1000))
  const before = rssKiB(target.pid)
  const sockets: Socket[] = []
  const batch = 100
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      logins.slice(i, i + batch).map(
        (login) =>
          new Promise<void>((resolve, reject) => {
            const socket = netConnect({ host: target.host, port: target.port }, () =>
              socket.write(connectPacket(login)),
            )
            socket.once('data', (data) =>
              data[0] === 0x20 && data[3] === 0
                ? resolve()
                : reject(new Error(`CONNACK ${data[3]}`)),
            )
            socket.once('error', reject)
            sockets.push(socket)
          }),
      ),
    )
  }
  await new Promise((r) => setTimeout(r, 2000))
  const after = rssKiB(target.pid)
  // read from /proc only, so the wait itself makes the broker allocate nothing
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs))
  const settled = settleMs > 0 ? (rssKiB(target.pid) - before) / count : 0
  return { kibPerConn: (after - before) / count, settledKibPerConn: settled, sockets }
}

/** a running relay process as a bench target, logging in with a fresh relay token */
export function relayTarget(
  name: string,
  relay: { mqtt: string; relayId: string; child: { pid?: number } },
): Target {
  const url = new URL(relay.mqtt)
  return {
    name,
    pid: relay.child.pid!,
    host: url.hostname,
    port: Number(url.port),
    login: async (identity) => ({
      clientId: identity.peerId,
      username: identity.peerId,
      password: await createRelayToken(identity, relay.relayId),
    }),
  }
}
