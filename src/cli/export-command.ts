import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Environments } from '../engine/environments.js';
import { type ExportSummary, exportEnvironment } from '../engine/transfer/export-environment.js';
import { SILENT_PROGRESS, type TransferProgress } from '../engine/transfer/progress.js';
import type { Store } from '../store/store.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

export const EXPORT_USAGE = 'Usage: onhand export ENVIRONMENT [--out FILE]';

/** What the export command needs: how to open the store, and where messages and progress go. */
export interface ExportDeps {
  readonly openStore: () => Promise<Store>;
  readonly stderr: ProgressStream;
  readonly stdout?: Writable;
}

/**
 * `onhand export ENVIRONMENT [--out FILE]`: writes the environment's state and ledger as NDJSON
 * (engine/transfer/format.ts) to FILE, or to stdout; progress and the summary go to stderr. Returns the
 * exit code (2 for wrong usage).
 */
export async function runExportCommand(args: readonly string[], deps: ExportDeps): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed) {
    deps.stderr.write(`${EXPORT_USAGE}\n`);
    return 2;
  }
  const environmentId = Environments.id(parsed.environment);
  const store = await deps.openStore();
  try {
    // Stamps feed positions of committed entries when no server does (PostgreSQL), so the export
    // reflects every acknowledged write.
    await store.feed.start();
    const progress = new ProgressBar(deps.stderr);
    const counts = await exportToFile(store, environmentId, parsed.out, progress, deps.stdout);
    deps.stderr.write(
      `Exported environment ${environmentId}: ${counts.stock} stock rows, ${counts.schedule} scheduled values, ${counts.reservations} reservations, ${counts.oci} OCI records, ${counts.ledger} ledger entries, at feed position ${counts.position}${parsed.out ? `, to ${parsed.out}` : ''}.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * Exports an environment to `file` (created or replaced), or to `stdout` when no file is given. A file
 * left incomplete by a failure is removed.
 */
export async function exportToFile(
  store: Store,
  environmentId: string,
  file: string | undefined,
  progress: TransferProgress = SILENT_PROGRESS,
  stdout: Writable = process.stdout,
): Promise<ExportSummary> {
  if (file === undefined) return exportEnvironment(store, environmentId, writer(stdout), { progress });
  const out = createWriteStream(file, { mode: 0o600 });
  await once(out, 'open');
  try {
    const counts = await exportEnvironment(store, environmentId, writer(out), { progress });
    out.end();
    await once(out, 'finish');
    return counts;
  } catch (error) {
    out.destroy();
    rmSync(file, { force: true });
    throw error;
  }
}

/** Writes chunks, waiting for 'drain' when the stream's buffer is full. */
function writer(stream: Writable): (chunk: string) => Promise<void> {
  return async (chunk) => {
    if (chunk !== '' && !stream.write(chunk)) await once(stream, 'drain');
  };
}

function parseArgs(args: readonly string[]): { environment: string; out?: string } | undefined {
  let environment: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--out' || arg.startsWith('--out=')) {
      out = arg === '--out' ? args[++i] : arg.slice('--out='.length);
      if (!out) return undefined;
    } else if (!arg.startsWith('-') && environment === undefined) {
      environment = arg;
    } else {
      return undefined;
    }
  }
  return environment === undefined ? undefined : { environment, ...(out === undefined ? {} : { out }) };
}
