import { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import type { Api } from '../api.js';
import type { FollowerLog } from '../checker/model.js';
import { applyAvailability, type FeedEntry } from './feed-follower.js';

/** A webhook receiver subscribed to every entry of the environment; it can go down for a while. */
export class WebhookFollower {
  readonly receiver = new WebhookReceiver();
  after = '0';
  webhookId = '';
  /** The accepted deliveries parsed so far, and how many of the receiver's requests they cover. */
  readonly #parsed: { id: string; entries: FeedEntry[] }[] = [];
  #read = 0;

  async start(api: Api): Promise<void> {
    await this.receiver.up();
    const answer = await api.send({
      client: 'webhook-admin',
      op: 'webhook.create',
      method: 'POST',
      path: '/webhooks',
      body: { url: `${this.receiver.url}/onhand`, description: 'soak receiver' },
    });
    const body = answer.body as { id?: string; position?: string };
    if (answer.status !== 201 || !body.id)
      throw new Error(`webhook subscription: ${answer.status} ${JSON.stringify(body)}`);
    this.webhookId = body.id;
    this.after = String(body.position ?? '0');
  }

  /**
   * Deliveries accepted, in arrival order, each with its entries. Each body is parsed once: parsing
   * them all again at every look (the soak looks every 250 ms while it waits for the followers) kept
   * the soak's own process, the receiver's, busy for seconds in long runs, so that the receiver
   * answered late, attempts timed out and deliveries fell behind by backoff.
   */
  deliveries(): { id: string; entries: FeedEntry[] }[] {
    const received = this.receiver.received;
    for (; this.#read < received.length; this.#read++) {
      const r = received[this.#read]!;
      if (r.status >= 300) continue;
      this.#parsed.push({
        id: r.headers['webhook-id'] ?? '',
        entries: (JSON.parse(r.body) as { data: { entries: FeedEntry[] } }).data.entries,
      });
    }
    return this.#parsed;
  }

  position(): string {
    const all = this.deliveries();
    const last = all[all.length - 1]?.entries;
    return last && last.length > 0 ? String(last[last.length - 1]!.position) : this.after;
  }

  log(name = 'webhook receiver'): FollowerLog {
    const values: Record<string, number> = {};
    const seen = new Set<string>();
    const all = this.deliveries();
    for (const d of all) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      for (const e of d.entries) applyAvailability(values, e);
    }
    return {
      name,
      kind: 'webhook',
      after: this.after,
      deliveries: all.map((d) => ({ id: d.id, positions: d.entries.map((e) => String(e.position)) })),
      position: this.position(),
      values,
    };
  }
}
