/** A write request item and the JSON pointer of the item in its request ("" or "/3"). */
export interface WriteItem<T> {
  readonly input: T;
  readonly path: string;
}

/** An event id that can be looked up: a non-empty, well-formed string of sane length. */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 1024 && id.isWellFormed();
}
