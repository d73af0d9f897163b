import { type FeedEntry, redactedEntryJson } from '../../engine/feed/feed-entry.js';
import { toJson } from '../json.js';

/*
 * A feed entry's JSON text, written once per entry for every follower of this process (the hub hands
 * each follower the same entry objects): `toJson(feedEntryJson(entry))` byte for byte, built without the
 * intermediate objects (docs/benchmarks.md, "The feed hub's CPU per entry").
 */

const full = new WeakMap<FeedEntry, string>();
const redacted = new WeakMap<FeedEntry, string>();

/** The entry's JSON as followers receive it; `redact`: as an availability-only client does (redactedEntryJson). */
export function entryText(entry: FeedEntry, redact = false): string {
  const texts = redact ? redacted : full;
  let text = texts.get(entry);
  if (text === undefined) {
    text = redact ? toJson(redactedEntryJson(entry)) : writeEntry(entry);
    texts.set(entry, text);
  }
  return text;
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
