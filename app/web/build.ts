// Builds the renderer bundle (dist/renderer) when it is missing, through Vite's JS API, so
// `pigeon start --web` and `npm start` work straight after `npm install`.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PigeonError } from '../../shared/errors.js'

export const RENDERER_DIST = fileURLToPath(new URL('../../dist/renderer', import.meta.url))
const VITE_CONFIG = fileURLToPath(new URL('../renderer/vite.config.ts', import.meta.url))

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
