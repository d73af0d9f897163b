import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, splitLines } from '../../../src/engine/oci/imports/file-lines.js';

async function lines(chunks: readonly Buffer[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const line of splitLines(source())) out.push(line);
  return out;
}

describe('splitting an import file into lines', () => {
  it('joins lines split across chunks, also inside a UTF-8 character, and drops \\r', async () => {
    const text = Buffer.from('{"sku":"é1"}\r\n{"sku":"b"}\n\nlast');
    const at = text.indexOf(0xa9); // the second byte of "é"
    expect(await lines([text.subarray(0, at), text.subarray(at, at + 5), text.subarray(at + 5)])).toEqual([
      '{"sku":"é1"}',
      '{"sku":"b"}',
      '',
      'last',
    ]);
  });

  it('reports a line longer than 1 MiB as null without holding it, and goes on', async () => {
    const long = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61);
    expect(
      await lines([Buffer.from('a\n'), long.subarray(0, 1000), long.subarray(1000), Buffer.from('\nb\n')]),
    ).toEqual(['a', null, 'b']);
  });
});
