// The bridge's UDP socket (docs/protocol.md §15 "Transport"): port 2425 on all addresses — Linux
// delivers a broadcast only to a socket bound to the wildcard address — with broadcast allowed,
// and the subnets' broadcast addresses to announce to. Port 2425 taken (a real IP Messenger on
// this machine) is a warning and a bridge that stays off, never a crash of the node.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { networkInterfaces } from 'node:os'
import { PigeonError } from '../../../shared/errors.js'
import type { Logger } from '../log.js'
import { MAX_PACKET_BYTES } from './ipmsg-packet.js'

export interface Endpoint {
  address: string
  port: number
}

/** Every IPv4 subnet's broadcast address on this host's interfaces (loopback excluded). */
export function subnetBroadcasts(): string[] {
  const out = new Set<string>()
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.family !== 'IPv4' || nic.internal) continue
      const ip = nic.address.split('.').map(Number)
      const mask = nic.netmask.split('.').map(Number)
      out.add(ip.map((b, i) => (b | (~mask[i]! & 0xff)) & 0xff).join('.'))
    }
  }
  return [...out]
}

export class IpmsgSocket {
  readonly #socket: Socket
  readonly #log: Logger
  #bound = false

  constructor(onDatagram: (bytes: Uint8Array, from: Endpoint) => void, log: Logger) {
    this.#log = log
    this.#socket = createSocket({ type: 'udp4' })
    this.#socket.on('message', (bytes: Buffer, from: RemoteInfo) => {
      // a datagram above the limit is dropped unread (the codec refuses it too)
      if (bytes.length > MAX_PACKET_BYTES) return
      onDatagram(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), from)
    })
    this.#socket.on('error', (error) => log.warn({ err: error.message }, 'IPMsg socket error'))
  }

  get bound(): boolean {
    return this.#bound
  }

  /** Binds; resolves false (with a warning logged) when the port is taken, instead of throwing. */
  async bind(port: number, host: string): Promise<boolean> {
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (error: Error): void => reject(error)
        this.#socket.once('error', fail)
        this.#socket.bind({ port, address: host, exclusive: true }, () => {
          this.#socket.off('error', fail)
          resolve()
        })
      })
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      const error = new PigeonError(
        'IPMSG_PORT_IN_USE',
        code === 'EADDRINUSE'
          ? `UDP port ${port} is in use (another IP Messenger, FeiQ or iptux on this computer?); the IPMsg bridge stays off. Quit the other program and restart Pigeon, or turn the bridge off with --no-ipmsg.`
          : `The IPMsg bridge could not listen on UDP ${host}:${port} (${code ?? String(cause)}); it stays off.`,
        { cause },
      )
      this.#log.warn({ code: error.code }, error.message)
      return false
    }
    this.#socket.setBroadcast(true)
    this.#bound = true
    return true
  }

  get port(): number {
    return this.#socket.address().port
  }

  send(bytes: Uint8Array, to: Endpoint): void {
    if (!this.#bound) return
    this.#socket.send(bytes, to.port, to.address, (error) => {
      if (error) this.#log.debug({ err: error.message, to }, 'IPMsg send failed')
    })
  }

  async close(): Promise<void> {
    if (!this.#bound) {
      this.#socket.close()
      return
    }
    this.#bound = false
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()))
  }
}
