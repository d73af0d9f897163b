/**
 * Named schemas of the OpenAPI document. A route declares its body and response schemas with TypeBox
 * as usual; a schema given a `title` (`Type.Object({…}, { title: 'OnHandChange' })`) is a named
 * schema: the document lists it once in `components.schemas` under that title and every use refers to
 * it. test/api/openapi.test.ts fails for a route whose body or 2xx/4xx response is not named.
 */

type Json = Record<string, unknown>;

/** The path of a schema in components.schemas, as a $ref. */
export function schemaRef(name: string): string {
  return `#/components/schemas/${name}`;
}

/**
 * Moves every schema with a title, at any depth of the operations' request bodies and responses (and
 * of the named schemas themselves), into `components.schemas` and puts a $ref in its place. Two
 * different schemas with one title are a programming error and throw.
 */
export function hoistNamedSchemas(document: Json): void {
  const components = (document.components ?? {}) as Json;
  document.components = components;
  const schemas = (components.schemas ?? {}) as Record<string, unknown>;
  components.schemas = schemas;
  const canonical = new Map<string, string>();

  const hoist = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(hoist);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Json;
    const inner: Json = {};
    for (const [key, item] of Object.entries(object)) {
      // Examples are data, not schemas: a title inside one is a value.
      inner[key] = key === 'example' || key === 'examples' || key === 'default' ? item : hoist(item);
    }
    if (isSchema(object) && Array.isArray(inner.examples)) {
      // OpenAPI 3.0 schemas take one `example`; the generator converts only some of them.
      if (inner.example === undefined) inner.example = inner.examples[0];
      delete inner.examples;
    }
    const title = typeof object.title === 'string' && isSchema(object) ? object.title : undefined;
    if (title === undefined) return inner;
    // The generator moves the examples of a top-level body or response to its media type and keeps
    // those of nested schemas: one schema may come with or without them.
    const { example, examples, ...shape } = inner;
    const text = JSON.stringify(shape);
    const existing = canonical.get(title);
    if (existing === undefined) {
      canonical.set(title, text);
      schemas[title] = inner;
    } else if (existing !== text) {
      throw new Error(`Two different schemas are named "${title}": give one of them another title.`);
    } else if (example !== undefined || examples !== undefined) {
      schemas[title] = inner;
    }
    return { $ref: schemaRef(title) };
  };

  for (const item of Object.values((document.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(item) as Json[]) {
      if (!operation || typeof operation !== 'object') continue;
      if (operation.requestBody) operation.requestBody = hoist(operation.requestBody);
      if (operation.responses) operation.responses = hoist(operation.responses);
    }
  }
}

/** A JSON Schema object (rather than, say, a media type or a response object). */
function isSchema(object: Json): boolean {
  return ['type', 'properties', 'items', 'anyOf', 'oneOf', 'allOf', 'enum', 'additionalProperties'].some(
    (key) => key in object,
  );
}
