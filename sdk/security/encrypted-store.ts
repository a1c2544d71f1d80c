/**
 * Encryption at rest for the local store: {@link EncryptedTimporaStore} is a {@link TimporaStore} whose
 * `records` and `operations` rows, drafts and outbox entities are sealed with AES-GCM under a non-extractable key.
 *
 * Row layout of `records` with encryption on:
 * `{ id, v: { id, status, sourceAgency, version, createdAt, updatedAt, $sealed: { iv, ct } }, upd, st, xst, src, doc, nm }`
 * (`xst` only for a status other than `active`)
 * - `$sealed` is the whole entity (every personal field: identity, document, permit, sponsor, address,
 *   occupation, arrival, findings, notes, restrictedNotes, photo, mrz, and anything added later), JSON,
 *   AES-GCM-256, fresh 96-bit IV per write, `records`+id as additional authenticated data. Reads return the
 *   decrypted entity exactly as written; the clear copies of the non-personal fields only serve indexes.
 * - `doc` is HMAC-SHA256 (non-extractable key, truncated to 128 bits) of the normalised `STATE|NUMBER`.
 * - `nm` holds HMAC tokens of every prefix (1 to {@link NAME_PREFIX_MAX} characters) of each folded name
 *   token; a search hashes the query's longest token (cut to that length) and checks every query token on
 *   the decrypted names, so results are the same as without encryption.
 * - `ns` (sort by name) is not stored: a folded name in clear would defeat the purpose. Sorting records by
 *   name rejects with {@link UnsupportedError}; sort the decrypted page or search results in the UI.
 *
 * WebCrypto is asynchronous and an IndexedDB transaction commits when control returns to the event loop
 * without pending requests, so everything is encrypted/hashed BEFORE the write transaction opens and
 * decrypted AFTER the read transaction. Writes that read the current entity (`update`, `delete`) do it in
 * two phases: read and decrypt, build and encrypt, then one write transaction that first re-checks that
 * each row is still the one read (its IV changes on every write) and otherwise retries. Each batch and its
 * outbox entries are still committed in ONE transaction.
 *
 * `operations` rows: the whole operation sealed the same way (title, description, team, location and address,
 * recurrence, linked record ids); {@link CLEAR_OPERATION_FIELDS} stay in clear for the calendar's indexes.
 * Agencies are stored as without encryption (public bodies, not personal data), but all reads and writes
 * reject with {@link LockedError} while locked.
 *
 * Sync: `EncryptedTimporaStore.sealedSyncTransaction` runs the sync engine's steps with the same rule
 * (see `encrypted-sync.ts`); outbox entries keep the entity, the conflict's server copy and failure details
 * sealed.
 * @module
 */
import { newId } from '../model/factory.ts';
import type { ForeignerRecord } from '../model/types.ts';
import { ClosedError, ConflictError, NotFoundError, StoreError, toStoreError, UnsupportedError } from '../store/errors.ts';
import { nameTokens } from '../store/fold.ts';
import { req } from '../store/idb-util.ts';
import { INDEXES, foldDocKey, toRow, type CollectionName, type CollectionTypes, type DraftEntry, type OutboxEntry, type Row } from '../store/schema.ts';
import { TimporaStore, type IndexQuery, type StoreName, type StoreOptions, type WriteOp, type WriteResult } from '../store/store.ts';
import { indexToken, isSealed, seal, unseal, type DataKeys, type Sealed } from './cipher.ts';
import { KeyManager, type KeyManagerOptions } from './keys.ts';
import { sealedSyncTransaction } from './encrypted-sync.ts';
import type { SyncStorageTx } from '../sync/storage.ts';

/** Longest name prefix that gets its own index token; longer query tokens are checked after decryption. */
export const NAME_PREFIX_MAX = 6;

/** Fields of a record kept in clear next to the sealed entity (sync, queries, retention). */
export const CLEAR_RECORD_FIELDS = ['id', 'status', 'sourceAgency', 'version', 'createdAt', 'updatedAt'] as const;

/**
 * Fields of an operation kept in clear next to the sealed entity: scheduling and agency routing only (agencies
 * are public bodies, not personal data). Title, description, team, location (address), recurrence overrides
 * and the linked record ids are sealed.
 */
export const CLEAR_OPERATION_FIELDS = ['id', 'kind', 'status', 'sourceAgency', 'leadAgency', 'participatingAgencies', 'start', 'end', 'timeZone', 'version', 'createdAt', 'updatedAt'] as const;

const CLEAR_FIELDS: Record<SealedCollection, readonly string[]> = { records: CLEAR_RECORD_FIELDS, operations: CLEAR_OPERATION_FIELDS };

type SealedCollection = 'records' | 'operations';

function isSealedCollection(c: string): c is SealedCollection {
  return c === 'records' || c === 'operations';
}

/** Encryption options of the client (`createTimporaClient({ encryption: { ... } })`). */
export type EncryptionOptions = KeyManagerOptions;

/** Options of {@link EncryptedTimporaStore}. */
export interface EncryptedStoreOptions extends StoreOptions {
  /** Key mode and PBKDF2 iterations. */
  encryption?: EncryptionOptions;
}

interface SealedValue {
  $sealed: Sealed;
}

/** An outbox entry as the store or the sync layer sees it (decrypted). @internal */
export interface OutboxLike {
  collection: string;
  id: string;
  idempotencyKey: string;
  entity?: unknown;
  remote?: unknown;
  failure?: unknown;
  [field: string]: unknown;
}

/** Outbox entry as stored with encryption on: `entity` in `sealed`, `remote` and `failure` in `sealedSync`. @internal */
export interface StoredOutboxEntry {
  collection: string;
  id: string;
  idempotencyKey: string;
  sealed?: Sealed;
  sealedSync?: Sealed;
  [field: string]: unknown;
}

const RACE = Symbol('row changed between read and write');

function outboxAad(e: { collection: unknown; id: unknown; idempotencyKey: unknown }): string {
  return `${String(e.collection)}/${String(e.id)}/${String(e.idempotencyKey)}`;
}

/** Every prefix (1..NAME_PREFIX_MAX characters) of the tokens, deduplicated. */
function namePrefixes(tokens: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of tokens) for (let n = 1; n <= Math.min(t.length, NAME_PREFIX_MAX); n++) out.add(t.slice(0, n));
  return [...out];
}

function indexKeyOf(collection: CollectionName, row: Row<unknown>, index: string): IDBValidKey {
  const def = (INDEXES[collection] as Record<string, { keyPath: string | string[] }>)[index];
  if (!def) throw new StoreError('unknown', `Unknown index ${index}`);
  const get = (p: string): IDBValidKey => (row as unknown as Record<string, IDBValidKey>)[p] as IDBValidKey;
  return Array.isArray(def.keyPath) ? def.keyPath.map(get) : get(def.keyPath);
}

/** A change marker of a stored row: its IV when sealed, else version and update time. */
function marker(row: Row<unknown> | undefined): string {
  if (!row) return '-';
  const v = row.v as Partial<SealedValue> & { version?: number; updatedAt?: string };
  if (v && isSealed(v.$sealed)) return Array.from(v.$sealed.iv).join(',');
  return `${String(v?.version)}|${String(v?.updatedAt)}`;
}

/**
 * The store with encryption at rest. Same API as {@link TimporaStore}; reads and writes reject with
 * `LockedError` while locked, `DecryptFailedError` when stored data does not authenticate, and
 * `UnsupportedError` for a name-sorted record query.
 *
 * The low-level {@link TimporaStore.transaction} still gives raw rows (sealed); the sync engine's IndexedDB
 * storage goes through `sealedSyncTransaction` instead.
 */
export class EncryptedTimporaStore extends TimporaStore {
  /** Key state (lock/unlock). */
  readonly keyManager: KeyManager;
  readonly #clock: () => number;

  constructor(options: EncryptedStoreOptions = {}) {
    super(options);
    this.#clock = options.now ?? Date.now;
    this.keyManager = new KeyManager(
      {
        getMeta: (k) => this.getMeta(k),
        addMeta: async (k, v) => {
          try {
            await this.transaction(['meta'], 'readwrite', (tx) => {
              tx.objectStore('meta').add(v, k);
            });
            return true;
          } catch (e) {
            if (e instanceof StoreError && (e.cause as { name?: string } | undefined)?.name === 'ConstraintError') return false;
            throw e;
          }
        },
      },
      options.encryption,
    );
  }

  async #keys(): Promise<DataKeys> {
    if (this.closed) throw new ClosedError();
    return this.keyManager.keys();
  }

  // ---------------------------------------------------------------- rows

  /**
   * Builds the stored row of an entity: records and operations sealed (records with keyed-hash index
   * tokens instead of the document key and name tokens), agencies as without encryption.
   * @internal
   */
  async sealRow<C extends CollectionName>(keys: DataKeys, collection: C, entity: CollectionTypes[C]): Promise<Row<CollectionTypes[C]>> {
    const plain = toRow(collection, entity);
    if (!isSealedCollection(collection)) return plain;
    const clear: Record<string, unknown> = {};
    const e = entity as unknown as Record<string, unknown>;
    for (const f of CLEAR_FIELDS[collection]) if (e[f] !== undefined) clear[f] = e[f];
    if (collection === 'operations') {
      const $sealed = await seal(keys.enc, collection, plain.id, entity);
      return { ...plain, v: { ...clear, $sealed } as unknown as CollectionTypes[C] };
    }
    const [sealed, doc, nm] = await Promise.all([
      seal(keys.enc, 'records', plain.id, entity),
      plain.doc !== undefined ? indexToken(keys.mac, 'doc', plain.doc) : Promise.resolve(undefined),
      Promise.all(namePrefixes(plain.nm ?? []).map((p) => indexToken(keys.mac, 'nm', p))),
    ]);
    const row: Row<CollectionTypes[C]> = { id: plain.id, v: { ...clear, $sealed: sealed } as unknown as CollectionTypes[C], upd: plain.upd, nm };
    if (plain.st !== undefined) row.st = plain.st;
    if (plain.xst !== undefined) row.xst = plain.xst;
    if (plain.src !== undefined) row.src = plain.src;
    if (doc !== undefined) row.doc = doc;
    // Schema v6: the keyed document token is an entry of `nm` (no `doc` index); lookups go through getAllByIndex.
    return foldDocKey(row);
  }

  /** Builds the sealed row of a record (index tokens included). */
  async sealRecordRow(keys: DataKeys, entity: ForeignerRecord): Promise<Row<ForeignerRecord>> {
    return this.sealRow(keys, 'records', entity);
  }

  async #rowOf<C extends CollectionName>(keys: DataKeys, collection: C, entity: CollectionTypes[C]): Promise<Row<CollectionTypes[C]>> {
    return this.sealRow(keys, collection, entity);
  }

  /**
   * The row with its entity decrypted (records and operations); rejects with `DecryptFailedError` when the
   * sealed value does not authenticate for this row.
   * @internal
   */
  async openRow<C extends CollectionName>(keys: DataKeys, collection: C, row: Row<CollectionTypes[C]>): Promise<Row<CollectionTypes[C]>> {
    if (!isSealedCollection(collection)) return row;
    const v = await unseal<CollectionTypes[C]>(keys.enc, collection, row.id, (row.v as unknown as Partial<SealedValue>).$sealed);
    return { ...row, v };
  }

  async #openRow<C extends CollectionName>(keys: DataKeys, collection: C, row: Row<CollectionTypes[C]>): Promise<Row<CollectionTypes[C]>> {
    return this.openRow(keys, collection, row);
  }

  /**
   * Outbox entry as stored: the entity sealed in `sealed`, the sync layer's conflict copy of the server
   * version and its failure details sealed in `sealedSync`; only routing and scheduling fields stay clear.
   * @internal
   */
  async sealOutboxEntry(keys: DataKeys, entry: OutboxLike): Promise<StoredOutboxEntry> {
    const { entity, remote, failure, ...clear } = entry;
    const out: StoredOutboxEntry = { ...clear };
    if (entity !== undefined) out.sealed = await seal(keys.enc, 'outbox', outboxAad(entry), entity);
    if (remote !== undefined || failure !== undefined) {
      const extra: { r?: unknown; f?: unknown } = {};
      if (remote !== undefined) extra.r = remote;
      if (failure !== undefined) extra.f = failure;
      out.sealedSync = await seal(keys.enc, 'outbox-sync', outboxAad(entry), extra);
    }
    return out;
  }

  /** Opens an outbox entry stored by {@link sealOutboxEntry}. @internal */
  async openOutboxEntry(keys: DataKeys, stored: StoredOutboxEntry): Promise<OutboxLike> {
    const { sealed, sealedSync, ...rest } = stored;
    const entry: OutboxLike = { ...rest };
    if (sealed !== undefined) entry.entity = await unseal<unknown>(keys.enc, 'outbox', outboxAad(rest), sealed);
    if (sealedSync !== undefined) {
      const extra = await unseal<{ r?: unknown; f?: unknown }>(keys.enc, 'outbox-sync', outboxAad(rest), sealedSync);
      if ('r' in extra) entry.remote = extra.r;
      if ('f' in extra) entry.failure = extra.f;
    }
    return entry;
  }

  /** The data keys (rejects with `LockedError` while locked, `ClosedError` after close). @internal */
  dataKeys(): Promise<DataKeys> {
    return this.#keys();
  }

  /**
   * Runs a sync-engine step with the encryption kept out of IndexedDB transactions (optimistic: reads in
   * short read transactions and decrypted after them, writes encrypted first and committed in one
   * transaction that re-checks everything read; a step whose reads changed meanwhile runs again).
   * Used by `IdbSyncStorage` when the client has encryption at rest. @internal
   */
  sealedSyncTransaction<T>(collections: readonly string[], mode: 'readonly' | 'readwrite', fn: (tx: SyncStorageTx) => Promise<T>): Promise<T> {
    return sealedSyncTransaction(this, collections, mode, fn);
  }

  async #openRows<C extends CollectionName>(keys: DataKeys, collection: C, rows: Row<CollectionTypes[C]>[]): Promise<Row<CollectionTypes[C]>[]> {
    return Promise.all(rows.map((r) => this.#openRow(keys, collection, r)));
  }

  async #rawRows<C extends CollectionName>(collection: C, ids: readonly string[]): Promise<(Row<CollectionTypes[C]> | undefined)[]> {
    return this.transaction([collection], 'readonly', async (tx) => {
      const os = tx.objectStore(collection);
      return Promise.all(ids.map((id) => req(os.get(id)) as Promise<Row<CollectionTypes[C]> | undefined>));
    });
  }

  // ---------------------------------------------------------------- reads

  override async get<C extends CollectionName>(collection: C, id: string): Promise<CollectionTypes[C] | undefined> {
    const [v] = await this.getMany(collection, [id]);
    return v;
  }

  override async getMany<C extends CollectionName>(collection: C, ids: readonly string[]): Promise<(CollectionTypes[C] | undefined)[]> {
    const keys = await this.#keys();
    if (ids.length === 0) return [];
    const rows = await this.#rawRows(collection, ids);
    return Promise.all(rows.map(async (r) => (r ? (await this.#openRow(keys, collection, r)).v : undefined)));
  }

  override async getAllByIndex<C extends CollectionName>(collection: C, index: string, key: IDBValidKey | IDBKeyRange, limit?: number): Promise<Row<CollectionTypes[C]>[]> {
    const keys = await this.#keys();
    let k = key;
    if (collection === 'records' && (index === 'doc' || index === 'nm')) {
      if (typeof key !== 'string') throw new UnsupportedError(`range lookups on the ${index} index with encryption at rest`);
      k = await indexToken(keys.mac, index, key);
    }
    if (collection === 'records' && index === 'ns') throw new UnsupportedError('the name sort index with encryption at rest');
    const rows = await super.getAllByIndex(collection, index, k, limit);
    return this.#openRows(keys, collection, rows);
  }

  override async count(collection: CollectionName, index?: string, range?: IDBKeyRange | null): Promise<number> {
    await this.#keys();
    return super.count(collection, index, range);
  }

  /**
   * Walks the index in chunks: each chunk is read in one transaction, decrypted after it, then filtered
   * (filters see the decrypted entity, as without encryption).
   */
  override async queryIndex<C extends CollectionName>(collection: C, q: IndexQuery<CollectionTypes[C]>): Promise<Row<CollectionTypes[C]>[]> {
    const keys = await this.#keys();
    if (!isSealedCollection(collection)) return super.queryIndex(collection, q);
    if (collection === 'records' && q.index === 'ns') throw new UnsupportedError('sorting records by name with encryption at rest');
    const direction = q.direction ?? 'next';
    const chunk = q.filter ? Math.max(q.limit, 100) : q.limit;
    const out: Row<CollectionTypes[C]>[] = [];
    let range = q.range ?? null;
    for (;;) {
      const raw = await super.queryIndex(collection, { index: q.index, range, direction, limit: chunk });
      const rows = await this.#openRows(keys, collection, raw);
      for (const r of rows) {
        if (q.filter && !q.filter(r)) continue;
        out.push(r);
        if (out.length >= q.limit) return out;
      }
      if (raw.length < chunk) return out;
      const last = indexKeyOf(collection, raw[raw.length - 1] as Row<unknown>, q.index);
      if (direction === 'next') {
        range = range && range.upper !== undefined ? IDBKeyRange.bound(last, range.upper, true, range.upperOpen) : IDBKeyRange.lowerBound(last, true);
      } else {
        range = range && range.lower !== undefined ? IDBKeyRange.bound(range.lower, last, range.lowerOpen, true) : IDBKeyRange.upperBound(last, true);
      }
    }
  }

  override async searchTokens<C extends 'records' | 'agencies'>(collection: C, tokens: readonly string[], limit: number): Promise<Row<CollectionTypes[C]>[]> {
    const keys = await this.#keys();
    if (collection !== 'records') return super.searchTokens(collection, tokens, limit);
    if (tokens.length === 0 || limit <= 0) return [];
    const probe = [...tokens].sort((a, b) => b.length - a.length)[0] as string;
    const key = await indexToken(keys.mac, 'nm', probe.slice(0, NAME_PREFIX_MAX));
    const matches = (r: ForeignerRecord): boolean => {
      const names = nameTokens(typeof r.identity?.surname === 'string' ? r.identity.surname : '', typeof r.identity?.givenNames === 'string' ? r.identity.givenNames : '');
      return tokens.every((t) => names.some((n) => n.startsWith(t)));
    };
    // One token no longer than the hashed prefix: every row under the probe matches, so read exactly `limit`.
    const exact = tokens.length === 1 && probe.length <= NAME_PREFIX_MAX;
    const chunk = exact ? limit : Math.max(limit * 2, 32);
    const out: Row<CollectionTypes[C]>[] = [];
    let after: IDBValidKey | undefined;
    for (;;) {
      const raw = await this.#tokenChunk<C>(collection, key, after, chunk);
      const rows = await this.#openRows(keys, collection, raw);
      for (const r of rows) {
        if (!matches(r.v as ForeignerRecord)) continue;
        out.push(r);
        if (out.length >= limit) return out;
      }
      if (raw.length < chunk) return out;
      after = (raw[raw.length - 1] as Row<unknown>).id;
    }
  }

  /** Up to `n` rows whose `nm` index holds `key`, in primary-key order, after primary key `after`. */
  #tokenChunk<C extends CollectionName>(collection: C, key: string, after: IDBValidKey | undefined, n: number): Promise<Row<CollectionTypes[C]>[]> {
    return this.transaction([collection], 'readonly', (tx) => {
      const index = tx.objectStore(collection).index('nm');
      // First chunk: one batched read.
      if (after === undefined) return req(index.getAll(IDBKeyRange.only(key), n)) as Promise<Row<CollectionTypes[C]>[]>;
      return new Promise<Row<CollectionTypes[C]>[]>((resolve, reject) => {
        const out: Row<CollectionTypes[C]>[] = [];
        const cursorReq = index.openCursor(IDBKeyRange.only(key));
        let jumped = false;
        cursorReq.onerror = () => reject(toStoreError(cursorReq.error));
        cursorReq.onsuccess = () => {
          const cursor = cursorReq.result;
          if (!cursor) return resolve(out);
          if (after !== undefined && indexedDB.cmp(cursor.primaryKey, after) <= 0) {
            // continuePrimaryKey must move forward: jump only from strictly before `after`.
            if (!jumped && indexedDB.cmp(cursor.primaryKey, after) < 0) {
              jumped = true;
              cursor.continuePrimaryKey(key, after);
            } else cursor.continue();
            return;
          }
          out.push(cursor.value as Row<CollectionTypes[C]>);
          if (out.length >= n) return resolve(out);
          cursor.continue();
        };
      });
    });
  }

  // ---------------------------------------------------------------- writes

  /**
   * Sealed collections and outbox entries: encrypted outside the transaction, then written in one transaction
   * that re-checks the rows read (retried when another write raced); the rest as {@link TimporaStore}.
   */
  protected override async commitWrite<C extends CollectionName>(collection: C, ops: readonly WriteOp<CollectionTypes[C]>[], withOutbox: boolean): Promise<WriteResult<CollectionTypes[C]>[]> {
    const keys = await this.#keys();
    if (!isSealedCollection(collection) && !withOutbox) return super.commitWrite(collection, ops, withOutbox);
    for (let attempt = 0; attempt < 5; attempt++) {
      const results = await this.#writeOnce(keys, collection, ops, withOutbox);
      if (results !== RACE) return results;
    }
    throw new StoreError('conflict', 'Rows kept changing during the write; try again');
  }

  /** Phase 1 (read, decrypt, build), phase 2 (encrypt), phase 3 (one write transaction, re-checked). */
  async #writeOnce<C extends CollectionName>(keys: DataKeys, collection: C, ops: readonly WriteOp<CollectionTypes[C]>[], withOutbox: boolean): Promise<WriteResult<CollectionTypes[C]>[] | typeof RACE> {
    type T = CollectionTypes[C];
    const readIds = [...new Set(ops.flatMap((o) => (o.kind === 'update' || o.kind === 'delete' ? [o.id] : [])))];
    const rawRows = readIds.length ? await this.#rawRows(collection, readIds) : [];
    const markers = new Map<string, string>();
    const current = new Map<string, T | undefined>();
    const opened = await this.#openRows(keys, collection, rawRows.filter((r): r is Row<T> => r !== undefined));
    for (const [i, id] of readIds.entries()) markers.set(id, marker(rawRows[i] as Row<unknown> | undefined));
    for (const r of opened) current.set(r.id, r.v);
    const now = this.#clock();
    const results: WriteResult<T>[] = new Array(ops.length);
    type Planned = { kind: 'add' | 'put'; entity: T } | { kind: 'delete'; id: string };
    const planned: Planned[] = [];
    const outbox: { op: 'put' | 'delete'; id: string; baseVersion: number; entity?: T }[] = [];
    const versionOf = (e: unknown): number => (e as { version?: number } | undefined)?.version ?? 0;
    try {
      for (const [i, op] of ops.entries()) {
        switch (op.kind) {
          case 'create': {
            const id = (op.entity as { id: string }).id;
            planned.push({ kind: 'add', entity: op.entity });
            current.set(id, op.entity);
            results[i] = { op: 'put', entity: op.entity };
            outbox.push({ op: 'put', id, baseVersion: 0, entity: op.entity });
            break;
          }
          case 'replace': {
            const id = (op.entity as { id: string }).id;
            planned.push({ kind: 'put', entity: op.entity });
            current.set(id, op.entity);
            results[i] = { op: 'put', entity: op.entity };
            outbox.push({ op: 'put', id, baseVersion: versionOf(op.entity), entity: op.entity });
            break;
          }
          case 'update': {
            const existing = current.get(op.id);
            const entity = op.build(existing);
            planned.push({ kind: 'put', entity });
            current.set(op.id, entity);
            results[i] = { op: 'put', entity };
            outbox.push({ op: 'put', id: op.id, baseVersion: versionOf(existing), entity });
            break;
          }
          case 'delete': {
            const existing = current.get(op.id) as (T & { version?: number }) | undefined;
            if (op.expectedVersion !== undefined) {
              if (!existing) throw new NotFoundError(collection, op.id);
              if (existing.version !== op.expectedVersion) throw new ConflictError(collection, op.id, op.expectedVersion, existing.version);
            }
            if (existing) {
              planned.push({ kind: 'delete', id: op.id });
              current.set(op.id, undefined);
              outbox.push({ op: 'delete', id: op.id, baseVersion: existing.version ?? 0 });
              results[i] = { op: 'delete', id: op.id, deleted: true, previous: existing };
            } else {
              results[i] = { op: 'delete', id: op.id, deleted: false };
            }
            break;
          }
        }
      }
    } catch (e) {
      throw toStoreError(e);
    }
    const rows = await Promise.all(planned.map((p) => (p.kind === 'delete' ? Promise.resolve(undefined) : this.#rowOf(keys, collection, p.entity))));
    const entries: StoredOutboxEntry[] = withOutbox
      ? await Promise.all(
          outbox.map(async (o) => {
            const entry: StoredOutboxEntry = { collection, op: o.op, id: o.id, baseVersion: o.baseVersion, idempotencyKey: newId(), attempts: 0, nextAttemptAt: now, createdAt: now };
            if (o.entity !== undefined) entry.sealed = await seal(keys.enc, 'outbox', outboxAad(entry), o.entity);
            return entry;
          }),
        )
      : [];
    const stores: StoreName[] = withOutbox ? [collection, 'outbox'] : [collection];
    let raced = false;
    try {
      await this.transaction(stores, 'readwrite', (tx, fail) => {
        const os = tx.objectStore(collection);
        // Re-check first: requests run in order, so these see the rows before our writes.
        for (const id of readIds) {
          const r = os.get(id);
          r.onsuccess = () => {
            if (marker(r.result as Row<unknown> | undefined) !== markers.get(id)) {
              raced = true;
              fail(new StoreError('conflict', 'row changed'));
            }
          };
        }
        for (const [i, p] of planned.entries()) {
          if (p.kind === 'delete') os.delete(p.id);
          else if (p.kind === 'add') os.add(rows[i] as Row<T>);
          else os.put(rows[i] as Row<T>);
        }
        if (withOutbox) {
          const ob = tx.objectStore('outbox');
          for (const e of entries) ob.add(e);
        }
      }, this.localWriteDurability(withOutbox));
    } catch (e) {
      if (raced) return RACE;
      throw e;
    }
    return results;
  }

  // ---------------------------------------------------------------- drafts and outbox

  override async getDraft<T = unknown>(key: string): Promise<DraftEntry<T> | undefined> {
    const keys = await this.#keys();
    const raw = await super.getDraft<SealedValue>(key);
    if (!raw) return undefined;
    return { key: raw.key, value: await unseal<T>(keys.enc, 'drafts', raw.key, raw.value?.$sealed), updatedAt: raw.updatedAt };
  }

  override async putDraft<T>(key: string, value: T): Promise<DraftEntry<T>> {
    const keys = await this.#keys();
    const $sealed = await seal(keys.enc, 'drafts', key, value);
    const entry: DraftEntry<T> = { key, value, updatedAt: this.#clock() };
    await this.transaction(['drafts'], 'readwrite', (tx) => {
      tx.objectStore('drafts').put({ key, value: { $sealed }, updatedAt: entry.updatedAt });
    });
    this.notify({ collection: 'drafts', op: 'put', ids: [key], source: 'local' });
    return entry;
  }

  override async deleteDraft(key: string): Promise<void> {
    await this.#keys();
    return super.deleteDraft(key);
  }

  override async listDrafts(): Promise<DraftEntry[]> {
    const keys = await this.#keys();
    const raw = (await super.listDrafts()) as DraftEntry<SealedValue>[];
    return Promise.all(raw.map(async (d) => ({ key: d.key, value: await unseal<unknown>(keys.enc, 'drafts', d.key, d.value?.$sealed), updatedAt: d.updatedAt })));
  }

  override async outboxEntries(limit?: number): Promise<OutboxEntry[]> {
    const keys = await this.#keys();
    const raw = (await super.outboxEntries(limit)) as unknown as StoredOutboxEntry[];
    return Promise.all(raw.map(async (r) => (await this.openOutboxEntry(keys, r)) as unknown as OutboxEntry));
  }

}
