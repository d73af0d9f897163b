import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Api } from './api.js';
import type { PoolFormula } from './checker/model.js';
import { HOT, ORG } from './clients/context.js';

/** A fresh PostgreSQL database next to `url`'s, dropped by `drop`. */
export async function createDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `onhand_soak_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** What the environment's configuration tells the checker. */
export interface EnvironmentFacts {
  readonly pool: PoolFormula;
  readonly groupsOrder: Readonly<Record<string, string>>;
}

interface Configuration {
  inventorySystemConfigurations: { iv: { calculatedMeasures: Record<string, unknown> } };
  scheduleConfiguration: Record<string, unknown>;
  allocationConfiguration: {
    groupsOrder: Record<string, string>;
    availableToAllocateCalculation: Record<string, string>;
  };
}

/**
 * Turns schedules on (with an ATP measure the API can write, as docs/api.md's worked example does),
 * receives the first stock of the hot products, and reads the formula that guards reservations and
 * allocations (the default configuration uses one formula for both).
 */
export async function prepareEnvironment(api: Api): Promise<EnvironmentFacts> {
  const read = await api.send({
    client: 'setup',
    op: 'configuration',
    method: 'GET',
    path: '/configuration',
  });
  if (read.status !== 200) throw new Error(`configuration: ${read.status} ${JSON.stringify(read.body)}`);
  const config = read.body as Configuration;
  config.inventorySystemConfigurations.iv.calculatedMeasures.totalonhand = {
    additionModifiers: ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'iv.ordered', 'pos.inbound'],
    subtractionModifiers: ['pos.outbound'],
  };
  config.scheduleConfiguration.isScheduleEnabled = true;
  config.scheduleConfiguration.atpCalculatedMeasures = { iv: { totalonhand: 30 } };
  const update = await api.send({
    client: 'setup',
    op: 'configuration',
    method: 'POST',
    path: '/configuration/hardupdate',
    body: config,
  });
  if (update.status !== 200) throw new Error(`hard update: ${update.status} ${JSON.stringify(update.body)}`);
  const stock = HOT.map((t, i) => ({
    id: `${api.environmentId}-seed-${api.startedAt}-${i}`,
    organizationId: ORG,
    ...t,
    quantities: { pos: { inbound: 10 } },
  }));
  const seeded = await api.send({
    client: 'setup',
    op: 'onhand.bulk',
    family: 'onhand',
    method: 'POST',
    path: '/onhand/bulk',
    body: stock,
    ids: stock.map((s) => s.id),
  });
  if (seeded.status !== 200) throw new Error(`seed: ${seeded.status}`);
  const calc = config.allocationConfiguration.availableToAllocateCalculation;
  const pool = {
    plus: Object.keys(calc).filter((m) => calc[m]?.toLowerCase() === 'addition'),
    minus: Object.keys(calc).filter((m) => calc[m]?.toLowerCase() === 'subtraction'),
  };
  return { pool, groupsOrder: config.allocationConfiguration.groupsOrder };
}

/** Creates a client that may write in the environment `other` only, for the hostile client. */
export async function createIntruder(api: Api): Promise<{ clientId: string; secret: string }> {
  const answer = await api.send({
    client: 'setup',
    op: 'client.create',
    method: 'POST',
    path: '//api/admin/clients',
    body: { clientId: 'intruder', roles: { other: 'write' } },
  });
  const body = answer.body as { clientId?: string; secret?: string; clientSecret?: string };
  const secret = body.secret ?? body.clientSecret;
  if (answer.status !== 201 || !secret) throw new Error(`intruder: ${answer.status} ${JSON.stringify(body)}`);
  return { clientId: 'intruder', secret };
}
