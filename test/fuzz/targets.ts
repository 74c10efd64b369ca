// Every fuzz target by name (test/fuzz/README.md describes each one).
import type { FuzzTarget } from './target.js'

export const targets: Record<string, () => Promise<{ target: FuzzTarget<never> }>> = {
  envelope: () => import('./targets/envelope.js') as Promise<{ target: FuzzTarget<never> }>,
  seal: () => import('./targets/seal.js') as Promise<{ target: FuzzTarget<never> }>,
  framing: () => import('./targets/framing.js') as Promise<{ target: FuzzTarget<never> }>,
  group: () => import('./targets/group.js') as Promise<{ target: FuzzTarget<never> }>,
  'relay-token': () => import('./targets/relay-token.js') as Promise<{ target: FuzzTarget<never> }>,
  ipmsg: () => import('./targets/ipmsg.js') as Promise<{ target: FuzzTarget<never> }>,
  'ipmsg-files': () => import('./targets/ipmsg-files.js') as Promise<{ target: FuzzTarget<never> }>,
  relay: () => import('./targets/relay.js') as Promise<{ target: FuzzTarget<never> }>,
}
