import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { compiledWith } from './helpers.js';

/**
 * The default configuration with schedules enabled and the ATP measure of the vendor's 180-day
 * examples: iv.totalonhand = fno.physicalinvent + fno.ordered + fno.arrived + iv.ordered + pos.inbound
 * − pos.outbound (six physical measures), over a 30-day period.
 */
export function atpRuntime(
  edit: (config: RuntimeConfiguration) => void = () => {},
): (config: RuntimeConfiguration) => void {
  return (config) => {
    const iv = config.inventorySystemConfigurations.iv;
    if (iv) {
      iv.calculatedMeasures.totalonhand = {
        additionModifiers: ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'iv.ordered', 'pos.inbound'],
        subtractionModifiers: ['pos.outbound'],
      };
    }
    config.scheduleConfiguration.isScheduleEnabled = true;
    config.scheduleConfiguration.isEnabled = true;
    config.scheduleConfiguration.atpCalculatedMeasures = { iv: { totalonhand: 30 } };
    edit(config);
  };
}

/** atpRuntime compiled. */
export function atpConfig(edit?: (config: RuntimeConfiguration) => void): CompiledConfiguration {
  return compiledWith(atpRuntime(edit));
}
