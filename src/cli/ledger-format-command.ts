import { NEWEST_WRITE_FORMAT } from '../store/ledger-format/entry-format.js';
import type { Store } from '../store/store.js';

export const LEDGER_FORMAT_USAGE = `Usage: onhand ledger-format status | switch | convert [--batch N]

  status     The format servers write ledger entries in, and how far the conversion has got.
  switch     Write the newest format from now on (every server notices within 5 s). Run it once every
             server sharing the database runs this release or a later one (docs/operations.md).
  convert    Convert the entries written in an older format, N per transaction (default 5000), in place
             while the servers keep working. Resumable: stop it at any time and run it again.`;

/** What the command needs. */
export interface LedgerFormatDeps {
  readonly store: Store;
  readonly out: (line: string) => void;
  readonly clock?: () => Date;
  /** Waits `ms` (the end of the switch window); tests pass one that moves their clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** When the switch window ends (LedgerFormatStore.switchWindowMs), or undefined when it is over. */
function windowEnd(store: Store, switchedAt: string | null, now: Date): Date | undefined {
  if (switchedAt === null) return undefined;
  const end = new Date(Date.parse(switchedAt) + store.ledgerFormat.switchWindowMs);
  return end.getTime() > now.getTime() ? end : undefined;
}

/** `onhand ledger-format …`: 0 on success, 1 when refused, 2 on a usage error. */
export async function runLedgerFormatCommand(
  args: readonly string[],
  deps: LedgerFormatDeps,
): Promise<number> {
  const { store, out } = deps;
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const [sub, ...rest] = args;
  const batch = parseBatch(rest);
  if (batch === undefined || (sub !== 'convert' && rest.length > 0)) {
    out(LEDGER_FORMAT_USAGE);
    return 2;
  }
  await store.migrate();
  if (sub === 'status') {
    const state = await store.ledgerFormat.state();
    const open = windowEnd(store, state.switchedAt, clock());
    out(
      `Servers write ledger format ${state.writeFormat}${state.switchedAt ? ` (switched at ${state.switchedAt})` : ''}; ${state.converted} entries converted so far, up to seq ${state.convertedThrough}.${open ? ` A server that has not noticed the switch may still write format 1 until ${open.toISOString()}.` : ''}`,
    );
    return 0;
  }
  if (sub === 'switch') {
    await store.ledgerFormat.writeNewest(clock().toISOString());
    out(`Servers write ledger format ${NEWEST_WRITE_FORMAT} from now on (each within 5 s).`);
    return 0;
  }
  if (sub === 'convert') {
    if ((await store.ledgerFormat.state()).writeFormat < NEWEST_WRITE_FORMAT) {
      out(
        'The ledger still writes format 1: run "onhand ledger-format switch" first, once every server runs this release.',
      );
      return 1;
    }
    const start = performance.now();
    let converted = 0;
    const { switchedAt } = await store.ledgerFormat.state();
    for (;;) {
      const step = await store.ledgerFormat.convert(batch);
      converted += step.converted;
      // None left now; one written by a server that has not noticed the switch could still come.
      const open = step.finished ? windowEnd(store, switchedAt, clock()) : undefined;
      if (open) {
        out(
          `No entry of an older format left so far; a server that has not noticed the switch may still write one until ${open.toISOString()}: checking again then.`,
        );
        await sleep(open.getTime() - clock().getTime());
        continue;
      }
      if (step.finished) break;
      if (step.converted > 0) out(`Converted ${converted} entries (up to seq ${step.through}).`);
    }
    const seconds = (performance.now() - start) / 1000;
    const rate = seconds > 0 ? Math.round(converted / seconds) : converted;
    out(
      `Every ledger entry is in the newest format: ${converted} converted in ${seconds.toFixed(1)} s (${rate} entries/s).`,
    );
    return 0;
  }
  out(LEDGER_FORMAT_USAGE);
  return 2;
}

/** `--batch N` (default 5000), or undefined when malformed. */
function parseBatch(args: readonly string[]): number | undefined {
  if (args.length === 0) return 5000;
  if (args.length !== 2 || args[0] !== '--batch') return undefined;
  const n = Number(args[1]);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : undefined;
}
