/**
 * Typed errors of the sync layer. Every error carries a stable {@link SyncErrorCode} so apps can branch on
 * `error.code` without parsing messages. Messages never contain personal data.
 * @module
 */

/**
 * Stable codes of sync failures.
 * - `network`: the request did not reach the server or no answer came back (offline, DNS, reset).
 * - `timeout`: no answer within the configured time; the request was aborted.
 * - `unauthorized`: 401, the bearer token is missing, expired or invalid.
 * - `forbidden`: 403, the user or agency may not do this (e.g. editing another agency's record).
 * - `conflict`: 412 (or 409/404 on an update): the server holds another version; `current` carries it.
 * - `validation`: 400/422, the server rejected the content; `issues` carries field codes.
 * - `gone`: 410, the change-feed cursor is too old; the client must resync.
 * - `precondition_required`: 428, a write was sent without If-Match (a client bug or adapter bug).
 * - `server`: any other failure (5xx, 429, unexpected answers); retried with backoff.
 * - `aborted`: the caller aborted (sync stopped).
 * - `not_found`: the app asked to resolve or retry something that does not exist (any more).
 */
export type SyncErrorCode =
  | 'network'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'validation'
  | 'gone'
  | 'precondition_required'
  | 'server'
  | 'aborted'
  | 'not_found';

/** One field problem reported by the server, with a code matching `sdk/model` validation codes. */
export interface SyncValidationIssue {
  /** Field path, e.g. `identity.surname`. */
  path: string;
  /** Stable validation code, e.g. `required`, `invalid_date`. */
  code: string;
  /** Optional human text from the server (not shown as-is in widgets). */
  message?: string;
  /** `error` blocks the write; `warning` is informative. */
  severity?: 'error' | 'warning';
  /** Values for the message (limits, expected formats). */
  params?: Record<string, string | number>;
}

/** Options of {@link SyncError}. */
export interface SyncErrorOptions {
  /** HTTP status when there was an answer. */
  status?: number;
  /** The server's own error code from `{error:{code}}`. */
  serverCode?: string;
  /** Field problems (validation). */
  issues?: SyncValidationIssue[];
  /** The server's current entity (conflict), `null` when the server no longer has it. */
  current?: Record<string, unknown> | null;
  /** Seconds the server asked us to wait (Retry-After). */
  retryAfter?: number;
  /** The underlying error. */
  cause?: unknown;
}

/** Base error of the sync layer; check `code`. */
export class SyncError extends Error {
  /** Always `SyncError`. */
  override readonly name: string = 'SyncError';
  /** Stable error code. */
  readonly code: SyncErrorCode;
  /** HTTP status, if the server answered. */
  readonly status: number | undefined;
  /** The server's `error.code`, if any. */
  readonly serverCode: string | undefined;
  /** Field issues (validation). */
  readonly issues: SyncValidationIssue[] | undefined;
  /** Server's current entity on conflicts (`null` = deleted on the server); `undefined` otherwise. */
  readonly current: Record<string, unknown> | null | undefined;
  /** Seconds the server asked to wait (`Retry-After`), if any. */
  readonly retryAfter: number | undefined;

  constructor(code: SyncErrorCode, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.serverCode = options.serverCode;
    this.issues = options.issues;
    this.current = options.current;
    this.retryAfter = options.retryAfter;
  }

  /** True for failures that are worth retrying later (network, timeout, 5xx, 429). */
  get retryable(): boolean {
    return this.code === 'network' || this.code === 'timeout' || this.code === 'server';
  }

  /** A plain, serialisable summary (safe to persist in IndexedDB or post to other tabs). */
  toJSON(): SyncErrorInfo {
    const info: SyncErrorInfo = { code: this.code, message: this.message };
    if (this.status !== undefined) info.status = this.status;
    if (this.serverCode !== undefined) info.serverCode = this.serverCode;
    if (this.issues !== undefined) info.issues = this.issues;
    return info;
  }
}

/** Serialisable form of a {@link SyncError}. */
export interface SyncErrorInfo {
  /** Stable error code. */
  code: SyncErrorCode;
  /** English message for developers. */
  message: string;
  /** HTTP status, if any. */
  status?: number;
  /** The server's `error.code`, if any. */
  serverCode?: string;
  /** Field issues (validation). */
  issues?: SyncValidationIssue[];
}

/** Wrap anything thrown into a {@link SyncError} (unknown errors become `server`). */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new SyncError('aborted', 'The request was aborted.', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError('server', `Unexpected sync failure: ${message}`, { cause: error });
}
