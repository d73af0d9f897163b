import { readFileSync } from 'node:fs';
import { type ProductInput, parseProduct } from '../domain/catalogue/product.js';
import { productFromJson } from '../domain/catalogue/product-json.js';
import { detail, OnhandError } from '../domain/codes.js';
import type { Engine } from '../engine/engine.js';
import { Environments } from '../engine/environments.js';

export const PRODUCTS_USAGE = `Usage: onhand products import FILE --env ENV
  FILE: a JSON array of products, or one product per line (NDJSON); see docs/api.md, Product catalogue.`;

/** Products stored per transaction. */
const CHUNK = 5000;

/** What the products command needs. */
export interface ProductsDeps {
  readonly engine: Engine;
  readonly out: (line: string) => void;
}

/**
 * `onhand products import FILE --env ENV`: loads a product file into an environment's catalogue. Every
 * product is checked first; with any bad product nothing is loaded and the error names each one (its
 * index in the file). Returns the exit code (2 for wrong usage).
 */
export async function runProductsCommand(args: readonly string[], deps: ProductsDeps): Promise<number> {
  const [sub, ...rest] = args;
  const envAt = rest.indexOf('--env');
  const environment = envAt >= 0 ? rest[envAt + 1] : undefined;
  const files = rest.filter((_, i) => i !== envAt && i !== envAt + 1);
  const file = files[0];
  if (sub !== 'import' || environment === undefined || file === undefined || files.length !== 1) {
    deps.out(PRODUCTS_USAGE);
    return 2;
  }
  const inputs = readProducts(file);
  inputs.forEach((input, i) => {
    parseProduct(input, `/${i}`);
  });
  const env = Environments.id(environment);
  let loaded = 0;
  for (let from = 0; from < inputs.length; from += CHUNK) {
    loaded += await deps.engine.catalogue.load(env, inputs.slice(from, from + CHUNK), `/${from}`);
  }
  deps.out(`Loaded ${loaded} products into the catalogue of ${env}.`);
  return 0;
}

/** The products of a file: a JSON array, or NDJSON (one product per non-blank line). */
export function readProducts(file: string): ProductInput[] {
  const text = readFileSync(file, 'utf8');
  const trimmed = text.trimStart();
  let raw: unknown[];
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed, file);
    raw = Array.isArray(parsed) ? parsed : [];
  } else {
    raw = text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== '')
      .map(({ line, i }) => parseJson(line, `${file}:${i + 1}`));
  }
  return raw.map((product, i) => productFromJson(product, `/${i}`));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = `${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    throw new OnhandError('malformed_json', message, [detail('malformed_json', where, message)]);
  }
}
