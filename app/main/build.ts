// Builds what Electron runs, with Vite's JS API: the renderer (dist/renderer), the main process
// bundle (dist/electron/main.js, ESM; dependencies stay external and load from node_modules) and
// the preload (dist/electron/preload.cjs: sandboxed preloads must be one CommonJS file, and it
// gets the method table's names written in, not the table: it stays a few hundred bytes).
// The second half of `npm run build` (after tsc compiles the CLI and the relay), which `prepare`
// runs on `npm install` and app/main/launch.js runs again when a source changed (freshness.js);
// alone: `npm run build:electron`.
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { METHOD_NAMES } from '../api/methods.js'
import { ensureRendererBuilt } from '../web/build.js'

const out = fileURLToPath(new URL('../../dist/electron', import.meta.url))
const mainEntry = fileURLToPath(new URL('./main.main.ts', import.meta.url))
const preloadEntry = fileURLToPath(new URL('../preload/index.preload.ts', import.meta.url))

export async function buildElectron(): Promise<string> {
  await ensureRendererBuilt({ force: true })
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: mainEntry, // node target: node_modules and builtins stay imports
      outDir: out,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      rollupOptions: {
        external: ['electron'],
        output: { format: 'es', entryFileNames: 'main.js' },
      },
    },
  })
  await buildPreload(out)
  return `${out}/main.js`
}

/** dist/electron/preload.cjs (or into `outDir`): the preload with the table's method names. */
export async function buildPreload(outDir = out): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    define: { __PIGEON_METHODS__: JSON.stringify(METHOD_NAMES) },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      lib: { entry: preloadEntry, formats: ['cjs'], fileName: () => 'preload.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  })
  return `${outDir}/preload.cjs`
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`built ${await buildElectron()}`)
}
