// Group membership as the relay enforces it (docs/protocol.md §7, shared/group.ts). The newest
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
  on(
    topic: string,
    listener: (packet: { topic: string; payload: Buffer }, done: () => void) => void,
    callback?: () => void,
  ): void
}

export interface GroupQuota {
  /** groups one key may own */
  maxGroups: number
  /** bytes of retained documents one key may own, summed over its groups */
  maxRetainedBytes: number
}

export class GroupRegistry implements GroupMembership {
  readonly #docs = new Map<string, SignedGroupDocument>()
  readonly #members = new Map<string, Set<string>>()
  /** size of each group's retained document, charged to its owner */
  readonly #bytes = new Map<string, number>()
  readonly #quota: GroupQuota

  constructor(quota: GroupQuota = { maxGroups: Infinity, maxRetainedBytes: Infinity }) {
    this.#quota = quota
  }

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
    if (parsed?.kind !== 'group-meta')
      throw new PigeonError(
        'GROUP_DOC_INVALID',
        `"${topic.slice(0, 80)}" is not a group-meta topic.`,
      )
    const next = decodeSignedGroupDocument(payload)
    if (next.groupId !== parsed.groupId)
      throw new PigeonError(
        'GROUP_DOC_INVALID',
        `The document is for group ${next.groupId}, but was published on ${groupMetaTopic(parsed.groupId)}.`,
      )
    await verifyGroupChange(this.#docs.get(next.groupId), next)
    this.#checkQuota(next, payload.length)
    this.#install(next, payload.length)
    return next
  }

  /**
   * A retained document is kept until a newer one replaces it, so what one key may leave on the
   * relay is bounded (docs/relay.md "Limits"; unbounded, 100 groups of 55 KB each were all kept). The owner is
   * charged: only the owner creates a group, and admins edit it on the owner's behalf.
   */
  #checkQuota(next: SignedGroupDocument, bytes: number): void {
    const owned = [...this.#docs.values()].filter(
      (doc) => doc.owner === next.owner && doc.groupId !== next.groupId,
    )
    if (!this.#docs.has(next.groupId) && owned.length >= this.#quota.maxGroups) {
      throw new PigeonError(
        'GROUP_LIMIT',
        `${next.owner} already owns ${owned.length} groups on this relay, as many as one key may (the relay's --max-groups); a group is kept as long as the relay runs.`,
      )
    }
    const total = owned.reduce((sum, doc) => sum + (this.#bytes.get(doc.groupId) ?? 0), 0) + bytes
    if (total > this.#quota.maxRetainedBytes) {
      throw new PigeonError(
        'GROUP_LIMIT',
        `The group documents of ${next.owner} would take ${total} bytes on this relay, more than one key may keep there (the relay's --max-retained-bytes, ${this.#quota.maxRetainedBytes}).`,
      )
    }
  }

  /** A document another node (or our own earlier run) already accepted: trust its checks, keep the newer. */
  #adopt(payload: Uint8Array): void {
    let doc: SignedGroupDocument
    try {
      doc = decodeSignedGroupDocument(payload)
    } catch {
      return
    }
    this.#install(doc, payload.length)
  }

  #install(doc: SignedGroupDocument, bytes: number): void {
    const held = this.#docs.get(doc.groupId)
    if (held !== undefined && held.version >= doc.version) return
    this.#docs.set(doc.groupId, doc)
    this.#members.set(doc.groupId, new Set(doc.members))
    this.#bytes.set(doc.groupId, bytes)
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
