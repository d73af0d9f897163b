/** Why an import request is refused; the OCI routes turn these into the spec's problems. */
export type ImportRefusalReason =
  | 'not_found'
  | 'already_received'
  | 'expired_link'
  | 'in_progress'
  | 'expired_result'
  | 'too_large';

export class OciImportRefusal extends Error {
  constructor(
    readonly reason: ImportRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OciImportRefusal';
  }
}
