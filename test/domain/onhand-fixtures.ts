import type { OnHandInput } from '../../src/domain/onhand-command.js';

/** The change event example of spec §2.5. */
export const EVENT: OnHandInput = {
  id: 'Test201',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensionDataSource: 'pos',
  dimensions: { siteId: '1', locationId: '11', posMachineId: '0001', colorId: 'red' },
  quantities: { pos: { inbound: 1 } },
};

/** The example event with `changes`. */
export const event = (changes: Partial<OnHandInput>): OnHandInput => ({ ...EVENT, ...changes });
