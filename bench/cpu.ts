import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere or when the
 * process is gone. Used to report a server's CPU per request beside its rate: on a shared machine the
 * rate moves with other work, CPU per request much less.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Runs `work` and answers the CPU seconds the processes `pids` used meanwhile, all together. */
export async function cpuOf<T>(pids: readonly number[], work: () => Promise<T>): Promise<[T, number]> {
  const before = pids.map(cpuSeconds);
  const result = await work();
  const after = pids.map(cpuSeconds);
  return [result, after.reduce((sum, value, i) => sum + value - (before[i] ?? 0), 0)];
}

/** Microseconds of CPU per request, rounded. */
export const perRequestUs = (cpu: number, requests: number): number =>
  requests > 0 ? Math.round((cpu * 1e6) / requests) : Number.NaN;
