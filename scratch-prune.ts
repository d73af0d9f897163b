import pg from 'pg';
import { applyMigrations } from './src/store/postgres/schema.ts';
import { distributeTables } from './src/store/postgres/citus/citus-layout.ts';
import * as sql from './src/store/postgres/statements.ts';
import * as rs from './src/store/postgres/reservation-statements.ts';
const url = 'postgres://postgres@127.0.0.1:55501/onhand?options=-c%20search_path%3Dprune';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:55501/onhand' });
await admin.connect();
await admin.query('DROP SCHEMA IF EXISTS prune CASCADE; CREATE SCHEMA prune');
const pool = new pg.Pool({ connectionString: url });
await applyMigrations(pool);
const c = await pool.connect();
let t = Date.now();
console.log(await distributeTables(c, { shardCount: 8 }), Date.now() - t, 'ms');
const tasks = async (name: string, s: string, v: unknown[]) => {
  try {
    const r = await c.query(`EXPLAIN ${s}`, v);
    const plan = r.rows.map((x) => x['QUERY PLAN']).join('\n');
    const m = plan.match(/Task Count: (\d+)/g);
    console.log(name, m?.join(',') ?? 'no tasks', plan.includes('Router') ? 'router' : '');
  } catch (e) { console.log(name, 'ERR', (e as Error).message); }
};
const P = 'org1~s1~l1';
await tasks('READ_ROWS+', sql.READ_ROWS.replace('ORDER BY', 'AND s.partition_id = ANY($7::text[]) ORDER BY'), ['e', ['org1'], ['p1'], ['{}'], ['pos'], ['m'], [P]]);
await tasks('READ_ROWS+eq', sql.READ_ROWS.replace('ORDER BY', 'AND s.partition_id = $7 ORDER BY'), ['e', ['org1'], ['p1'], ['{}'], ['pos'], ['m'], P]);
await tasks('READ_ROWS+2', sql.READ_ROWS.replace('ORDER BY', 'AND s.partition_id = ANY($7::text[]) ORDER BY'), ['e', ['org1'], ['p1'], ['{}'], ['pos'], ['m'], [P, 'x~y']]);
await tasks('READ_PRODUCT_ROWS', sql.READ_PRODUCT_ROWS, ['e', 'org1', 'p1', P]);
await tasks('FIND+', sql.FIND_EVENTS + ' AND partition_id = ANY($4::text[])', ['e', 'f', ['x'], [P]]);
await tasks('RES+', rs.READ_RESERVATIONS.replace('ORDER BY', 'AND partition_id = ANY($3::text[]) ORDER BY'), ['e', ['r'], [P]]);
await tasks('SCOPES_ROWS+', sql.READ_SCOPES_ROWS + ' WHERE s.partition_id = ANY($5::text[])', ['e', ['o'], ['p'], [P], [P]]);
await tasks('OPEN', rs.READ_OPEN_RESERVATIONS, ['e', 'o', 'p', P]);
await tasks('readStock+', sql.readStockSql(['product_id']).replace('ORDER BY', 'AND partition_id = ANY($4::text[]) ORDER BY'), ['e', ['o'], ['p'], [P]]);
await tasks('APPEND', sql.APPEND_LEDGER, [['e'], [P], ['f'], ['x'], ['h'], ['k'], ['t'], ['{}'], ['{}'], ['[]'], [null], [null], null]);
await tasks('UPSERT_ROWS', sql.UPSERT_ROWS, ['e', [P], ['o'], ['p'], ['{}'], ['s'], ['l'], ['pos'], ['m'], ['1'], [null]]);
c.release(); await pool.end(); await admin.end();
