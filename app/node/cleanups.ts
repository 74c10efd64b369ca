// What a starting node has opened so far, closed in reverse order on stop or on a failed start.
export class Cleanups {
  readonly #steps: Array<() => Promise<void> | void> = []
  #running: Promise<void> | undefined

  /** Registers the undo of something just opened; it runs before everything opened earlier. */
  add(step: () => Promise<void> | void): void {
    this.#steps.unshift(step)
  }

  /** Runs every step once, however often it is called. */
  run(): Promise<void> {
    return (this.#running ??= this.#runAll())
  }

  async #runAll(): Promise<void> {
    for (const step of this.#steps) {
      try {
        await step()
      } catch {
        // keep closing the rest: the store must be closed whatever failed before it
      }
    }
  }
}
