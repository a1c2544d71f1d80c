/**
 * Typed errors of the local store and the client. Every failure of a read or write rejects with a
 * {@link StoreError} subclass carrying a stable {@link StoreErrorCode}; no write is dropped silently.
 * @module
 */
import type { ValidationIssue } from '../model/validation.ts';

/**
 * Stable error codes:
 * - `quota_exceeded`: the browser refused to store more data (disk quota). Nothing of the failed batch was written.
 * - `connection_lost`: the database connection closed under the operation (storage cleared, browser shutting down,
 *   another tab upgrading). The operation did not complete; retrying later is safe.
 * - `unavailable`: IndexedDB cannot be used here (private mode, disabled by policy, unsupported browser).
 * - `blocked`: a schema upgrade is waiting for another tab that keeps an old connection open.
 * - `not_found`: the entity does not exist.
 * - `conflict`: the entity changed since it was read (version mismatch), or a create hit an existing id.
 * - `validation`: the entity did not pass `sdk/model` validation; see {@link ValidationError.issues}.
 * - `closed`: the client/store was closed with `close()`.
 * - `unknown`: any other IndexedDB failure (the original error is in `cause`).
 */
export type StoreErrorCode =
  | 'quota_exceeded'
  | 'connection_lost'
  | 'unavailable'
  | 'blocked'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'closed'
  | 'unknown';

/** Base class of all store errors. Messages are for developers (English, no personal data); UIs localise `code`. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** The browser's storage quota is exhausted (`QuotaExceededError`). The whole batch was rolled back. */
export class QuotaExceededError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('quota_exceeded', 'Storage quota exceeded; the write was not saved', options);
    this.name = 'QuotaExceededError';
  }
}

/** The connection to IndexedDB was lost during the operation; it did not complete. */
export class ConnectionLostError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('connection_lost', 'Database connection lost; the operation did not complete', options);
    this.name = 'ConnectionLostError';
  }
}

/** IndexedDB is not available (private browsing, disabled, unsupported). */
export class StorageUnavailableError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('unavailable', 'IndexedDB is not available in this browser context', options);
    this.name = 'StorageUnavailableError';
  }
}

/** Opening the database waited too long for another tab to close its old connection. */
export class BlockedError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('blocked', 'Database upgrade blocked by another open tab', options);
    this.name = 'BlockedError';
  }
}

/** The entity does not exist. */
export class NotFoundError extends StoreError {
  readonly collection: string;
  readonly id: string;
  constructor(collection: string, id: string) {
    super('not_found', `No ${collection} entity with this id`);
    this.name = 'NotFoundError';
    this.collection = collection;
    this.id = id;
  }
}

/**
 * The write was based on an outdated version (someone else, e.g. another tab or the sync engine, wrote first),
 * or a create used an id that already exists.
 */
export class ConflictError extends StoreError {
  readonly collection: string;
  readonly id: string;
  /** Version the caller based the write on (`0` for a create). */
  readonly expectedVersion: number;
  /** Version currently stored (`undefined` when the entity no longer exists). */
  readonly actualVersion: number | undefined;
  constructor(collection: string, id: string, expectedVersion: number, actualVersion: number | undefined) {
    super('conflict', `Version conflict on ${collection} entity`);
    this.name = 'ConflictError';
    this.collection = collection;
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** The entity failed validation. `issues` holds every issue (errors and warnings) with stable codes. */
export class ValidationError extends StoreError {
  readonly issues: ValidationIssue[];
  /** Index of the failing entity in a `putMany` batch (0 for `put`). */
  readonly index: number;
  constructor(issues: ValidationIssue[], index = 0) {
    super('validation', `Entity failed validation (${issues.filter((i) => i.severity === 'error').length} errors)`);
    this.name = 'ValidationError';
    this.issues = issues;
    this.index = index;
  }
}

/** The client or store was closed. */
export class ClosedError extends StoreError {
  constructor() {
    super('closed', 'The store was closed');
    this.name = 'ClosedError';
  }
}

/** True for any {@link StoreError}. */
export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

/**
 * Maps a DOMException (or anything thrown by IndexedDB) to a typed {@link StoreError}. StoreErrors pass through.
 */
export function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const name = (e as { name?: unknown } | null)?.name;
  switch (name) {
    case 'QuotaExceededError':
      return new QuotaExceededError({ cause: e });
    case 'InvalidStateError':
    case 'TransactionInactiveError':
    case 'AbortError':
      return new ConnectionLostError({ cause: e });
    case 'SecurityError':
    case 'NotSupportedError':
      return new StorageUnavailableError({ cause: e });
    case 'UnknownError':
      // Chromium reports disk errors and "internal error opening backing store" this way.
      return new StoreError('unknown', 'IndexedDB internal error', { cause: e });
    default:
      return new StoreError('unknown', 'IndexedDB operation failed', { cause: e });
  }
}
