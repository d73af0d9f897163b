import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { detail, type ErrorCode, type ErrorDetail, OnhandError } from '../domain/codes.js';

/** Checks a value against a schema; returns the value with canonical key casing, or throws OnhandError. */
export type Validator<T extends TSchema> = (value: unknown, basePath?: string) => Static<T>;

const MAX_DETAILS = 10;

/**
 * Compiles a TypeBox schema into a validator that first renames object keys to the schema's casing
 * (Inventory Visibility treats JSON keys case-insensitively: `ProductID`, `productid` and `productId`
 * are one field), then checks the value. Errors carry stable codes: missing_field, unknown_field,
 * invalid_type, and the JSON pointer of each bad field.
 */
export function validator<T extends TSchema>(schema: T): Validator<T> {
  const check = TypeCompiler.Compile(schema);
  return (value, basePath = '') => {
    const canonical = canonicalKeys(schema, value, basePath);
    if (check.Check(canonical)) return canonical as Static<T>;
    const details: ErrorDetail[] = [];
    const reported = new Set<string>();
    for (const error of check.Errors(canonical)) {
      const path = `${basePath}${error.path}`;
      if (reported.has(path)) continue; // one problem per field: "required" rather than also "expected string"
      reported.add(path);
      details.push(detail(codeOf(error.type), path, messageOf(error.type, error.message)));
      if (details.length >= MAX_DETAILS) break;
    }
    const first = details[0] ?? detail('invalid_request', basePath, 'Invalid value.');
    throw new OnhandError(first.code, `${first.path || '/'}: ${first.message}`, details);
  };
}

function codeOf(type: ValueErrorType): ErrorCode {
  if (type === ValueErrorType.ObjectRequiredProperty) return 'missing_field';
  if (type === ValueErrorType.ObjectAdditionalProperties) return 'unknown_field';
  return 'invalid_type';
}

function messageOf(type: ValueErrorType, message: string): string {
  if (type === ValueErrorType.ObjectRequiredProperty) return 'This field is required.';
  if (type === ValueErrorType.ObjectAdditionalProperties)
    return 'Unknown field; check its spelling against docs/api.md.';
  return message;
}

interface ObjectSchema {
  properties?: Record<string, TSchema>;
  patternProperties?: Record<string, TSchema>;
  items?: TSchema;
  anyOf?: TSchema[];
}

interface ObjectShape {
  /** lower-case property name → the schema's spelling */
  readonly byLower: ReadonlyMap<string, string>;
  /** Schema of the values of a map (record), when the object is one. */
  readonly mapSchema: TSchema | undefined;
}

const shapes = new WeakMap<ObjectSchema, ObjectShape>();

/** What canonicalKeys needs of an object schema, computed once per schema (schemas are immutable). */
function shapeOf(s: ObjectSchema): ObjectShape {
  let shape = shapes.get(s);
  if (!shape) {
    shape = {
      byLower: new Map(Object.keys(s.properties ?? {}).map((name) => [name.toLowerCase(), name])),
      mapSchema: s.patternProperties ? Object.values(s.patternProperties)[0] : undefined,
    };
    shapes.set(s, shape);
  }
  return shape;
}

/**
 * Returns a copy of `value` whose object keys use the casing of the schema's property names.
 * Keys of maps (records) are kept as sent. Two keys that differ only in case are an error.
 */
export function canonicalKeys(schema: TSchema, value: unknown, path = ''): unknown {
  const s = schema as ObjectSchema;
  if (Array.isArray(value)) {
    const items = s.items;
    return items ? value.map((item, i) => canonicalKeys(items, item, `${path}/${i}`)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (s.anyOf) {
    const objectSchema = s.anyOf.find(
      (option) => (option as ObjectSchema).properties || (option as ObjectSchema).patternProperties,
    );
    return objectSchema ? canonicalKeys(objectSchema, value, path) : value;
  }
  const { byLower, mapSchema } = shapeOf(s);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    const name = byLower.get(key.toLowerCase()) ?? key;
    if (Object.hasOwn(out, name)) {
      throw new OnhandError(
        'invalid_request',
        `${path}/${key}: the field is given twice (keys are case-insensitive).`,
        [
          detail(
            'invalid_request',
            `${path}/${key}`,
            'The field is given twice (keys are case-insensitive).',
          ),
        ],
      );
    }
    const itemSchema = s.properties?.[name] ?? mapSchema;
    // A string, number, boolean or null is kept as it is (no path to build for it).
    out[name] =
      itemSchema && item !== null && typeof item === 'object'
        ? canonicalKeys(itemSchema, item, `${path}/${key}`)
        : item;
  }
  return out;
}
