import pg from 'pg';
import { isStalePrepared } from '../store-errors.js';
import { pgTypes } from './connection.js';
import { preparedName, preparedOn, withPlanModes } from './prepared-statements.js';

/*
 * Pipelining on one connection (PostgreSQL's extended protocol): several statements, each with its own
 * parameters, written with one system call and followed by one Sync, so they cost one round trip. The
 * server runs them in order; after a failing statement it skips the rest up to the Sync, so a statement
 * never runs after an earlier one of its pipeline failed.
 */

/** What a transaction's code needs of a connection (the subset of pg's client that the store uses). */
export type Sql = Pick<pg.PoolClient, 'query'>;

interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  resolve(result: pg.QueryResult): void;
  reject(error: unknown): void;
}

/**
 * The messages of pg's connection a pipeline writes (pg/lib/connection.js). pipeline.ts reaches into
 * these pg internals (parse, bind, close, describe, execute, sync, and the stream's cork/uncork), which
 * is why package.json pins pg's exact version; test/store/postgres-pipeline*.test.ts and
 * postgres-prepared.test.ts fail if an upgrade changes them.
 */
interface Wire {
  readonly stream: { cork?: () => void; uncork?: () => void };
  parse(query: { name?: string; text: string; types: unknown[] }): void;
  bind(config: {
    statement?: string | undefined;
    values: unknown[];
    valueMapper: (value: unknown) => unknown;
  }): void;
  close(message: { type: 'S'; name: string }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  sync(): void;
}

interface Field {
  readonly name: string;
  readonly dataTypeID: number;
}

/** pg's own mapping of a JavaScript value to a parameter (arrays, dates, JSON …), as for any query. */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;
const identity = (value: unknown) => value;

/**
 * A pg Submittable that sends its statements as one pipeline and settles each with its own result. A
 * statement that fails rejects with the server's error, and so do those after it (the server skipped
 * them); the statements before it keep their results.
 */
class Pipeline implements pg.Submittable {
  #index = 0;
  #fields: Field[] = [];
  #parsers: ((value: string) => unknown)[] = [];
  #rows: Record<string, unknown>[] = [];
  #settled = false;
  /** The names prepared on the connection (prepared-statements.ts), when this pipeline names statements. */
  #prepared: Set<string> | undefined;

  constructor(
    private readonly statements: readonly Statement[],
    private readonly onFailure: (error: unknown) => void,
    private readonly prepare: boolean,
  ) {}

  /**
   * Writes the pipeline. Every value is encoded first: a value pg cannot encode (a BigInt inside an
   * object, a circular one) is returned as the error before anything is written, and pg then fails the
   * pipeline through handleError, as it does for one query of its own.
   */
  submit(connection: pg.Connection): Error | undefined {
    let encoded: unknown[][];
    try {
      encoded = this.statements.map(({ values }) => values.map((value) => prepareValue(value)));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const wire = connection as unknown as Wire;
    const prepared = this.prepare ? preparedOn(connection) : undefined;
    this.#prepared = prepared;
    const parsed = new Set<string>();
    wire.stream.cork?.();
    try {
      for (const [i, { text }] of this.statements.entries()) {
        const name = prepared === undefined ? undefined : preparedName(text);
        if (name === undefined) wire.parse({ text, types: [] });
        else if (!prepared?.has(name) && !parsed.has(name)) {
          wire.close({ type: 'S', name });
          wire.parse({ name, text, types: [] });
          parsed.add(name);
        }
        wire.bind({ statement: name, values: encoded[i] as unknown[], valueMapper: identity });
        wire.describe({ type: 'P', name: '' });
        wire.execute({ portal: '', rows: 0 });
      }
      wire.sync();
    } finally {
      wire.stream.uncork?.();
    }
    return undefined;
  }

  handleRowDescription(message: { fields: Field[] }): void {
    this.#fields = message.fields;
    this.#parsers = message.fields.map(
      (f) => pgTypes.getTypeParser(f.dataTypeID, 'text') as (value: string) => unknown,
    );
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    const row: Record<string, unknown> = {};
    const fields = this.#fields;
    for (let i = 0; i < fields.length; i++) {
      const raw = message.fields[i] ?? null;
      row[(fields[i] as Field).name] =
        raw === null ? null : (this.#parsers[i] as (value: string) => unknown)(raw);
    }
    this.#rows.push(row);
  }

  handleCommandComplete(message: { text: string }): void {
    const [command = '', ...rest] = message.text.split(' ');
    const count = Number(rest.at(-1));
    this.#complete({
      command,
      rowCount: Number.isNaN(count) ? null : count,
      oid: 0,
      fields: this.#fields.map((f) => ({ ...f, format: 'text' })) as pg.FieldDef[],
      rows: this.#rows,
    });
  }

  handleEmptyQuery(): void {
    this.#complete({ command: '', rowCount: null, oid: 0, fields: [], rows: [] });
  }

  handleError(error: unknown): void {
    if (isStalePrepared(error)) this.#prepared?.clear();
    if (this.#settled) return;
    this.#settled = true;
    this.onFailure(error);
    for (const statement of this.statements.slice(this.#index)) statement.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    // Every statement completed; a shortfall would be a protocol surprise, never a silent success.
    const missing = new Error('The pipeline ended before every statement was answered.');
    if (this.#index < this.statements.length) this.onFailure(missing);
    for (const statement of this.statements.slice(this.#index)) statement.reject(missing);
  }

  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  #complete(result: pg.QueryResult): void {
    const statement = this.statements[this.#index++];
    const name = this.#prepared === undefined || !statement ? undefined : preparedName(statement.text);
    if (name !== undefined) this.#prepared?.add(name);
    this.#fields = [];
    this.#rows = [];
    statement?.resolve(result);
  }
}

/**
 * The connection of one transaction, pipelined: every statement asked for while the current turn of
 * JavaScript runs (its promises included) is sent in one pipeline once that turn is over, so reads
 * started together cost one round trip. `defer` holds a statement back until the next pipeline, so a
 * transaction's writes travel with whatever it sends next (its COMMIT, at the end).
 *
 * Once a statement has failed (on the server, or refused before it was sent, as a value pg cannot
 * encode), every later statement is refused with that failure and the transaction's end rolls back:
 * on the server a failed statement aborts the transaction anyway, and a pipeline refused before it was
 * sent must not let the statements after it run without the ones it held (BEGIN, the locks, the
 * deferred writes).
 *
 * The statements go out in the order they were asked for, pipelined or not.
 */
export class PipelinedConnection {
  #queue: Statement[] = [];
  #scheduled = false;
  #closed = false;
  /** Whether the statements sent so far left the transaction with generic plans (prepared-statements.ts). */
  #generic = false;
  /** The first failure of a statement: nothing after it runs. */
  #failure: unknown;
  readonly #fail = (error: unknown): void => {
    this.#failure ??= error;
  };

  /**
   * `prepare`: the statements of prepared-statements.ts are sent as named statements with generic plans
   * (TransactionOptions.preparedStatements, on plain PostgreSQL; only inside BEGIN … COMMIT, where SET
   * LOCAL holds).
   */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly onRoundTrip: () => void = () => {},
    private readonly prepare = false,
  ) {}

  /** Runs a statement in the next pipeline and answers its result. */
  readonly query = ((text: unknown, values?: unknown) => {
    if (typeof text !== 'string')
      throw new TypeError('A pipelined query takes SQL text and an array of values.');
    if (this.#closed) return Promise.reject(new Error('This transaction has ended.'));
    if (this.#failure !== undefined) {
      const refused = Promise.reject(this.#failure);
      refused.catch(() => {});
      return refused;
    }
    const result = new Promise<pg.QueryResult>((resolve, reject) => {
      this.#queue.push({ text, values: (values as unknown[] | undefined) ?? [], resolve, reject });
      this.#schedule();
    });
    // A statement started but not awaited, then dropped by close() when the transaction failed, must
    // not end the process as an unhandled rejection; whoever awaits it still sees the error.
    result.catch(() => {});
    return result;
  }) as unknown as Sql['query'];

  /**
   * Queues a statement for the next pipeline without asking for it to be sent; `onResult` is told its
   * result once it ran.
   */
  defer(
    text: string,
    values: readonly unknown[],
    onResult: (result: pg.QueryResult) => void = () => {},
  ): void {
    if (this.#closed) throw new Error('This transaction has ended.');
    if (this.#failure !== undefined) throw this.#failure;
    this.#queue.push({ text, values, resolve: onResult, reject: this.#fail });
  }

  /**
   * Drops what was asked for but not sent (after a failure): none of it will run, and each statement
   * rejects (handled here, so a statement nobody awaited is no unhandled rejection; a caller's own
   * promise around one, such as a read it started and never awaited, must still be awaited or caught).
   */
  close(): void {
    this.#closed = true;
    const dropped = this.#queue;
    this.#queue = [];
    const error = new Error('The transaction ended before this statement was sent.');
    for (const statement of dropped) statement.reject(error);
  }

  /** The error of the first statement that failed, if one did (the transaction must roll back). */
  get failure(): unknown {
    return this.#failure;
  }

  /**
   * The flush waits until the current burst of promise callbacks is over (a microtask, then a tick:
   * process.nextTick callbacks run once the microtask queue is empty), so that every statement started
   * by concurrent code joins the same pipeline.
   */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => process.nextTick(() => this.#flush()));
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#queue.length === 0) return;
    let statements = this.#queue;
    this.#queue = [];
    if (this.prepare) {
      const set = (text: string): Statement => ({ text, values: [], resolve: () => {}, reject: () => {} });
      ({ statements, generic: this.#generic } = withPlanModes(statements, this.#generic, set));
    }
    this.onRoundTrip();
    this.client.query(new Pipeline(statements, this.#fail, this.prepare));
  }
}
