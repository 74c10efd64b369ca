#!/usr/bin/env node
// The `pigeon` command. Compiled to dist/app/cli/bin.js by `npm run build` (run by `prepare` on
// `npm install`), which package.json's `bin` points at; the tests run this file through tsx.
// The polyfills come first: static imports run in order, and libp2p needs Promise.withResolvers
// on Node 20.
import '../../shared/polyfills.js'
import './main.js'
