// The store wrappers (queue.ts, subscriptions.ts, in-flight.ts, coalesced-level.ts) are Proxies
// that hand each method of the wrapped object out bound to it, so that its private fields work.
// aedes looks a persistence method up on every call; binding anew each time made a function per
// call for the garbage collector. This binds each method of an object once.
const cache = new WeakMap<object, Map<PropertyKey, { of: unknown; bound: unknown }>>()

/** `value` (the method `property` of `target`) bound to `target`, the same function every time */
export function boundMethod(target: object, property: PropertyKey, value: unknown): unknown {
  if (typeof value !== 'function') return value
  let methods = cache.get(target)
  if (methods === undefined) cache.set(target, (methods = new Map()))
  const known = methods.get(property)
  if (known?.of === value) return known.bound
  const bound = (value as (...args: unknown[]) => unknown).bind(target)
  methods.set(property, { of: value, bound })
  return bound
}
