#!/usr/bin/env node
import { register } from 'tsx/esm/api'
register()
await import('../shared/polyfills.ts')
await import('./main.ts')
