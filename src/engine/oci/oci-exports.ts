import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fail, OnhandError } from '../../domain/codes.js';
import { groupRecord, locationRecord, NO_GROUP_RESERVATIONS } from '../../domain/oci/availability.js';
import { type ExportPlaces, encodeDeltaToken } from '../../domain/oci/delta-token.js';
import type { LocationGraph } from '../../domain/oci/location-graph.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import { recordLine } from '../../domain/oci/record-json.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { JobRecord } from '../../store/jobs/job-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { Feed } from '../feed/feed.js';
import type { JobContext } from '../jobs/job-runner.js';
import type { Jobs } from '../jobs/jobs.js';
import { placesFingerprint } from './delta-fingerprint.js';
import { groupSkuKey, type OciAvailability } from './oci-availability.js';
import type { OciGraphs } from './oci-graphs.js';
import type { OciSegmentation } from './oci-segmentation.js';
import { NO_STOCK, placeOf, StockFold, stockKey } from './oci-stock.js';

/** The job kind of an availability export (its job id `OciAvailabilityExport:{exportId}`). */
export const OCI_EXPORT_JOB = 'OciAvailabilityExport';
/** How long a finished export's file can be downloaded. */
export const EXPORT_LINK_MS = 24 * 3600 * 1000;
/** How long an export waits for the positions of the writes acknowledged before it. */
const SETTLE_MS = 5000;

/** What a finished export keeps (the job's result): its file, gzip-compressed, and facts about it. */
export interface ExportResult {
  readonly position: number;
  /** The NDJSON file, gzip, base64. */
  readonly file: string;
  readonly fileHash: string;
  readonly fileSize: number;
  readonly records: number;
}

/**
 * Availability exports (spec §4.4, docs/oci.md "Export and deltas"): a job in the database (so any
 * server process serves its status and file, and a job whose process died is run again by another),
 * whose file is every SKU record of the places asked for, read as one snapshot of the IV stock at a
 * feed position, and a last line with the delta token of that position.
 */
export class OciExports {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly availability: OciAvailability,
    private readonly segmentation: OciSegmentation,
    private readonly feed: Feed,
    private readonly jobs: () => Jobs,
    private readonly clock: () => Date,
  ) {}

  /** Starts an export of the places (checked now, and again when the job runs); its export id. */
  async start(environmentId: string, places: ExportPlaces): Promise<string> {
    const { graph } = await this.graphs.get(environmentId);
    checkPlaces(graph, places);
    const jobId = await this.jobs().submit(environmentId, OCI_EXPORT_JOB, { places });
    return jobId.slice(OCI_EXPORT_JOB.length + 1);
  }

  /** The export's job, or oci_export_not_found. */
  async get(environmentId: string, exportId: string): Promise<JobRecord> {
    await this.environments.get(environmentId);
    const job = await this.store.jobs.get(environmentId, `${OCI_EXPORT_JOB}:${exportId}`);
    if (!job) throw new OnhandError('oci_export_not_found', `Export "${exportId}" does not exist.`);
    return job;
  }

  /** The NDJSON file of a finished export (refused while running, after failure or once expired). */
  async file(environmentId: string, exportId: string): Promise<string> {
    const job = await this.get(environmentId, exportId);
    if (job.status === 'Failed')
      throw new OnhandError('oci_export_failed', `Export "${exportId}" failed: ${job.message}`);
    const result = job.result as ExportResult | null;
    if (job.status !== 'Completed' || !result)
      throw new OnhandError('oci_export_in_process', `Export "${exportId}" is still running.`);
    if (this.clock().getTime() > expiryOf(job))
      throw new OnhandError('oci_export_expired', `The file of export "${exportId}" has expired.`);
    return gunzipSync(Buffer.from(result.file, 'base64')).toString('utf8');
  }

  /** Deletes a finished export (refused while it runs). */
  async delete(environmentId: string, exportId: string): Promise<void> {
    const job = await this.get(environmentId, exportId);
    if (job.status === 'Queued' || job.status === 'Running')
      throw new OnhandError('oci_export_in_process', `Export "${exportId}" is still running.`);
    await this.store.jobs.delete(environmentId, job.jobId);
  }

  /** The job handler: reads the snapshot, writes the file. Running it again repeats nothing (a read). */
  async run({ job, saveProgress }: JobContext): Promise<{ result: ExportResult; message: string }> {
    const { environmentId } = job;
    const { places } = job.request as { places: ExportPlaces };
    const config = await this.environments.get(environmentId);
    const { graph } = await this.graphs.get(environmentId);
    checkPlaces(graph, places);
    const locationIds = 'locations' in places ? [...places.locations] : [];
    const groups = 'groups' in places ? places.groups.map((id) => groupOf(graph, id)) : [];
    const members = new Set([...locationIds, ...groups.flatMap((g) => g.locations)]);
    const located = graph.locations.filter((l) => members.has(l.id)).map((l) => placeOf(graph, l));
    const fold = new StockFold(ociMeasures(config), located, dateOf(this.clock()));
    const selector = {
      organizationIds: [...new Set(located.map((p) => p.iv.organizationId))],
      siteIds: [...new Set(located.map((p) => p.iv.siteId))],
      locationIds: [...new Set(located.map((p) => p.iv.locationId))],
    };
    // Every write acknowledged before now is in the export (PostgreSQL stamps positions after commit).
    await this.store.feed.settleAll(SETTLE_MS);
    // One consistent read of the IV stock at a position; safety stock read after it is no older, and
    // any change after the position is sent again by get-deltas from the token (full records).
    const position =
      located.length === 0
        ? await this.feed.head()
        : await this.feed.snapshot(environmentId, selector, async (page) => {
            fold.add(page.stock, page.schedule, []);
          });
    if (!(await saveProgress({ position }))) throw new Error('The export was taken over by another process.');
    const safety = await this.store.oci.listSafetyStock(environmentId);
    fold.add(
      [],
      [],
      safety.filter((r) => members.has(r.locationId)),
    );
    const stock = fold.result();
    const skusAt = new Map<string, Set<string>>();
    for (const key of stock.keys()) {
      const [locationId = '', sku = ''] = key.split('\u0000');
      const set = skusAt.get(locationId) ?? new Set<string>();
      set.add(sku);
      skusAt.set(locationId, set);
    }
    const at = (sku: string, id: string) => stock.get(stockKey(sku, id)) ?? NO_STOCK;
    const lines: string[] = [];
    let records = 0;
    for (const id of locationIds) {
      lines.push(JSON.stringify({ locationId: id }));
      for (const sku of sorted(skusAt.get(id) ?? [])) {
        lines.push(recordLine(locationRecord(sku, at(sku, id))));
        records++;
      }
    }
    if (groups.length > 0) {
      const groupIds = groups.map((g) => g.id);
      const allSkus = sorted(
        new Set(groups.flatMap((g) => g.locations.flatMap((l) => [...(skusAt.get(l) ?? [])]))),
      );
      const [held, excluded] = await Promise.all([
        this.availability.groupReservations(environmentId, groupIds, allSkus),
        this.segmentation.excluded(environmentId, groupIds, allSkus),
      ]);
      for (const g of groups) {
        lines.push(JSON.stringify({ groupId: g.id }));
        for (const sku of sorted(new Set(g.locations.flatMap((l) => [...(skusAt.get(l) ?? [])])))) {
          const key = groupSkuKey(g.id, sku);
          const record = groupRecord(
            sku,
            g.locations.map((l) => at(sku, l)),
            held.get(key) ?? NO_GROUP_RESERVATIONS,
          );
          lines.push(recordLine(excluded.has(key) ? { ...record, atf: 0n, ato: 0n } : record));
          records++;
        }
      }
    }
    const fingerprint = placesFingerprint(graph, ociMeasures(config), places);
    lines.push(
      JSON.stringify({ deltaToken: encodeDeltaToken({ environmentId, position, places, fingerprint }) }),
    );
    const text = `${lines.join('\n')}\n`;
    const bytes = Buffer.from(text, 'utf8');
    return {
      result: {
        position,
        file: gzipSync(bytes).toString('base64'),
        fileHash: createHash('sha256').update(bytes).digest('hex'),
        fileSize: bytes.length,
        records,
      },
      message: `${records} records exported at position ${position}.`,
    };
  }
}

/** When a finished export's file stops being served (ms since the epoch). */
export function expiryOf(job: JobRecord): number {
  return Date.parse(job.completedAt ?? job.createdAt) + EXPORT_LINK_MS;
}

function checkPlaces(graph: LocationGraph, places: ExportPlaces): void {
  if ('locations' in places) {
    const known = new Set(graph.locations.map((l) => l.id));
    for (const id of places.locations)
      if (!known.has(id))
        fail('oci_unknown_location', '/objects/locations', `No location exists with ID '${id}'`);
  } else for (const id of places.groups) groupOf(graph, id);
}

function groupOf(graph: LocationGraph, id: string) {
  return (
    graph.groups.find((g) => g.id === id) ??
    fail('oci_unknown_group', '/objects/groups', `No group exists with ID '${id}'`)
  );
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
