// A QoS 1 PUBLISH is acknowledged only once it is stored (docs/relay.md "Guarantees"): on PUBACK
// the sender marks a message "sent" and stops publishing it to the relay, leaving it there until
// the recipient's delivered receipt (docs/architecture.md §4); so a PUBACK must mean "on disk in
// every persistent subscriber's queue", or a kill -9 of the relay loses it.
//
// aedes 1.2 does it the other way round. In lib/handlers/publish.js:92-96 the QoS 1 case writes
// the PUBACK first and calls broker.publish only in that write's callback; broker.publish
// (aedes.js:215-232) then runs publishFuncsQoS (aedes.js:384-389): storeRetained, enqueueOffline
// (persistence.outgoingEnqueueCombi, aedes.js:361), emitPacket (mq.emit, aedes.js:313-316),
// callPublished. write() puts the PUBACK on the socket synchronously and defers its callback with
// setImmediate (lib/write.js:7, 20), and every PUBLISH of one socket read is handled concurrently
// (lib/client.js:480-486), so a whole read's worth of PUBLISHes was acknowledged before the first
// of them reached the store: test/relay/crash-ack.test.ts lost all 170 acknowledged messages of
// a read. (The coalescing store is not at fault: a write's promise resolves after its LevelDB
// batch is written, coalesced-level.ts; that survives kill -9 of the process.)
//
// The handler's order cannot be changed from outside, but the step before it is a hook:
// publish.js:18-21, 43 runs authorizePublish, then the PUBACK-and-publish step, in series on the
// same packet object. So for a QoS 1 PUBLISH from a client, once the ACL said yes,
// authorizePublish starts broker.publish itself and reports success when the packet reaches
// emitPacket, i.e. once storeRetained and enqueueOffline have completed: the retained copy and
// every persistent subscriber's queue entry are written (queue.ts resolves enqueues in order, so
// every earlier one is too). The handler then writes the PUBACK and calls broker.publish with the
// same object; that call starts nothing and completes when the first publish has (so aedes still
// reads a client's next packets only after its previous ones are delivered).
// Why at emitPacket and not when the whole publish completes: the live fan-out waits for every
// online persistent subscriber's outgoingUpdate write and socket write (lib/client.js:128-150),
// which would sit between the sender and its PUBACK for nothing. The packet aedes emits is its own
// copy (aedes-packet), recognised by brokerId + brokerCounter, which aedes-packet takes from
// ++broker.counter synchronously inside broker.publish.
// This is the order aedes itself keeps for QoS 2 (publish.js:76-83: store, publish, then PUBREC).
// A publish that fails before it is stored fails the authorization: aedes closes the connection
// without a PUBACK [MQTT-3.3.5-2], so the sender keeps the message and sends it again.
// Will messages and QoS 0/2 keep aedes' own path.

type Done = (error?: Error | null) => void
interface PublishLike {
  qos: number
  brokerId?: string
  brokerCounter?: number
}
interface ClientLike {
  will?: unknown
}
interface BrokerInternals {
  id: string
  counter: number
  mq: { emit: (packet: PublishLike, done?: Done) => unknown }
  authorizePublish: (client: ClientLike | null, packet: PublishLike, done: Done) => void
  publish: (packet: PublishLike, client?: ClientLike | null | Done, done?: Done) => void
}

/** A publish started during authorization, until the handler's own publish call picks it up. */
interface Started {
  finished: boolean
  error: Error | null | undefined
  then: Done | undefined
}

export function ackAfterStore(broker: unknown): void {
  const b = broker as BrokerInternals
  const authorize = b.authorizePublish.bind(broker)
  const publish = b.publish.bind(broker)
  const emit = b.mq.emit.bind(b.mq)
  const started = new WeakMap<object, Started>()
  /** brokerCounter of a packet on its way to the store → its authorization's answer */
  const storing = new Map<number, () => void>()

  b.authorizePublish = (client, packet, done) => {
    authorize(client, packet, (refused) => {
      if (refused || client === null || packet.qos !== 1 || packet === client.will)
        return done(refused)
      const run: Started = { finished: false, error: undefined, then: undefined }
      started.set(packet, run)
      let answered = false
      const answer = (error: Error | null): void => {
        if (answered) return
        answered = true
        done(error)
      }
      let counter: number | undefined
      const before = b.counter
      publish(packet, client, (error) => {
        if (counter !== undefined) storing.delete(counter)
        run.finished = true
        run.error = error
        run.then?.(error)
        answer(error ?? null) // no-op once stored: a later failure reaches the handler's own publish
      })
      // aedes-packet numbered aedes' copy of the packet synchronously in the call above; should
      // that ever change, the answer comes when the publish completes (later, still correct)
      if (!run.finished && b.counter === before + 1) {
        counter = b.counter
        storing.set(counter, () => answer(null))
      }
    })
  }

  b.mq.emit = (packet, done) => {
    const stored =
      packet.brokerId === b.id && packet.brokerCounter !== undefined
        ? storing.get(packet.brokerCounter)
        : undefined
    const result = emit(packet, done)
    if (stored !== undefined) {
      storing.delete(packet.brokerCounter as number)
      stored()
    }
    return result
  }

  b.publish = (packet, client, done) => {
    const run = started.get(packet)
    if (run === undefined) return publish(packet, client, done)
    started.delete(packet)
    const callback = typeof client === 'function' ? client : (done ?? (() => undefined))
    if (run.finished) process.nextTick(callback, run.error)
    else run.then = callback
  }
}
