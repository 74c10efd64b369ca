// Byte counts for people: decimal units as file managers show them (2.1 MB), one decimal below
// 100 of a unit. The CLI's transfer lines and the UI's file bubbles use it alike.
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  if (unit === 0) return `${bytes} B`
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`
}
