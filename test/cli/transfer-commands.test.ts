import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/commands.js';
import { ProgressBar } from '../../src/cli/progress-bar.js';
import type { Harness } from '../support/harness.js';
import { useExportedSource } from './transfer-source.js';

/*
 * The `onhand export` and `onhand import` commands, and their progress bar (the export they write is
 * compared with test/cli/transfer-source.ts's).
 */

const moved = useExportedSource();
const { dir, file } = moved;
let source: Harness;
beforeAll(() => {
  source = moved.source;
});

describe('the export and import commands', () => {
  it('onhand export writes the file and onhand import loads it into another data directory', async () => {
    const out = join(dir, 'cli.ndjson');
    const data = mkdtempSync(join(tmpdir(), 'onhand-transfer-cli-'));
    try {
      expect(await main(['--data', source.settings.dataDir, 'export', 'test', '--out', out])).toBe(0);
      const withoutTime = (text: string) => text.replace(/"exportedAt":"[^"]*"/, '');
      expect(withoutTime(readFileSync(out, 'utf8'))).toBe(withoutTime(readFileSync(file, 'utf8')));
      expect(await main(['--data', data, 'import', out, '--environment', 'moved'])).toBe(0);
      expect(await main(['--data', data, 'import'])).toBe(2);
      expect(await main(['--data', data, 'export'])).toBe(2);
      await expect(main(['--data', data, 'import', join(dir, 'nothing.ndjson')])).rejects.toThrow(
        /Cannot read .*nothing\.ndjson/,
      );
      await expect(main(['--data', data, 'export', 'nobody'])).rejects.toThrow(
        'Environment "nobody" does not exist.',
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('the progress bar prints every 10% (or every 10 s) off a terminal, and redraws one line on a terminal', () => {
    let now = 0;
    const lines: string[] = [];
    const bar = new ProgressBar({ write: (text: string) => lines.push(text) }, () => now);
    bar.start('importing', 1000);
    for (let done = 1; done <= 1000; done++) {
      now += 1;
      bar.advance(done);
    }
    bar.finish();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('importing [##----------------------] 10% 100/1,000 records, 1,000/s\n');
    expect(lines[10]).toBe('importing: 1,000 records in 1.0 s\n');

    lines.length = 0;
    bar.start('exporting', undefined);
    now += 25_000;
    bar.advance(5);
    expect(lines).toEqual(['exporting 5 records, 0/s\n']);

    const drawn: string[] = [];
    const tty = new ProgressBar({ write: (text: string) => drawn.push(text), isTTY: true }, () => now);
    tty.start('checking', undefined);
    now += 50;
    tty.advance(1);
    now += 100;
    tty.advance(2);
    expect(drawn).toEqual(['\r\u001b[Kchecking 2 records, 13/s']);
  });
});
