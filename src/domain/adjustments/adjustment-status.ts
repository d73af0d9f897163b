/** Onhand's side of an adjustment line (spec §2.11): stored, applied to on-hand, handed to the ERP sync. */
export const ADJUSTMENT_STATUSES = ['Created', 'IVPosted', 'Aggregated'] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];

/** The ERP side of a line (spec §2.11). */
export const SYNC_STATUSES = [
  'Created',
  'DoNotSync',
  'FnOSyncEnqueued',
  'FnOTransCreated',
  'FnOTransCreateError',
  'FnOTransPosted',
  'FnOTransPostError',
] as const;
export type AdjustmentSyncStatus = (typeof SYNC_STATUSES)[number];
