/**
 * Runs tasks one at a time, in the order they were submitted, each to completion (including its awaits)
 * before the next starts. A failing task rejects its own promise only; the queue carries on.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` behind every task submitted before it; resolves or rejects with its result. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(ignore, ignore);
    return result;
  }
}

function ignore(): void {}
