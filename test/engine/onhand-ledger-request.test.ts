import { describe, expect, it } from 'vitest';
import { type OnHandInput, toChangeCommand, toSetCommand } from '../../src/domain/onhand-command.js';
import { ledgerRequest } from '../../src/engine/onhand-batch.js';
import { jsonSafe } from '../../src/engine/outcome.js';
import { BY_LOCATION } from '../domain/helpers.js';

const event: OnHandInput = {
  id: 'e-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensionDataSource: 'pos',
  dimensions: { siteId: '1', locationId: '11', ColorId: 'red', posMachineId: '7' },
  quantities: { pos: { inbound: '1.5', outbound: -2 }, iv: { ordered: 0.000001 } },
};

describe("an on-hand write's request as the ledger stores it", () => {
  it.each([
    ['a change', toChangeCommand(BY_LOCATION, event)],
    [
      'a count with its time',
      toSetCommand(BY_LOCATION, 'pos', {
        ...event,
        quantities: { pos: { inbound: 3 } },
        modifiedDateTimeUTC: '2026-12-01T10:00:00+01:00',
      }),
    ],
    [
      'a count without a time, filled in',
      {
        ...toSetCommand(BY_LOCATION, 'pos', { ...event, quantities: { pos: { inbound: 3 } } }),
        countedAt: '2026-12-04T18:00:00.000Z',
      },
    ],
    [
      'a count without a time',
      toSetCommand(BY_LOCATION, 'pos', { ...event, quantities: { pos: { inbound: 0 } } }),
    ],
  ])('of %s is the generic JSON-compatible copy, field for field and in order', (_, command) => {
    const request = ledgerRequest(command);
    expect(request).toEqual(jsonSafe(command));
    expect(JSON.stringify(request)).toBe(JSON.stringify(jsonSafe(command)));
  });
});
