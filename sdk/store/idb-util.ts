/**
 * Small promise helpers over raw IndexedDB requests and transactions (the hot paths avoid per-request
 * wrappers for speed).
 * @module
 */
import { toStoreError } from './errors.ts';

/** Resolves with the request's result; rejects with a typed store error. */
export function req<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(toStoreError(request.error));
  });
}

/**
 * Resolves when the transaction commits; rejects with `failure()` (the first error our code recorded) or the
 * transaction's own error mapped to a typed store error.
 */
export function done(tx: IDBTransaction, failure: () => unknown = () => undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = (): void => reject(toStoreError(failure() ?? tx.error ?? new DOMException('Transaction aborted', 'AbortError')));
    tx.onabort = fail;
    // `error` bubbles from requests before `abort`; the abort handler reports it.
  });
}
