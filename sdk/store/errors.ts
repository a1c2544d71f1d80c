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
 * - `locked`: encryption at rest is on and the client is locked (`client.lock()`, or a passphrase is needed).
 * - `decrypt_failed`: stored ciphertext did not authenticate (tampered or moved data, or the wrong key); no data is returned.
 * - `crypto_unavailable`: WebCrypto (`crypto.subtle`) is missing, e.g. outside a secure context.
 * - `wrong_passphrase`: `client.unlock(passphrase)` got a passphrase that does not open the stored keys.
 * - `unsupported`: the request cannot be served in this configuration (e.g. name sorting with encryption at rest).
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
  | 'locked'
  | 'decrypt_failed'
  | 'crypto_unavailable'
  | 'wrong_passphrase'
  | 'unsupported'
  | 'unknown';

/** Base class of all store errors. Messages are for developers (English, no personal data); UIs localise `code`. */
export class StoreError extends Error {
  /** Stable, machine-readable reason (see {@link StoreErrorCode}); switch on this, not on `message` or the class name. */
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
  /** Collection that was searched (`records`, `operations`, `agencies`). */
  readonly collection: string;
  /** The id that was not found. */
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
  /** Collection of the entity (`records`, `operations`, `agencies`). */
  readonly collection: string;
  /** Id of the entity whose write conflicted. */
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
  /** Every issue found: `severity: 'error'` ones blocked the write, `warning` ones are advisory. */
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

/** Encryption at rest is on and the client is locked: call `client.unlock()` (with the passphrase when one is set). */
export class LockedError extends StoreError {
  constructor() {
    super('locked', 'The store is locked; unlock it first');
    this.name = 'LockedError';
  }
}

/** Stored ciphertext failed authentication (tampered, swapped between rows, or wrong key). Nothing is returned. */
export class DecryptFailedError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('decrypt_failed', 'Stored data failed authentication and was not returned', options);
    this.name = 'DecryptFailedError';
  }
}

/** WebCrypto (`crypto.subtle`) is not available (insecure context or unsupported browser). */
export class CryptoUnavailableError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('crypto_unavailable', 'WebCrypto is not available (a secure context is required)', options);
    this.name = 'CryptoUnavailableError';
  }
}

/** The passphrase given to `unlock` does not open the stored keys. */
export class WrongPassphraseError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('wrong_passphrase', 'The passphrase does not open the stored keys', options);
    this.name = 'WrongPassphraseError';
  }
}

/** The request is not supported in this configuration (`detail` says which, without personal data). */
export class UnsupportedError extends StoreError {
  /** What is not supported (English, no personal data). */
  readonly detail: string;
  constructor(detail: string) {
    super('unsupported', `Not supported: ${detail}`);
    this.name = 'UnsupportedError';
    this.detail = detail;
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
