import { formatQty } from '../domain/quantity.js';

/**
 * Serialises a response to JSON. Quantities travel through the engine as exact bigints (millionths);
 * here they become JSON numbers written digit for digit ("0.3", "1000000000000.000001"), never
 * rounded through a double. Other values serialise as JSON.stringify would.
 */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  switch (typeof value) {
    case 'bigint':
      return formatQty(value);
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : objectToJson(value);
    default:
      return 'null';
  }
}

// Built by string concatenation (no intermediate arrays): query answers hold hundreds of rows.
function objectToJson(value: object): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      out += item === undefined || typeof item === 'function' ? 'null' : toJson(item);
    }
    return `${out}]`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return toJson(withToJson.toJSON());
  let out = '{';
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${toJson(item)}`;
  }
  return `${out}}`;
}

/** JSON text serialised before (a cached answer): `toJson` writes it as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

const serialised = new WeakMap<object, RawJson>();

/**
 * The JSON of `value` as `render` shapes it, serialised once per `value` object: an answer served
 * again from the answer cache (engine/queries/answer-cache.ts) is the same object, so its text is reused.
 */
export function serialisedOnce(value: object, render: () => unknown): RawJson {
  let raw = serialised.get(value);
  if (!raw) {
    raw = new RawJson(toJson(render()));
    serialised.set(value, raw);
  }
  return raw;
}
