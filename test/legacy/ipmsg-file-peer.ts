// Our own IP Messenger client for the file tests (test/legacy/bridge-files.test.ts): UDP and TCP
// on one port of 127.0.0.1, as a real client has both on 2425 (docs/protocol.md §15 "Files").
// It offers files (SENDMSG|FILEATTACHOPT) and serves GETFILEDATA / GETDIRFILES with whatever
// bytes a test scripts — a real file, a folder's records, or something hostile — and fetches
// what Pigeon offers it, over real sockets.
import assert from 'node:assert/strict'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Mode, Opt } from '../../app/core/legacy/ipmsg-commands.js'
import { readDatagram, type Datagram } from '../../app/core/legacy/ipmsg-datagram.js'
import { formatEntry } from '../../app/core/legacy/ipmsg-entry.js'
import {
  formatFileRequest,
  parseFileRequest,
  type FileRequest,
} from '../../app/core/legacy/ipmsg-file-request.js'
import { formatFileEntries, type IpmsgFileEntry } from '../../app/core/legacy/ipmsg-files.js'
import { formatAnsweredNo, formatMessage } from '../../app/core/legacy/ipmsg-message.js'
import { formatPacket } from '../../app/core/legacy/ipmsg-packet.js'

/** what the peer answers a request with: bytes to write, then it closes */
export type Serve = (request: FileRequest) => Uint8Array

export class IpmsgFilePeer {
  udp: UdpSocket = createSocket('udp4')
  readonly tcp: Server
  readonly heard: Datagram[] = []
  readonly requests: FileRequest[] = []
  /** by SENDMSG packet number */
  readonly serves = new Map<number, Serve>()
  port = 0
  #no = 1
  #tcpSockets = new Set<Socket>()

  constructor(
    readonly user: string,
    readonly host: string,
  ) {
    this.tcp = createServer((socket) => {
      this.#tcpSockets.add(socket)
      socket.on('error', () => undefined) // Pigeon closes on what it refuses
      socket.once('close', () => this.#tcpSockets.delete(socket))
      socket.once('data', (bytes) => {
        const request = parseFileRequest(bytes.subarray(0, bytes.indexOf(0) + 1 || undefined))
        this.requests.push(request)
        const serve = this.serves.get(request.packetNo)
        if (serve === undefined) return void socket.destroy()
        socket.end(serve(request))
      })
    })
  }

  #onDatagram(bytes: Buffer, from: { port: number }): void {
    let d: Datagram
    try {
      d = readDatagram(new Uint8Array(bytes))
    } catch {
      return
    }
    this.heard.push(d)
    // a real client confirms every SENDMSG that asks (iptux does)
    if (d.kind === 'message' && (d.packet.command & Opt.SENDCHECK) !== 0)
      this.send(Mode.RECVMSG, formatAnsweredNo(d.packet.packetNo), from.port)
  }

  /** UDP on an ephemeral port, then TCP on the same number, drawn again while TCP has it taken */
  async start(): Promise<number> {
    for (;;) {
      const udp = createSocket('udp4')
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r))
      const port = udp.address().port
      const listening = await new Promise<boolean>((resolve) => {
        this.tcp.once('error', () => resolve(false))
        this.tcp.listen(port, '127.0.0.1', () => resolve(true))
      })
      this.tcp.removeAllListeners('error')
      if (listening) {
        this.udp.close() // the placeholder, never bound
        this.udp = udp
        this.port = port
        udp.on('message', (bytes, from) => this.#onDatagram(bytes, from))
        return port
      }
      udp.close()
    }
  }

  send(command: number, extra: Uint8Array, port: number, packetNo = this.#no++): number {
    const { user, host } = this
    const bytes = formatPacket({ version: '1', packetNo, user, host, command, extra })
    this.udp.send(bytes, port, '127.0.0.1')
    return packetNo
  }

  enter(port: number): void {
    this.send(Mode.BR_ENTRY, formatEntry({ nickname: this.user, group: 'office', ext: {} }), port)
  }

  /** SENDMSG|FILEATTACHOPT|SENDCHECKOPT with `text` and these entries; its packet number */
  offer(port: number, text: string, files: IpmsgFileEntry[], serve: Serve): number {
    const no = this.#no++
    this.serves.set(no, serve)
    const command = Mode.SENDMSG | Opt.SENDCHECK | Opt.FILEATTACH
    return this.send(command, formatMessage(text, formatFileEntries(files)), port, no)
  }

  /**
   * Connects to Pigeon's TCP port (from `localAddress`), asks, and reads until Pigeon closes:
   * everything it sent.
   */
  async fetch(
    port: number,
    request: { folder: boolean; packetNo: number; fileId: number; offset: number },
    localAddress = '127.0.0.1',
  ): Promise<Buffer> {
    const socket = connect({ host: '127.0.0.1', port, localAddress })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    socket.on('error', () => undefined)
    socket.setTimeout(10_000, () => socket.destroy()) // a hang is a failure, not a stuck test
    const me = { user: this.user, host: this.host, packetNo: this.#no++ }
    socket.write(formatFileRequest(me, request))
    const parts: Buffer[] = []
    for await (const part of socket) parts.push(part as Buffer)
    return Buffer.concat(parts)
  }

  message(): Extract<Datagram, { kind: 'message' }> {
    const found = this.heard.findLast((d) => d.kind === 'message')
    assert.ok(found?.kind === 'message', 'a SENDMSG from Pigeon')
    return found
  }

  close(): void {
    for (const socket of this.#tcpSockets) socket.destroy()
    this.tcp.close()
    this.udp.close()
  }
}
