// The subscriptions a client holds, as the relay granted them (docs/relay.md "Limits").
//
// aedes 1.2 stores a persistent session's SUBSCRIBE badly (lib/handlers/subscribe.js
// storeSubscriptions): once per granted topic it writes the packet's *whole* topic list, as the
// client asked for it — n² writes for n topics (one SUBSCRIBE of 800 presence topics stalled the
// relay for 17 s and grew it by 2.5 GiB), the requested QoS rather than the
// granted one, and topics the ACL refused, which then match messages and queue them for the
// client. This wraps persistence.addSubscriptions to write each granted topic once, with the QoS
// granted, and nothing else.
//
// It also counts what each connection holds, for the per-client cap: a persistent session's
// stored subscriptions are authorized again on every connect (aedes' restore path), so the count
// is rebuilt per connection.
import { boundMethod } from './bound-methods.js'

interface SubscriptionLike {
  topic: string
  qos: number
}
interface ClientLike {
  id: string
}
interface Persistence {
  addSubscriptions(client: ClientLike, subs: SubscriptionLike[]): Promise<unknown>
}

export class GrantedSubscriptions {
  /** what the ACL granted for a requested subscription object (the one in packet.subscriptions) */
  readonly #granted = new WeakMap<object, SubscriptionLike>()
  /** already written, or being written: the write's promise */
  readonly #written = new WeakMap<object, Promise<unknown>>()
  readonly #held = new WeakMap<object, Set<string>>()
  readonly #max: number

  constructor(maxPerClient: number) {
    this.#max = maxPerClient
  }

  /** Records a grant unless the client is at its cap; false = refuse. */
  grant(client: ClientLike, requested: SubscriptionLike, granted: SubscriptionLike): boolean {
    let held = this.#held.get(client)
    if (held === undefined) this.#held.set(client, (held = new Set()))
    if (!held.has(granted.topic) && held.size >= this.#max) return false
    held.add(granted.topic)
    this.#granted.set(requested, granted)
    return true
  }

  /** The client unsubscribed (aedes' 'unsubscribe' event). */
  release(client: ClientLike, topics: string[]): void {
    const held = this.#held.get(client)
    for (const topic of topics) held?.delete(topic)
  }

  held(client: ClientLike): number {
    return this.#held.get(client)?.size ?? 0
  }

  wrap<T extends object>(persistence: T): T {
    const inner = persistence as unknown as Persistence
    const addSubscriptions = (client: ClientLike, subs: SubscriptionLike[]): Promise<unknown> => {
      const fresh = subs.filter((sub) => this.#granted.has(sub) && !this.#written.has(sub))
      const write =
        fresh.length === 0
          ? Promise.resolve()
          : inner.addSubscriptions(
              client,
              fresh.map((sub) => ({ ...this.#granted.get(sub)! })),
            )
      for (const sub of fresh) this.#written.set(sub, write)
      // resolves once everything granted so far in this packet is written
      return Promise.all(subs.map((sub) => this.#written.get(sub)).filter((p) => p !== undefined))
    }
    return new Proxy(persistence, {
      get(target, property) {
        if (property === 'addSubscriptions') return addSubscriptions
        const value: unknown = Reflect.get(target, property) // receiver = target: private fields
        return boundMethod(target, property, value)
      },
    })
  }
}
