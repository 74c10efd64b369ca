#!/usr/bin/env node
// The `pigeon` command. Plain JS so `npx pigeon` needs no build: tsx loads the TypeScript, and the
// polyfills come first (libp2p needs Promise.withResolvers on Node 20).
import { register } from 'tsx/esm/api'

register()
await import('../../shared/polyfills.ts')
await import('./main.ts')
