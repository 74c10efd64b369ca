// Whether dist/ is what `npm run build` would make of today's sources, judged by modification
// times: current when no source file is newer than the oldest output. Plain JS, so launch.js can
// ask before anything is built or tsx is loaded.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** what `npm run build` reads (tsc over tsconfig.build.json, then app/main/build.ts) */
export const BUILD_SOURCES = [
  'app',
  'shared',
  'relay',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
]
/** what it writes: the compiled CLI and relay, the renderer, the Electron main and preload */
export const BUILD_OUTPUTS = [
  'dist/app/cli/bin.js',
  'dist/relay/bin.js',
  'dist/renderer/index.html',
  'dist/electron/main.js',
  'dist/electron/preload.cjs',
]
// tests are not built, so editing one needs no rebuild
const NOT_BUILT = /\.test\.tsx?$/

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return NOT_BUILT.test(path) ? 0 : stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

function oldestOutput(root) {
  return Math.min(
    ...BUILD_OUTPUTS.map((path) =>
      existsSync(join(root, path)) ? statSync(join(root, path)).mtimeMs : -1,
    ),
  )
}

export function buildIsCurrent(root) {
  return (
    Math.max(...BUILD_SOURCES.map((path) => newestMtime(join(root, path)))) <= oldestOutput(root)
  )
}
