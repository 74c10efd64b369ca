// A QoS 1 PUBLISH is acknowledged only once it is stored (DESIGN.md "The router": the sender
// marks a message "sent" and drops it from its outbox on PUBACK; so a PUBACK must mean "on disk
// in every persistent subscriber's queue", or a kill -9 of the relay loses it).
//
// aedes 1.2 does it the other way round. In lib/handlers/publish.js:92-96 the QoS 1 case writes
// the PUBACK first and calls broker.publish only in that write's callback; broker.publish
// (aedes.js:215-232) then runs publishFuncsQoS (aedes.js:384-389): storeRetained, enqueueOffline
// (persistence.outgoingEnqueueCombi, aedes.js:361), emitPacket, callPublished. write() puts the
// PUBACK on the socket synchronously and defers its callback with setImmediate
// (lib/write.js:7, 20), and every PUBLISH of one socket read is handled concurrently
// (lib/client.js:480-486), so a whole read's worth of PUBLISHes is acknowledged before the first
// of them reaches the store. test/relay/crash-ack.test.ts lost all 170 acknowledged messages of
// the first read in each round. (The coalescing store is not the problem: a write's promise
// resolves after its LevelDB batch is written, coalesced-level.ts.)
//
// The handler's order cannot be changed from outside, but the step before it is a hook:
// publish.js:18-21, 43 runs authorizePublish, then the PUBACK-and-publish step, in series on the
// same packet object. So for a QoS 1 PUBLISH from a client, authorizePublish (once the ACL said
// yes) runs broker.publish itself and reports success only when that publish has completed:
// retained store, every persistent subscriber's queue entry written (queue.ts resolves enqueues
// in order, so every earlier one too), live fan-out. The handler then writes the PUBACK and calls
// broker.publish with the same object, which completes at once without publishing again. This is
// the order aedes itself keeps for QoS 2 (publish.js:76-83: store, publish, then PUBREC).
// A publish that fails fails the authorization: aedes closes the connection without a PUBACK
// [MQTT-3.3.5-2], so the sender keeps the message and sends it again.
// Will messages and QoS 0/2 keep aedes' own path.

type Done = (error?: Error | null) => void
interface PublishLike {
  qos: number
}
interface ClientLike {
  will?: unknown
}
interface BrokerHooks {
  authorizePublish: (client: ClientLike | null, packet: PublishLike, done: Done) => void
  publish: (packet: PublishLike, client?: ClientLike | null | Done, done?: Done) => void
}

export function ackAfterStore(broker: unknown): void {
  const hooks = broker as BrokerHooks
  const authorize = hooks.authorizePublish.bind(broker)
  const publish = hooks.publish.bind(broker)
  /** packets published during their authorization, whose second publish must be a no-op */
  const stored = new WeakSet<object>()

  hooks.authorizePublish = (client, packet, done) => {
    authorize(client, packet, (refused) => {
      if (refused || client === null || packet.qos !== 1 || packet === client.will)
        return done(refused)
      publish(packet, client, (error) => {
        if (error) return done(error)
        stored.add(packet)
        done(null)
      })
    })
  }

  hooks.publish = (packet, client, done) => {
    if (!stored.delete(packet)) return publish(packet, client, done)
    const callback = typeof client === 'function' ? client : done
    // asynchronous like aedes' own publish: the caller may read the next packets in its callback
    if (callback !== undefined) process.nextTick(callback, null)
  }
}
