// Naming a group: finding one of mine by id, `group:<id>` or name, the members a message to it
// goes to, and what a valid group name is (docs/protocol.md §8 "Groups in the app").
import { GROUP_LIMITS } from '../../../shared/group.js'
import { PigeonError } from '../../../shared/errors.js'
import { countChars } from '../../../shared/limits.js'
import { isGroupId } from '../../../shared/topics.js'
import { groupOfConversation, type GroupRow } from '../store/index.js'

/** Where the groups are looked up (the store's groups table). */
export interface GroupTable {
  get(groupId: string): GroupRow | undefined
  list(): GroupRow[]
}

/**
 * A group id, `group:<id>`, or the name of exactly one of my groups (case-insensitive); undefined
 * when nothing matches. Throws GROUP_AMBIGUOUS when several groups have that name.
 */
export function findGroup(groups: GroupTable, ref: string): GroupRow | undefined {
  const wanted = ref.trim()
  const id = groupOfConversation(wanted) ?? wanted
  if (isGroupId(id)) {
    const group = groups.get(id)
    if (group !== undefined) return group
  }
  const lower = wanted.toLowerCase()
  const matches = groups.list().filter((g) => g.name.toLowerCase() === lower)
  if (matches.length > 1) {
    const ids = matches.map((g) => g.groupId).join(', ')
    throw new PigeonError(
      'GROUP_AMBIGUOUS',
      `${matches.length} groups are called "${wanted}" (${ids}); use the group id instead.`,
    )
  }
  return matches[0]
}

/** Like findGroup(), but a group that is not found is an error a person can act on. */
export function resolveGroup(groups: GroupTable, ref: string): GroupRow {
  const group = findGroup(groups, ref)
  if (group === undefined) {
    throw new PigeonError(
      'GROUP_UNKNOWN',
      `No group of yours is called "${ref.trim()}"; \`pigeon group list\` shows your groups.`,
    )
  }
  return group
}

/** The members a message to the group goes to (everyone but me); throws when I cannot send. */
export function groupRecipients(group: GroupRow, me: string): string[] {
  if (!group.joined) {
    throw new PigeonError(
      'GROUP_NOT_MEMBER',
      `You are no longer in group "${group.name}"; its history stays, but nothing can be sent to it.`,
    )
  }
  const others = group.members.filter((m) => m !== me)
  if (others.length === 0) {
    throw new PigeonError(
      'GROUP_EMPTY',
      `Nobody else is in group "${group.name}"; add someone first (\`pigeon group add\`).`,
    )
  }
  return others
}

/** A group name: 1 to GROUP_LIMITS.maxNameChars characters after trimming, no control characters. */
export function checkGroupName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : ''
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/
  if (
    trimmed.length === 0 ||
    countChars(trimmed) > GROUP_LIMITS.maxNameChars ||
    control.test(trimmed)
  ) {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `A group name has 1 to ${GROUP_LIMITS.maxNameChars} characters and no control characters.`,
    )
  }
  return trimmed
}
