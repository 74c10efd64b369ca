// READMSG for a sealed message (protocol.txt: a SENDMSG with SECRETOPT is "sealed" and its
// receiver sends READMSG when the user opens it; docs/protocol.md §15 "Text"): which stored text
// came as which sealed packet, so the engine's read receipt for it can go back as a READMSG. An
// unsealed message gets none — IP Messenger and FeiQ never ask for one. Kept in memory and
// bounded (the oldest go first): a receipt for a message from before a restart sends nothing.
import { toBase64url } from '../../../shared/base64url.js'

/** sealed messages remembered at most, across all legacy peers */
export const MAX_SEALED = 2048

export class SealedReads {
  readonly #byId = new Map<string, { peerId: string; packetNo: number }>()

  note(peerId: string, packetNo: number, messageId: Uint8Array): void {
    this.#byId.set(toBase64url(messageId), { peerId, packetNo })
    if (this.#byId.size > MAX_SEALED) this.#byId.delete(this.#byId.keys().next().value!)
  }

  /** the packet numbers of `peerId`'s sealed messages among `ids`, each given once */
  take(peerId: string, ids: readonly Uint8Array[]): number[] {
    return ids.flatMap((id) => {
      const key = toBase64url(id)
      const sealed = this.#byId.get(key)
      if (sealed?.peerId !== peerId) return []
      this.#byId.delete(key)
      return [sealed.packetNo]
    })
  }
}
