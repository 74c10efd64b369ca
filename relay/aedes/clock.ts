// The queue ledger's clock (docs/relay.md "Offline queues", "The aedes seams"): the stores keep
// only aedes-packet's fixed fields, so a queued packet's enqueue time rides in its brokerCounter.
// Before each accepted PUBLISH the broker's own counter (aedes.js `this.counter`, which
// aedes-packet increments for every packet it numbers) is raised to now × 1024: still strictly
// increasing per broker id, as aedes' dedup of delivered packets needs. Writing that counter is
// the reach into aedes; self-check.ts checks the field is there.
interface PacketLike {
  brokerCounter?: number
}

const STAMP_SCALE = 1024
// counters below this were not stamped (broker-internal packets before the first publish)
const STAMPED_FROM = 1e15

/** Raises aedes' packet counter to the current time so the next packet's brokerCounter dates it. */
export function stampClock(broker: { counter: number }, now: number): void {
  if (broker.counter < now * STAMP_SCALE) broker.counter = now * STAMP_SCALE
}

export function enqueuedAt(packet: PacketLike): number | undefined {
  const counter = packet.brokerCounter
  return typeof counter === 'number' && counter >= STAMPED_FROM
    ? Math.floor(counter / STAMP_SCALE)
    : undefined
}
