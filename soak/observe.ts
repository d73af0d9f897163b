import type { Api } from './api.js';
import type { AllocationView, LedgerEntry, ReservationView, StockRow } from './checker/model.js';
import { HOT, ORG } from './clients/context.js';

/** Reads the whole ledger, page by page, keeping what it read (call again to read what is new). */
export class LedgerReader {
  readonly entries: LedgerEntry[] = [];

  constructor(private readonly api: Api) {}

  get head(): string {
    return String(this.entries[this.entries.length - 1]?.position ?? '0');
  }

  async read(): Promise<LedgerEntry[]> {
    for (;;) {
      const answer = await this.api.send({
        client: 'checker',
        op: 'ledger',
        method: 'GET',
        path: `/ledger?after=${this.head}&limit=1000`,
      });
      if (answer.status !== 200 || !Array.isArray(answer.body))
        throw new Error(`ledger: ${answer.status} ${JSON.stringify(answer.body)}`);
      const page = answer.body as LedgerEntry[];
      this.entries.push(...page);
      if (page.length < 1000) return this.entries;
    }
  }
}

/** The stored state: GET …/snapshot (NDJSON), its position, stock and scheduled values. */
export async function readSnapshot(
  api: Api,
): Promise<{ position: string; stock: StockRow[]; schedules: StockRow[] }> {
  const answer = await api.send({ client: 'checker', op: 'snapshot', method: 'GET', path: '/snapshot' });
  if (answer.status !== 200 || typeof answer.body !== 'string') throw new Error(`snapshot: ${answer.status}`);
  const lines = answer.body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StockRow & { type: string; position?: string });
  const end = lines.find((l) => l.type === 'end');
  if (!end?.position) throw new Error('snapshot: cut short (no end line)');
  return {
    position: String(end.position),
    stock: lines.filter((l) => l.type === 'stock'),
    schedules: lines.filter((l) => l.type === 'schedule'),
  };
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/** Every reservation the ledger names, as GET …/onhand/reservations/{id} serves it. */
export async function readReservations(api: Api, ledger: readonly LedgerEntry[]): Promise<ReservationView[]> {
  const ids = [
    ...new Set(
      ledger.filter((e) => e.kind === 'reservation.reserve' && e.reference).map((e) => e.reference!),
    ),
  ];
  return inParallel(ids, 16, async (id) => {
    const answer = await api.send({
      client: 'checker',
      op: 'reservation.read',
      method: 'GET',
      path: `/onhand/reservations/${id}`,
    });
    if (answer.status !== 200)
      throw new Error(`reservation ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as ReservationView;
  });
}

/** The allocation records of every hot tuple, with their groups named by level as stored rows are. */
export async function readAllocations(
  api: Api,
  groupsOrder: Readonly<Record<string, string>>,
): Promise<AllocationView[]> {
  const byName = new Map(Object.entries(groupsOrder).map(([name, level]) => [name.toLowerCase(), level]));
  const views: AllocationView[] = [];
  for (const t of HOT) {
    const answer = await api.send({
      client: 'checker',
      op: 'allocation.query',
      method: 'POST',
      path: '/allocation/query',
      body: { organizationId: ORG, productId: t.productId, dimensions: t.dimensions },
    });
    if (answer.status !== 200 || !Array.isArray(answer.body))
      throw new Error(`allocation query: ${answer.status} ${JSON.stringify(answer.body)}`);
    for (const record of answer.body as Omit<AllocationView, 'levels'>[]) {
      const levels: Record<string, string> = {};
      for (const [name, value] of Object.entries(record.groups))
        levels[`@${byName.get(name.toLowerCase()) ?? name}`] = value;
      views.push({ ...record, levels });
    }
  }
  return views;
}
