import { describe, expect, it } from 'vitest';
import { DOCUMENTS, describeReplays, WALKTHROUGHS } from '../support/walkthroughs/documents.js';
import { runsCurl } from '../support/walkthroughs/parse-walkthrough.js';

/**
 * Every walkthrough of README.md and docs/*.md runs as written: each curl block is replayed, in
 * order, against a fresh `onhand serve` per document, and what it prints must be the answer the
 * document shows (docs/README.md describes the convention). A curl block that cannot be replayed says
 * why with `<!-- replay: skip reason -->`. This file replays them on SQLite;
 * walkthroughs-postgres.test.ts on PostgreSQL.
 */

describe('walkthroughs in the documentation', () => {
  it.each(DOCUMENTS)('%s: every curl block is replayed or says why not', (document) => {
    const { walkthrough } = WALKTHROUGHS.find((w) => w.document === document)!;
    expect(walkthrough.problems).toEqual([]);
    for (const skipped of walkthrough.skipped)
      expect(skipped.reason.length, `line ${skipped.line}`).toBeGreaterThan(8);
  });

  it('finds the curl blocks of the documentation', () => {
    const replayed = WALKTHROUGHS.flatMap((w) => w.walkthrough.items.filter((i) => i.kind === 'step'));
    expect(replayed.length).toBeGreaterThan(30);
    expect(runsCurl(['TOKEN=$(curl -s -X POST http://localhost:8080/oauth2/token)'])).toBe(true);
    expect(runsCurl(['# curl is not run here', 'onhand keys rotate'])).toBe(false);
  });
});

describeReplays('sqlite');
