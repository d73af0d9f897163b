import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type ImportSummary, importEnvironment } from '../engine/transfer/import-environment.js';
import { SILENT_PROGRESS, type TransferProgress } from '../engine/transfer/progress.js';
import type { Store } from '../store/store.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

export const IMPORT_USAGE = 'Usage: onhand import FILE [--environment NEWID]';

/** What the import command needs: how to open the store, and where messages and progress go. */
export interface ImportDeps {
  readonly openStore: () => Promise<Store>;
  readonly stderr: ProgressStream;
}

/**
 * `onhand import FILE [--environment NEWID]`: loads an export file into the store of --data /
 * --database-url, as a new environment (the exported id, or NEWID). Returns the exit code (2 for
 * wrong usage); a refused file or import throws with a message that says why.
 */
export async function runImportCommand(args: readonly string[], deps: ImportDeps): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed) {
    deps.stderr.write(`${IMPORT_USAGE}\n`);
    return 2;
  }
  const store = await deps.openStore();
  try {
    const { environmentId, counts } = await importFromFile(
      store,
      parsed.file,
      parsed.environment,
      new ProgressBar(deps.stderr),
    );
    deps.stderr.write(
      `Imported environment ${environmentId}: ${counts.stock} stock rows, ${counts.schedule} scheduled values, ${counts.reservations} reservations, ${counts.oci} OCI records, ${counts.ledger} ledger entries.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** Imports an export file (see importEnvironment) into a new environment (`environmentId` or the exported id). */
export async function importFromFile(
  store: Store,
  file: string,
  environmentId?: string,
  progress: TransferProgress = SILENT_PROGRESS,
): Promise<ImportSummary> {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const open = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  return importEnvironment(store, open, {
    progress,
    ...(environmentId === undefined ? {} : { environmentId }),
  });
}

function parseArgs(args: readonly string[]): { file: string; environment?: string } | undefined {
  let file: string | undefined;
  let environment: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--environment' || arg.startsWith('--environment=')) {
      environment = arg === '--environment' ? args[++i] : arg.slice('--environment='.length);
      if (!environment) return undefined;
    } else if (!arg.startsWith('-') && file === undefined) {
      file = arg;
    } else {
      return undefined;
    }
  }
  return file === undefined ? undefined : { file, ...(environment === undefined ? {} : { environment }) };
}
