/**
 * Offline sync for Timpora Kit: an IndexedDB outbox sent with idempotency keys and backoff, a change-feed
 * puller, conflicts that always reach the app, one leading tab (Web Locks), and a status for the portal header.
 *
 * ```ts
 * import { TimporaSync, HttpTransport, IdbSyncStorage } from 'timpora-kit/sdk/sync';
 * const sync = new TimporaSync({
 *   storage: new IdbSyncStorage({ db, collections: ['records', 'operations', 'agencies'] }),
 *   transport: new HttpTransport({ baseUrl: 'https://timpora.example.go.id/api', token: () => auth.token() }),
 * });
 * sync.on('conflict', (e) => askOfficer(e.detail));
 * sync.start();
 * ```
 * @module
 */
export * from './errors.ts';
export * from './types.ts';
export * from './transport.ts';
export * from './http-transport.ts';
export * from './storage.ts';
export * from './memory-storage.ts';
export * from './memory-transport.ts';
export * from './backoff.ts';
export { deepEqual, sameContent } from './equality.ts';
export { LeaderElection, defaultLocks, type LockManagerLike } from './leader.ts';
export { pushOutbox, type PushReport, type SenderContext } from './outbox-sender.ts';
export { pull, resync, CURSOR_KEY, type PullReport, type PullContext } from './puller.ts';
export { listConflicts, listFailed, resolveConflict, retryFailed, discardFailed, type ConflictChoice } from './resolution.ts';
export * from './sync-engine.ts';
export * from './idb-storage.ts';
export * from './client-factory.ts';
