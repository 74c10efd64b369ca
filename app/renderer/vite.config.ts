// One bundle for Electron (loaded from file://) and the browser (served by app/web/serve.ts):
// relative asset paths, no inline scripts (the CSP in index.html forbids them), output in
// dist/renderer at the repo root so both hosts find it in one place.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // a module preload polyfill would be an inline script
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'chrome120',
    sourcemap: false,
  },
  // `PIGEON_API_URL=http://127.0.0.1:<api port> npx vite --config app/renderer/vite.config.ts`,
  // then open http://127.0.0.1:5173/#token=<token from api.json>: live reload against a real node
  server: {
    host: '127.0.0.1',
    proxy:
      process.env.PIGEON_API_URL === undefined
        ? undefined
        : { '/api': { target: process.env.PIGEON_API_URL, ws: true } },
  },
})
