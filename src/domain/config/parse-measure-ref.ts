import type { MeasureRef } from './compiled-configuration.js';

/** Splits "ds.measure" at the first dot (data source names cannot contain dots). */
export function parseMeasureRef(text: string): MeasureRef | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) return undefined;
  return { dataSource: text.slice(0, dot), measure: text.slice(dot + 1) };
}
