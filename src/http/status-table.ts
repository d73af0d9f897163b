import type { ErrorCode } from '../domain/codes.js';

/**
 * The one place where error codes become HTTP statuses. Everything not listed is 400.
 * Write envelopes (spec §2.3) carry the same number in their `statusCode`.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  payload_too_large: 413,
  unsupported_media_type: 415,
  event_id_conflict: 409,
  insufficient_availability: 409,
  reservation_closed: 409,
  reservations_in_use: 409,
  reservation_not_found: 404,
  insufficient_available_to_allocate: 409,
  insufficient_allocation: 409,
  allocations_in_use: 409,
  configuration_version_conflict: 412,
  partition_rule_change_requires_empty: 409,
  client_exists: 409,
  environment_not_found: 404,
  partition_not_found: 404,
  client_not_found: 404,
  webhook_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  product_not_found: 404,
  job_not_found: 404,
  oci_record_not_found: 404,
  oci_export_not_found: 404,
  oci_export_in_process: 409,
  oci_export_failed: 409,
  oci_delta_token_expired: 410,
  oci_export_expired: 410,
  oci_group_in_use: 409,
  oci_reservation_exists: 409,
  oci_reservation_not_found: 404,
  oci_reservation_cancelled: 409,
  oci_reservation_expired: 409,
  oci_insufficient_quantity: 409,
  job_not_finished: 409,
  adjustment_not_found: 404,
  adjustment_not_posted: 409,
  not_implemented_copilot: 501,
  cursor_expired: 410,
  unauthorized: 401,
  feed_ticket_invalid: 401,
  invalid_token: 401,
  invalid_client: 401,
  forbidden: 403,
  rate_limited: 429,
  service_unavailable: 503,
  database_timeout: 503,
  commit_outcome_unknown: 503,
  internal_error: 500,
};

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}
