/**
 * Every error code Onhand can answer with, in one place. Codes are stable: clients may branch on them.
 * docs/errors.md explains each one; the HTTP status for each code is chosen in http/status-table.ts.
 */
export const ERROR_CODES = {
  // Request shape
  malformed_json: 'The body is not valid JSON.',
  unsupported_media_type: 'The body must be sent as application/json (or form-encoded where stated).',
  payload_too_large: 'The body is larger than the configured limit.',
  invalid_request: 'The body or a parameter does not match the schema of the endpoint.',
  unknown_parameter: 'A query parameter is not one the (Onhand extension) endpoint knows.',
  missing_field: 'A required field is missing.',
  unknown_field: 'The body contains a field the endpoint does not know.',
  invalid_type: 'A field has the wrong type.',
  too_many_items: 'A bulk request holds more items than allowed.',
  value_too_long: 'An id, name or dimension value is longer than allowed.',
  invalid_id: 'An id is empty or contains control characters.',
  // Quantities
  invalid_quantity: 'A quantity is not a decimal number.',
  quantity_out_of_range: 'A quantity, or the stored value it would produce, is beyond the supported range.',
  quantity_precision: 'A quantity has more decimal places or significant digits than supported.',
  // Configuration-driven validation of writes and queries
  unknown_data_source: 'A data source is not configured in the environment.',
  unknown_measure: 'A measure is not configured in its data source.',
  calculated_measure_not_writable:
    'A calculated measure was targeted by a write; only physical measures store quantities.',
  data_source_read_only:
    'The data source is fed by the ERP integration only (fno) and cannot be written through the API.',
  unknown_dimension: 'A dimension is neither a base dimension nor mapped by the dimension data source.',
  duplicate_dimension: 'Two keys resolve to the same base dimension with different values.',
  missing_partition_dimension: 'siteId and locationId are required when data is partitioned by location.',
  no_quantities: 'The request changes no measure.',
  inventory_system_mismatch: 'Set on-hand quantities name a data source other than the one in the path.',
  invalid_datetime:
    'A date-time is not a valid ISO-8601 value, or lies outside the years 0001 to 9999 once converted to UTC.',
  // Reservations
  reservation_disabled: 'Soft reservation is not enabled in the environment configuration.',
  measure_not_reservable:
    'The reserved measure is not a physical measure with a reservation mapping (reservMappings).',
  dimension_not_in_reservation_hierarchy:
    'A reservation names a dimension that is not in the reservation hierarchy.',
  insufficient_availability:
    'The available-for-reservation measure would drop below zero; nothing was reserved.',
  negative_reservation_checked: 'A negative reservation quantity needs ifCheckAvailForReserv: false.',
  invalid_expiry: 'expiresAt must lie in the future, and ttlSeconds must be between 1 and 31,536,000.',
  reservation_not_found: 'No reservation with this id exists for this organization and product.',
  reservation_mismatch: 'The dimensions given do not match the reservation.',
  reservation_closed: 'The reservation was already released or expired.',
  reservations_in_use:
    'The configuration change would remove or change the reservation mapping of a measure that open reservations use.',
  reserved_measure_not_writable:
    'The measure holds soft reservations and changes only through reserve, unreserve and offset.',
  // On-hand change schedules and ATP
  schedule_disabled:
    'On-hand change schedules (available to promise) are not enabled in the environment configuration.',
  invalid_date: 'A date is not a valid calendar date such as "2023-09-26".',
  date_outside_schedule_period:
    'A scheduled date lies before today or beyond the schedule period (today + schedulePeriodInDays - 1).',
  measure_not_scheduled: 'The measure is not used by any ATP calculated measure, so it cannot be scheduled.',
  invalid_atp_query:
    'An ATP query must group by exactly one ATP index set and filter only partition and index-set dimensions.',
  invalid_date_range: 'ATPFromDate lies after ATPToDate.',
  // Allocation
  allocation_disabled:
    'Allocation is not enabled, or availableToAllocateCalculation does not subtract @iv.@allocated.',
  unknown_allocation_group: 'A group name is not one of the configured allocation groups.',
  allocation_group_gap: 'Allocation groups must be named from the top level down, without a gap.',
  missing_allocation_groups: 'The write names no allocation group.',
  invalid_allocation_group_value: 'An allocation group value is empty or not a string.',
  reallocate_same_group: 'A reallocation names the same group path as source and target.',
  insufficient_available_to_allocate:
    'The available-to-allocate pool would drop below zero; nothing was allocated.',
  insufficient_allocation:
    'The group holds less allocated quantity than the request takes; nothing was changed.',
  allocations_in_use:
    'The configuration change would remove an allocation group level that open allocations use.',
  invalid_consume_measure:
    'A physical measure of a consume has a modifier other than Addition/Subtraction, or the same sign as in the available-to-allocate formula.',
  // Queries
  no_index_hierarchy: 'No index hierarchy has been set.',
  group_by_not_indexed: 'The group-by is not a prefix of an index set (strict index mode).',
  invalid_query: 'The query is not valid for the environment configuration.',
  query_limit_exceeded: 'The query names more products or site/location combinations than allowed.',
  // Product catalogue and product search
  product_not_found: 'No product with this id is in the catalogue of the environment.',
  productid_with_product_search:
    'A product-search query resolves its products from productSearch; do not also filter productId.',
  // Omnichannel Inventory (OCI, docs/oci.md)
  oci_unknown_location: "A location id is not a location of the environment's location graph.",
  oci_unknown_group: "A group id is not a group of the environment's location graph.",
  oci_duplicate_location:
    'A location graph lists a location twice, or maps two locations onto the same IV site and location.',
  oci_duplicate_group: 'A location graph lists a group twice.',
  oci_group_id_is_location: 'A group id of a location graph is also one of its location ids.',
  oci_empty_group: 'A group of a location graph holds no location.',
  oci_group_in_use: 'The location graph would remove a group that open reservations depend on.',
  oci_record_not_found: 'No availability record exists for this SKU at this location.',
  oci_no_places: 'A reservation names no location and no group.',
  oci_location_and_group: 'A release record names both a location and a group; it names exactly one.',
  oci_transfer_not_allowed:
    'A transfer goes from a group to a group, is all-or-nothing but not group to location, or is forced from a location to a group.',
  oci_reservation_exists: 'A reservation with this id already exists (with another body).',
  oci_reservation_not_found: 'No OCI reservation with this id exists in the environment.',
  oci_reservation_cancelled: 'The OCI reservation is already cancelled.',
  oci_reservation_expired: 'The OCI reservation has expired: it cannot be updated.',
  oci_insufficient_quantity:
    'Not enough available (or reserved) quantity for this record; nothing of it was applied.',
  oci_measures_unavailable:
    'The environment configuration lacks a measure that OCI quantities map onto (iom.onhand, a reservation mapping).',
  oci_delta_token_invalid: 'A get-deltas token is not one this environment issued.',
  oci_delta_token_expired:
    "A get-deltas token names a feed position older than the feed's retention window; export again.",
  oci_export_not_found: 'No OCI export of this kind with this id exists in the environment.',
  oci_export_in_process: 'The OCI export has not finished yet; poll its status.',
  oci_export_failed: 'The OCI export failed; start a new one.',
  oci_export_expired: 'The file of the OCI export is no longer kept; start a new export.',
  oci_export_window:
    'An export window is wrong: its end lies before its start, or (event log) more than 30 days after it.',
  // Background jobs
  job_not_found: 'No job with this id exists in the environment.',
  job_not_finished: 'The job has not completed yet; poll getJobProgress until its status is Completed.',
  // Business-layer adjustments
  adjustment_not_found: 'No adjustment line with this id exists in the environment.',
  adjustment_not_posted:
    'The adjustment line is not applied to on-hand yet (status Created); it can be synced once it is IVPosted.',
  // Not implemented
  not_implemented_copilot:
    'The natural-language Copilot query needs a language model, which Onhand does not include; use the index and exact queries.',
  // Idempotency
  event_id_conflict: 'The event id was used before with a different body.',
  // Configuration
  invalid_configuration: 'The configuration is not valid; see details for each problem.',
  duplicate_name: 'A data source, measure, mapping or group name is defined twice.',
  unknown_measure_reference: 'A formula or mapping refers to a measure that does not exist.',
  nested_calculated_measure: 'A calculated measure refers to another calculated measure.',
  self_reference: 'A calculated measure refers to itself.',
  duplicate_modifier: 'A calculated measure lists the same modifier twice.',
  invalid_measure_reference: 'A measure reference is not of the form "dataSource.measure".',
  missing_partition_keys: 'The partition keys (siteid, locationid) are missing where they are required.',
  unsupported_partition_key:
    'A partition key other than siteid and locationid: the partition configuration is fixed, so such a key is refused.',
  reserved_measure_not_subtracted:
    'A reservation mapping points at an available-for-reservation measure that does not subtract the reserved measure.',
  invalid_dimension_mapping: 'A dimension mapping targets something that is not a base dimension.',
  invalid_index_set: 'An index set is malformed (unknown dimension, duplicate, or a partition dimension).',
  too_many_atp_measures: 'ATP calculated measures use nine or more distinct physical measures.',
  invalid_schedule_period: 'schedulePeriodInDays must be between 1 and 180.',
  invalid_allocation_groups: 'Allocation groups are malformed (more than eight, duplicate, or bad levels).',
  configuration_version_conflict: 'The configuration changed since it was read; read it again and retry.',
  partition_rule_change_requires_empty:
    'The partition rule can only change while the environment holds no data.',
  // Environments and tenancy
  environment_not_found: 'The environment does not exist.',
  invalid_environment_id: 'An environment id must be 1-64 characters of letters, digits, ".", "_" or "-".',
  partition_not_found: 'A partition id does not exist in the environment.',
  // Authentication
  unauthorized: 'A valid bearer token is required.',
  invalid_token: 'The bearer token is malformed, expired or not signed by this service.',
  invalid_client:
    'The client id or secret is wrong, the client assertion is not valid, or the client was revoked.',
  unsupported_grant_type: 'Only grant_type=client_credentials is supported.',
  forbidden:
    'The token does not allow this environment, or lacks the role (read, write, admin) the route needs.',
  rate_limited: 'Too many requests from this client or address; wait for the Retry-After seconds.',
  client_exists: 'A client with this id already exists.',
  client_not_found: 'The client does not exist.',
  // The change feed
  cursor_expired:
    "The position is older than the feed's retention window; start again from a snapshot (GET …/snapshot).",
  feed_ticket_invalid: 'The feed ticket is unknown, already used or expired; ask for a new one.',
  // Why the server ended a server-sent-events stream (`event: error`; the stream had answered 200)
  too_slow: 'This follower fell too far behind; reconnect with Last-Event-ID to resume.',
  error: 'The feed failed on the server; reconnect with Last-Event-ID to resume.',
  // Webhooks
  webhook_not_found: 'No webhook subscription with this id exists in the environment.',
  invalid_webhook_url: 'The webhook URL is not an absolute http(s) URL without credentials or fragment.',
  webhook_target_forbidden:
    'The webhook URL names a loopback or private address; webhooks go to public addresses only.',
  invalid_webhook_secret: 'A webhook secret is "whsec_" followed by the base64 of 24 to 64 bytes.',
  // Routing and server
  not_found: 'No route matches the path.',
  method_not_allowed: 'The path exists but does not take this method; the Allow header lists those it takes.',
  service_unavailable: 'The service is starting, shutting down, or its database is unreachable.',
  database_timeout:
    'The database did not answer in time (statement timeout or a long lock wait); nothing was written.',
  commit_outcome_unknown:
    'The database connection was lost while the write was committing: it may or may not have been written. Retry with the same event ids; a retry is answered with the first outcome if it was.',
  internal_error: 'An unexpected error; it was logged with the request id.',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The codes with which the feed stops serving a follower (an SSE stream's `event: error`): `too_slow`,
 * it let too much pile up unsent; `error`, the feed failed on the server.
 */
export type StreamEndCode = Extract<ErrorCode, 'too_slow' | 'error'>;

/** One problem inside an error: where it is (a JSON pointer into the request) and what to fix. */
export interface ErrorDetail {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
}

/**
 * An expected failure with a stable code. Domain and engine code throw or return these;
 * the HTTP layer maps the code to a status. Never carries an HTTP status itself.
 */
export class OnhandError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message?: string, details: readonly ErrorDetail[] = []) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'OnhandError';
    this.code = code;
    this.details = details;
  }
}

/** Builds an ErrorDetail. */
export function detail(code: ErrorCode, path: string, message: string): ErrorDetail {
  return { code, path, message };
}

/** Throws an OnhandError carrying a single detail. */
export function fail(code: ErrorCode, path: string, message: string): never {
  throw new OnhandError(code, message, [detail(code, path, message)]);
}
