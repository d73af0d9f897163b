import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/commands.js';
import { withRetries } from '../../src/open-store.js';

const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' });

describe('opening the store', () => {
  it('retries an unreachable database with growing waits until it answers', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const result = await withRetries(
      async () => {
        attempts++;
        if (attempts < 3) throw unreachable();
        return 'connected';
      },
      10_000,
      (_error, delay) => waits.push(delay),
    );
    expect(result).toBe('connected');
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up with a message that says what to check, and does not retry other errors', async () => {
    await expect(
      withRetries(
        async () => Promise.reject(unreachable()),
        600,
        () => {},
      ),
    ).rejects.toThrow(/could not be reached within 0.6 s \(ECONNREFUSED\)\. Check ONHAND_DATABASE_URL/);
    let attempts = 0;
    const wrong = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw wrong;
        },
        10_000,
        () => {},
      ),
    ).rejects.toBe(wrong);
    expect(attempts).toBe(1);
  });

  it('onhand migrate creates the schema of the embedded store and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onhand-migrate-'));
    try {
      expect(await main(['migrate', '--data', join(dir, 'data')])).toBe(0);
      expect(existsSync(join(dir, 'data', 'onhand.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
