import { describe, expect, it } from 'vitest';
import { requestHash } from '../../src/engine/request-hash.js';

const event = {
  id: 'e-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensionDataSource: 'pos',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound: 1 } },
};

describe('the idempotency hash of a request as sent', () => {
  it.each<[string, unknown]>([
    [
      'keys in another case',
      {
        ...event,
        quantities: { POS: { Inbound: 1 } },
        dimensions: { SITEID: '1', locationid: '11', ColorId: 'red' },
      },
    ],
    ['a quantity as a string', { ...event, quantities: { pos: { inbound: '1.0' } } }],
    ['a data source name in another case', { ...event, dimensionDataSource: 'POS' }],
    [
      'keys in another order',
      {
        quantities: event.quantities,
        dimensions: event.dimensions,
        productId: 'T-shirt',
        organizationId: 'usmf',
        id: 'e-1',
        dimensionDataSource: 'pos',
      },
    ],
  ])('is the same for %s', (_name, other) => {
    expect(requestHash(other)).toBe(requestHash(event));
  });

  it.each<[string, unknown]>([
    ['another quantity', { ...event, quantities: { pos: { inbound: 2 } } }],
    ['another dimension value', { ...event, dimensions: { ...event.dimensions, colorId: 'Red' } }],
    [
      'a dimension that is not stored',
      { ...event, dimensions: { ...event.dimensions, posMachineId: '0001' } },
    ],
    ['another product', { ...event, productId: 't-shirt' }],
  ])('differs for %s', (_name, other) => {
    expect(requestHash(other)).not.toBe(requestHash(event));
  });

  it('reads instants as instants and a null field as an absent one', () => {
    const reserve = { id: 'r', quantity: 1, expiresAt: '2026-12-01T10:00:00Z' };
    expect(requestHash({ ...reserve, expiresAt: '2026-12-01T11:00:00.000+01:00' })).toBe(
      requestHash(reserve),
    );
    expect(requestHash({ ...reserve, quantityDataSource: null })).toBe(requestHash(reserve));
    const count = { id: 'c', modifiedDateTimeUTC: '2026-12-01T10:00:00' };
    expect(requestHash({ ...count, modifiedDateTimeUTC: '2026-12-01T10:00:00Z' })).toBe(requestHash(count));
    expect(requestHash({ ...reserve, expiresAt: '2026-12-01T10:00:01Z' })).not.toBe(requestHash(reserve));
  });
});
