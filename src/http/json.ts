import { formatQty } from '../domain/quantity.js';

/**
 * Serialises a response to JSON. Quantities travel through the engine as exact bigints (millionths);
 * here they become JSON numbers written digit for digit ("0.3", "1000000000000.000001"), never
 * rounded through a double. Other values serialise as JSON.stringify would.
 */
export function toJson(value: unknown): string {
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

function objectToJson(value: object): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : toJson(item))).join(',')}]`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return toJson(withToJson.toJSON());
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${toJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}
