import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';

/** A physical measure of the environment's configuration. */
export interface MeasureRef {
  readonly dataSource: string;
  readonly measure: string;
}

/** The IV measures the OCI quantities read and write (docs/oci.md, "Quantities and measures"). */
export interface OciMeasures {
  /** OCI onHand: set by batch-update, changed by IV on-hand changes of the same measure. */
  readonly onHand: MeasureRef;
  /** OCI reserved: the measure IV soft reservations hold (the configuration's reservation mapping). */
  readonly reserved: MeasureRef;
}

/** OCI onHand is `iom.onhand` (order management's on hand), a writable physical measure of both defaults. */
export const OCI_ON_HAND: MeasureRef = { dataSource: 'iom', measure: 'onhand' };

/**
 * The OCI measures of a configuration: onHand = `iom.onhand`; reserved = the physical measure of the
 * first reservation mapping (`iv.softreserved` in the default configuration, `iv.softreservphysical`
 * in generation A). Throws oci_measures_unavailable when the configuration lacks either.
 */
export function ociMeasures(config: CompiledConfiguration): OciMeasures {
  const iom = config.dataSources.get(OCI_ON_HAND.dataSource);
  if (!iom?.physicalMeasures.has(OCI_ON_HAND.measure))
    fail(
      'oci_measures_unavailable',
      '',
      'The environment has no physical measure iom.onhand, which holds OCI on hand; add it to the configuration.',
    );
  const reserved = reservedMeasure(config);
  if (!reserved)
    fail(
      'oci_measures_unavailable',
      '',
      'The environment has no reservation mapping, whose measure holds OCI reserved; add one to the configuration.',
    );
  return { onHand: OCI_ON_HAND, reserved };
}

function reservedMeasure(config: CompiledConfiguration): MeasureRef | undefined {
  for (const [dataSource, source] of config.dataSources) {
    for (const measure of source.reservMappings.keys()) return { dataSource, measure };
  }
  return undefined;
}
