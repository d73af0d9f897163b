import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OnhandError } from '../../../domain/codes.js';
import type { EventLogRequest, ReservationsRequest } from '../../../domain/oci/exports/audit-requests.js';
import { EventLogFold } from '../../../domain/oci/exports/event-log.js';
import { ReservationFold } from '../../../domain/oci/exports/reservation-documents.js';
import { ociMeasures } from '../../../domain/oci/oci-measures.js';
import type { FeedRecord } from '../../../store/feed-store.js';
import type { JobRecord } from '../../../store/jobs/job-store.js';
import type { Store } from '../../../store/store.js';
import type { Environments } from '../../environments.js';
import type { JobContext } from '../../jobs/job-runner.js';
import type { Jobs } from '../../jobs/jobs.js';
import { EXPORT_LINK_MS, type ExportResult } from '../oci-exports.js';
import type { OciGraphs } from '../oci-graphs.js';
import { placeOf } from '../oci-stock.js';

/** Job kind of a reservations export (spec §4.6); its job id `OciReservationsExport:{exportId}`. */
export const OCI_RESERVATIONS_EXPORT_JOB = 'OciReservationsExport';
/** Job kind of an event log export (spec §4.5); its job id `OciEventLogExport:{exportId}`. */
export const OCI_EVENT_LOG_EXPORT_JOB = 'OciEventLogExport';
export type AuditExportKind = typeof OCI_RESERVATIONS_EXPORT_JOB | typeof OCI_EVENT_LOG_EXPORT_JOB;

const PAGE = 1000;
/** How long an export waits for the positions of the writes acknowledged before it. */
const SETTLE_MS = 5000;

/**
 * The reservations export and the event log export (docs/oci.md, "Reservations and event log
 * exports"): jobs in the database like the availability export, whose file is built by reading the
 * environment's ledger in commit order, from its first entry up to the feed's head when the job runs,
 * through a fold of the domain (ReservationFold, EventLogFold). Running a job again repeats nothing
 * (a read).
 */
export class OciAuditExports {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly jobs: () => Jobs,
    private readonly clock: () => Date,
  ) {}

  /** Starts a reservations export (the request checked already); its export id. */
  async startReservations(environmentId: string, request: ReservationsRequest): Promise<string> {
    await this.environments.get(environmentId);
    return this.submit(environmentId, OCI_RESERVATIONS_EXPORT_JOB, request);
  }

  /** Starts an event log export (the request checked already, its places against the graph); its id. */
  async startEventLog(environmentId: string, request: EventLogRequest): Promise<string> {
    await this.environments.get(environmentId);
    return this.submit(environmentId, OCI_EVENT_LOG_EXPORT_JOB, request);
  }

  /** The export's job, or oci_export_not_found. */
  async get(environmentId: string, kind: AuditExportKind, exportId: string): Promise<JobRecord> {
    await this.environments.get(environmentId);
    const job = await this.store.jobs.get(environmentId, `${kind}:${exportId}`);
    if (!job) throw new OnhandError('oci_export_not_found', `Export "${exportId}" does not exist.`);
    return job;
  }

  /** The file of a finished export (refused while running, after failure or once expired). */
  async file(environmentId: string, kind: AuditExportKind, exportId: string): Promise<string> {
    const job = await this.get(environmentId, kind, exportId);
    if (job.status === 'Failed')
      throw new OnhandError('oci_export_failed', `Export "${exportId}" failed: ${job.message}`);
    const result = job.result as ExportResult | null;
    if (job.status !== 'Completed' || !result)
      throw new OnhandError('oci_export_in_process', `Export ${exportId} is in progress.`);
    if (this.clock().getTime() > Date.parse(job.completedAt ?? job.createdAt) + EXPORT_LINK_MS)
      throw new OnhandError('oci_export_expired', `The file of export "${exportId}" has expired.`);
    return gunzipSync(Buffer.from(result.file, 'base64')).toString('utf8');
  }

  /** Deletes a finished export (refused while it runs). */
  async delete(environmentId: string, kind: AuditExportKind, exportId: string): Promise<void> {
    const job = await this.get(environmentId, kind, exportId);
    if (job.status === 'Queued' || job.status === 'Running')
      throw new OnhandError('oci_export_in_process', `Export ${exportId} is in progress.`);
    await this.store.jobs.delete(environmentId, job.jobId);
  }

  /** The reservations export job: one JSON line per reservation document kept by the request. */
  async runReservations({ job, saveProgress }: JobContext) {
    const request = job.request as ReservationsRequest;
    const fold = new ReservationFold();
    const position = await this.scan(job.environmentId, saveProgress, (e) => fold.add(e));
    const documents = fold.documents({
      from: request.fromDate,
      to: request.toDate ?? job.createdAt,
      state: request.status === 'open' ? 'OPEN' : 'CLOSED',
    });
    return finish(
      documents.map((d) => JSON.stringify(d)),
      documents.length,
      position,
    );
  }

  /** The event log export job: a location line, then that location's events, for each location. */
  async runEventLog({ job, saveProgress }: JobContext) {
    const { environmentId } = job;
    const request = job.request as EventLogRequest;
    const config = await this.environments.get(environmentId);
    const { graph } = await this.graphs.get(environmentId);
    const wanted = new Set([
      ...request.locations,
      ...request.groups.flatMap((id) => graph.groups.find((g) => g.id === id)?.locations ?? []),
    ]);
    const all = request.locations.length === 0 && request.groups.length === 0;
    const places = graph.locations.filter((l) => all || wanted.has(l.id)).map((l) => placeOf(graph, l));
    const fold = new EventLogFold(request.sku, places, ociMeasures(config), {
      from: request.startsOn,
      to: request.endsOn,
    });
    const position = await this.scan(environmentId, saveProgress, (e) => fold.add(e));
    const lines: string[] = [];
    for (const place of places) {
      lines.push(JSON.stringify({ locationId: place.id }));
      for (const event of fold.events) if (event.location === place.id) lines.push(JSON.stringify(event));
    }
    return finish(lines, fold.events.length, position);
  }

  private async submit(environmentId: string, kind: AuditExportKind, request: unknown): Promise<string> {
    const jobId = await this.jobs().submit(environmentId, kind, request);
    return jobId.slice(kind.length + 1);
  }

  /** Reads the environment's ledger in commit order up to the head once settled; the head read to. */
  private async scan(
    environmentId: string,
    saveProgress: JobContext['saveProgress'],
    each: (entry: FeedRecord) => void,
  ): Promise<number> {
    const head = (await this.store.feed.settleAll(SETTLE_MS)) ?? (await this.store.feed.head());
    let after = 0;
    for (;;) {
      const page = await this.store.feed.read(environmentId, after, PAGE);
      for (const entry of page) {
        if (entry.position > head) return head;
        each(entry);
        after = entry.position;
      }
      if (page.length < PAGE) break;
      if (!(await saveProgress({ position: after })))
        throw new Error('The export was taken over by another process.');
    }
    return head;
  }
}

function finish(lines: readonly string[], records: number, position: number) {
  const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  const bytes = Buffer.from(text, 'utf8');
  const result: ExportResult = {
    position,
    file: gzipSync(bytes).toString('base64'),
    fileHash: createHash('sha256').update(bytes).digest('hex'),
    fileSize: bytes.length,
    records,
  };
  return { result, message: `${records} records exported at position ${position}.` };
}
