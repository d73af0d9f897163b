/** What the screens read from an environment's runtime configuration. */
export interface RuntimeConfiguration {
  readonly indexConfiguration?: {
    partitionKeyAttributes?: { keys?: string[] };
    indexAttributeSets?: { setNumber: number; keys: string[] }[];
  };
  readonly inventorySystemConfigurations?: Record<
    string,
    { physicalMeasures?: string[]; calculatedMeasures?: Record<string, unknown> }
  >;
  readonly reservConfiguration?: { keys?: string[] };
  readonly scheduleConfiguration?: {
    isScheduleEnabled?: boolean;
    schedulePeriodInDays?: number;
    indexAttributeSets?: { setNumber: number; keys: string[] }[];
    atpCalculatedMeasures?: Record<string, unknown>;
  };
  readonly allocationConfiguration?: { groups?: string[] };
}

/** Every measure as "dataSource.measure": physical ones, then calculated ones, each sorted. */
export function measuresOf(config: RuntimeConfiguration): { physical: string[]; calculated: string[] } {
  const physical: string[] = [];
  const calculated: string[] = [];
  for (const [ds, def] of Object.entries(config.inventorySystemConfigurations ?? {})) {
    for (const m of def.physicalMeasures ?? []) physical.push(`${ds}.${m}`);
    for (const m of Object.keys(def.calculatedMeasures ?? {})) calculated.push(`${ds}.${m}`);
  }
  return { physical: physical.sort(), calculated: calculated.sort() };
}

/** Dimensions worth filtering and grouping by: partition keys, index set keys, reservation keys. */
export function dimensionsOf(config: RuntimeConfiguration): string[] {
  const names = new Set<string>();
  for (const k of config.indexConfiguration?.partitionKeyAttributes?.keys ?? []) names.add(k);
  for (const set of config.indexConfiguration?.indexAttributeSets ?? [])
    for (const k of set.keys) names.add(k);
  for (const k of config.reservConfiguration?.keys ?? []) names.add(k);
  return [...names];
}

/** A query answer row flattened: product, dimensions and each "ds.measure" as its own key. */
export function flattenRow(row: {
  productId: string;
  dimensions: Record<string, string>;
  quantities: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  const flat: Record<string, unknown> = { productId: row.productId };
  for (const [k, v] of Object.entries(row.dimensions)) flat[`dim:${k.toLowerCase()}`] = v;
  for (const [ds, measures] of Object.entries(row.quantities)) {
    for (const [m, q] of Object.entries(measures)) flat[`${ds}.${m}`] = q;
  }
  return flat;
}
