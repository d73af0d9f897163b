import { type AdjustmentInput, toAdjustmentCommand } from '../../domain/adjustments/adjustment-command.js';
import { SYNC_STATUSES } from '../../domain/adjustments/adjustment-status.js';
import { detail, OnhandError } from '../../domain/codes.js';
import type { OnHandInput } from '../../domain/onhand-command.js';
import type {
  AdjustmentFilter,
  AdjustmentLine,
  AdjustmentSyncStatus,
} from '../../store/adjustments/adjustment-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { conflict, failureFromThrown, type ItemOutcome, success } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { isUsableId, type WriteItem } from '../write-item.js';

/** What posting a line to on-hand needs: the engine's on-hand change path. */
export type ChangeOnHand = (
  environmentId: string,
  items: readonly WriteItem<OnHandInput>[],
) => Promise<ItemOutcome[]>;

/** A sync status the connector sets on a line, with an optional message (e.g. its journal id or error). */
export interface SyncUpdate {
  readonly id: string;
  /** JSON pointer of the item in its request. */
  readonly path: string;
  readonly syncStatus: AdjustmentSyncStatus;
  readonly message?: string;
}

/** Lines posted per page by the periodic posting. */
const POST_PAGE = 500;

/**
 * Business-layer inventory adjustments (spec §2.11, #22). Each adjustment is stored as a line (status
 * Created); it is applied to on-hand (status IVPosted) at once with createWithIVSync=true, else by the
 * periodic posting (postPending). Applying a line is an on-hand change event with the id `adj~<line id>`,
 * so a line posted twice (a retry, two processes, a crash between the change and the status) counts
 * once. The ERP connector reads lines by status and sets their sync status; a line handed to the sync
 * (any sync status but Created) is Aggregated.
 */
export class Adjustments {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly changeOnHand: ChangeOnHand,
  ) {}

  /** Stores the adjustments (each on its own) and, with `sync`, applies them to on-hand now. */
  async create(
    environmentId: string,
    items: readonly WriteItem<AdjustmentInput>[],
    sync: boolean,
  ): Promise<ItemOutcome[]> {
    const config = await this.environments.get(environmentId);
    const now = this.clock().toISOString();
    const outcomes: (ItemOutcome | undefined)[] = [];
    const lines: AdjustmentLine[] = [];
    items.forEach(({ input, path }, i) => {
      try {
        const command = toAdjustmentCommand(config, input, path);
        const { onHand, ...fields } = command;
        lines.push({
          ...fields,
          status: 'Created',
          syncStatus: 'Created',
          message: '',
          bodyHash: requestHash(input),
          request: onHand,
          createdAt: now,
          updatedAt: now,
        });
        outcomes[i] = undefined;
      } catch (error) {
        outcomes[i] = failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
      }
    });
    // An id given twice in one request: the first counts, the others are its retries (or conflicts).
    const first = new Map<string, AdjustmentLine>();
    for (const line of lines) if (!first.has(line.lineId)) first.set(line.lineId, line);
    const unique = [...first.values()];
    const existing = new Map(
      (await this.store.adjustments.insert(environmentId, unique)).map((l) => [l.lineId, l]),
    );
    const byId = new Map<string, ItemOutcome>();
    const toPost: AdjustmentLine[] = [];
    for (const line of unique) {
      const earlier = existing.get(line.lineId);
      if (earlier && earlier.bodyHash !== line.bodyHash) {
        byId.set(line.lineId, conflict(line.lineId));
        continue;
      }
      const stored = earlier ?? line;
      byId.set(line.lineId, { ...success(line.lineId), ...(earlier ? { replayed: true } : {}) });
      if (sync && stored.status === 'Created') toPost.push(stored);
    }
    const posted = await this.post(environmentId, toPost, items[0]?.clientId ?? null);
    for (const [id, outcome] of posted) if (outcome.status !== 'success') byId.set(id, outcome);
    let at = 0;
    return items.map(({ input }, i) => {
      const own = outcomes[i];
      if (own) return own;
      const line = lines[at++] as AdjustmentLine;
      const kept = first.get(line.lineId);
      if (kept !== line)
        return kept?.bodyHash === line.bodyHash ? success(line.lineId) : conflict(line.lineId);
      return byId.get(input.id) as ItemOutcome;
    });
  }

  /**
   * Applies lines to on-hand and marks those applied IVPosted; a line that cannot be applied keeps
   * status Created with the reason as its message. Returns each line's on-hand outcome.
   */
  async post(
    environmentId: string,
    lines: readonly AdjustmentLine[],
    clientId: string | null = null,
  ): Promise<Map<string, ItemOutcome>> {
    if (lines.length === 0) return new Map();
    const outcomes = await this.changeOnHand(
      environmentId,
      lines.map((line, i) => ({ input: line.request as OnHandInput, path: `/${i}`, clientId })),
    );
    const result = new Map<string, ItemOutcome>();
    const updates = lines.map((line, i) => {
      const outcome = outcomes[i] as ItemOutcome;
      result.set(line.lineId, { ...outcome, id: line.lineId });
      return outcome.status === 'success'
        ? { lineId: line.lineId, status: 'IVPosted' as const, message: '' }
        : { lineId: line.lineId, message: outcome.message };
    });
    await this.store.adjustments.update(environmentId, updates, this.clock().toISOString());
    return result;
  }

  /** Posts every line still Created, in every environment (the periodic job); returns how many were posted. */
  async postPending(): Promise<number> {
    let posted = 0;
    for (const { environmentId } of await this.store.listEnvironments()) {
      let after: string | null = null;
      for (;;) {
        const page = await this.store.adjustments.list(
          environmentId,
          { status: 'Created' },
          after,
          POST_PAGE,
        );
        const outcomes = await this.post(environmentId, page);
        posted += [...outcomes.values()].filter((o) => o.status === 'success').length;
        if (page.length < POST_PAGE) break;
        after = page[page.length - 1]?.lineId ?? null;
      }
    }
    return posted;
  }

  /** A page of lines in id order, by status and sync status. */
  async list(
    environmentId: string,
    filter: AdjustmentFilter,
    after: string | null,
    limit: number,
  ): Promise<AdjustmentLine[]> {
    await this.environments.get(environmentId);
    return this.store.adjustments.list(environmentId, filter, after, limit);
  }

  /**
   * Sets the sync status of lines (the ERP connector's report). A line must exist (else notFound) and be
   * applied to on-hand (else adjustment_not_posted); any sync status but Created makes it Aggregated.
   */
  async setSyncStatus(environmentId: string, updates: readonly SyncUpdate[]): Promise<ItemOutcome[]> {
    await this.environments.get(environmentId);
    // An id that could never have been stored (a NUL, which PostgreSQL text refuses) is not looked up.
    const lookedUp = updates.map((u) => u.id).filter(isUsableId);
    const lines = new Map(
      (await this.store.adjustments.get(environmentId, lookedUp)).map((l) => [l.lineId, l]),
    );
    const outcomes = updates.map((u): ItemOutcome => {
      if (!(SYNC_STATUSES as readonly string[]).includes(u.syncStatus)) {
        const message = `syncStatus must be one of ${SYNC_STATUSES.join(', ')}.`;
        return {
          id: u.id,
          status: 'failure',
          message,
          code: 'invalid_type',
          details: [detail('invalid_type', `${u.path}/syncStatus`, message)],
        };
      }
      const line = lines.get(u.id);
      if (!line)
        return {
          id: u.id,
          status: 'notFound',
          message: `No adjustment line "${u.id}".`,
          code: 'adjustment_not_found',
        };
      if (line.status === 'Created') {
        const error = new OnhandError('adjustment_not_posted');
        return { id: u.id, status: 'failure', message: error.message, code: error.code };
      }
      return success(u.id);
    });
    const accepted = updates.filter((_, i) => outcomes[i]?.status === 'success');
    await this.store.adjustments.update(
      environmentId,
      accepted.map((u) => ({
        lineId: u.id,
        syncStatus: u.syncStatus,
        ...(u.syncStatus === 'Created' ? {} : { status: 'Aggregated' as const }),
        ...(u.message === undefined ? {} : { message: u.message }),
      })),
      this.clock().toISOString(),
    );
    return outcomes;
  }
}
