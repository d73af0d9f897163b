/**
 * Reads the walkthroughs of a markdown document: every fenced code block that runs `curl`, cut into
 * steps at the answers it shows, plus the `<!-- replay: … -->` directives around them. The convention
 * is described in docs/README.md; this file is its parser, test/support/walkthroughs/replay.ts its
 * runner.
 */

import { parseJsonSequence } from './json-sequence.js';

export { parseJsonSequence };

/** An answer shown in the document: one JSON value, or several (a JSON text sequence, e.g. jq output). */
export interface ShownAnswer {
  readonly text: string;
  readonly line: number;
}

/** What a document asks the replay to do, in document order. */
export type ReplayItem =
  | {
      /** Shell lines run as one unit; `answer` is compared with what they print. */
      readonly kind: 'step';
      readonly line: number;
      readonly script: string;
      readonly answer?: ShownAnswer;
      /** The HTTP status the step's last curl call must answer (`→ HTTP 409`); otherwise every call 2xx. */
      readonly status?: number;
    }
  | { readonly kind: 'run'; readonly line: number; readonly script: string }
  | { readonly kind: 'clock'; readonly line: number; readonly advanceMs: number }
  | { readonly kind: 'answers-dated'; readonly line: number; readonly date: string };

/** A curl block the document marks as not replayable, with its reason. */
export interface SkippedBlock {
  readonly line: number;
  readonly reason: string;
}

export interface Walkthrough {
  readonly items: readonly ReplayItem[];
  readonly skipped: readonly SkippedBlock[];
  /** Literals of the shown answers that the server generates (ids): matched, then substituted. */
  readonly generated: readonly string[];
  /** Problems of the document itself (a malformed directive, an answer that is not JSON, …). */
  readonly problems: readonly string[];
}

interface Fence {
  readonly info: string;
  readonly line: number;
  readonly body: string[];
  /** Index of the line after the closing fence. */
  readonly next: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const DIRECTIVE = /^\s*<!--\s*replay:\s*([\s\S]*?)\s*-->\s*$/;
const CURL = /(^|[\s;&|(`$])curl(\s|$)/;
const STATUS = /^→ HTTP (\d{3})\b/;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** True when a code block runs curl (comment lines aside). */
export function runsCurl(lines: readonly string[]): boolean {
  return lines.some((line) => !/^\s*#/.test(line) && CURL.test(line));
}

/** Parses a markdown document into its replay items. */
export function parseWalkthrough(markdown: string): Walkthrough {
  const lines = markdown.split('\n');
  const items: ReplayItem[] = [];
  const skipped: SkippedBlock[] = [];
  const generated: string[] = [];
  const problems: string[] = [];
  let skip: { line: number; reason: string } | undefined;
  let i = 0;
  while (i < lines.length) {
    const text = lines[i] ?? '';
    if (/^\s*<!--\s*replay:/.test(text)) {
      const { directive, next } = readDirective(lines, i);
      const line = i + 1;
      i = next;
      if (directive === undefined) {
        problems.push(`line ${line}: a replay directive must end with -->`);
        continue;
      }
      const parsed = parseDirective(directive, line);
      if ('problem' in parsed) problems.push(parsed.problem);
      else if (parsed.kind === 'skip') {
        if (skip) problems.push(`line ${skip.line}: skip directive not followed by a curl block`);
        skip = { line, reason: parsed.reason };
      } else if (parsed.kind === 'generated') generated.push(...parsed.literals);
      else items.push(parsed);
      continue;
    }
    const fence = readFence(lines, i);
    if (!fence) {
      i += 1;
      continue;
    }
    i = fence.next;
    if (/^(markdown|md)$/i.test(fence.info) || !runsCurl(fence.body)) {
      if (skip && !/^(markdown|md)$/i.test(fence.info)) {
        problems.push(`line ${skip.line}: skip directive not followed by a curl block`);
        skip = undefined;
      }
      continue;
    }
    if (skip) {
      skipped.push({ line: fence.line, reason: skip.reason });
      skip = undefined;
      continue;
    }
    const steps = splitSteps(fence, problems);
    const after = readAnswerAfter(lines, fence.next, problems);
    if (after) {
      const last = steps.at(-1);
      if (!last) problems.push(`line ${fence.line}: a curl block without commands`);
      else if (last.answer && after.answer) {
        problems.push(`line ${fence.line}: the last command has an answer in the block and one after it`);
      } else {
        steps[steps.length - 1] = {
          ...last,
          ...(after.answer ? { answer: after.answer } : {}),
          ...(after.status === undefined ? {} : { status: after.status }),
        };
      }
      i = after.next;
    }
    items.push(...steps);
  }
  if (skip) problems.push(`line ${skip.line}: skip directive not followed by a curl block`);
  return { items, skipped, generated, problems };
}

function readDirective(lines: readonly string[], start: number): { directive?: string; next: number } {
  let text = '';
  for (let j = start; j < lines.length; j += 1) {
    text += `${j === start ? '' : '\n'}${lines[j]}`;
    if ((lines[j] ?? '').includes('-->')) {
      const match = DIRECTIVE.exec(text);
      return match ? { directive: match[1] ?? '', next: j + 1 } : { next: j + 1 };
    }
  }
  return { next: lines.length };
}

type Directive =
  | { kind: 'skip'; reason: string }
  | { kind: 'generated'; literals: string[] }
  | Extract<ReplayItem, { kind: 'run' | 'clock' | 'answers-dated' }>;

function parseDirective(text: string, line: number): Directive | { problem: string } {
  const [word = '', ...rest] = text.split(/\s+/);
  const argument = text.slice(word.length).trim();
  switch (word) {
    case 'skip':
      return argument === ''
        ? { problem: `line ${line}: "skip" needs a reason` }
        : { kind: 'skip', reason: argument };
    case 'generated':
      return rest.length === 0
        ? { problem: `line ${line}: "generated" needs the literals the server generates` }
        : { kind: 'generated', literals: rest };
    case 'run':
      return argument === ''
        ? { problem: `line ${line}: "run" needs a command` }
        : { kind: 'run', line, script: argument };
    case 'clock': {
      const match = /^\+(\d+)([smhd])$/.exec(argument);
      return match
        ? { kind: 'clock', line, advanceMs: Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0) }
        : { problem: `line ${line}: "clock" takes +N followed by s, m, h or d, e.g. clock +15m` };
    }
    case 'answers':
      if (rest[0] === 'dated' && /^\d{4}-\d{2}-\d{2}$/.test(rest[1] ?? '') && rest.length === 2)
        return { kind: 'answers-dated', line, date: rest[1] ?? '' };
      return { problem: `line ${line}: write "answers dated YYYY-MM-DD"` };
    default:
      return { problem: `line ${line}: unknown replay directive "${word}"` };
  }
}

function readFence(lines: readonly string[], start: number): Fence | undefined {
  const open = FENCE.exec(lines[start] ?? '');
  if (!open) return undefined;
  const marker = open[1] ?? '```';
  const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
  const body: string[] = [];
  for (let j = start + 1; j < lines.length; j += 1) {
    if (close.test(lines[j] ?? '')) return { info: open[2] ?? '', line: start + 1, body, next: j + 1 };
    body.push(lines[j] ?? '');
  }
  return { info: open[2] ?? '', line: start + 1, body, next: lines.length };
}

/**
 * Cuts a curl block into steps: a run of `# …` comment lines right after a command line, holding JSON,
 * is the answer of the lines before it.
 */
function splitSteps(fence: Fence, problems: string[]): Extract<ReplayItem, { kind: 'step' }>[] {
  const steps: Extract<ReplayItem, { kind: 'step' }>[] = [];
  let start = 0;
  const body = fence.body;
  for (let j = 0; j < body.length; j += 1) {
    const previous = body[j - 1];
    if (!isComment(body[j]) || previous === undefined || previous.trim() === '' || isComment(previous))
      continue;
    let end = j;
    while (end < body.length && isComment(body[end])) end += 1;
    const text = body
      .slice(j, end)
      .map((l) => l.replace(/^\s*# ?/, ''))
      .join('\n');
    if (!looksLikeJson(text)) continue;
    if (parseJsonSequence(text) === undefined) {
      problems.push(`line ${fence.line + 1 + j}: the answer comment is not JSON: ${text.slice(0, 80)}`);
    }
    const script = body.slice(start, j).join('\n');
    steps.push({
      kind: 'step',
      line: fence.line + 1 + start,
      script,
      answer: { text, line: fence.line + 1 + j },
    });
    start = end;
    j = end - 1;
  }
  const rest = body.slice(start);
  if (rest.some((l) => l.trim() !== '' && !isComment(l)))
    steps.push({ kind: 'step', line: fence.line + 1 + start, script: rest.join('\n') });
  return steps;
}

function isComment(line: string | undefined): boolean {
  return line !== undefined && /^\s*#( |$)/.test(line);
}

function looksLikeJson(text: string): boolean {
  return /^\s*([[{"]|-?\d|true\b|false\b|null\b)/.test(text);
}

/**
 * The answer shown after a curl block: blank lines, an optional `→ HTTP nnn` line, and a ```json block.
 */
function readAnswerAfter(
  lines: readonly string[],
  start: number,
  problems: string[],
): { answer?: ShownAnswer; status?: number; next: number } | undefined {
  let j = start;
  while (j < lines.length && (lines[j] ?? '').trim() === '') j += 1;
  let status: number | undefined;
  const statusMatch = STATUS.exec(lines[j] ?? '');
  if (statusMatch) {
    status = Number(statusMatch[1]);
    j += 1;
    while (j < lines.length && (lines[j] ?? '').trim() === '') j += 1;
  }
  const fence = readFence(lines, j);
  if (fence && /^json$/i.test(fence.info)) {
    const text = fence.body.join('\n');
    if (parseJsonSequence(text) === undefined)
      problems.push(`line ${fence.line}: the answer block is not JSON`);
    return {
      answer: { text, line: fence.line },
      ...(status === undefined ? {} : { status }),
      next: fence.next,
    };
  }
  return status === undefined ? undefined : { status, next: j };
}
