// The one timeout race: settles as `promise` does, or rejects with `makeError()` after `ms`,
// whichever comes first, and clears its timer either way (a pending timer would keep a process
// alive, and thousands of them pile up under load). Environment-neutral (browser and Node).
// The promise itself is not cancelled: its outcome after the deadline is dropped.

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  makeError: () => Error,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(makeError()), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
