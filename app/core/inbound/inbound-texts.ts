// Inbound texts of one event-loop turn share one SQLite commit; each is durable before its ack
// (store/group-commit.ts), and a duplicate is reported as not inserted, so it is acked again and
// shown once.
import type { PathName } from '../delivery.js'
import { GroupCommit } from '../store/group-commit.js'
import type { InboundText, MessageRow, Store } from '../store/index.js'

export type InboundTexts = GroupCommit<
  { text: InboundText; via: PathName; now: number },
  { inserted: boolean; message: MessageRow }
>

export function createInboundTexts(store: Store): InboundTexts {
  return new GroupCommit((items) =>
    store.transaction(() =>
      items.map(({ text, via, now }) => {
        try {
          return store.storeInbound(text, via, now) // a savepoint inside this transaction
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error))
        }
      }),
    ),
  )
}
