import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../backends.js';
import { parseWalkthrough } from './parse-walkthrough.js';
import { replayWalkthrough } from './replay.js';

const read = (relative: string) => readFileSync(new URL(`../../../${relative}`, import.meta.url), 'utf8');

/** README.md and every document under docs/, by path. */
export const DOCUMENTS = [
  'README.md',
  ...readdirSync(new URL('../../../docs/', import.meta.url), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name.replaceAll('\\', '/')}`),
];

/** Each document with its parsed walkthrough. */
export const WALKTHROUGHS = DOCUMENTS.map((document) => ({
  document,
  walkthrough: parseWalkthrough(read(document)),
}));

/**
 * One test per document that has a curl step: its walkthroughs replayed on `backend` as written
 * (test/docs/walkthroughs*.test.ts, one file per backend so that the two replays run side by side).
 */
export function describeReplays(backend: Backend): void {
  describe(`walkthroughs replayed on ${backend}`, () => {
    for (const { document, walkthrough } of WALKTHROUGHS) {
      if (!walkthrough.items.some((item) => item.kind === 'step')) continue;
      it(`${document} runs as written`, { timeout: 300_000 }, async () => {
        expect(await replayWalkthrough(document, walkthrough, backend)).toBeUndefined();
      });
    }
  });
}
