import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outsidePathsBelow, outsidePathsIn } from '../support/outside-paths.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED = ['..', 'shared'].join('/');

describe('a bare clone has everything its sources read', () => {
  it('no file under src/, test/, bench/, soak/, docs/ or scripts/ names a path outside the repository', () => {
    // This file's own samples below name outside paths on purpose.
    const found = outsidePathsBelow(ROOT, ['src', 'test', 'bench', 'soak', 'docs', 'scripts'])
      .filter((f) => f.file !== fileURLToPath(import.meta.url))
      .map((f) => `${f.file.slice(ROOT.length)}:${f.line} ${f.text} (${f.why})`);
    expect(found).toEqual([]);
  });
});

describe('the scan for outside paths', () => {
  const scan = (file: string, text: string) => outsidePathsIn(join(ROOT, file), text, ROOT).map((f) => f.why);

  it.each([
    ['test/api/x.test.ts', `new URL('../../${SHARED}/iv-examples/', import.meta.url)`],
    ['test/api/x.test.ts', `readFileSync('${SHARED}/spec/inventory-visibility.md')`],
    ['bench/x.ts', `const seeds = '/work/${'shared'}/seeds/a.json';`],
    ['bench/x.ts', `readFileSync("/home/someone/data.json")`],
    ['test/api/x.test.ts', `new URL('../../../elsewhere/data.json', import.meta.url)`],
    ['test/api/x.test.ts', 'readFileSync(`../../../elsewhere/$' + '{name}`)'],
    ['test/api/x.test.ts', `join(import.meta.dirname, '../../..', 'elsewhere')`],
    ['test/api/x.test.ts', `resolve(ROOT, '..', 'elsewhere')`],
    ['test/api/x.test.ts', `path.resolve(process.cwd(), '../elsewhere')`],
    ['docs/x.md', 'See [the spec](../../spec/inventory-visibility.md).'],
  ])('flags %s: %s', (file, text) => {
    expect(scan(file, text).length).toBeGreaterThan(0);
  });

  it.each([
    ['test/api/x.test.ts', `new URL('../fixtures/iv-examples/', import.meta.url)`],
    ['test/api/x.test.ts', `import { buildApp } from '../../src/http/app.js';`],
    ['test/api/x.test.ts', 'new URL(`../../$' + '{relative}`, import.meta.url)'],
    ['test/api/x.test.ts', `join(import.meta.dirname, '../../docs/api.md')`],
    ['test/api/x.test.ts', `join(tmpdir(), 'onhand-')`],
    ['src/x.ts', `resolve(pick('data', 'ONHAND_DATA_DIR') ?? './data')`],
    ['docs/x.md', 'See [the errors](errors.md) and [the README](../README.md).'],
    ['docs/x.md', 'a feature shared by both backends'],
  ])('lets %s: %s pass', (file, text) => {
    expect(scan(file, text)).toEqual([]);
  });
});
