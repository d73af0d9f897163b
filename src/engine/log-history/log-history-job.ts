import { type LogHistoryRequest, type LogHistoryRow, logRows } from '../../domain/log-history/log-request.js';
import type { Store } from '../../store/store.js';
import type { JobHandler } from '../jobs/job-runner.js';

/** The job kind (and job id prefix) of the log-history extract (spec §2.12, #23). */
export const LOG_HISTORY_JOB = 'TransactionLoggingJob';
/** Most rows one extract holds; a longer one is cut (truncated: true) and asks for a narrower range. */
export const MAX_LOG_ROWS = 10_000;
const PAGE = 1000;
/** Entries enter the feed a little after they are recorded: read this far past the range's end. */
const FEED_SLACK_MS = 60_000;

/** The extract a log-history job produces (its result). */
export interface LogHistoryResult {
  readonly rows: readonly LogHistoryRow[];
  readonly truncated: boolean;
}

/**
 * The log-history extract (spec §2.12): every change that accepted writes made to the organization
 * (and product and dimensions, when given) between the two dates, read from the ledger in feed-position
 * order (store.feed.read), starting at the last position that entered the feed before the range, and
 * stopping once entries entered the feed well after it. A read only: running it again (a resumed job)
 * produces the same extract.
 */
export function logHistoryJob(store: Store): JobHandler {
  return async ({ job, saveProgress }) => {
    const request = job.request as LogHistoryRequest;
    const env = job.environmentId;
    const before = new Date(Date.parse(request.from) - 1).toISOString();
    const stopAt = new Date(Date.parse(request.until) + FEED_SLACK_MS).toISOString();
    let after = await store.feed.positionAt(env, before);
    const rows: LogHistoryRow[] = [];
    let truncated = false;
    let read = 0;
    for (;;) {
      const page = await store.feed.read(env, after, PAGE);
      for (const entry of page) {
        if (entry.fedAt > stopAt) return done(rows, truncated);
        for (const row of logRows(request, entry)) {
          if (rows.length >= MAX_LOG_ROWS) truncated = true;
          else rows.push(row);
        }
      }
      read += page.length;
      if (page.length < PAGE) return done(rows, truncated);
      after = page[page.length - 1]?.position ?? after;
      if (!(await saveProgress({ entriesRead: read, rows: rows.length })))
        throw new Error('The job was taken over by another process, or handed back at shutdown.');
    }
  };
}

function done(rows: LogHistoryRow[], truncated: boolean): { result: LogHistoryResult; message: string } {
  const result: LogHistoryResult = { rows, truncated };
  return {
    result,
    message: truncated
      ? `The extract holds the first ${MAX_LOG_ROWS} changes; ask for a shorter date range for the rest.`
      : `The extract holds ${rows.length} change(s).`,
  };
}
