/**
 * The local IndexedDB store: one database, versioned schema, batched atomic writes (with the outbox entry in
 * the same transaction), indexed queries, cross-tab change notifications and typed errors.
 *
 * Most code uses it through `createTimporaClient()`; the sync engine (`sdk/sync`) uses the lower-level
 * {@link TimporaStore.transaction}, `toStoredRow`/`row.v` and {@link TimporaStore.notify} to apply server
 * changes and drain the outbox atomically.
 * @module
 */
import { openDB, unwrap, type IDBPDatabase } from 'idb';
import { newId } from '../model/factory.ts';
import { done, req } from './idb-util.ts';
import {
  BlockedError,
  ClosedError,
  ConflictError,
  ConnectionLostError,
  NotFoundError,
  QuotaExceededError,
  StorageUnavailableError,
  StoreError,
  UnsupportedError,
  toStoreError,
} from './errors.ts';
import {
  COLLECTIONS,
  DEFAULT_DB_NAME,
  INDEXES,
  SCHEMA_VERSION,
  docToken,
  rowHasTokenPrefix,
  toStoredRow,
  upgrade,
  type CollectionName,
  type CollectionTypes,
  type DraftEntry,
  type OutboxEntry,
  type Row,
  type TimporaDB,
} from './schema.ts';

/** Names of all object stores. */
export type StoreName = CollectionName | 'outbox' | 'meta' | 'drafts';

/** Options of {@link TimporaStore}. */
export interface StoreOptions {
  /** Database name (default `timpora-kit`); tests use unique names. */
  dbName?: string;
  /**
   * How long an open may wait for other tabs to close an old connection during a schema upgrade before the
   * operation rejects with {@link BlockedError} (ms, default 10,000). The open keeps waiting in the background.
   */
  blockedTimeoutMs?: number;
  /** Announce changes to other tabs through BroadcastChannel (default true where available). */
  broadcast?: boolean;
  /**
   * IndexedDB durability of write transactions. Unset: `'strict'` for local writes that queue an outbox entry
   * (flushed to disk before the call returns, so an officer's write survives a power loss; Chromium's
   * `'default'` behaves like `'relaxed'`), the browser's `'default'` for everything else (pulled pages,
   * drafts, metadata), which can be pulled or typed again. Set: used for every write transaction.
   */
  durability?: IDBTransactionDurability;
  /** Clock for outbox timestamps (tests). */
  now?: () => number;
}

/** Where a change came from: this store instance, another tab/instance on the same database, or the server (sync). */
export type ChangeSource = 'local' | 'tab' | 'remote';

/** A committed change, delivered to subscribers in this instance and (through BroadcastChannel) other tabs. */
export interface StoreChange {
  /** The object store that changed (a collection, or `drafts`). */
  collection: CollectionName | 'drafts';
  /** `put` (created, updated or replaced) or `delete`. */
  op: 'put' | 'delete';
  /** Ids (draft keys for `drafts`) of everything the committed batch touched. */
  ids: string[];
  /** Who made the change: this instance, another tab, or the server through sync. */
  source: ChangeSource;
}

/** A listener of {@link StoreChange}s. */
export type ChangeListener = (change: StoreChange) => void;

/** One write in a batch. */
export type WriteOp<T> =
  /** Insert a new entity; rejects the batch with {@link ConflictError} when the id exists. */
  | {
      /** Insert. */
      kind: 'create';
      /** The complete entity (with `id`), stored as is. */
      entity: T;
    }
  /**
   * Read the current entity inside the transaction and write what `build` returns. `build` runs synchronously in
   * the transaction; throwing (e.g. {@link ConflictError}, a validation error) aborts the whole batch.
   */
  | {
      /** Read-modify-write. */
      kind: 'update';
      /** Id of the entity to read. */
      id: string;
      /** Returns the entity to store from the stored one (`undefined` when absent); must not be async. */
      build: (existing: T | undefined) => T;
    }
  /** Overwrite unconditionally (server state applied by sync, imports). */
  | {
      /** Unconditional overwrite. */
      kind: 'replace';
      /** The complete entity (with `id`), stored as is. */
      entity: T;
    }
  /** Remove; with `expectedVersion`, rejects with {@link ConflictError} when the stored version differs. */
  | {
      /** Remove. */
      kind: 'delete';
      /** Id of the entity to remove. */
      id: string;
      /** Version the caller read; the batch rejects with {@link ConflictError} when the stored one differs. */
      expectedVersion?: number;
    };

/** Options of {@link TimporaStore.write}. */
export interface WriteOptions {
  /** Also append an outbox entry per change in the same transaction (sync on). Default false. */
  outbox?: boolean;
  /** Source reported to subscribers (default `local`). */
  source?: 'local' | 'remote';
}

/** Result of one op of a batch: the written entity, or for deletes whether something was deleted. */
export type WriteResult<T> =
  | {
      /** The op stored an entity (`create`, `update`, `replace`). */
      op: 'put';
      /** The entity as stored. */
      entity: T;
    }
  | {
      /** The op was a `delete`. */
      op: 'delete';
      /** Id that was deleted. */
      id: string;
      /** False when there was nothing to delete. */
      deleted: boolean;
      /** The entity as it was before deletion, when there was one. */
      previous?: T;
    };

/** A page request against one index. */
export interface IndexQuery<T> {
  /** Index name (see `INDEXES` in `schema.ts`). */
  index: string;
  /** Key range on the index (`null`/absent: the whole index). */
  range?: IDBKeyRange | null;
  /** `next` (ascending, default) or `prev` (descending). */
  direction?: 'next' | 'prev';
  /** Maximum number of rows returned (after `filter`). */
  limit: number;
  /** Extra filter on rows (applied while walking the index). */
  filter?: (row: Row<T>) => boolean;
}

interface ChannelMessage {
  t: 'change';
  collection: CollectionName | 'drafts';
  op: 'put' | 'delete';
  ids: string[];
  source: ChangeSource;
}

type IndexWithGetAllRecords = IDBIndex & {
  getAllRecords?: (options: { query?: IDBKeyRange | null; count?: number; direction?: IDBCursorDirection }) => IDBRequest<{ value: unknown }[]>;
};

/**
 * The IndexedDB store. Opens lazily on first use; survives `versionchange` (closes at once so other tabs can
 * upgrade, reopens on next use) and lost connections (next use reopens; the failed operation rejects with
 * {@link ConnectionLostError}).
 */
export class TimporaStore {
  /** Name of the IndexedDB database ({@link StoreOptions.dbName}, default `timpora-kit`). */
  readonly dbName: string;
  readonly #blockedTimeoutMs: number;
  readonly #durability: IDBTransactionDurability | undefined;
  readonly #now: () => number;
  #db: IDBDatabase | null = null;
  #opening: Promise<IDBDatabase> | null = null;
  #pendingOpen: Promise<IDBPDatabase<TimporaDB>> | null = null;
  #pendingBlocked = false;
  readonly #blockedListeners = new Set<() => void>();
  #closed = false;
  #channel: BroadcastChannel | null = null;
  readonly #listeners = new Set<ChangeListener>();
  readonly #events = new EventTarget();

  constructor(options: StoreOptions = {}) {
    this.dbName = options.dbName ?? DEFAULT_DB_NAME;
    this.#blockedTimeoutMs = options.blockedTimeoutMs ?? 10_000;
    this.#durability = options.durability;
    this.#now = options.now ?? Date.now;
    if ((options.broadcast ?? true) && typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`timpora-kit:${this.dbName}`);
      this.#channel.onmessage = (e: MessageEvent<ChannelMessage>) => {
        const m = e.data;
        if (m && m.t === 'change') this.#emit({ collection: m.collection, op: m.op, ids: m.ids, source: m.source === 'remote' ? 'remote' : 'tab' });
      };
    }
  }

  /**
   * Lifecycle events: `versionchange` (another tab upgrades; this connection was closed and will reopen),
   * `blocked` (our upgrade waits for another tab), `connectionlost` (the browser closed the connection).
   */
  addEventListener(type: 'versionchange' | 'blocked' | 'connectionlost' | 'open', listener: (e: Event) => void): void {
    this.#events.addEventListener(type, listener);
  }
  /** Removes a listener added with {@link addEventListener}. */
  removeEventListener(type: 'versionchange' | 'blocked' | 'connectionlost' | 'open', listener: (e: Event) => void): void {
    this.#events.removeEventListener(type, listener);
  }

  /** The open database (opens it when needed). */
  async database(): Promise<IDBDatabase> {
    if (this.#closed) throw new ClosedError();
    if (this.#db) return this.#db;
    this.#opening ??= this.#open().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  async #open(): Promise<IDBDatabase> {
    if (typeof indexedDB === 'undefined' || indexedDB === null) throw new StorageUnavailableError();
    let blockedTimer: ReturnType<typeof setTimeout> | undefined;
    let rejectBlocked: (e: unknown) => void = () => {};
    const blockedPromise = new Promise<never>((_, reject) => {
      rejectBlocked = reject;
    });
    blockedPromise.catch(() => {});
    const startBlockedTimer = (): void => {
      blockedTimer ??= setTimeout(() => rejectBlocked(new BlockedError()), this.#blockedTimeoutMs);
    };
    const attempt = (version: number | undefined): Promise<IDBPDatabase<TimporaDB>> =>
      openDB<TimporaDB>(this.dbName, version, {
        upgrade: (db, oldVersion, _newVersion, tx) => {
          upgrade(db, oldVersion, tx).catch(() => {
            try {
              tx.abort();
            } catch {
              /* already finished */
            }
          });
        },
        blocked: () => {
          this.#pendingBlocked = true;
          this.#events.dispatchEvent(new Event('blocked'));
          this.#blockedListeners.forEach((l) => l());
        },
        blocking: (_current, _next, event) => this.#onVersionChange(event.target as IDBDatabase),
        terminated: () => this.#onTerminated(),
      });
    try {
      // An earlier open may still be waiting for another tab (it timed out with BlockedError): keep waiting on it
      // rather than opening a second request.
      let pending = this.#pendingOpen;
      if (!pending) {
        this.#pendingBlocked = false;
        pending = attempt(SCHEMA_VERSION).catch(async (e: unknown) => {
          if ((e as { name?: string } | null)?.name === 'VersionError') {
            // The database was upgraded by newer code in another tab: open it at its current version.
            return attempt(undefined);
          }
          throw e;
        });
        this.#pendingOpen = pending;
        const clear = (): void => {
          if (this.#pendingOpen === pending) this.#pendingOpen = null;
        };
        pending.then(
          (pdb) => {
            clear();
            // Opened after every caller gave up (blocked, then closed): adopt it, or close it when the store is closed.
            const db = unwrap(pdb) as IDBDatabase;
            if (this.#closed) db.close();
            else if (!this.#db) this.#db = db;
          },
          clear,
        );
      }
      if (this.#pendingBlocked) startBlockedTimer();
      const onBlocked = (): void => startBlockedTimer();
      this.#blockedListeners.add(onBlocked);
      let pdb: IDBPDatabase<TimporaDB>;
      try {
        pdb = await Promise.race([pending, blockedPromise]);
      } finally {
        this.#blockedListeners.delete(onBlocked);
      }
      const db = unwrap(pdb) as IDBDatabase;
      for (const name of [...COLLECTIONS, 'outbox', 'meta', 'drafts']) {
        if (!db.objectStoreNames.contains(name)) {
          db.close();
          throw new StorageUnavailableError({ cause: new Error(`Object store ${name} missing`) });
        }
      }
      if (this.#closed) {
        db.close();
        throw new ClosedError();
      }
      this.#db = db;
      this.#events.dispatchEvent(new Event('open'));
      return db;
    } catch (e) {
      if (e instanceof StoreError) throw e;
      const name = (e as { name?: string } | null)?.name;
      if (name === 'QuotaExceededError') throw new QuotaExceededError({ cause: e });
      throw new StorageUnavailableError({ cause: e });
    } finally {
      if (blockedTimer !== undefined) clearTimeout(blockedTimer);
    }
  }

  #onVersionChange(db: IDBDatabase): void {
    // Another connection wants to upgrade or delete the database: step aside at once, reopen on next use.
    if (this.#db === db) this.#db = null;
    db.close();
    this.#events.dispatchEvent(new Event('versionchange'));
  }

  #onTerminated(): void {
    this.#db = null;
    this.#events.dispatchEvent(new Event('connectionlost'));
  }

  /**
   * Runs `fn` with a native transaction over `stores`. Retries once when the connection was closed between
   * operations (versionchange, lost connection) before anything was written. `fn` must only await requests of
   * this transaction. Resolves after the transaction committed. `durability` applies to `'readwrite'` (default:
   * {@link StoreOptions.durability}, else the browser's `'default'`).
   */
  async transaction<R>(
    stores: StoreName[],
    mode: IDBTransactionMode,
    fn: (tx: IDBTransaction, fail: (e: unknown) => void) => R | Promise<R>,
    durability: IDBTransactionDurability = this.#durability ?? 'default',
  ): Promise<R> {
    let tx: IDBTransaction;
    try {
      tx = this.#begin(await this.database(), stores, mode, durability);
    } catch (e) {
      if (this.#closed) throw new ClosedError();
      if ((e as { name?: string } | null)?.name !== 'InvalidStateError') throw toStoreError(e);
      this.#db = null;
      try {
        tx = this.#begin(await this.database(), stores, mode, durability);
      } catch (e2) {
        throw e2 instanceof StoreError ? e2 : new ConnectionLostError({ cause: e2 });
      }
    }
    let failure: unknown;
    const fail = (e: unknown): void => {
      if (failure === undefined) failure = e;
      try {
        tx.abort();
      } catch {
        /* already aborted or finished */
      }
    };
    if (mode === 'readonly') {
      // Reads resolve as soon as their requests did: waiting for the readonly transaction to finish adds a
      // round trip to the backend and nothing else (a failed request rejects through its own promise).
      try {
        return await fn(tx, fail);
      } catch (e) {
        fail(e);
        throw toStoreError(failure);
      }
    }
    const committed = done(tx, () => failure);
    let result: R;
    try {
      result = await fn(tx, fail);
    } catch (e) {
      fail(e);
      await committed.catch(() => {});
      throw toStoreError(failure);
    }
    try {
      await committed;
    } catch (e) {
      throw toStoreError(failure ?? e);
    }
    return result;
  }

  #begin(db: IDBDatabase, stores: StoreName[], mode: IDBTransactionMode, durability: IDBTransactionDurability): IDBTransaction {
    return mode === 'readwrite' ? db.transaction(stores, mode, { durability }) : db.transaction(stores, mode);
  }

  /** Durability of a local write transaction: `'strict'` when it queues an outbox entry, unless configured. */
  protected localWriteDurability(withOutbox: boolean): IDBTransactionDurability {
    return this.#durability ?? (withOutbox ? 'strict' : 'default');
  }

  // ---------------------------------------------------------------- reads

  /** The entity with `id`, or undefined. */
  async get<C extends CollectionName>(collection: C, id: string): Promise<CollectionTypes[C] | undefined> {
    return this.transaction([collection], 'readonly', async (tx) => {
      const row = (await req(tx.objectStore(collection).get(id))) as Row<CollectionTypes[C]> | undefined;
      return row?.v;
    });
  }

  /** Entities for `ids`, in the same order (undefined where missing). */
  async getMany<C extends CollectionName>(collection: C, ids: readonly string[]): Promise<(CollectionTypes[C] | undefined)[]> {
    if (ids.length === 0) return [];
    return this.transaction([collection], 'readonly', async (tx) => {
      const os = tx.objectStore(collection);
      const rows = await Promise.all(ids.map((id) => req(os.get(id)) as Promise<Row<CollectionTypes[C]> | undefined>));
      return rows.map((r) => r?.v);
    });
  }

  /**
   * Rows whose index `index` equals `key`, in primary-key order. `'doc'` on records looks up a document key
   * (`STATE|NUMBER`, one key, no range): since schema v6 that is the `nm` index at `docToken(key)`.
   */
  async getAllByIndex<C extends CollectionName>(collection: C, index: string, key: IDBValidKey | IDBKeyRange, limit?: number): Promise<Row<CollectionTypes[C]>[]> {
    let [name, k] = [index, key];
    if (collection === 'records' && index === 'doc') {
      if (typeof key !== 'string') throw new UnsupportedError('range lookups of document keys');
      [name, k] = ['nm', docToken(key)];
    }
    return this.transaction([collection], 'readonly', async (tx) => {
      return (await req(tx.objectStore(collection).index(name).getAll(k, limit))) as Row<CollectionTypes[C]>[];
    });
  }

  /** Number of rows in a collection, or in an index range. */
  async count(collection: CollectionName, index?: string, range?: IDBKeyRange | null): Promise<number> {
    return this.transaction([collection], 'readonly', async (tx) => {
      const os = tx.objectStore(collection);
      return req(index ? os.index(index).count(range ?? undefined) : os.count(range ?? undefined));
    });
  }

  /** Walks an index in order and returns up to `limit` rows passing `filter`. */
  async queryIndex<C extends CollectionName>(collection: C, q: IndexQuery<CollectionTypes[C]>): Promise<Row<CollectionTypes[C]>[]> {
    type R = Row<CollectionTypes[C]>;
    const direction = q.direction ?? 'next';
    return this.transaction([collection], 'readonly', async (tx) => {
      const index = tx.objectStore(collection).index(q.index) as IndexWithGetAllRecords;
      const range = q.range ?? null;
      if (!q.filter) {
        if (direction === 'next') return (await req(index.getAll(range, q.limit))) as R[];
        if (typeof index.getAllRecords === 'function') {
          // IndexedDB 3: getAll takes an options dictionary with a direction (values only, no record wrappers).
          const getAll = index.getAll as unknown as (options: { query: IDBKeyRange | null; count: number; direction: IDBCursorDirection }) => IDBRequest<R[]>;
          return req(getAll.call(index, { query: range, count: q.limit, direction: 'prev' }));
        }
      }
      const filter = q.filter;
      return new Promise<R[]>((resolve, reject) => {
        const out: R[] = [];
        if (q.limit <= 0) return resolve(out);
        const cursorReq = index.openCursor(range, direction);
        cursorReq.onerror = () => reject(toStoreError(cursorReq.error));
        cursorReq.onsuccess = () => {
          const cursor = cursorReq.result;
          if (!cursor) return resolve(out);
          const row = cursor.value as R;
          if (!filter || filter(row)) out.push(row);
          if (out.length >= q.limit) return resolve(out);
          cursor.continue();
        };
      });
    });
  }

  /**
   * Prefix search by name: rows having, for every query token, a name token that starts with it. Probes with the
   * longest query token, first the sort-key index `ns` (rows whose name begins with the probe: their leading
   * token, which `nm` does not hold since schema v5), then the folded-token index `nm` (the other tokens), and
   * checks the other query tokens on the row. Deduplicated, in that order, at most `limit`.
   */
  async searchTokens<C extends 'records' | 'agencies'>(collection: C, tokens: readonly string[], limit: number): Promise<Row<CollectionTypes[C]>[]> {
    type R = Row<CollectionTypes[C]>;
    if (tokens.length === 0 || limit <= 0) return [];
    const probe = [...tokens].sort((a, b) => b.length - a.length)[0] as string;
    const others = tokens.filter((t) => t !== probe);
    const matches = (row: R): boolean => others.every((t) => rowHasTokenPrefix(row, t));
    const end = probe + '\uffff';
    return this.transaction([collection], 'readonly', async (tx) => {
      const store = tx.objectStore(collection);
      const seen = new Set<string>();
      const out: R[] = [];
      const take = (row: R): boolean => {
        if (seen.has(row.id)) return false;
        seen.add(row.id);
        if (matches(row)) out.push(row);
        return out.length >= limit;
      };
      // `ns` has one entry per row (`[sort key, id]`, unique): read in batches, each resuming after the last key.
      const ns = store.index('ns');
      const batch = limit + 4;
      for (let from: IDBKeyRange = IDBKeyRange.bound([probe], [end], false, true); ; ) {
        const rows = (await req(ns.getAll(from, batch))) as R[];
        for (const row of rows) if (take(row)) return out;
        const last = rows[rows.length - 1];
        if (rows.length < batch || !last?.ns) break;
        from = IDBKeyRange.bound(last.ns, [end], true, true);
      }
      const index = store.index('nm') as IndexWithGetAllRecords;
      const range = IDBKeyRange.bound(probe, end, false, true);
      // Fast path: one batched read of index entries (key, primary key, value); enough unless many entries
      // repeat a row (a row matches through several tokens) or the other tokens reject rows.
      let resumeAt: { key: IDBValidKey; primaryKey: IDBValidKey } | undefined;
      if (typeof index.getAllRecords === 'function') {
        const recs = (await req(index.getAllRecords({ query: range, count: batch }))) as { key: IDBValidKey; primaryKey: IDBValidKey; value: unknown }[];
        for (const rec of recs) if (take(rec.value as R)) return out;
        if (recs.length < batch) return out;
        const last = recs[recs.length - 1] as { key: IDBValidKey; primaryKey: IDBValidKey };
        resumeAt = { key: last.key, primaryKey: last.primaryKey };
      }
      // Cursor walk (from the start, or just after the last entry the fast path read).
      return new Promise<R[]>((resolve, reject) => {
        const from = resumeAt;
        const cursorReq = index.openCursor(from ? IDBKeyRange.bound(from.key, end, false, true) : range);
        let jumped = false;
        cursorReq.onerror = () => reject(toStoreError(cursorReq.error));
        cursorReq.onsuccess = () => {
          const cursor = cursorReq.result;
          if (!cursor) return resolve(out);
          if (from && indexedDB.cmp(cursor.key, from.key) === 0 && indexedDB.cmp(cursor.primaryKey, from.primaryKey) <= 0) {
            // continuePrimaryKey must move forward (DataError otherwise): jump only from strictly before.
            if (!jumped && indexedDB.cmp(cursor.primaryKey, from.primaryKey) < 0) {
              jumped = true;
              cursor.continuePrimaryKey(from.key, from.primaryKey);
            } else cursor.continue();
            return;
          }
          if (take(cursor.value as R)) return resolve(out);
          cursor.continue();
        };
      });
    });
  }

  // ---------------------------------------------------------------- writes

  /**
   * Applies a batch of writes to one collection in ONE transaction (with their outbox entries when
   * `options.outbox`), then notifies subscribers and other tabs. All or nothing: any failure (conflict,
   * `build` throwing, quota) rolls the whole batch back and rejects with a typed error.
   */
  async write<C extends CollectionName>(collection: C, ops: readonly WriteOp<CollectionTypes[C]>[], options: WriteOptions = {}): Promise<WriteResult<CollectionTypes[C]>[]> {
    type T = CollectionTypes[C];
    if (ops.length === 0) return [];
    const withOutbox = options.outbox ?? false;
    let results: WriteResult<T>[];
    try {
      results = await this.commitWrite(collection, ops, withOutbox);
    } catch (e) {
      const cause = e instanceof StoreError ? (e.cause as { name?: string } | undefined) : undefined;
      if (cause?.name === 'ConstraintError') throw await this.#conflictOf(collection, ops);
      throw e;
    }
    const puts: string[] = [];
    const dels: string[] = [];
    for (const r of results) {
      if (r.op === 'put') puts.push((r.entity as { id: string }).id);
      else if (r.deleted) dels.push(r.id);
    }
    const source = options.source ?? 'local';
    if (puts.length) this.notify({ collection, op: 'put', ids: puts, source });
    if (dels.length) this.notify({ collection, op: 'delete', ids: dels, source });
    return results;
  }

  /**
   * The storage step of {@link write}: applies `ops` (and, with `withOutbox`, their outbox entries) in one
   * write transaction and returns the results; {@link write} maps a `ConstraintError` to a
   * {@link ConflictError} and notifies subscribers afterwards. A subclass that stores rows differently
   * (encryption at rest) overrides this step only and keeps the rest of {@link write}.
   */
  protected commitWrite<C extends CollectionName>(collection: C, ops: readonly WriteOp<CollectionTypes[C]>[], withOutbox: boolean): Promise<WriteResult<CollectionTypes[C]>[]> {
    type T = CollectionTypes[C];
    const stores: StoreName[] = withOutbox ? [collection, 'outbox'] : [collection];
    const now = this.#now();
    return this.transaction(stores, 'readwrite', (tx, fail) => {
      const os = tx.objectStore(collection);
      const outbox = withOutbox ? tx.objectStore('outbox') : null;
      const results: WriteResult<T>[] = new Array(ops.length);
      const enqueue = (op: 'put' | 'delete', id: string, baseVersion: number, entity?: T): void => {
        if (!outbox) return;
        const entry: OutboxEntry = {
          collection,
          op,
          id,
          baseVersion,
          idempotencyKey: newId(),
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        };
        if (entity !== undefined) entry.entity = entity;
        outbox.add(entry);
      };
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as WriteOp<T>;
        switch (op.kind) {
          case 'create': {
            // No per-request handler (hot path): a duplicate id aborts the transaction with ConstraintError,
            // mapped to ConflictError below.
            const row = toStoredRow(collection, op.entity);
            os.add(row);
            results[i] = { op: 'put', entity: op.entity };
            enqueue('put', row.id, 0, op.entity);
            break;
          }
          case 'replace': {
            os.put(toStoredRow(collection, op.entity));
            results[i] = { op: 'put', entity: op.entity };
            enqueue('put', (op.entity as { id: string }).id, (op.entity as { version?: number }).version ?? 0, op.entity);
            break;
          }
          case 'update': {
            const r = os.get(op.id);
            r.onsuccess = () => {
              try {
                const existing = (r.result as Row<T> | undefined)?.v;
                const entity = op.build(existing);
                os.put(toStoredRow(collection, entity));
                results[i] = { op: 'put', entity };
                enqueue('put', op.id, (existing as { version?: number } | undefined)?.version ?? 0, entity);
              } catch (e) {
                fail(e);
              }
            };
            break;
          }
          case 'delete': {
            const r = os.get(op.id);
            r.onsuccess = () => {
              try {
                const existing = (r.result as Row<T> | undefined)?.v as (T & { version?: number }) | undefined;
                if (op.expectedVersion !== undefined) {
                  if (!existing) throw new NotFoundError(collection, op.id);
                  if (existing.version !== op.expectedVersion) throw new ConflictError(collection, op.id, op.expectedVersion, existing.version);
                }
                if (existing) {
                  os.delete(op.id);
                  enqueue('delete', op.id, existing.version ?? 0);
                  results[i] = { op: 'delete', id: op.id, deleted: true, previous: existing };
                } else {
                  results[i] = { op: 'delete', id: op.id, deleted: false };
                }
              } catch (e) {
                fail(e);
              }
            };
            break;
          }
        }
      }
      return results;
    }, this.localWriteDurability(withOutbox));
  }

  /** After a ConstraintError: the first create whose id exists (or repeats within the batch). */
  async #conflictOf<C extends CollectionName>(collection: C, ops: readonly WriteOp<CollectionTypes[C]>[]): Promise<StoreError> {
    const creates = ops.filter((o): o is { kind: 'create'; entity: CollectionTypes[C] } => o.kind === 'create').map((o) => (o.entity as { id: string }).id);
    const seen = new Set<string>();
    for (const id of creates) {
      if (seen.has(id)) return new ConflictError(collection, id, 0, undefined);
      seen.add(id);
    }
    const existing = await this.getMany(collection, creates);
    const idx = existing.findIndex((e) => e !== undefined);
    if (idx >= 0) {
      const id = creates[idx] as string;
      return new ConflictError(collection, id, 0, (existing[idx] as { version?: number }).version);
    }
    return new StoreError('conflict', 'Constraint violated', {});
  }

  // ---------------------------------------------------------------- changes

  /** Listens to committed changes (this instance, other instances and tabs on the same database). */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Announces committed changes to this instance's subscribers (`source` as given) and to other tabs (they see
   * `tab`, or `remote` when the change came from the server). The sync engine calls this after applying server
   * changes with `source: 'remote'`.
   */
  notify(change: StoreChange): void {
    this.#emit(change);
    if (this.#channel) {
      const msg: ChannelMessage = { t: 'change', collection: change.collection, op: change.op, ids: change.ids, source: change.source === 'remote' ? 'remote' : 'tab' };
      try {
        this.#channel.postMessage(msg);
      } catch {
        /* channel closed */
      }
    }
  }

  #emit(change: StoreChange): void {
    for (const l of [...this.#listeners]) {
      try {
        l(change);
      } catch (e) {
        // A failing listener must not break the others or the write; surface it asynchronously.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  // ---------------------------------------------------------------- meta, drafts, outbox

  /** A value of the key/value `meta` store (e.g. the sync cursor). */
  async getMeta<T = unknown>(key: string): Promise<T | undefined> {
    return this.transaction(['meta'], 'readonly', async (tx) => (await req(tx.objectStore('meta').get(key))) as T | undefined);
  }

  /** Sets (or with `undefined` deletes) a meta value. */
  async setMeta(key: string, value: unknown): Promise<void> {
    await this.transaction(['meta'], 'readwrite', (tx) => {
      const os = tx.objectStore('meta');
      if (value === undefined) os.delete(key);
      else os.put(value, key);
    });
  }

  /** A form draft, or undefined. */
  async getDraft<T = unknown>(key: string): Promise<DraftEntry<T> | undefined> {
    return this.transaction(['drafts'], 'readonly', async (tx) => (await req(tx.objectStore('drafts').get(key))) as DraftEntry<T> | undefined);
  }

  /** Saves a form draft (durable when the promise resolves). */
  async putDraft<T>(key: string, value: T): Promise<DraftEntry<T>> {
    const entry: DraftEntry<T> = { key, value, updatedAt: this.#now() };
    await this.transaction(['drafts'], 'readwrite', (tx) => {
      tx.objectStore('drafts').put(entry);
    });
    this.notify({ collection: 'drafts', op: 'put', ids: [key], source: 'local' });
    return entry;
  }

  /** Deletes a form draft. */
  async deleteDraft(key: string): Promise<void> {
    await this.transaction(['drafts'], 'readwrite', (tx) => {
      tx.objectStore('drafts').delete(key);
    });
    this.notify({ collection: 'drafts', op: 'delete', ids: [key], source: 'local' });
  }

  /** All drafts, most recently updated first. */
  async listDrafts(): Promise<DraftEntry[]> {
    const all = await this.transaction(['drafts'], 'readonly', async (tx) => (await req(tx.objectStore('drafts').getAll())) as DraftEntry[]);
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Outbox entries in send (`seq`) order, at most `limit`. */
  async outboxEntries(limit?: number): Promise<OutboxEntry[]> {
    return this.transaction(['outbox'], 'readonly', async (tx) => (await req(tx.objectStore('outbox').getAll(null, limit))) as OutboxEntry[]);
  }

  /** Number of entries waiting in the outbox. */
  async outboxCount(): Promise<number> {
    return this.transaction(['outbox'], 'readonly', (tx) => req(tx.objectStore('outbox').count()));
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes the connection and the channel. Further calls reject with {@link ClosedError}. */
  close(): void {
    this.#closed = true;
    this.#db?.close();
    this.#db = null;
    this.#channel?.close();
    this.#channel = null;
    this.#listeners.clear();
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Deletes a whole database (tests, "forget this device"). Other tabs are asked to close first. */
  static async deleteDatabase(name: string = DEFAULT_DB_NAME): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = () => resolve();
      r.onerror = () => reject(toStoreError(r.error));
    });
  }
}

/**
 * Asks the browser to keep this origin's storage under pressure (`navigator.storage.persist()`).
 * Resolves true when storage is (or already was) persistent, false when refused or unsupported.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage || typeof storage.persist !== 'function') return false;
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

/** Usage and quota of this origin's storage in bytes, when the browser tells. */
export async function storageEstimate(): Promise<
  | {
      /** Bytes this origin uses (all of its storage, not only this database). */
      usage: number;
      /** Bytes the browser lets this origin use. */
      quota: number;
    }
  | undefined
> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage || typeof storage.estimate !== 'function') return undefined;
  const e = await storage.estimate();
  return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
}

export { INDEXES };
