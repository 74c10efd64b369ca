// All migrations, oldest first. Add a new one as NNN-name.ts with its own NNN-name.test.ts.
import type { Migration } from '../migrate.js'
import { migration001 } from './001-initial.js'
import { migration002 } from './002-deferred-search-index.js'
import { migration003 } from './003-lean-outbox.js'
import { migration004 } from './004-groups.js'
import { migration005 } from './005-receipts-and-failures.js'
import { migration006 } from './006-file-offers.js'
import { migration007 } from './007-transfers.js'
import { migration008 } from './008-blob-uploads.js'
import { migration009 } from './009-peer-identity.js'
import { migration010 } from './010-everyday.js'
import { migration011 } from './011-parked-replies.js'

export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
]
