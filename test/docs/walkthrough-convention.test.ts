import { describe, expect, it } from 'vitest';
import { compareAnswer } from '../support/walkthroughs/compare-answer.js';
import { parseJsonSequence, parseWalkthrough } from '../support/walkthroughs/parse-walkthrough.js';

/** The convention of docs/README.md, "Replayable walkthroughs": how documents are read and compared. */

const fence = '```';
const doc = (...lines: string[]) => lines.join('\n');

describe('reading a walkthrough', () => {
  it('a curl block without an answer is one step, which must answer 2xx', () => {
    const w = parseWalkthrough(
      doc('Text', '', `${fence}sh`, 'curl -s http://localhost:8080/health/ping', fence),
    );
    expect(w.problems).toEqual([]);
    expect(w.items).toEqual([{ kind: 'step', line: 4, script: 'curl -s http://localhost:8080/health/ping' }]);
  });

  it('comment lines of JSON right after a command are its answer, and cut the block into steps', () => {
    const w = parseWalkthrough(
      doc(
        `${fence}sh`,
        'curl -s http://localhost:8080/a',
        '# {"a": 1,',
        '#  "b": [2]}',
        '',
        '# 2. a plain comment, not an answer',
        'X=$(curl -s http://localhost:8080/b | jq .b)',
        'echo "$X"',
        '# 2',
        fence,
      ),
    );
    expect(w.problems).toEqual([]);
    expect(w.items.map((i) => (i.kind === 'step' ? [i.script, i.answer?.text] : i.kind))).toEqual([
      ['curl -s http://localhost:8080/a', '{"a": 1,\n "b": [2]}'],
      ['\n# 2. a plain comment, not an answer\nX=$(curl -s http://localhost:8080/b | jq .b)\necho "$X"', '2'],
    ]);
  });

  it('a json block right after a curl block is the answer of its last step, with the status shown before it', () => {
    const w = parseWalkthrough(
      doc(
        `${fence}sh`,
        'curl -s http://localhost:8080/a',
        fence,
        '',
        '→ HTTP 409: it does not fit',
        '',
        `${fence}json`,
        '{ "code": "x" }',
        fence,
      ),
    );
    expect(w.problems).toEqual([]);
    expect(w.items).toEqual([
      {
        kind: 'step',
        line: 2,
        script: 'curl -s http://localhost:8080/a',
        status: 409,
        answer: { text: '{ "code": "x" }', line: 7 },
      },
    ]);
  });

  it('a json block after prose is not an answer', () => {
    const w = parseWalkthrough(
      doc(
        `${fence}sh`,
        'curl -s http://localhost:8080/a',
        fence,
        'Some prose.',
        '',
        `${fence}json`,
        '{}',
        fence,
      ),
    );
    expect(w.items).toEqual([{ kind: 'step', line: 2, script: 'curl -s http://localhost:8080/a' }]);
  });

  it('a block marked skip is not replayed, and keeps its reason', () => {
    const w = parseWalkthrough(
      doc(
        '<!-- replay: skip a template for the reader -->',
        '',
        `${fence}sh`,
        'curl -s http://example',
        fence,
      ),
    );
    expect(w.items).toEqual([]);
    expect(w.skipped).toEqual([{ line: 3, reason: 'a template for the reader' }]);
  });

  it.each([
    [
      'a skip without a reason',
      doc('<!-- replay: skip -->', `${fence}sh`, 'curl x', fence),
      'needs a reason',
    ],
    [
      'a skip before a block without curl',
      doc('<!-- replay: skip why not -->', `${fence}sh`, 'onhand keys rotate', fence),
      'not followed by a curl block',
    ],
    ['a skip at the end', doc('<!-- replay: skip why not -->'), 'not followed by a curl block'],
    ['an unknown directive', doc('<!-- replay: wait 5 -->'), 'unknown replay directive'],
    ['a bad clock', doc('<!-- replay: clock 15 minutes -->'), 'clock +15m'],
    ['an unclosed directive', doc('<!-- replay: run true'), 'must end with -->'],
    ['an answer comment that is not JSON', doc(`${fence}sh`, 'curl x', '# {"id":"a",…}', fence), 'not JSON'],
    [
      'an answer block that is not JSON',
      doc(`${fence}sh`, 'curl x', fence, '', `${fence}json`, '{ … }', fence),
      'not JSON',
    ],
  ])('%s is a problem of the document', (_name, markdown, problem) => {
    expect(parseWalkthrough(markdown).problems.join('\n')).toContain(problem);
  });

  it('reads the directives in order; curl inside a markdown example is not a walkthrough', () => {
    const w = parseWalkthrough(
      doc(
        '<!-- replay: generated r0abc -->',
        '<!-- replay: run onhand clients create --id erp',
        '  --secret "$SECRET" -->',
        '<!-- replay: clock +15m -->',
        '<!-- replay: answers dated 2024-03-04 -->',
        '````markdown',
        `${fence}sh`,
        'curl -s http://localhost:8080/example',
        fence,
        '````',
      ),
    );
    expect(w.problems).toEqual([]);
    expect(w.generated).toEqual(['r0abc']);
    expect(w.items).toEqual([
      { kind: 'run', line: 2, script: 'onhand clients create --id erp\n  --secret "$SECRET"' },
      { kind: 'clock', line: 4, advanceMs: 900_000 },
      { kind: 'answers-dated', line: 5, date: '2024-03-04' },
    ]);
  });

  it('reads a JSON text sequence, as jq prints it', () => {
    expect(parseJsonSequence('2\n{ "a": "}" }\n"x" [1]')).toEqual([2, { a: '}' }, 'x', [1]]);
    expect(parseJsonSequence('{"a":1')).toBeUndefined();
    expect(parseJsonSequence('')).toBeUndefined();
  });
});

describe('comparing a shown answer with the server’s', () => {
  const compare = (shown: unknown, actual: unknown, generated: string[] = [], shiftDays = 0) =>
    compareAnswer(shown, actual, { generated: new Map(generated.map((g) => [g, undefined])), shiftDays });

  it.each([
    ['equal values in another key order', { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
    ['"…" for any value', { a: '…', b: 1 }, { a: { deep: [1] }, b: 1 }],
    ['a string ending in … for its prefix', { token: 'eyJ…' }, { token: 'eyJhbGciOi' }],
    ['a "…" key for more keys', { a: 1, '…': 'the rest' }, { a: 1, b: 2, c: 3 }],
    ['a last "…" item for more items', [1, '…'], [1, 2, 3]],
    [
      'a date-time value for any date-time',
      { at: '2026-11-23T07:15:00.000Z' },
      { at: '2027-01-02T03:04:05.678Z' },
    ],
  ])('%s match', (_name, shown, actual) => {
    expect(compare(shown, actual)).toEqual([]);
  });

  it.each([
    ['another number', { a: 1 }, { a: 2 }, '/a: expected 1, got 2'],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }, '/b: missing'],
    ['a key not shown', { a: 1 }, { a: 1, b: 2 }, '/b: not shown (2)'],
    ['another length', [1, 2], [1], '/: expected 2 items, got 1'],
    [
      'another prefix',
      { token: 'eyJ…' },
      { token: 'abc' },
      '/token: expected a string starting "eyJ", got "abc"',
    ],
    [
      'a date-time for a non-date-time',
      { at: '2026-11-23T07:15:00Z' },
      { at: 'soon' },
      '/at: expected a date-time, got "soon"',
    ],
    [
      'a date that is not a date-time',
      { day: '2024-03-04' },
      { day: '2024-03-05' },
      '/day: expected "2024-03-04", got "2024-03-05"',
    ],
    ['an object for an array', [1], { a: 1 }, '/: expected an array, got {"a":1}'],
  ])('%s differ', (_name, shown, actual, problem) => {
    expect(compare(shown, actual)).toEqual([problem]);
  });

  it('a generated literal matches what the server generated, the same value every time', () => {
    const generated = new Map<string, string | undefined>([['r0mw', undefined]]);
    const context = { generated, shiftDays: 0 };
    expect(compareAnswer({ id: 'r0mw' }, { id: 'r9zz' }, context)).toEqual([]);
    expect(generated.get('r0mw')).toBe('r9zz');
    expect(compareAnswer({ id: 'r0mw' }, { id: 'r9zz' }, context)).toEqual([]);
    expect(compareAnswer({ id: 'r0mw' }, { id: 'r1aa' }, context)).toEqual([
      '/id: expected r9zz (generated in place of r0mw), got r1aa',
    ]);
  });

  it('dates move by the days between the answers’ date and the replay’s, in keys and values', () => {
    const shown = { '2024-03-04T00:00:00Z': { day: '2024-03-10' } };
    expect(compare(shown, { '2024-03-06T00:00:00Z': { day: '2024-03-12' } }, [], 2)).toEqual([]);
    expect(compare(shown, shown, [], 2)).toEqual([
      '/2024-03-06T00:00:00Z: missing',
      '/2024-03-04T00:00:00Z: not shown ({"day":"2024-03-10"})',
    ]);
  });
});
