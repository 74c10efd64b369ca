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
