import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/codes.js';

const read = (relative: string) => readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  const doc = read('docs/errors.md');
  const codes = Object.keys(ERROR_CODES);

  it('explains every error code of ERROR_CODES', () => {
    expect(codes.length).toBeGreaterThan(0);
    const missing = codes.filter((code) => !doc.includes(`\`${code}\``));
    expect(missing, 'codes missing from docs/errors.md').toEqual([]);
  });

  it('has a section only for codes that exist', () => {
    const headings = [...doc.matchAll(/^### `([a-z_]+)`/gm)].map((m) => m[1] ?? '');
    expect(headings.length).toBeGreaterThan(0);
    const unknown = headings.filter((code) => !codes.includes(code));
    expect(unknown, 'sections for codes that are not in ERROR_CODES').toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  const doc = read('docs/configuration.md');

  it('documents every environment variable read by the settings and the command line', () => {
    const sources = [
      read('src/settings.ts'),
      read('src/nats/nats-settings.ts'),
      read('src/cli/onhand.ts'),
    ].join('\n');
    const variables = [...new Set(sources.match(/ONHAND_[A-Z_]+/g) ?? [])];
    expect(variables).toContain('ONHAND_PORT');
    const missing = variables.filter((name) => !doc.includes(name));
    expect(missing, 'variables missing from docs/configuration.md').toEqual([]);
  });

  it('documents every command-line flag of the settings', () => {
    const flags = [...read('src/settings.ts').matchAll(/pick\('([a-z-]+)'/g)].map((m) => `--${m[1]}`);
    expect(flags).toContain('--port');
    const missing = flags.filter((flag) => !doc.includes(`\`${flag}\``));
    expect(missing, 'flags missing from docs/configuration.md').toEqual([]);
  });
});
