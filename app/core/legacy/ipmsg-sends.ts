// What the bridge sent and waits to hear about (docs/protocol.md §15 "Text"): each SENDMSG goes
// out with SENDCHECKOPT and a packet number above every earlier one (iptux drops a number not
// above the last it saw from us, so they follow the clock, in seconds as IP Messenger's own do,
// and never repeat within a run); it is sent again until its RECVMSG comes back from the
// recipient's address, and a READMSG for it names the message that was read.
import { PigeonError } from '../../../shared/errors.js'
import type { Endpoint } from './ipmsg-socket.js'

export interface SendTiming {
  /** wait this long for RECVMSG before sending again */
  retryMs: number
  /** sends of one packet in all */
  attempts: number
}

export const DEFAULT_TIMING: SendTiming = { retryMs: 1_500, attempts: 4 }
/** packet numbers whose READMSG would still name a message */
const READ_MEMORY = 4096

interface Pending {
  to: Endpoint
  resolve: () => void
  reject: (error: Error) => void
  timer?: NodeJS.Timeout
}

export class PacketNumbers {
  #last = 0
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  next(): number {
    this.#last = Math.max(this.#last + 1, Math.floor(this.#now() / 1000))
    return this.#last
  }
}

export class PendingSends {
  readonly #pending = new Map<number, Pending>()
  /** packet number → the Pigeon message it carried (for READMSG) */
  readonly #messages = new Map<number, Uint8Array>()
  readonly #timing: SendTiming

  constructor(timing: SendTiming = DEFAULT_TIMING) {
    this.#timing = timing
  }

  /** Sends with `transmit` until RECVMSG for `packetNo` arrives; rejects DELIVERY_TIMEOUT. */
  async send(
    packetNo: number,
    to: Endpoint,
    messageId: Uint8Array,
    transmit: () => void,
  ): Promise<void> {
    this.#messages.set(packetNo, messageId)
    if (this.#messages.size > READ_MEMORY) {
      const oldest = this.#messages.keys().next().value
      if (oldest !== undefined) this.#messages.delete(oldest)
    }
    await new Promise<void>((resolve, reject) => {
      const entry: Pending = { to, resolve, reject }
      let sent = 0
      const attempt = (): void => {
        if (sent === this.#timing.attempts) {
          this.#pending.delete(packetNo)
          reject(
            new PigeonError(
              'DELIVERY_TIMEOUT',
              `The IP Messenger user at ${to.address} did not confirm packet ${packetNo}; it is tried again later.`,
            ),
          )
          return
        }
        sent++
        transmit()
        entry.timer = setTimeout(attempt, this.#timing.retryMs)
      }
      this.#pending.set(packetNo, entry)
      attempt()
    })
  }

  /** RECVMSG: true when it answered a packet of ours, sent to where it came from. */
  received(packetNo: number, from: Endpoint): boolean {
    const entry = this.#pending.get(packetNo)
    if (entry === undefined || entry.to.address !== from.address) return false
    clearTimeout(entry.timer)
    this.#pending.delete(packetNo)
    entry.resolve()
    return true
  }

  messageOf(packetNo: number): Uint8Array | undefined {
    return this.#messages.get(packetNo)
  }

  stop(): void {
    for (const entry of this.#pending.values()) {
      clearTimeout(entry.timer)
      entry.reject(new PigeonError('PEER_UNREACHABLE', 'The IPMsg bridge stopped.'))
    }
    this.#pending.clear()
  }
}
