import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { parseWalkthrough, runsCurl } from '../support/walkthroughs/parse-walkthrough.js';
import { replayWalkthrough } from '../support/walkthroughs/replay.js';

/**
 * Every walkthrough of README.md and docs/*.md runs as written: each curl block is replayed, in
 * order, against a fresh `onhand serve` per document, and what it prints must be the answer the
 * document shows (docs/README.md describes the convention). A curl block that cannot be replayed says
 * why with `<!-- replay: skip reason -->`.
 */

const read = (relative: string) => readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(new URL('../../docs/', import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name.replaceAll('\\', '/')}`),
];
const walkthroughs = DOCUMENTS.map((document) => ({
  document,
  walkthrough: parseWalkthrough(read(document)),
}));

describe('walkthroughs in the documentation', () => {
  it.each(DOCUMENTS)('%s: every curl block is replayed or says why not', (document) => {
    const { walkthrough } = walkthroughs.find((w) => w.document === document)!;
    expect(walkthrough.problems).toEqual([]);
    for (const skipped of walkthrough.skipped)
      expect(skipped.reason.length, `line ${skipped.line}`).toBeGreaterThan(8);
  });

  it('finds the curl blocks of the documentation', () => {
    const replayed = walkthroughs.flatMap((w) => w.walkthrough.items.filter((i) => i.kind === 'step'));
    expect(replayed.length).toBeGreaterThan(30);
    expect(runsCurl(['TOKEN=$(curl -s -X POST http://localhost:8080/oauth2/token)'])).toBe(true);
    expect(runsCurl(['# curl is not run here', 'onhand keys rotate'])).toBe(false);
  });
});

for (const backend of testBackends()) {
  describe(`walkthroughs replayed on ${backend}`, () => {
    for (const { document, walkthrough } of walkthroughs) {
      if (!walkthrough.items.some((item) => item.kind === 'step')) continue;
      it(`${document} runs as written`, { timeout: 300_000 }, async () => {
        expect(await replayWalkthrough(document, walkthrough, backend)).toBeUndefined();
      });
    }
  });
}
