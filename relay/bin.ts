#!/usr/bin/env node
// `pigeon-relay`. Compiled to dist/relay/bin.js by `npm run build` (run by `prepare` on
// `npm install`), which package.json's `bin` and docs/pigeon-relay.service run; the tests run this
// file through tsx. The polyfills come first: static imports run in order, and libp2p's packages
// call Promise.withResolvers, which Node 20 lacks. Then the V8 setting the relay runs with.
import '../shared/polyfills.js'
import './runtime-flags.js'
import './main.js'
