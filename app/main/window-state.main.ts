// Remembers the window's size and position between runs (a small JSON file in userData) and puts
// it back only where a display still shows it — a monitor unplugged since must not hide the window.
import { readFileSync, writeFileSync } from 'node:fs'
import type { Rectangle } from 'electron'
import { DEFAULT_BOUNDS, MIN_SIZE } from './window-options.main.js'

export interface WindowState {
  bounds: Rectangle
  maximized: boolean
}

function isRectangle(value: unknown): value is Rectangle {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return ['x', 'y', 'width', 'height'].every(
    (k) => typeof r[k] === 'number' && Number.isFinite(r[k]),
  )
}

/** Enough of the window on some display's work area to grab its title bar. */
export function visibleOn(bounds: Rectangle, workAreas: Rectangle[]): boolean {
  return workAreas.some((area) => {
    const overlapX =
      Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x)
    const overlapY = Math.min(bounds.y + 40, area.y + area.height) - Math.max(bounds.y, area.y)
    return overlapX >= 100 && overlapY >= 20
  })
}

export function loadWindowState(
  file: string,
  workAreas: Rectangle[],
): { bounds: Partial<Rectangle>; maximized: boolean } {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
      bounds?: unknown
      maximized?: unknown
    }
    if (isRectangle(parsed.bounds)) {
      const bounds = {
        ...parsed.bounds,
        width: Math.max(MIN_SIZE.width, Math.round(parsed.bounds.width)),
        height: Math.max(MIN_SIZE.height, Math.round(parsed.bounds.height)),
      }
      const maximized = parsed.maximized === true
      return visibleOn(bounds, workAreas)
        ? { bounds, maximized }
        : { bounds: { width: bounds.width, height: bounds.height }, maximized }
    }
  } catch {
    // first run, or an unreadable file: the defaults
  }
  return { bounds: { ...DEFAULT_BOUNDS }, maximized: false }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, `${JSON.stringify(state)}\n`, { mode: 0o600 })
  } catch {
    // a read-only profile loses the window position, nothing more
  }
}
