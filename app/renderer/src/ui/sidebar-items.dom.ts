// The sidebar as one flat list for the virtualiser (SidebarList.dom.tsx): each section's header,
// its note, then its rows — grouped by workgroup when any person in it has one, as FeiQ and IP
// Messenger list an office, a workgroup's header row first and, when it is collapsed, nothing of
// it but that header. Derived once per change of the rows, the filter or what is collapsed.
import type { ReactNode } from 'react'
import type { SectionId, SidebarRows } from './sidebar-rows.dom.js'
import type { Row } from './SidebarSection.dom.js'

export interface SectionSpec {
  id: SectionId
  title: string
  testId: string
  /** a line under the title (why the list is empty, what the relay said) */
  note?: ReactNode
  /** listed when it has no rows */
  always?: boolean
}

interface Placed {
  key: string
  section: SectionSpec
  /** the workgroup the item belongs to; undefined in a section without workgroups */
  workgroup?: string
}

export type SidebarItem = Placed &
  (
    | { kind: 'section'; count: number }
    | { kind: 'note'; node: ReactNode }
    | { kind: 'workgroup'; count: number; open: boolean }
    | { kind: 'row'; row: Row; position: number; size: number }
  )

/** the key of a collapsed workgroup in the sidebar's set */
export const workgroupKey = (section: SectionId, name: string): string => `${section}\u0000${name}`

const collator = new Intl.Collator(undefined, { sensitivity: 'base' })

export function sidebarItems(
  rows: SidebarRows,
  sections: readonly SectionSpec[],
  collapsed: ReadonlySet<string>,
): SidebarItem[] {
  const items: SidebarItem[] = []
  for (const section of sections) {
    const list = rows[section.id]
    if (list.length === 0 && section.always !== true) continue
    items.push({ kind: 'section', key: `s:${section.id}`, section, count: list.length })
    if (section.note != null)
      items.push({ kind: 'note', key: `n:${section.id}`, section, node: section.note })
    if (!list.some((r) => r.workgroup != null)) {
      pushRows(items, section, list, undefined)
      continue
    }
    const byGroup = new Map<string, Row[]>()
    for (const row of list) {
      const name = row.workgroup ?? ''
      const members = byGroup.get(name)
      if (members === undefined) byGroup.set(name, [row])
      else members.push(row)
    }
    // named workgroups in order, the people without one last
    const names = [...byGroup.keys()].sort((a, b) =>
      a === '' ? 1 : b === '' ? -1 : collator.compare(a, b),
    )
    for (const workgroup of names) {
      const members = byGroup.get(workgroup) ?? []
      const open = !collapsed.has(workgroupKey(section.id, workgroup))
      const key = `w:${section.id}:${workgroup}`
      items.push({ kind: 'workgroup', key, section, workgroup, count: members.length, open })
      if (open) pushRows(items, section, members, workgroup)
    }
  }
  return items
}

/** a list's rows, each with its place in it (aria-posinset / aria-setsize) */
function pushRows(
  items: SidebarItem[],
  section: SectionSpec,
  rows: readonly Row[],
  workgroup: string | undefined,
): void {
  rows.forEach((row, i) =>
    items.push({
      kind: 'row',
      key: `r:${section.id}:${row.id}`,
      section,
      ...(workgroup === undefined ? {} : { workgroup }),
      row,
      position: i + 1,
      size: rows.length,
    }),
  )
}

/** Consecutive items of one section, then of one workgroup: the DOM's nesting around the
 * virtual items (section > workgroup > rows), so each keeps its landmarks and test ids. */
export interface ItemRun<T> {
  key: string
  items: T[]
}

export function runsBy<T>(items: readonly T[], keyOf: (item: T) => string): Array<ItemRun<T>> {
  const runs: Array<ItemRun<T>> = []
  for (const item of items) {
    const key = keyOf(item)
    const last = runs[runs.length - 1]
    if (last !== undefined && last.key === key) last.items.push(item)
    else runs.push({ key, items: [item] })
  }
  return runs
}
