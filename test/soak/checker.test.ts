import { describe, expect, it } from 'vitest';
import { brokenOf, CHECKS, runChecks } from '../../soak/checker/checker.js';
import { BROKEN, type Run } from './broken-runs.js';
import { cleanRun, record } from './checker-fixture.js';
import { OCI_BROKEN } from './oci-broken-runs.js';
import { answerOf, change, ociReserve, ociRun, WEB_11, WEB_12 } from './oci-fixture.js';

describe('the soak checker', () => {
  it('passes a run that keeps every promise, running every check', () => {
    const results = runChecks(cleanRun());
    expect(results.map((r) => r.violation)).toEqual(CHECKS.map(() => undefined));
    expect(results.map((r) => r.check)).toContain('no oversell');
    expect(results).toHaveLength(CHECKS.length);
  });

  it.each(BROKEN)('fails a run where %s', (_, check, breakIt) => {
    const run = structuredClone(cleanRun()) as Run;
    breakIt(run);
    const broken = brokenOf(runChecks(run));
    expect(broken?.check, broken?.message).toBe(check);
    expect(broken?.message).not.toBe('');
  });

  it('passes a run with OCI reservations that keeps every promise, each OCI check looking at it', () => {
    const results = runChecks(ociRun());
    expect(results.map((r) => r.violation)).toEqual(CHECKS.map(() => undefined));
    const oci = results.filter((r) => r.check.includes('OCI'));
    expect(oci).toHaveLength(3);
    for (const r of oci) expect(r.looked).not.toMatch(/no OCI graph|^0 /);
  });

  it('checks an OCI operation once all its entries are applied, whatever order their positions have', () => {
    // A group reservation over two partitions: PostgreSQL may number the entry without the event id first.
    const run = structuredClone(ociRun()) as Run;
    const primary = ociReserve(14, 'D9', [change(WEB_12, '@oci.@grouplock', 1)], answerOf(2));
    const secondary = {
      ...ociReserve(13, 'D9', [change(WEB_11, '@oci.@grouplock', 1)], answerOf(2)),
      eventId: null,
      request: null,
      family: 'oci',
      recordedAt: primary.recordedAt ?? '',
    };
    run.ledger.push(secondary, primary);
    const results = runChecks(run);
    expect(results.map((r) => r.violation)).toEqual(CHECKS.map(() => undefined));
  });

  it.each(OCI_BROKEN)('fails an OCI run where %s', (_, check, breakIt) => {
    const run = structuredClone(ociRun()) as Run;
    breakIt(run);
    const broken = brokenOf(runChecks(run));
    expect(broken?.check, broken?.message).toBe(check);
    expect(broken?.message).not.toBe('');
  });

  it('stops at the first broken promise and shows the history that breaks it', () => {
    const run = structuredClone(cleanRun()) as Run;
    run.history.push(
      record({
        op: 'reserve',
        family: 'reserve',
        request: 'c#r1',
        attempt: 3,
        sentAt: 900,
        doneAt: 905,
        items: [{ id: 'r1', status: 'success', reservationId: 'R9' }],
      }),
    );
    const results = runChecks(run);
    expect(results.at(-1)?.violation?.evidence).toContainEqual(
      expect.objectContaining({ attempt: 3, request: 'c#r1' }),
    );
    expect(results.length).toBeLessThan(CHECKS.length);
  });
});
