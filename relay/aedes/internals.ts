// The broker's fields that aedes 1.2 has but does not type (docs/relay.md "The aedes seams"): the
// relay reads the connected clients, the persistence and emitter it wrapped, and raises the packet
// counter (clock.ts). One typed view, made once after self-check.ts has checked the fields exist,
// instead of a cast at each use.
import type { Aedes } from 'aedes'
import { checkBroker } from './self-check.js'

export interface ClosableClient {
  close(done: () => void): void
}

export interface BrokerInternals<P, M> {
  /** connected clients by id (aedes.js `this.clients`) */
  clients: Record<string, ClosableClient | undefined>
  /** the persistence aedes was given, after its own setup */
  persistence: P
  /** the emitter aedes fans packets out through */
  mq: M
  /** aedes-packet numbers each new packet ++counter */
  counter: number
  /** aedes emits 'error' for a store failure it cannot hand to a client (aedes.js DoEnqueues) */
  on(event: 'error', listener: (error: Error) => void): unknown
}

export function internalsOf<P, M>(broker: Aedes): BrokerInternals<P, M> {
  checkBroker(broker)
  return broker as unknown as BrokerInternals<P, M>
}
