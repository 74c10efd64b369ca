// The window comes back where it was — unless that place is no longer on any screen.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DEFAULT_BOUNDS, MIN_SIZE } from './window-options.main.js'
import { loadWindowState, saveWindowState, visibleOn } from './window-state.main.js'
import { trayBitmap } from './tray-icon.main.js'

const screen = { x: 0, y: 0, width: 1920, height: 1040 }

test('bounds saved are the bounds restored, while a display shows them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-window-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'window-state.json')
  assert.deepEqual(
    loadWindowState(file, [screen]),
    { bounds: DEFAULT_BOUNDS, maximized: false },
    'first run: defaults',
  )
  saveWindowState(file, { bounds: { x: 200, y: 120, width: 1000, height: 700 }, maximized: true })
  assert.deepEqual(loadWindowState(file, [screen]), {
    bounds: { x: 200, y: 120, width: 1000, height: 700 },
    maximized: true,
  })
  // the second monitor it was on is gone: keep the size, let the OS place it
  saveWindowState(file, { bounds: { x: 2500, y: 100, width: 900, height: 600 }, maximized: false })
  assert.deepEqual(loadWindowState(file, [screen]), {
    bounds: { width: 900, height: 600 },
    maximized: false,
  })
  assert.deepEqual(
    loadWindowState(file, [screen, { x: 1920, y: 0, width: 1920, height: 1080 }]).bounds,
    { x: 2500, y: 100, width: 900, height: 600 },
  )
})

test('a damaged or tiny saved state never yields an unusable window', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-window-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'window-state.json')
  writeFileSync(file, '{"bounds": {"x": "0"}}')
  assert.deepEqual(loadWindowState(file, [screen]).bounds, DEFAULT_BOUNDS)
  writeFileSync(file, 'not json')
  assert.deepEqual(loadWindowState(file, [screen]).bounds, DEFAULT_BOUNDS)
  writeFileSync(file, JSON.stringify({ bounds: { x: 10, y: 10, width: 5, height: 5 } }))
  const { bounds } = loadWindowState(file, [screen])
  assert.deepEqual([bounds.width, bounds.height], [MIN_SIZE.width, MIN_SIZE.height])
  assert.equal(
    visibleOn({ x: 10, y: -30, width: 800, height: 600 }, [screen]),
    false,
    'title bar above the screen',
  )
})

test('the tray icon gets a red dot when something is unread', () => {
  const size = 32
  const pixel = (bgra: Buffer, x: number, y: number) => [
    ...bgra.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
  ]
  const calm = trayBitmap(size, false)
  const unread = trayBitmap(size, true)
  assert.equal(calm.length, size * size * 4)
  assert.deepEqual(pixel(calm, 16, 16), [237, 111, 47, 255], 'accent blue (BGRA) in the middle')
  assert.deepEqual(pixel(unread, 24, 8), [77, 72, 229, 255], 'red dot top right')
  assert.deepEqual(pixel(calm, 0, 0), [0, 0, 0, 0], 'transparent corner')
})
