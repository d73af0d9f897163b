import type { Api } from '../api.js';

/** A seeded random source (mulberry32), so a run's choices can be replayed with --seed. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const ORG = 'usmf';

/** A stock key of the soak: one product at one exact dimension tuple. */
export interface Tuple {
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The few hot products every checkout races for, by colour, at site 1 location 11. */
export const HOT: readonly Tuple[] = ['HOT-1', 'HOT-2', 'HOT-3'].flatMap((productId) =>
  ['red', 'blue'].map((colorId) => ({ productId, dimensions: { siteId: '1', locationId: '11', colorId } })),
);

/** The ERP's long tail: products at two locations. */
export const TAIL: readonly Tuple[] = Array.from({ length: 12 }, (_, i) => `ERP-${i + 1}`).flatMap(
  (productId) => ['11', '12'].map((locationId) => ({ productId, dimensions: { siteId: '1', locationId } })),
);

/** What every client of a phase shares. */
export interface ClientContext {
  readonly api: Api;
  readonly rng: Rng;
  /** Run id, part of every event id so that phases and runs never share one. */
  readonly run: string;
  /** True once the load should stop (clients finish the request in hand, retries included). */
  readonly stopping: () => boolean;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` until the phase stops, pausing `pauseMs()` between steps. */
export async function loop(
  ctx: ClientContext,
  pauseMs: () => number,
  step: () => Promise<void>,
): Promise<void> {
  while (!ctx.stopping()) {
    await step();
    await sleep(pauseMs());
  }
}

/** Sleeps `ms`, or less when the phase stops meanwhile. */
export async function pause(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopping()) await sleep(Math.min(100, until - Date.now()));
}
