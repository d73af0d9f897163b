import { randomUUID } from 'node:crypto';
import { type Fence, type WebhookKey, webhookLease } from '../../store/webhook-store.js';
import { FeedReadAhead, READ_AHEAD } from './read-ahead.js';
import { ReadAheadBudget } from './read-ahead-budget.js';
import { SharedReadAhead } from './shared-read-ahead.js';
import { type StepResult, step, type WorkerDeps } from './webhook-worker.js';

/** How often the dispatcher looks for subscriptions to take on, and says it is alive. */
const TICK_MS = 1000;
/** How long a dispatcher counts as alive after it last said so. */
const PRESENCE_MS = 15_000;
/** Prefix of the presence leases of the dispatchers of every process. */
export const DISPATCHERS = 'webhook-dispatchers:';
/**
 * A worker renews its subscription's lease before a step when it last did so this long ago or more, not
 * before every step: a lease lasts the attempt timeout plus 15 s from its renewal, so a step started
 * within a second of it still ends (its attempt timed out at worst) 14 s before the lease could pass to
 * another process. A subscription that is behind makes two steps per delivery: each renewal was a write.
 */
const RENEW_MS = 1000;
/** After an unexpected error, a worker waits this long before its next step. */
const ERROR_WAIT_MS = 5000;

interface Worker {
  readonly key: WebhookKey;
  readonly generation: number;
  handOver: boolean;
  wake: () => void;
  done: Promise<void>;
}

/**
 * Makes the deliveries of every webhook subscription (docs/webhooks.md), sharing them with the
 * dispatchers of other processes on the same database: a subscription is worked by the one process
 * holding its feed lease (`webhookLease`), whose every write names the lease's generation (a fencing
 * token), so no two processes send a subscription's deliveries at once and a process that lost its
 * lease changes nothing. Each dispatcher announces itself with a presence lease, counts the live ones
 * and takes on at most its share of the subscriptions, handing the surplus over when another process
 * appears; a subscription whose process died is taken over once its lease expires (the attempt
 * timeout plus 15 s). Workers are woken by new feed entries (store.feed.watch).
 */
export class WebhookDispatcher {
  readonly #owner = randomUUID();
  readonly #workers = new Map<string, Worker>();
  /** The reads ahead of its workers, shared among them. */
  readonly #reads = new SharedReadAhead();
  /** What its workers' reads ahead may hold together. */
  readonly #budget = new ReadAheadBudget();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  #stopped = false;

  constructor(
    private readonly deps: Omit<WorkerDeps, 'random'> & { readonly random?: () => number },
    private readonly onError: (error: unknown) => void,
  ) {}

  /** How long a subscription's lease lasts: an attempt can never outlive it. */
  get leaseMs(): number {
    return this.deps.settings.timeoutMs + 15_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#unwatch = this.deps.store.feed.watch(() => {
      for (const worker of this.#workers.values()) worker.wake();
    });
    this.#timer = setInterval(() => void this.tick(), TICK_MS);
    this.#timer.unref();
    void this.tick();
  }

  /** Stops every worker after its current step and gives their leases back. */
  async stop(): Promise<void> {
    if (!this.#timer) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unwatch?.();
    await this.#ticking;
    const workers = [...this.#workers.values()];
    for (const worker of workers) worker.wake();
    await Promise.all(workers.map((w) => w.done));
    await this.deps.store.feed.releaseLease(`${DISPATCHERS}${this.#owner}`, this.#owner).catch(() => {});
  }

  /** Subscriptions this process works on now (tests, metrics). */
  get working(): number {
    return this.#workers.size;
  }

  /** One round: say it is alive, then take on or hand over subscriptions to hold its share. */
  tick(): Promise<void> {
    this.#ticking ??= this.balance()
      .catch((error) => this.onError(error))
      .finally(() => {
        this.#ticking = undefined;
      });
    return this.#ticking;
  }

  private async balance(): Promise<void> {
    if (this.#stopped) return;
    const { store, clock } = this.deps;
    const now = clock();
    const presence = new Date(now.getTime() + PRESENCE_MS).toISOString();
    await store.feed.acquireLease(`${DISPATCHERS}${this.#owner}`, this.#owner, presence, now.toISOString());
    const alive = Math.max(1, await store.webhooks.countLeases(DISPATCHERS, now.toISOString()));
    const keys = await store.webhooks.listDispatchable();
    const share = Math.ceil(keys.length / alive);
    const active = [...this.#workers.values()].filter((w) => !w.handOver);
    for (const worker of active.slice(share)) {
      worker.handOver = true;
      worker.wake();
    }
    let held = Math.min(active.length, share);
    for (const key of shuffle(keys)) {
      if (held >= share || this.#stopped) break;
      if (this.#workers.has(id(key))) continue;
      const at = clock();
      const generation = await store.feed.acquireLease(
        webhookLease(key.environmentId, key.webhookId),
        this.#owner,
        new Date(at.getTime() + this.leaseMs).toISOString(),
        at.toISOString(),
      );
      if (generation === undefined) continue;
      this.launch({ ...key, generation });
      held++;
    }
  }

  private launch(fence: Fence): void {
    const worker: Worker = {
      key: fence,
      generation: fence.generation,
      handOver: false,
      wake: () => {},
      done: Promise.resolve(),
    };
    this.#workers.set(id(fence), worker);
    worker.done = this.run(worker, fence)
      .catch((error) => this.onError(error))
      .finally(() => this.#workers.delete(id(fence)));
  }

  /** The work loop of one subscription, while this process holds its lease. */
  private async run(worker: Worker, fence: Fence): Promise<void> {
    const { store, clock } = this.deps;
    const lease = webhookLease(fence.environmentId, fence.webhookId);
    let held = true;
    let renewed = Number.NEGATIVE_INFINITY;
    const reader = new FeedReadAhead(READ_AHEAD, this.#reads, this.#budget);
    try {
      while (!this.#stopped && !worker.handOver) {
        const now = clock();
        if (now.getTime() - renewed >= RENEW_MS || now.getTime() < renewed) {
          const until = new Date(now.getTime() + this.leaseMs).toISOString();
          if (
            (await store.feed.acquireLease(lease, this.#owner, until, now.toISOString())) !== fence.generation
          ) {
            held = false;
            return;
          }
          renewed = now.getTime();
        }
        let result: StepResult;
        try {
          result = await step({ random: Math.random, ...this.deps }, fence, reader);
        } catch (error) {
          this.onError(error);
          result = { kind: 'wait', ms: ERROR_WAIT_MS };
        }
        if (result.kind === 'stop') return;
        if (result.kind === 'next') continue;
        // A receiver failing, or a position out of the window: the entries read ahead are let go for the
        // wait (they count against the process's budget), and read again after it.
        if (result.kind === 'wait') reader.close();
        // Renew the lease well before it expires, whatever the wait.
        const renew = this.deps.settings.timeoutMs;
        if (result.kind === 'idle') await this.sleep(worker, renew, true);
        else await this.sleep(worker, Math.min(result.ms, renew), false);
      }
    } finally {
      reader.close();
      if (held) await store.feed.releaseLease(lease, this.#owner).catch(() => {});
    }
  }

  /** Sleeps `ms`, or until woken (new entries, when `byEntries`; a stop or hand-over always). */
  private sleep(worker: Worker, ms: number, byEntries: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        worker.wake = () => {};
        resolve();
      }
      worker.wake = () => {
        if (byEntries || this.#stopped || worker.handOver) finish();
      };
    });
  }
}

function id(key: WebhookKey): string {
  return `${key.environmentId}\u0000${key.webhookId}`;
}

function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
