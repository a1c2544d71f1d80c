/**
 * The sync engine's storage steps on an encrypted store, without ever awaiting WebCrypto inside an IndexedDB
 * transaction (an await on anything but the transaction's own requests lets IndexedDB auto-commit it).
 *
 * Each step (`SyncStorage.transaction`) runs optimistically:
 * 1. reads happen in short read-only transactions; their raw (sealed) values are fingerprinted and decrypted
 *    AFTER the transaction. The outbox is read once per step (one `getAll`) and entries are decrypted only
 *    when the step looks at them;
 * 2. writes are buffered (the step sees its own writes), then encrypted: entity rows sealed with their
 *    keyed-hash index tokens, outbox entries with the entity, the conflict's server copy and the failure
 *    details sealed;
 * 3. ONE read-write transaction first re-reads everything the step read and compares fingerprints (a sealed
 *    value gets a fresh IV on every write, so any change shows), then applies the writes. When something
 *    changed in between, the transaction is aborted (nothing written) and the step runs again.
 *
 * So the engine keeps its all-or-nothing steps, ciphertext only ever reaches IndexedDB, and a locked store
 * (no keys) fails the step with `LockedError` before anything is read or written.
 *
 * Limits: the ids listed by `entityIds` are not re-checked (a full resync then asks `outboxFor` per id,
 * which is); a step that runs again repeats its side effects on the engine's own counters.
 * @module
 */
import { StoreError } from '../store/errors.ts';
import { req } from '../store/idb-util.ts';
import type { CollectionName, CollectionTypes, Row } from '../store/schema.ts';
import type { StoreName } from '../store/store.ts';
import type { SyncStorageTx } from '../sync/storage.ts';
import type { OutboxEntry, SyncEntity } from '../sync/types.ts';
import type { DataKeys } from './cipher.ts';
import type { OutboxLike, StoredOutboxEntry } from './encrypted-store.ts';

/** What the optimistic step needs from the encrypted store. @internal */
export interface SealedSyncHost {
  dataKeys(): Promise<DataKeys>;
  transaction<R>(stores: StoreName[], mode: IDBTransactionMode, fn: (tx: IDBTransaction, fail: (e: unknown) => void) => R | Promise<R>): Promise<R>;
  sealRow<C extends CollectionName>(keys: DataKeys, collection: C, entity: CollectionTypes[C]): Promise<Row<CollectionTypes[C]>>;
  openRow<C extends CollectionName>(keys: DataKeys, collection: C, row: Row<CollectionTypes[C]>): Promise<Row<CollectionTypes[C]>>;
  sealOutboxEntry(keys: DataKeys, entry: OutboxLike): Promise<StoredOutboxEntry>;
  openOutboxEntry(keys: DataKeys, stored: StoredOutboxEntry): Promise<OutboxLike>;
}

/** How many times a step runs again when what it read changed before its commit. */
const MAX_ATTEMPTS = 12;

/** A string that changes whenever the stored value changes (sealed values: their IV changes on every write). */
export function fingerprint(value: unknown): string {
  if (value === undefined) return '-';
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return `u8:${Array.from(v).join('.')}`;
    if (v instanceof ArrayBuffer) return `ab:${v.byteLength}`;
    return v;
  });
}

function isCollection(name: string): name is CollectionName {
  return name === 'records' || name === 'operations' || name === 'agencies';
}

/** A read to re-check at commit: a row by key, an index query, the whole store, or its last key. */
type Read = { store: StoreName; kind: 'get' | 'index' | 'all' | 'last'; key: IDBValidKey | null; index?: string; fp: string };
type Write =
  | { kind: 'putEntity'; collection: CollectionName; entity: SyncEntity }
  | { kind: 'deleteEntity'; collection: CollectionName; id: string }
  | { kind: 'putOutbox'; entry: OutboxEntry }
  | { kind: 'deleteOutbox'; seq: number }
  | { kind: 'putMeta'; key: string; value: unknown };

const clone = <T>(v: T): T => (v === undefined || v === null ? v : structuredClone(v));
const ek = (collection: string, id: string): string => `${collection}\u0000${id}`;

/** One optimistic step: read view with own writes, buffered writes, commit with re-check. */
class OptimisticTx implements SyncStorageTx {
  readonly #host: SealedSyncHost;
  readonly #keys: DataKeys;
  readonly reads = new Map<string, Read>();
  readonly writes: Write[] = [];
  /** Raw rows read (sealed), by collection and id; `undefined` = no row. */
  readonly #rawEntities = new Map<string, Row<unknown> | undefined>();
  /** The step's view of entities: decrypted rows read, and its own writes. */
  readonly #entities = new Map<string, SyncEntity | undefined>();
  readonly #meta = new Map<string, unknown>();
  /** Whole outbox (raw), when the step asked for all of it. */
  #outboxAll: Map<number, StoredOutboxEntry> | null = null;
  /** Outbox entries of single entities (raw), read through the `entity` index. */
  readonly #outboxOf = new Map<string, Map<number, StoredOutboxEntry>>();
  readonly #outboxOpened = new Map<number, OutboxEntry>();
  /** Own outbox writes: entry, or null when deleted. */
  readonly #outboxOwn = new Map<number, OutboxEntry | null>();
  #maxSeq: number | null = null;

  constructor(host: SealedSyncHost, keys: DataKeys) {
    this.#host = host;
    this.#keys = keys;
  }

  readonly #queued: Array<{ store: StoreName; key: IDBValidKey; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];

  /**
   * Reads issued in the same turn (e.g. `Promise.all` over a page of changes) share ONE read-only transaction,
   * opened on the next microtask.
   */
  #batchedGet(store: StoreName, key: IDBValidKey): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#queued.push({ store, key, resolve, reject }) > 1) return;
      queueMicrotask(() => {
        const batch = this.#queued.splice(0);
        const stores = [...new Set(batch.map((b) => b.store))];
        this.#host
          .transaction(stores, 'readonly', (tx) => Promise.all(batch.map((b) => req(tx.objectStore(b.store).get(b.key)) as Promise<unknown>)))
          .then(
            (values) => batch.forEach((b, i) => b.resolve(values[i])),
            (e: unknown) => batch.forEach((b) => b.reject(e)),
          );
      });
    });
  }

  #record(id: string, read: Omit<Read, 'fp'>, value: unknown): void {
    this.reads.set(id, { ...read, fp: fingerprint(value) });
  }

  async getEntity(collection: string, id: string): Promise<SyncEntity | undefined> {
    if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
    const k = ek(collection, id);
    if (!this.#entities.has(k)) {
      if (!this.#rawEntities.has(k)) {
        const raw = (await this.#batchedGet(collection, id)) as Row<unknown> | undefined;
        if (!this.#rawEntities.has(k)) {
          this.#record(`get\u0000${k}`, { store: collection, kind: 'get', key: id }, raw);
          this.#rawEntities.set(k, raw);
        }
      }
      const raw = this.#rawEntities.get(k) as Row<CollectionTypes[typeof collection]> | undefined;
      this.#entities.set(k, raw ? ((await this.#host.openRow(this.#keys, collection, raw)).v as unknown as SyncEntity) : undefined);
    }
    return clone(this.#entities.get(k));
  }

  async putEntity(collection: string, entity: SyncEntity): Promise<void> {
    if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
    const copy = clone(entity);
    this.#entities.set(ek(collection, entity.id), copy);
    this.writes.push({ kind: 'putEntity', collection, entity: copy });
  }

  async deleteEntity(collection: string, id: string): Promise<void> {
    if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
    this.#entities.set(ek(collection, id), undefined);
    this.writes.push({ kind: 'deleteEntity', collection, id });
  }

  async entityIds(collection: string): Promise<string[]> {
    if (!isCollection(collection)) throw new TypeError(`Unknown collection ${collection}`);
    const stored = (await this.#host.transaction([collection], 'readonly', (tx) => req(tx.objectStore(collection).getAllKeys()))) as string[];
    const ids = new Set(stored);
    for (const [k, v] of this.#entities) {
      const [c, id] = k.split('\u0000') as [string, string];
      if (c !== collection) continue;
      if (v === undefined) ids.delete(id);
      else ids.add(id);
    }
    return [...ids];
  }

  #seen(entries: Iterable<StoredOutboxEntry>): void {
    for (const e of entries) this.#maxSeq = Math.max(this.#maxSeq ?? 0, e['seq'] as number);
  }

  /** The whole outbox, read once per step (raw, sealed). */
  async #allRaw(): Promise<Map<number, StoredOutboxEntry>> {
    if (!this.#outboxAll) {
      const all = (await this.#host.transaction(['outbox'], 'readonly', (tx) => req(tx.objectStore('outbox').getAll()))) as StoredOutboxEntry[];
      this.#record('outbox\u0000*', { store: 'outbox', kind: 'all', key: null }, all);
      this.#outboxAll = new Map(all.map((e) => [e['seq'] as number, e]));
      this.#seen(all);
    }
    return this.#outboxAll;
  }

  /**
   * The outbox entries of one entity (raw), through the `entity` index. The entity's row is fetched in the
   * same read transaction (the engine reads both, e.g. when applying a pulled change or an acknowledgement).
   */
  async #rawFor(collection: string, id: string): Promise<Map<number, StoredOutboxEntry>> {
    const k = ek(collection, id);
    if (this.#outboxAll) return new Map([...this.#outboxAll].filter(([, e]) => e.collection === collection && e.id === id));
    let got = this.#outboxOf.get(k);
    if (!got) {
      const withRow = isCollection(collection) && !this.#rawEntities.has(k);
      const stores: StoreName[] = withRow ? ['outbox', collection as CollectionName] : ['outbox'];
      const [entries, row] = await this.#host.transaction(stores, 'readonly', (tx) =>
        Promise.all([
          req(tx.objectStore('outbox').index('entity').getAll([collection, id])) as Promise<StoredOutboxEntry[]>,
          withRow ? (req(tx.objectStore(collection).get(id)) as Promise<Row<unknown> | undefined>) : Promise.resolve(undefined),
        ]),
      );
      this.#record(`outbox\u0000${k}`, { store: 'outbox', kind: 'index', index: 'entity', key: [collection, id] }, entries);
      if (withRow) {
        this.#record(`get\u0000${k}`, { store: collection as CollectionName, kind: 'get', key: id }, row);
        this.#rawEntities.set(k, row);
      }
      got = new Map(entries.map((e) => [e['seq'] as number, e]));
      this.#outboxOf.set(k, got);
      this.#seen(entries);
    }
    return got;
  }

  async #entries(raw: Map<number, StoredOutboxEntry>, match: (e: { collection: unknown; id: unknown }) => boolean): Promise<OutboxEntry[]> {
    const seqs = new Set<number>(raw.keys());
    for (const [seq, e] of this.#outboxOwn) if (e ? match(e) : raw.has(seq)) seqs.add(seq);
    const out: OutboxEntry[] = [];
    for (const seq of [...seqs].sort((a, b) => a - b)) {
      if (this.#outboxOwn.has(seq)) {
        const own = this.#outboxOwn.get(seq);
        if (own && match(own)) out.push(clone(own));
        continue;
      }
      let opened = this.#outboxOpened.get(seq);
      if (!opened) {
        opened = (await this.#host.openOutboxEntry(this.#keys, raw.get(seq) as StoredOutboxEntry)) as unknown as OutboxEntry;
        this.#outboxOpened.set(seq, opened);
      }
      out.push(clone(opened));
    }
    return out;
  }

  async outbox(): Promise<OutboxEntry[]> {
    return this.#entries(await this.#allRaw(), () => true);
  }

  async outboxFor(collection: string, id: string): Promise<OutboxEntry[]> {
    return this.#entries(await this.#rawFor(collection, id), (e) => e.collection === collection && e.id === id);
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    const copy = clone(entry);
    this.#outboxOwn.set(entry.seq, copy);
    this.#maxSeq = Math.max(this.#maxSeq ?? 0, entry.seq);
    this.writes.push({ kind: 'putOutbox', entry: copy });
  }

  async addOutbox(entry: Omit<OutboxEntry, 'seq'>): Promise<number> {
    // The key must be known before the commit: one past the last key (re-checked at commit) and past own writes.
    if (!this.reads.has('outbox\u0000last')) {
      const last = await this.#host.transaction(['outbox'], 'readonly', (tx) => req(tx.objectStore('outbox').openCursor(null, 'prev')).then((c) => (c ? (c.key as number) : 0)));
      this.#record('outbox\u0000last', { store: 'outbox', kind: 'last', key: null }, last);
      this.#maxSeq = Math.max(this.#maxSeq ?? 0, last);
    }
    const seq = (this.#maxSeq ?? 0) + 1;
    await this.putOutbox({ ...entry, seq } as OutboxEntry);
    return seq;
  }

  async deleteOutbox(seq: number): Promise<void> {
    this.#outboxOwn.set(seq, null);
    this.writes.push({ kind: 'deleteOutbox', seq });
  }

  async getMeta(key: string): Promise<unknown> {
    if (!this.#meta.has(key)) {
      const value = await this.#host.transaction(['meta'], 'readonly', (tx) => req(tx.objectStore('meta').get(key)) as Promise<unknown>);
      this.#record(`meta\u0000${key}`, { store: 'meta', kind: 'get', key }, value);
      this.#meta.set(key, value);
    }
    return clone(this.#meta.get(key));
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    const copy = clone(value);
    this.#meta.set(key, copy);
    this.writes.push({ kind: 'putMeta', key, value: copy });
  }
}

/** Issues the re-check reads of `reads` in `tx`; calls `changed` for the first one that differs. */
function recheck(tx: IDBTransaction, reads: Iterable<Read>, changed: () => void): Promise<unknown>[] {
  const out: Promise<unknown>[] = [];
  for (const r of reads) {
    const os = tx.objectStore(r.store);
    let value: Promise<unknown>;
    if (r.kind === 'all') value = req(os.getAll());
    else if (r.kind === 'index') value = req(os.index(r.index as string).getAll(r.key as IDBValidKey));
    else if (r.kind === 'last') value = req(os.openCursor(null, 'prev')).then((c) => (c ? (c.key as number) : 0));
    else value = req(os.get(r.key as IDBValidKey));
    out.push(
      value.then((v) => {
        if (fingerprint(v) !== r.fp) changed();
      }),
    );
  }
  return out;
}

/**
 * Runs `fn` as one optimistic step over the encrypted store (see the module description). Rejects with
 * `LockedError` when locked, with `StoreError` code `conflict` when the data kept changing under it
 * ({@link MAX_ATTEMPTS} runs), and with whatever `fn` throws (nothing is written then).
 * @internal
 */
export async function sealedSyncTransaction<T>(host: SealedSyncHost, collections: readonly string[], mode: 'readonly' | 'readwrite', fn: (tx: SyncStorageTx) => Promise<T>): Promise<T> {
  void collections;
  for (let attempt = 1; ; attempt++) {
    const step = new OptimisticTx(host, await host.dataKeys());
    const result = await fn(step);
    if (step.writes.length > 0 && mode === 'readonly') throw new StoreError('unknown', 'A read-only sync step tried to write.');
    if (step.writes.length === 0 && step.reads.size <= 1) return result;
    // Encrypt outside any transaction; the keys are asked for again, so a lock in the meantime writes nothing.
    const keys = await host.dataKeys();
    const prepared = await Promise.all(
      step.writes.map(async (w) => {
        if (w.kind === 'putEntity') return host.sealRow(keys, w.collection, w.entity as never);
        if (w.kind === 'putOutbox') return host.sealOutboxEntry(keys, w.entry as unknown as OutboxLike);
        return undefined;
      }),
    );
    const stores = new Set<StoreName>();
    for (const r of step.reads.values()) stores.add(r.store);
    for (const w of step.writes) stores.add(w.kind === 'putEntity' || w.kind === 'deleteEntity' ? w.collection : w.kind === 'putMeta' ? 'meta' : 'outbox');
    let raced = false;
    const txMode: IDBTransactionMode = step.writes.length > 0 ? 'readwrite' : 'readonly';
    try {
      await host.transaction([...stores], txMode, async (tx, fail) => {
        const checks = recheck(tx, step.reads.values(), () => {
          if (raced) return;
          raced = true;
          fail(new StoreError('conflict', 'Data read by the sync step changed before its commit.'));
        });
        // Requests run in order: the re-check reads above see the rows before the writes below.
        step.writes.forEach((w, i) => {
          switch (w.kind) {
            case 'putEntity':
              tx.objectStore(w.collection).put(prepared[i]);
              break;
            case 'deleteEntity':
              tx.objectStore(w.collection).delete(w.id);
              break;
            case 'putOutbox':
              tx.objectStore('outbox').put(prepared[i]);
              break;
            case 'deleteOutbox':
              tx.objectStore('outbox').delete(w.seq);
              break;
            case 'putMeta':
              tx.objectStore('meta').put(w.value, w.key);
              break;
          }
        });
        await Promise.all(checks.map((c) => c.catch(() => undefined)));
      });
    } catch (e) {
      if (!raced) throw e;
    }
    if (!raced) return result;
    if (attempt >= MAX_ATTEMPTS) throw new StoreError('conflict', 'The local data kept changing during a sync step; it will be tried again.');
  }
}
