import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { OciImportStore } from '../../../store/oci-imports/oci-import-store.js';

/** Longest line read; a longer one is reported as an error and skipped (it is never held whole). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line of the file: its text, or null when it was longer than MAX_LINE_BYTES. */
export type FileLine = string | null;

/**
 * The lines of an uploaded import file, streamed from its stored chunks one at a time (gunzipped when
 * the file starts with the gzip magic bytes), so a file of any size is read in bounded memory.
 */
export async function* fileLines(
  store: OciImportStore,
  environmentId: string,
  importId: string,
  chunkCount: number,
): AsyncGenerator<FileLine> {
  const first = chunkCount > 0 ? await store.readChunk(environmentId, importId, 0) : undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < chunkCount; seq++) {
      const data = seq === 0 ? first : await store.readChunk(environmentId, importId, seq);
      if (!data) throw new Error(`Chunk ${seq} of import ${importId} is missing.`);
      yield Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }
  }
  const gzip = first !== undefined && first[0] === 0x1f && first[1] === 0x8b;
  let source: AsyncIterable<Buffer> = chunks();
  if (gzip) {
    const gunzip = createGunzip();
    pipeline(Readable.from(chunks()), gunzip, (error) => {
      if (error) gunzip.destroy(error);
    });
    source = gunzip;
  }
  try {
    yield* splitLines(source);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new UnreadableFile(`The file is not valid gzip: ${(error as Error).message}.`);
    }
    throw error;
  }
}

/** The file cannot be read (a broken gzip stream): the import fails, as a result, not a crash. */
export class UnreadableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFile';
  }
}

/** Splits a byte stream at "\n" (a "\r" before it is dropped), UTF-8 decoding each line. */
export async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<FileLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const take = (): FileLine => {
    const line = tooLong ? null : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of source) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      if (!tooLong && end > start) {
        if (size + end - start > MAX_LINE_BYTES) {
          tooLong = true;
          parts = [];
          size = 0;
        } else {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (newline < 0) break;
      yield take();
      start = newline + 1;
    }
  }
  if (size > 0 || tooLong) yield take();
}
