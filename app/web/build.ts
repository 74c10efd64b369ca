// Builds the renderer bundle (dist/renderer) when it is missing, through Vite's JS API, so
// `pigeon start --web` and `npm start` work straight after `npm install`.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PigeonError } from '../../shared/errors.js'

// This file runs from app/web/ (tests, through tsx) and compiled from dist/app/web/ (the `pigeon`
// command): the nearest folder up with a package.json is the checkout either way (dist/ has none).
function packageRoot(from: string): string {
  const parent = dirname(from)
  if (existsSync(join(from, 'package.json')) || parent === from) return from
  return packageRoot(parent)
}

const ROOT = packageRoot(fileURLToPath(new URL('.', import.meta.url)))
export const RENDERER_DIST = join(ROOT, 'dist/renderer')
const VITE_CONFIG = join(ROOT, 'app/renderer/vite.config.ts')

export function rendererBuilt(root = RENDERER_DIST): boolean {
  return existsSync(`${root}/index.html`)
}

/** Builds once if absent (or always with `force`); quiet unless it fails. */
export async function ensureRendererBuilt(
  options: { force?: boolean; root?: string } = {},
): Promise<string> {
  const root = options.root ?? RENDERER_DIST
  if (options.force !== true && rendererBuilt(root)) return root
  let vite: typeof import('vite')
  try {
    vite = await import('vite')
  } catch (cause) {
    throw new PigeonError(
      'NODE_START_FAILED',
      'The web UI is not built and Vite is not installed: run `npm install` then `npm run build:renderer`.',
      { cause },
    )
  }
  await vite.build({ configFile: VITE_CONFIG, logLevel: 'error' })
  if (!rendererBuilt(root))
    throw new PigeonError(
      'NODE_START_FAILED',
      `Building the web UI produced no ${root}/index.html.`,
    )
  return root
}
