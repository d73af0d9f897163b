import { type FeedEntry, redactedEntryJson } from '../../engine/feed/feed-entry.js';
import { toJson } from '../json.js';

/*
 * A feed entry's JSON text: `toJson(feedEntryJson(entry))` byte for byte, built without the intermediate
 * objects. Not kept per entry for the other followers (a WeakMap entry per feed entry made garbage
 * collection cost more than it saved; docs/benchmarks.md, "The feed hub's CPU per entry").
 */

/** The entry's JSON as followers receive it; `redact`: as an availability-only client does (redactedEntryJson). */
export function entryText(entry: FeedEntry, redact = false): string {
  return redact ? toJson(redactedEntryJson(entry)) : writeEntry(entry);
}

/** feedEntryJson's fields in its order; each availability record without its `previous`. */
function writeEntry(entry: FeedEntry): string {
  let availability = '';
  for (const record of entry.availability) {
    if (availability.length > 0) availability += ',';
    let out = '{';
    for (const key of Object.keys(record)) {
      if (key === 'previous') continue;
      const value: unknown = record[key as keyof typeof record];
      if (value === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(key)}:${toJson(value)}`;
    }
    availability += `${out}}`;
  }
  return (
    `{"position":"${entry.position}","kind":${JSON.stringify(entry.kind)},` +
    `"eventId":${toJson(entry.eventId)},"clientId":${toJson(entry.clientId)},` +
    `"recordedAt":${toJson(entry.recordedAt)},"partitionId":${toJson(entry.partitionId)},` +
    `"reference":${toJson(entry.reference)},"changes":${toJson(entry.changes)},` +
    `"availability":[${availability}]}`
  );
}
