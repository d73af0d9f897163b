import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A clock tests move by hand. */
export class FakeClock {
  #ms: number;

  constructor(iso = '2025-03-01T12:00:00.000Z') {
    this.#ms = Date.parse(iso);
  }

  readonly now = (): Date => new Date(this.#ms);

  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
}

/** A temporary data directory that removes itself. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'onhand-auth-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
