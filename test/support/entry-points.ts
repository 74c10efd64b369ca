// The `pigeon` and `pigeon-relay` commands as the tests start them: their TypeScript entry points
// through tsx, so every test runs the source as it is now, never a dist/ left by an older build.
// test/build/compiled.test.ts runs the compiled ones that package.json's `bin` points at.
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
// resolved here, so a child started in another directory still finds tsx
const TSX = import.meta.resolve('tsx')

/** node arguments that run `pigeon`; append its own */
export const PIGEON_SOURCE = ['--import', TSX, join(ROOT, 'app/cli/bin.ts')]
/** node arguments that run `pigeon-relay`; append its own */
export const RELAY_SOURCE = ['--import', TSX, join(ROOT, 'relay/bin.ts')]
