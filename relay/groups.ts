// Group membership as the relay enforces it (DESIGN.md "Groups", shared/group.ts). The newest
// signed document of each group is the retained message on its group-meta topic, so the store
// that cluster nodes already share is also the membership store: at start a node reads every
// retained document, and it follows changes any node accepts through the broker's emitter
// (mqemitter-redis in cluster mode). Only a higher version ever replaces the one held.
import {
  decodeSignedGroupDocument,
  verifyGroupChange,
  type SignedGroupDocument,
} from '../shared/group.js'
import { PigeonError } from '../shared/errors.js'
import { groupMetaTopic, parseTopic, TOPIC_ROOT, type GroupMembership } from '../shared/topics.js'

export const GROUP_META_PATTERN = `${TOPIC_ROOT}/group-meta/+`

interface RetainedSource {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string; payload: Buffer }>
}
interface Emitter {
  on(topic: string, listener: (packet: { topic: string; payload: Buffer }, done: () => void) => void, callback?: () => void): void
}

export class GroupRegistry implements GroupMembership {
  readonly #docs = new Map<string, SignedGroupDocument>()
  readonly #members = new Map<string, Set<string>>()

  isMember(groupId: string, peerId: string): boolean {
    return this.#members.get(groupId)?.has(peerId) ?? false
  }

  current(groupId: string): SignedGroupDocument | undefined {
    return this.#docs.get(groupId)
  }

  get size(): number {
    return this.#docs.size
  }

  groupsOf(peerId: string): SignedGroupDocument[] {
    return [...this.#docs.values()].filter((doc) => this.isMember(doc.groupId, peerId))
  }

  /**
   * Checks a document a client publishes on `topic` against the one held; on success it becomes
   * current. Throws GROUP_* PigeonErrors.
   */
  async accept(topic: string, payload: Uint8Array): Promise<SignedGroupDocument> {
    const parsed = parseTopic(topic)
    if (parsed?.kind !== 'group-meta') throw new PigeonError('GROUP_DOC_INVALID', `"${topic.slice(0, 80)}" is not a group-meta topic.`)
    const next = decodeSignedGroupDocument(payload)
    if (next.groupId !== parsed.groupId) throw new PigeonError('GROUP_DOC_INVALID', `The document is for group ${next.groupId}, but was published on ${groupMetaTopic(parsed.groupId)}.`)
    await verifyGroupChange(this.#docs.get(next.groupId), next)
    this.#install(next)
    return next
  }

  /** A document another node (or our own earlier run) already accepted: trust its checks, keep the newer. */
  #adopt(payload: Uint8Array): void {
    let doc: SignedGroupDocument
    try {
      doc = decodeSignedGroupDocument(payload)
    } catch {
      return
    }
    this.#install(doc)
  }

  #install(doc: SignedGroupDocument): void {
    const held = this.#docs.get(doc.groupId)
    if (held !== undefined && held.version >= doc.version) return
    this.#docs.set(doc.groupId, doc)
    this.#members.set(doc.groupId, new Set(doc.members))
  }

  async load(persistence: RetainedSource): Promise<void> {
    for await (const packet of persistence.createRetainedStreamCombi([GROUP_META_PATTERN])) {
      this.#adopt(packet.payload)
    }
  }

  follow(mq: Emitter): Promise<void> {
    return new Promise((resolve) => {
      mq.on(
        GROUP_META_PATTERN,
        (packet, done) => {
          if (packet.payload.length > 0) this.#adopt(packet.payload)
          done()
        },
        resolve,
      )
    })
  }
}
