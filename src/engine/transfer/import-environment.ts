import { OnhandError } from '../../domain/codes.js';
import { compileConfiguration } from '../../domain/config/compile-configuration.js';
import type { RuntimeConfiguration } from '../../domain/config/runtime-configuration.js';
import { normalizeEnvironmentId } from '../../domain/identifiers.js';
import type { JobRecord } from '../../store/jobs/job-store.js';
import type { Store } from '../../store/store.js';
import { type CheckedFile, checkFile } from './check-file.js';
import type { ExportCounts } from './format.js';
import { SILENT_PROGRESS, type TransferProgress } from './progress.js';
import { TransferError } from './transfer-error.js';
import { writeRecords } from './write-records.js';

/** Options of importEnvironment. */
export interface ImportOptions {
  /** The id to import into (default: the exported environment's id). */
  readonly environmentId?: string;
  /** Records written per transaction (default 1000). */
  readonly batchSize?: number;
  readonly progress?: TransferProgress;
}

/** What an import did. */
export interface ImportSummary {
  readonly environmentId: string;
  readonly counts: ExportCounts;
}

/**
 * Loads an export file into a store, where the environment must not exist yet. `open` is called twice
 * and must give the lines of the file each time: a first pass checks every line (check-file.ts), so a
 * bad or truncated file is refused before anything is written; a second pass writes the records in
 * transactions of `batchSize`. The environment record is created last: until then the imported data
 * belongs to no environment, so no request can see or change it. When a write fails, what was written
 * is deleted again (Store.deleteOrphanedData); should that fail too, the next import into the same id
 * deletes it first.
 */
export async function importEnvironment(
  store: Store,
  open: () => AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const progress = options.progress ?? SILENT_PROGRESS;
  const checked = await checkFile(open(), progress);
  const environmentId = targetId(options.environmentId ?? checked.header.environmentId);
  const configuration = retarget(checked.environment, environmentId);
  if (await store.getEnvironment(environmentId))
    throw new TransferError(
      `Environment "${environmentId}" already exists; import into a new id with --environment NEWID.`,
    );
  // Leftovers of an earlier import into this id that failed and could not clean up after itself.
  if (!(await store.deleteOrphanedData(environmentId)))
    throw new TransferError(`Environment "${environmentId}" was created meanwhile; nothing was imported.`);
  const { counts } = checked;
  progress.start(
    'importing',
    counts.stock + counts.schedule + counts.reservations + counts.oci + counts.ledger,
  );
  const jobs: JobRecord[] = [];
  try {
    await writeRecords(store, environmentId, open(), options.batchSize ?? 1000, progress, jobs);
  } catch (error) {
    progress.finish();
    throw await undo(store, environmentId, error);
  }
  progress.finish();
  const { version, createdAt, updatedAt } = checked.environment;
  if (!(await store.saveEnvironment({ environmentId, configuration, version, createdAt, updatedAt })))
    throw new TransferError(
      `Environment "${environmentId}" was created by someone else during the import; its data now holds the imported records too.`,
    );
  // The OCI availability imports' jobs, once the environment exists (an unfinished one is Queued again).
  for (const job of jobs) await store.jobs.restore(job);
  return { environmentId, counts };
}

function targetId(raw: string): string {
  const id = normalizeEnvironmentId(raw);
  if (!id)
    throw new TransferError(`"${raw}" is not a valid environment id (1–64 letters, digits, ".", "_", "-").`);
  return id;
}

/** The exported configuration under its new id, checked to be valid in this release. */
function retarget(environment: CheckedFile['environment'], environmentId: string): RuntimeConfiguration {
  const configuration = { ...(environment.configuration as Record<string, unknown>), environmentId };
  try {
    compileConfiguration(configuration as unknown as RuntimeConfiguration);
  } catch (error) {
    const message = error instanceof OnhandError ? error.message : String(error);
    throw new TransferError(`the configuration is not valid: ${message}`, environment.line);
  }
  return configuration as unknown as RuntimeConfiguration;
}

/** Deletes the partial import after a failure; returns the error to report. */
async function undo(store: Store, environmentId: string, error: unknown): Promise<Error> {
  const reason = error instanceof Error ? error.message : String(error);
  try {
    await store.deleteOrphanedData(environmentId);
    return new TransferError(`The import failed and was undone, nothing is left behind: ${reason}`);
  } catch {
    return new TransferError(
      `The import failed: ${reason}. Its partial data could not be deleted now; it belongs to no environment, and the next import into "${environmentId}" deletes it first.`,
    );
  }
}
