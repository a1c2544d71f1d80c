/**
 * Data lifetime on the device: the retention purge (cached personal data not updated within the retention
 * period, unless a local change still waits in the outbox) and the wipe done at sign-out.
 * Both work with or without encryption at rest and need no network.
 * @module
 */
import { COLLECTIONS } from '../store/schema.ts';
import type { TimporaStore} from '../store/store.ts';
import { type StoreName } from '../store/store.ts';
import { toStoreError } from '../store/errors.ts';

/** What {@link purgeExpired} removed. */
export interface PurgeReport {
  /** Ids of the records removed from this device. */
  records: string[];
  /** Keys of the drafts removed. */
  drafts: string[];
}

/**
 * Removes from the local store, in one transaction, every record whose `updatedAt` is before `cutoff` and
 * that has no pending outbox entry, and every draft last saved before `cutoff`. These are local cache
 * removals: nothing is put in the outbox (the server keeps its copy). Subscribers hear a `delete`.
 */
export async function purgeExpired(store: TimporaStore, cutoff: Date): Promise<PurgeReport> {
  const cutoffIso = cutoff.toISOString();
  const cutoffMs = cutoff.getTime();
  const report: PurgeReport = { records: [], drafts: [] };
  await store.transaction(['records', 'outbox', 'drafts'], 'readwrite', (tx) => {
    const records = tx.objectStore('records');
    const pending = tx.objectStore('outbox').index('entity');
    const drafts = tx.objectStore('drafts');
    const walk = (request: IDBRequest<IDBCursorWithValue | null>, visit: (cursor: IDBCursorWithValue) => void): Promise<void> =>
      new Promise((resolve, reject) => {
        request.onerror = () => reject(toStoreError(request.error));
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve();
          visit(cursor);
          cursor.continue();
        };
      });
    // `upd` keys are `[updatedAt, id]`: everything below `[cutoff]` was last updated before the cutoff.
    const recordsDone = walk(records.index('upd').openCursor(IDBKeyRange.upperBound([cutoffIso], true)), (cursor) => {
      const id = cursor.primaryKey as string;
      const count = pending.count(['records', id]);
      count.onsuccess = () => {
        if (count.result === 0) {
          records.delete(id);
          report.records.push(id);
        }
      };
    });
    const draftsDone = walk(drafts.openCursor(), (cursor) => {
      const d = cursor.value as { key: string; updatedAt?: number };
      if (typeof d.updatedAt === 'number' && d.updatedAt < cutoffMs) {
        cursor.delete();
        report.drafts.push(d.key);
      }
    });
    return Promise.all([recordsDone, draftsDone]).then(() => undefined);
  });
  if (report.records.length) store.notify({ collection: 'records', op: 'delete', ids: report.records, source: 'local' });
  if (report.drafts.length) store.notify({ collection: 'drafts', op: 'delete', ids: report.drafts, source: 'local' });
  return report;
}

/**
 * Sign-out wipe: clears every object store (entities, outbox, drafts, meta with the encryption keys) in one
 * transaction, closes the store, then deletes the database. When another tab keeps the database open the
 * deletion completes once that tab steps aside (stores close on `versionchange`); the data is already gone.
 */
export async function wipeStore(store: TimporaStore): Promise<void> {
  const all: StoreName[] = [...COLLECTIONS, 'outbox', 'meta', 'drafts'];
  let clearError: unknown;
  try {
    await store.transaction(all, 'readwrite', (tx) => {
      for (const name of all) tx.objectStore(name).clear();
    });
  } catch (e) {
    clearError = e;
  } finally {
    store.close();
  }
  const deleted = await new Promise<boolean>((resolve) => {
    const r = indexedDB.deleteDatabase(store.dbName);
    const timer = setTimeout(() => resolve(false), 5000);
    r.onsuccess = () => {
      clearTimeout(timer);
      resolve(true);
    };
    r.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
  });
  // The clear failed (closed store, lost connection) and the database could not be deleted: say so.
  if (clearError !== undefined && !deleted) throw toStoreError(clearError);
}
