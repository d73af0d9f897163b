import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProductsCommand } from '../../src/cli/products-command.js';
import { openServices, type Services } from '../../src/main.js';
import { loadSettings } from '../../src/settings.js';
import { createTestDatabase, testBackends } from '../support/backends.js';

describe.each(testBackends())('onhand products import on %s', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-products-'));
  let services: Services;
  let drop: (() => Promise<void>) | undefined;
  const lines: string[] = [];
  const run = (args: string[]) =>
    runProductsCommand(args, { engine: services.engine, out: (l) => lines.push(l) });

  beforeAll(async () => {
    const database = backend === 'postgres' ? await createTestDatabase() : undefined;
    drop = database?.drop;
    const settings = loadSettings(
      { data: dir },
      { ONHAND_LOG_LEVEL: 'silent', ...(database ? { ONHAND_DATABASE_URL: database.url } : {}) },
    );
    services = await openServices(settings);
    await services.engine.environments.create('demo');
  });
  afterAll(async () => {
    await services.engine.drain();
    await services.store.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a JSON array or NDJSON file into the catalogue, replacing products by id', async () => {
    const array = join(dir, 'products.json');
    writeFileSync(
      array,
      JSON.stringify([
        {
          productId: 'Bike-1000',
          productName: 'Deluxe touring bike',
          attributes: [{ attributeName: 'Weight Limit', value: 370 }],
        },
        { ProductID: 'Bike-2000', productName: 'City bike' },
      ]),
    );
    expect(await run(['import', array, '--env', 'demo'])).toBe(0);
    expect(lines.pop()).toBe('Loaded 2 products into the catalogue of demo.');
    const ndjson = join(dir, 'products.ndjson');
    writeFileSync(ndjson, '{"productId":"Bike-2000","productName":"Renamed"}\n\n{"productId":"Bike-3000"}\n');
    expect(await run(['import', '--env', 'DEMO', ndjson])).toBe(0);
    const products = await services.store.products.list('demo', null, 10);
    expect(products.map((p) => [p.productId, p.productName])).toEqual([
      ['Bike-1000', 'Deluxe touring bike'],
      ['Bike-2000', 'Renamed'],
      ['Bike-3000', ''],
    ]);
    expect(products[0]?.attributes).toEqual([
      { attributeName: 'Weight Limit', attributeTypeName: '', attributeArea: '', value: '370' },
    ]);
  });

  it('loads nothing when any product of the file is bad, and says which', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"productId":"Good-1"}\n{"productName":"no id"}\n');
    await expect(run(['import', bad, '--env', 'demo'])).rejects.toMatchObject({
      code: 'missing_field',
      details: [{ path: '/1/productId' }],
    });
    const notJson = join(dir, 'broken.ndjson');
    writeFileSync(notJson, '{"productId":"Good-2"}\n{oops\n');
    await expect(run(['import', notJson, '--env', 'demo'])).rejects.toMatchObject({ code: 'malformed_json' });
    expect(await services.store.products.get('demo', 'Good-1')).toBeUndefined();
    expect(await services.store.products.get('demo', 'Good-2')).toBeUndefined();
    expect(await run(['import', bad])).toBe(2);
    expect(lines.pop()).toMatch(/^Usage: onhand products import FILE --env ENV/);
  });
});
