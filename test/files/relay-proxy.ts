// A TCP proxy on loopback in front of the relay's HTTP port, for test/files/relay-blob.test.ts:
// it counts the bytes each way (what really crossed between a node and the relay) and can hold
// one direction after a byte count, so a test can kill -9 a node in the middle of an upload or a
// download at a point it chose. Not a test file.
import { once } from 'node:events'
import { createServer, connect, type Server, type Socket } from 'node:net'

export type Direction = 'up' | 'down'

export class HoldProxy {
  readonly bytes: Record<Direction, number> = { up: 0, down: 0 }
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #limit: Partial<Record<Direction, number>> = {}
  #waiting: Array<() => void> = []

  constructor(server: Server) {
    this.#server = server
  }

  static async start(targetPort: number): Promise<HoldProxy> {
    const server = createServer()
    const proxy = new HoldProxy(server)
    server.on('connection', (client) => proxy.#pair(client, connect(targetPort, '127.0.0.1')))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return proxy
  }

  get url(): string {
    const address = this.#server.address() as { port: number }
    return `http://127.0.0.1:${address.port}`
  }

  /** forward at most `bytes` in total that way, then hold what comes until release() */
  holdAfter(direction: Direction, bytes: number): void {
    this.#limit[direction] = bytes
  }

  release(): void {
    this.#limit = {}
    for (const resume of this.#waiting.splice(0)) resume()
  }

  /** whether `direction` is held now */
  held(direction: Direction): boolean {
    const limit = this.#limit[direction]
    return limit !== undefined && this.bytes[direction] >= limit
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    this.#server.close()
  }

  #pair(client: Socket, target: Socket): void {
    for (const socket of [client, target]) {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
      socket.on('error', () => undefined)
    }
    this.#forward(client, target, 'up')
    this.#forward(target, client, 'down')
    client.on('close', () => target.destroy())
    target.on('close', () => client.destroy())
  }

  #forward(from: Socket, to: Socket, direction: Direction): void {
    from.on('data', (data: Buffer) => {
      const limit = this.#limit[direction]
      const room = limit === undefined ? data.length : Math.max(0, limit - this.bytes[direction])
      const now = data.subarray(0, room)
      this.bytes[direction] += now.length
      to.write(now)
      if (now.length === data.length) return
      from.pause()
      this.#waiting.push(() => {
        this.bytes[direction] += data.length - now.length
        to.write(data.subarray(now.length))
        from.resume()
      })
    })
  }
}
