import type {
  LedgerChange,
  LedgerEntry,
  ReservationRecord,
  ScheduleRow,
  StockRow,
} from '../../store/store.js';
import { EXPORT_TYPE, EXPORT_VERSION, type ExportCounts } from './format.js';
import { decodeOci, type OciItem } from './oci-records.js';
import { RecordReader } from './record-reader.js';
import { TransferError } from './transfer-error.js';

/** One line of an export file, decoded and checked (format.ts). */
export type TransferRecord =
  | {
      readonly type: 'header';
      readonly environmentId: string;
      readonly exportedAt: string;
      /** The feed position the file's state reflects (absent in files of earlier releases). */
      readonly position?: number;
    }
  | {
      readonly type: 'environment';
      readonly configuration: unknown;
      readonly version: number;
      readonly createdAt: string;
      readonly updatedAt: string;
    }
  | { readonly type: 'stock'; readonly row: StockRow }
  | { readonly type: 'schedule'; readonly row: ScheduleRow }
  | { readonly type: 'reservation'; readonly record: ReservationRecord }
  | { readonly type: 'oci'; readonly item: OciItem }
  | {
      readonly type: 'ledger';
      readonly seq: number;
      /** The entry's feed position (absent in files of earlier releases). */
      readonly position?: number;
      readonly entry: Omit<LedgerEntry, 'environmentId'>;
    }
  | { readonly type: 'end'; readonly counts: ExportCounts };

const STATUSES: ReadonlySet<string> = new Set(['open', 'released', 'expired']);

/** Decodes one line (1-based `line` for messages); throws a TransferError when it is not valid. */
export function decodeLine(text: string, line: number): TransferRecord {
  const r = RecordReader.parse(text, line);
  const type = r.raw('type');
  switch (type) {
    case EXPORT_TYPE:
      return header(r);
    case 'environment':
      return {
        type,
        configuration: r.plainObject('configuration'),
        version: r.integer('version', 1),
        createdAt: r.string('createdAt'),
        updatedAt: r.string('updatedAt'),
      };
    case 'stock':
      return { type, row: stock(r) };
    case 'schedule':
      return { type, row: schedule(r) };
    case 'reservation':
      return { type, record: reservation(r) };
    case 'oci-graph':
    case 'oci-safety-stock':
    case 'oci-exclusion':
    case 'oci-record-outcome':
    case 'oci-import':
    case 'oci-import-error':
    case 'oci-import-chunk':
      return { type: 'oci', item: decodeOci(r, type) };
    case 'ledger':
      return {
        type,
        seq: r.integer('seq', 1),
        ...(r.absent('position') ? {} : { position: r.integer('position', 1) }),
        entry: ledger(r),
      };
    case 'end': {
      const c = r.object('counts');
      return {
        type,
        counts: {
          stock: c.integer('stock'),
          // Files of releases before change schedules have no such count (and no such records).
          schedule: c.absent('schedule') ? 0 : c.integer('schedule'),
          reservations: c.integer('reservations'),
          // Files of releases before OCI have no such count (and no such records).
          oci: c.absent('oci') ? 0 : c.integer('oci'),
          ledger: c.integer('ledger'),
        },
      };
    }
    default:
      throw new TransferError(`unknown record type ${JSON.stringify(type) ?? 'undefined'}.`, line);
  }
}

function header(r: RecordReader): TransferRecord {
  const version = r.raw('version');
  if (version !== EXPORT_VERSION)
    throw new TransferError(
      `export format version ${String(version)} is not supported (this release reads version ${EXPORT_VERSION}).`,
      r.line,
    );
  return {
    type: 'header',
    environmentId: r.string('environmentId'),
    exportedAt: r.string('exportedAt'),
    ...(r.absent('position') ? {} : { position: r.integer('position') }),
  };
}

function stock(r: RecordReader): StockRow {
  return {
    partitionId: r.text('partitionId'),
    organizationId: r.string('organizationId'),
    productId: r.string('productId'),
    dimensions: r.dimensions('dimensions'),
    dataSource: r.string('dataSource'),
    measure: r.string('measure'),
    quantity: r.quantity('quantity'),
    countedAt: r.nullableString('countedAt'),
  };
}

function schedule(r: RecordReader): ScheduleRow {
  const row: ScheduleRow = {
    partitionId: r.text('partitionId'),
    organizationId: r.string('organizationId'),
    productId: r.string('productId'),
    dimensions: r.dimensions('dimensions'),
    dataSource: r.string('dataSource'),
    measure: r.string('measure'),
    date: r.date('date'),
    quantity: r.quantity('quantity'),
  };
  // The stores keep no scheduled value of 0 (writing one deletes it): such a record cannot come from an export.
  if (row.quantity === 0n) throw new TransferError('"quantity" of a scheduled value must not be 0.', r.line);
  return row;
}

function reservation(r: RecordReader): ReservationRecord {
  const status = r.string('status');
  if (!STATUSES.has(status))
    throw new TransferError('"status" must be "open", "released" or "expired".', r.line);
  return {
    reservationId: r.string('reservationId'),
    partitionId: r.text('partitionId'),
    organizationId: r.string('organizationId'),
    productId: r.string('productId'),
    dimensions: r.dimensions('dimensions'),
    dataSource: r.string('dataSource'),
    measure: r.string('measure'),
    quantity: r.quantity('quantity'),
    remaining: r.quantity('remaining'),
    expiresAt: r.nullableString('expiresAt'),
    status: status as ReservationRecord['status'],
    eventId: r.string('eventId'),
    createdAt: r.string('createdAt'),
    updatedAt: r.string('updatedAt'),
  };
}

function ledger(r: RecordReader): Omit<LedgerEntry, 'environmentId'> {
  for (const key of ['request', 'outcome'])
    if (r.raw(key) === undefined) throw new TransferError(`"${key}" is missing.`, r.line);
  return {
    partitionId: r.text('partitionId'),
    family: r.string('family'),
    eventId: r.nullableString('eventId'),
    bodyHash: r.text('bodyHash'),
    kind: r.string('kind'),
    recordedAt: r.string('recordedAt'),
    request: r.raw('request'),
    outcome: r.raw('outcome'),
    changes: r.objects('changes').map(change),
    reference: r.nullableString('reference'),
    clientId: r.absent('clientId') ? null : r.nullableString('clientId'),
  };
}

function change(c: RecordReader): LedgerChange {
  return {
    organizationId: c.string('organizationId'),
    productId: c.string('productId'),
    dimensions: c.dimensions('dimensions'),
    dataSource: c.string('dataSource'),
    measure: c.string('measure'),
    delta: c.quantity('delta', true),
    // With a date, the change was to the value scheduled for that date, not to stock.
    ...(c.absent('date') ? {} : { date: c.date('date') }),
    ...(c.raw('created') === true ? { created: true as const } : {}),
  };
}
