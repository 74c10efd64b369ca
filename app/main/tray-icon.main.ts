// The tray icon, drawn in code (no image files to ship or load): a round accent-coloured mark,
// with a red dot when something is unread. Returns raw BGRA pixels for nativeImage.createFromBitmap.
export function trayBitmap(size: number, unread: boolean): Buffer {
  const pixels = Buffer.alloc(size * size * 4)
  const put = (x: number, y: number, [r, g, b]: [number, number, number], alpha: number): void => {
    const i = (y * size + x) * 4
    pixels[i] = b
    pixels[i + 1] = g
    pixels[i + 2] = r
    pixels[i + 3] = Math.round(alpha * 255)
  }
  const c = (size - 1) / 2
  const radius = size / 2 - 0.5
  const dot = { x: size * 0.76, y: size * 0.24, r: size * 0.22 }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c)
      const edge = Math.max(0, Math.min(1, radius - d + 0.5)) // anti-aliased rim
      if (unread && Math.hypot(x - dot.x, y - dot.y) <= dot.r) put(x, y, [229, 72, 77], 1)
      else if (edge > 0) put(x, y, [47, 111, 237], edge)
    }
  }
  return pixels
}
