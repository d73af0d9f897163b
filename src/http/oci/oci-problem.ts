/**
 * The `errorCode` values of the Salesforce Omnichannel Inventory (OCI) API, as its specification
 * enumerates them (ErrorCodesEnum, plus `EntityExists` of the reservation 409s). OCI answers carry these
 * in `application/problem+json` bodies; Onhand's own codes (domain/codes.ts) stay for its other APIs; the engine's refusals are mapped onto these at the OCI boundary (http/oci/), which is why they live here and not in domain/.
 */
export const OCI_ERROR_CODES = [
  'InsufficientQuantity',
  'DuplicateGroupId',
  'InvalidGroupId',
  'DuplicateSku',
  'MissingParameter',
  'InvalidRequest',
  'InvalidRequestParameter',
  'EntityAlreadyExists',
  'EntityExists',
  'PositiveQuantityRequired',
  'ReservationInUnknownState',
  'ReservationInvalidState',
  'ReservationCancelled',
  'EntityNotFound',
  'ReservationCancellationFailed',
  'ExportInProcess',
  'ExportProcessFailed',
  'Unknown',
  'DuplicateEventId',
  'ReservationOperationInProcess',
  'ConcurrentModification',
  'GroupDoesNotExist',
  'OnlyOneLocationSupported',
  'NotAppliedDueToAtomicFailure',
  'ImportInProgress',
  'ExpiredDeltaLink',
  'InventoryReset',
  'UnableToStartExport',
  'ResourceNotFound',
  'LocationListMustNotBeEmpty',
  'SeeOtherResource',
  'TenantNotProvisioned',
  'ReservationAlreadyFinalized',
  'MismatchedGroupAndLocation',
  'GroupMustNotBeEmpty',
  'LocationListTooLarge',
  'ExpiredUploadLink',
  'ExpiredResultLink',
  'FileAlreadyReceived',
  'IllegalGroupState',
  'DeleteTenantNotAllowed',
  'TenantResetInProgress',
  'LocationDoesNotExist',
  'LocationNotInGroup',
  'PreviousRequestAborted',
  'PreviousRequestCancelled',
  'DuplicateLocationId',
] as const;

export type OciErrorCode = (typeof OCI_ERROR_CODES)[number];

/** What an OCI problem may name besides its code and message (spec §1.3). */
export interface OciProblemFields {
  parameterName?: string;
  location?: string;
  group?: string;
  detail?: string;
}

/**
 * A refusal in the OCI API's own terms: the HTTP status and `errorCode` the specification gives, sent
 * as `application/problem+json` `{ type: "about:blank", errorCode, message, … }` by the OCI routes'
 * error handler. The engine's OnhandErrors are mapped to these at the OCI boundary.
 */
export class OciProblem extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: OciErrorCode,
    message: string,
    readonly fields: OciProblemFields = {},
  ) {
    super(message);
    this.name = 'OciProblem';
  }

  body(): Record<string, unknown> {
    return { type: 'about:blank', errorCode: this.errorCode, message: this.message, ...this.fields };
  }
}
