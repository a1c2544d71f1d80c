/**
 * {@link IdbSyncStorage}: the {@link SyncStorage} over the `sdk/store` IndexedDB database. Entities live in
 * the collection stores as rows (`toStoredRow(entity)`, entity in `row.v`), the outbox in `outbox` (index `entity`
 * on `[collection, id]`), the change-feed cursor in `meta`. Changes the engine makes are announced through
 * the store's `notify` with `source: 'remote'`, so every tab's widgets refresh.
 * @module
 */
import { req } from '../store/idb-util.ts';
import { toStoredRow, type CollectionName, type Row } from '../store/schema.ts';
import type { StoreName, TimporaStore } from '../store/store.ts';
import { SyncError } from './errors.ts';
import type { LocalChange, SyncStorage, SyncStorageTx } from './storage.ts';
import type { OutboxEntry, SyncEntity } from './types.ts';

/** Options of {@link IdbSyncStorage}. */
export interface IdbSyncStorageOptions {
  /** The local store (its database holds entities, outbox and meta). */
  store: TimporaStore;
  /** Collections to sync (default all three). */
  collections?: readonly CollectionName[];
}

/** A store that runs sync steps itself (`EncryptedTimporaStore`: encryption outside IndexedDB transactions). */
interface SealedSyncStore {
  sealedSyncTransaction(collections: readonly string[], mode: 'readonly' | 'readwrite', fn: (tx: SyncStorageTx) => Promise<unknown>): Promise<unknown>;
}

/** Sync storage on the Timpora IndexedDB database. */
export class IdbSyncStorage implements SyncStorage {
  readonly collections: readonly CollectionName[];
  readonly #store: TimporaStore;

  constructor(options: IdbSyncStorageOptions) {
    this.#store = options.store;
    this.collections = options.collections ?? ['records', 'operations', 'agencies'];
  }

  transaction<T>(
    collections: readonly string[],
    mode: 'readonly' | 'readwrite',
    fn: (tx: SyncStorageTx) => Promise<T>,
  ): Promise<T> {
    // Encryption at rest: the encrypted store runs the step itself, keeping WebCrypto out of the transaction.
    const sealed = (this.#store as Partial<SealedSyncStore>).sealedSyncTransaction;
    if (typeof sealed === 'function') return sealed.call(this.#store, collections, mode, fn) as Promise<T>;
    const stores: StoreName[] = [...new Set([...collections.filter(isCollection), 'outbox' as const, 'meta' as const])];
    return this.#store.transaction(stores, mode, (tx) => fn(wrap(tx))).catch((error: unknown) => {
      // The store wraps whatever aborted the transaction; give our own typed errors back unchanged.
      const cause = (error as { cause?: unknown } | null)?.cause;
      throw cause instanceof SyncError ? cause : error;
    });
  }

  notify(changes: LocalChange[]): void {
    const groups = new Map<string, { collection: CollectionName; op: 'put' | 'delete'; ids: string[] }>();
    for (const change of changes) {
      if (!isCollection(change.collection)) continue;
      const key = `${change.collection}\u0000${change.op}`;
      const group = groups.get(key) ?? { collection: change.collection, op: change.op, ids: [] };
      group.ids.push(change.id);
      groups.set(key, group);
    }
    for (const group of groups.values()) this.#store.notify({ ...group, source: 'remote' });
  }

  onLocalWrite(listener: () => void): () => void {
    return this.#store.subscribe((change) => {
      if (change.source !== 'remote' && change.collection !== 'drafts') listener();
    });
  }
}

function isCollection(name: string): name is CollectionName {
  return name === 'records' || name === 'operations' || name === 'agencies';
}

function wrap(tx: IDBTransaction): SyncStorageTx {
  const entities = (collection: string): IDBObjectStore => tx.objectStore(collection);
  const outbox = (): IDBObjectStore => tx.objectStore('outbox');
  return {
    async getEntity(collection, id) {
      const row = (await req(entities(collection).get(id))) as Row<SyncEntity> | undefined;
      return row?.v;
    },
    async putEntity(collection, entity) {
      if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
      await req(entities(collection).put(toStoredRow(collection, entity as never)));
    },
    async putEntities(collection, list) {
      if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
      const os = entities(collection);
      let last: IDBRequest | undefined;
      for (const entity of list) last = os.put(toStoredRow(collection, entity as never));
      if (last) await req(last);
    },
    async deleteEntity(collection, id) {
      await req(entities(collection).delete(id));
    },
    async entityIds(collection) {
      return (await req(entities(collection).getAllKeys())) as string[];
    },
    async outbox() {
      return (await req(outbox().getAll())) as OutboxEntry[];
    },
    async outboxFor(collection, id) {
      return (await req(outbox().index('entity').getAll([collection, id]))) as OutboxEntry[];
    },
    async putOutbox(entry) {
      await req(outbox().put(entry));
    },
    async addOutbox(entry) {
      return (await req(outbox().add(entry))) as number;
    },
    async deleteOutbox(seq) {
      await req(outbox().delete(seq));
    },
    async getMeta(key) {
      return (await req(tx.objectStore('meta').get(key))) as unknown;
    },
    async putMeta(key, value) {
      await req(tx.objectStore('meta').put(value, key));
    },
  };
}
