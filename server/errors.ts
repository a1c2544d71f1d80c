/**
 * Typed API errors of the reference server. Every error leaves the server in the one JSON shape of the
 * contract: `{ error: { code, message, issues?, current?, cursor? } }`.
 * @module
 */
import type { ValidationIssue } from '../sdk/model/validation.ts';

/** Stable error codes of the HTTP contract (`components.schemas.ErrorCode` in docs/openapi.yaml). */
export type ApiErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'restricted_field'
  | 'not_found'
  | 'already_exists'
  | 'version_conflict'
  | 'precondition_required'
  | 'idempotency_key_reused'
  | 'cursor_expired'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal';

/** Body of every error response. */
export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    issues?: ValidationIssue[];
    current?: Record<string, unknown>;
    cursor?: string;
  };
}

/** An error that maps to one HTTP answer. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: {
      issues?: ValidationIssue[];
      current?: Record<string, unknown>;
      cursor?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  /** The JSON body of the answer. */
  toBody(): ApiErrorBody {
    const error: ApiErrorBody['error'] = { code: this.code, message: this.message };
    if (this.extra.issues) error.issues = this.extra.issues;
    if (this.extra.current) error.current = this.extra.current;
    if (this.extra.cursor !== undefined) error.cursor = this.extra.cursor;
    return { error };
  }
}

/** `400 validation_failed` with issues. */
export function validationFailed(issues: ValidationIssue[]): ApiError {
  return new ApiError(400, 'validation_failed', 'The request is invalid; see issues.', { issues });
}
