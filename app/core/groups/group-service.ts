// Groups in the app (docs/protocol.md §7, §8): making and taking membership
// changes. A change is a new version of the group's signed document; it is stored and queued to
// every member who must hear of it (the old members and the new) in the same transaction, and
// the outbox router carries it like a message — direct when the member is reachable, sealed
// through the relay otherwise, retried until it is acked. Changes to one group, mine and the ones
// that arrive, are applied one at a time, and a group message waits for a change already
// arriving before it is checked against the membership.
import {
  decodeSignedGroupDocument,
  encodeSignedGroupDocument,
  GROUP_LIMITS,
  signGroupDocument,
  verifyGroupChange,
  type GroupDocument,
  type SignedGroupDocument,
} from '../../../shared/group.js'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type { Identity } from '../../../shared/identity.js'
import { newGroupId } from '../../../shared/topics.js'
import type { PathName } from '../delivery.js'
import type { Logger } from '../log.js'
import type { ParkedText } from '../store/groups.js'
import { type GroupOp, type GroupRow, type MessageRow, type Store } from '../store/index.js'
import { acceptGroupDocument } from './accept.js'
import { checkGroupName, findGroup, groupRecipients, resolveGroup } from './group-refs.js'

export interface GroupServiceOptions {
  store: Store
  /** signs the documents of the changes I make */
  identity: Identity
  now: () => number
  /** a PeerId or the name of exactly one known peer (Messenger.resolvePeer) */
  resolvePeer: (ref: string) => string
  /** something was queued for `recipient` */
  kick: (recipient: string) => void
  /** a group changed (mine or someone else's change) */
  onGroup: (group: GroupRow) => void
  /** my messages that moved on because a member they waited for left */
  onMessages?: (messages: MessageRow[]) => void
  /** the engine's logger (app/core/log.ts) */
  log: Logger
}

type GroupControlEnvelope = Extract<Envelope, { kind: 'group-control' }>

export class GroupService {
  readonly #options: GroupServiceOptions
  readonly #store: Store
  readonly #me: string
  /** per group: the change being applied now; the next one waits for it */
  readonly #applying = new Map<string, Promise<unknown>>()

  constructor(options: GroupServiceOptions) {
    this.#options = options
    this.#store = options.store
    this.#me = options.identity.peerId
  }

  list(): GroupRow[] {
    return this.#store.groups.list()
  }

  get(groupId: string): GroupRow | undefined {
    return this.#store.groups.get(groupId)
  }

  /** A group id, `group:<id>`, or the name of exactly one of my groups (group-refs.ts). */
  find(ref: string): GroupRow | undefined {
    return findGroup(this.#store.groups, ref)
  }

  /** Like find(), but a group that is not found is an error a person can act on. */
  resolve(ref: string): GroupRow {
    return resolveGroup(this.#store.groups, ref)
  }

  /** The members a message to the group goes to (everyone but me); throws when I cannot send. */
  recipients(group: GroupRow): string[] {
    return groupRecipients(group, this.#me)
  }

  async create(name: string, memberRefs: readonly string[]): Promise<GroupRow> {
    const members = this.#resolveMembers(memberRefs)
    if (members.length === 0) {
      throw new PigeonError('GROUP_EMPTY', 'A group needs at least one member besides you.')
    }
    const doc: GroupDocument = {
      groupId: newGroupId(),
      name: checkGroupName(name),
      owner: this.#me,
      admins: [],
      members: [this.#me, ...members],
      version: 1,
    }
    return this.#serial(doc.groupId, () => this.#change('create', undefined, doc))
  }

  async add(ref: string, memberRefs: readonly string[]): Promise<GroupRow> {
    const group = this.resolve(ref)
    const added = this.#resolveMembers(memberRefs)
    return this.#edit(group, 'add', (doc) => {
      const fresh = added.filter((m) => !doc.members.includes(m))
      return fresh.length === 0 ? undefined : { ...doc, members: [...doc.members, ...fresh] }
    })
  }

  async remove(ref: string, memberRefs: readonly string[]): Promise<GroupRow> {
    const group = this.resolve(ref)
    const removed = new Set(memberRefs.map((r) => this.#options.resolvePeer(r)))
    if (removed.has(this.#me)) {
      throw new PigeonError(
        'API_BAD_REQUEST',
        'To remove yourself from a group, leave it (`pigeon group leave`).',
      )
    }
    if (removed.has(group.owner)) {
      throw new PigeonError(
        'GROUP_NOT_AUTHORIZED',
        'The owner of a group cannot be removed from it.',
      )
    }
    return this.#edit(group, 'remove', (doc) => {
      if (!doc.members.some((m) => removed.has(m))) return undefined
      return {
        ...doc,
        members: doc.members.filter((m) => !removed.has(m)),
        admins: doc.admins.filter((a) => !removed.has(a)),
      }
    })
  }

  async leave(ref: string): Promise<GroupRow> {
    const group = this.resolve(ref)
    if (group.owner === this.#me) {
      throw new PigeonError(
        'GROUP_OWNER_LEAVES',
        `You own group "${group.name}", and a group keeps its owner; remove the other members instead.`,
      )
    }
    return this.#edit(group, 'leave', (doc) => ({
      ...doc,
      members: doc.members.filter((m) => m !== this.#me),
      admins: doc.admins.filter((a) => a !== this.#me),
    }))
  }

  async rename(ref: string, name: string): Promise<GroupRow> {
    const group = this.resolve(ref)
    const checked = checkGroupName(name)
    return this.#edit(group, 'rename', (doc) =>
      doc.name === checked ? undefined : { ...doc, name: checked },
    )
  }

  /**
   * A membership change someone sent me. Returns normally when the envelope is dealt with —
   * applied, a repeat, or refused for good (logged: sending it again cannot help, so it is acked).
   */
  async acceptControl(envelope: GroupControlEnvelope): Promise<void> {
    const { control } = envelope
    const refuse = (why: string): void =>
      this.#options.log.warn(`refused a group change from ${envelope.sender}: ${why}`)
    if (!('group' in envelope.to) || envelope.to.group !== control.groupId) {
      refuse('it is not addressed to the group it changes')
      return
    }
    if (control.document === undefined) {
      refuse('it carries no signed document')
      return
    }
    const bytes = control.document
    await this.#serial(control.groupId, async () => {
      let next: SignedGroupDocument
      try {
        next = decodeSignedGroupDocument(bytes)
        if (next.groupId !== control.groupId) throw new Error('the document is for another group')
        const held = this.get(next.groupId)
        const current = held === undefined ? undefined : decodeSignedGroupDocument(held.document)
        const acceptance = await acceptGroupDocument(current, next)
        if (acceptance === 'stale') return
        // an invitation to a group I am not in is not for me
        if (acceptance === 'new' && !next.members.includes(this.#me)) return
      } catch (error) {
        refuse(error instanceof Error ? error.message : String(error))
        return
      }
      this.#apply(next, bytes)
    })
  }

  /**
   * Whether a group message may be stored now: 'store' when I am in the group and so is its
   * sender. Otherwise the change that explains it (the invitation, the sender joining, my being
   * added back) may still be on its way: through the relay the message is 'parked' — refusing it
   * there would only bring it back again and again, so it is kept (GroupRepo.park) and stored when
   * that change arrives — and over the LAN it is refused with GROUP_UNKNOWN / GROUP_NOT_MEMBER, so
   * the sender keeps it and retries (and stops once it hears that I left or it was removed).
   */
  async admitText(text: ParkedText, via: PathName): Promise<'store' | 'parked'> {
    await this.#applying.get(text.groupId)
    // from here to the return nothing awaits: a change applied meanwhile either came before this
    // check, or finds the parked message when it releases the group's parked messages
    const group = this.get(text.groupId)
    if (group?.joined === true && group.members.includes(text.sender)) return 'store'
    if (via === 'relay') {
      this.#store.groups.park(text, this.#options.now())
      return 'parked'
    }
    if (group === undefined) {
      throw new PigeonError(
        'GROUP_UNKNOWN',
        `A message for group ${text.groupId} came before its invitation; send it again later.`,
      )
    }
    throw new PigeonError(
      'GROUP_NOT_MEMBER',
      group.joined
        ? `${text.sender} is not a member of group "${group.name}" as this peer knows it; send it again later.`
        : `This peer is not in group "${group.name}" as far as it knows; send it again later.`,
    )
  }

  #resolveMembers(refs: readonly string[]): string[] {
    const ids = refs.map((r) => this.#options.resolvePeer(r)).filter((id) => id !== this.#me)
    const unique = [...new Set(ids)]
    if (unique.length + 1 > GROUP_LIMITS.maxMembers) {
      throw new PigeonError(
        'API_BAD_REQUEST',
        `A group has at most ${GROUP_LIMITS.maxMembers} members.`,
      )
    }
    return unique
  }

  /** Applies `edit` to the newest version; nothing happens when it changes nothing. */
  #edit(
    group: GroupRow,
    op: GroupOp,
    edit: (doc: GroupDocument) => GroupDocument | undefined,
  ): Promise<GroupRow> {
    return this.#serial(group.groupId, async () => {
      const held = this.get(group.groupId) ?? group
      const current = decodeSignedGroupDocument(held.document)
      if (!held.joined) this.recipients(held) // throws: not in it any more
      const next = edit(stripSignature(current))
      if (next === undefined) return held
      return this.#change(op, current, { ...next, version: current.version + 1 })
    })
  }

  async #change(
    op: GroupOp,
    current: SignedGroupDocument | undefined,
    doc: GroupDocument,
  ): Promise<GroupRow> {
    const signed = await signGroupDocument(doc, this.#options.identity)
    // the same rules every member applies: refuse here what they would refuse
    await verifyGroupChange(current, signed)
    const document = encodeSignedGroupDocument(signed)
    const now = this.#options.now()
    const recipients = [...new Set([...(current?.members ?? []), ...signed.members])].filter(
      (m) => m !== this.#me,
    )
    const id = newMessageId(now)
    const row = this.#store.transaction(() => {
      this.#store.queueGroupControl(
        { id, groupId: doc.groupId, op, document, sentAt: now },
        recipients,
        now,
      )
      return this.#save(signed, document)
    })
    for (const recipient of recipients) this.#options.kick(recipient)
    this.#options.onGroup(row)
    return row
  }

  /** Stores a newer version and announces it. */
  #apply(doc: SignedGroupDocument, document: Uint8Array): void {
    const row = this.#save(doc, document)
    if (row.version === doc.version) this.#options.onGroup(row)
  }

  #save(doc: SignedGroupDocument, document: Uint8Array): GroupRow {
    const { groupId, name, owner, version } = doc
    const { moved } = this.#store.saveGroup(
      {
        groupId,
        name,
        owner,
        version,
        admins: [...doc.admins],
        members: [...doc.members],
        document,
        updatedAt: this.#options.now(),
      },
      this.#me,
    )
    if (moved.length > 0) this.#options.onMessages?.(moved)
    // the stored version: this one, or a newer one that was there already
    const stored = this.get(groupId)
    if (stored === undefined)
      throw new PigeonError('API_INTERNAL', `Group ${groupId} was not stored.`)
    return stored
  }

  #serial<T>(groupId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#applying.get(groupId) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const settled = run.catch(() => undefined)
    this.#applying.set(groupId, settled)
    void settled.then(() => {
      if (this.#applying.get(groupId) === settled) this.#applying.delete(groupId)
    })
    return run
  }
}

function stripSignature(doc: SignedGroupDocument): GroupDocument {
  const { groupId, name, owner, admins, members, version } = doc
  return { groupId, name, owner, admins: [...admins], members: [...members], version }
}
