// The async persistence classes that aedes 1.x requires (aedes rejects the callback wrappers the
// packages export as main); they ship without types.
declare module 'aedes-persistence-level/asyncPersistence.js' {
  import type { ClassicLevel } from 'classic-level'
  export default class AsyncLevelPersistence {
    constructor(db: ClassicLevel<string, Buffer>)
  }
}
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis } from 'ioredis'
  export default class AsyncRedisPersistence {
    constructor(opts: {
      conn: Redis
      maxSessionDelivery?: number
      packetTTL?: (packet: unknown) => number
    })
  }
}
declare module 'qlobber/aedes/qlobber-sub.js' {
  export default class QlobberSub {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string })
    subscriptionsCount: number
    add(topic: string, value: Record<string, unknown>): void
    remove(topic: string, value: { clientId: string; topic: string }): void
    match(topic: string): unknown[]
  }
}
declare module 'aedes-packet' {
  export default class Packet {
    constructor(original: object, broker?: { id: string; counter: number })
    [field: string]: unknown
  }
}
declare module 'qlobber' {
  export class QlobberTrue {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string })
    add(topic: string): void
    test(topic: string): boolean
  }
}
