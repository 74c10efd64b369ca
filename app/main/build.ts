// Builds what Electron runs, with Vite's JS API: the renderer (dist/renderer), the main process
// bundle (dist/electron/main.js, ESM; dependencies stay external and load from node_modules) and
// the preload (dist/electron/preload.cjs: sandboxed preloads must be one CommonJS file).
// The second half of `npm run build` (after tsc compiles the CLI and the relay), which `prepare`
// runs on `npm install` and app/main/launch.js runs again when a source changed (freshness.js);
// alone: `npm run build:electron`.
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
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
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: out,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      lib: { entry: preloadEntry, formats: ['cjs'], fileName: () => 'preload.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  })
  return `${out}/main.js`
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`built ${await buildElectron()}`)
}
