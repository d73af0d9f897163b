import { formatQty } from '../../domain/quantity.js';
import type { Store } from '../../store/store.js';
import type { Reservations } from '../reservations/reservation-service.js';
import type { JobHandler } from './job-runner.js';

/** The job kind (and job id prefix) of the reservation clean-up (spec §2.8, #8). */
export const RESYNC_JOB = 'ReservationResyncJob';
const PAGE = 500;

/** What the resync job was asked: the data sources whose reservations to clean up (empty: all). */
export interface ResyncRequest {
  readonly dataSources: readonly string[];
}

interface ResyncProgress {
  /** The last reservation id looked at (reservations are walked in id order). */
  readonly after: string | null;
  readonly released: number;
  readonly skipped: number;
}

/**
 * The reservation resync job (spec §2.8 and §5.4, "clean up all reservation data"): releases every open
 * reservation of the chosen data sources, giving its remaining quantity back to the reserved measure,
 * as an unreserve would. Each release is an unreserve with the event id `resync~<job>~<reservation>`, so
 * a job resumed after a crash repeats none (a retried event id changes nothing), and each is in the
 * ledger and the change feed. Reservations made after the job walked past their id stay open.
 */
export function reservationResyncJob(store: Store, reservations: Reservations): JobHandler {
  return async ({ job, saveProgress }) => {
    const { dataSources } = job.request as ResyncRequest;
    const wanted = new Set(dataSources.map((s) => s.toLowerCase()));
    const saved = job.progress as ResyncProgress | null;
    let progress: ResyncProgress = saved ?? { after: null, released: 0, skipped: 0 };
    const tag = job.jobId.slice(job.jobId.indexOf(':') + 1);
    for (;;) {
      const page = await store.exportReservations(job.environmentId, progress.after, PAGE);
      const open = page.filter(
        (r) => r.status === 'open' && r.remaining > 0n && (wanted.size === 0 || wanted.has(r.dataSource)),
      );
      const outcomes = await reservations.unreserve(
        job.environmentId,
        open.map((r, i) => ({
          input: {
            id: `resync~${tag}~${r.reservationId}`,
            organizationId: r.organizationId,
            productId: r.productId,
            reservationId: r.reservationId,
            OffsetQty: formatQty(r.remaining),
          },
          path: `/${i}`,
        })),
      );
      const released = outcomes.filter((o) => o.status === 'success' || o.status === 'partialSuccess').length;
      progress = {
        after: page[page.length - 1]?.reservationId ?? progress.after,
        released: progress.released + released,
        skipped: progress.skipped + outcomes.length - released,
      };
      if (!(await saveProgress(progress)))
        throw new Error('The job was taken over by another process, or handed back at shutdown.');
      if (page.length < PAGE) break;
    }
    const scope = wanted.size === 0 ? 'every data source' : [...wanted].join(', ');
    return {
      result: { released: progress.released, skipped: progress.skipped },
      message: `Released ${progress.released} open reservation(s) of ${scope}.`,
    };
  };
}
