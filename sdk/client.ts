/**
 * `createTimporaClient()`: the single object widgets and agency code talk to. It validates with `sdk/model`,
 * stores in IndexedDB (`sdk/store`), announces changes across tabs, and, when a server is configured, records
 * every local change in the outbox (same transaction) for the sync engine (`sdk/sync`).
 *
 * ```ts
 * const client = createTimporaClient({ agencyId: 'imi-jakut' });
 * const saved = await client.records.put(record);          // validated, versioned, durable
 * const page = await client.records.query({ filter: { status: 'active' }, limit: 50 });
 * const hits = await client.records.searchByName('mul');    // Müller, MULLER, ...
 * ```
 * @module
 */
import type { Agency, AgencyKind, EntityMeta, ForeignerRecord, Operation, OperationStatus, PermitType, RecordStatus } from './model/types.ts';
import { newId, type NewAgencyInput, type NewOperationInput, type NewRecordInput } from './model/factory.ts';
import { validateAgency, validateRecord } from './model/validate-record.ts';
import { validateOperation } from './model/validate-operation.ts';
import { hasErrors, type ValidationIssue } from './model/validation.ts';
import { ConflictError, NotFoundError, StoreError, UnsupportedError, ValidationError } from './store/errors.ts';
import { documentKey, queryTokens } from './store/fold.ts';
import { DEFAULT_RECORD_STATUS, INDEXES, type CollectionName, type CollectionTypes, type DraftEntry, type Row } from './store/schema.ts';
import { requestPersistentStorage, storageEstimate, TimporaStore, type ChangeSource, type StoreOptions, type WriteOp } from './store/store.ts';
import { EncryptedTimporaStore, type EncryptionOptions } from './security/encrypted-store.ts';
import { purgeExpired, wipeStore, type PurgeReport } from './security/retention.ts';

/** How the client reaches the Timpora server (see `docs/openapi.yaml`). */
export interface ServerOptions {
  /** Base URL of the HTTP API, e.g. `https://timpora.example.go.id/api/v1`. */
  baseUrl: string;
  /** Bearer token provider, called before requests (and again after a 401 when the sync engine supports it). */
  token?: () => Promise<string> | string;
}

/**
 * The sync engine as seen by the client. `sdk/sync` provides the implementation (`TimporaSync`) and wires it
 * through {@link TimporaClientOptions.sync} or {@link setDefaultSyncFactory}; this interface only names what
 * the client itself needs (start/stop with the client's life cycle).
 */
export interface ClientSync extends EventTarget {
  /** Starts syncing (called by the client once the store is open, and again by `unlock()`). Idempotent. */
  start(): void;
  /** Stops syncing and releases timers, locks and listeners (called by `close()`, `lock()` and `wipe()`). */
  stop(): void | Promise<void>;
}

/** Context handed to a sync factory. */
export interface SyncFactoryContext {
  /** The client being created (its collections are ready; the database may not be open yet). */
  client: TimporaClient;
  /** The client's store: the engine drains its outbox and applies pulled changes through it. */
  store: TimporaStore;
  /** Where to sync to: the client's `server` option. */
  server: ServerOptions;
}

/** Creates the sync engine for a client (registered by `sdk/sync`). */
export type SyncFactory = (context: SyncFactoryContext) => ClientSync;

let defaultSyncFactory: SyncFactory | undefined;

/**
 * Registers the sync engine used by clients created with a `server` and no explicit `sync` option.
 * `sdk/sync` calls this; apps normally don't.
 */
export function setDefaultSyncFactory(factory: SyncFactory | undefined): void {
  defaultSyncFactory = factory;
}

/** Options of {@link createTimporaClient}. */
export interface TimporaClientOptions {
  /** IndexedDB database name (default `timpora-kit`). Use distinct names for tests or per-user databases. */
  dbName?: string;
  /** Agency of this installation; fills `sourceAgency` of new entities (default `local`). */
  agencyId?: string;
  /** The Timpora server. Without it the client works fully offline on IndexedDB alone. */
  server?: ServerOptions;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Record local changes in the outbox for the sync engine (default: true when `server` is set). Each change
   * and its outbox entry are committed in the same transaction.
   */
  outbox?: boolean;
  /** Sync engine factory, overriding the registered default (`false` disables sync even with a server). */
  sync?: SyncFactory | false;
  /** Passed to the store (upgrade wait, BroadcastChannel, durability). */
  store?: Pick<StoreOptions, 'blockedTimeoutMs' | 'broadcast' | 'durability'>;
  /**
   * Encryption at rest (off by default): records, operations, drafts and outbox entities are sealed
   * with AES-GCM-256 under a non-extractable key kept in IndexedDB; document and name indexes hold keyed
   * hashes. `{ mode: 'passphrase' }` wraps the keys with a passphrase (PBKDF2-SHA256, ≥ 310,000 iterations)
   * and starts locked until {@link TimporaClient.unlock}. Records cannot be sorted by name while it is on
   * (`UnsupportedError`). With a sync engine, outbox entries and pulled changes stay sealed at rest, and a
   * locked client does not sync (lock stops the engine, unlock starts it again).
   * See `sdk/security/encrypted-store.ts`.
   */
  encryption?: EncryptionOptions;
  /**
   * Retention period in days: {@link TimporaClient.purgeExpired} (run automatically each time the database
   * opens) removes records not updated for this long and without a pending outbox entry, and older drafts.
   */
  retentionDays?: number;
}

/** Sort direction. */
export type SortDirection = 'asc' | 'desc';

/** A query over one collection. */
export interface QueryOptions<F, S extends string> {
  /** Only entities matching every given field (an array means any of its values). Default: all. */
  filter?: F;
  /** Sort field (default `updatedAt`). */
  sort?: S;
  /** Default `desc` for `updatedAt`, `asc` otherwise. */
  direction?: SortDirection;
  /** Restrict the sort field to `[from, to]` (inclusive; ISO strings compare in time order). */
  range?: {
    /** Lowest value of the sort field (inclusive); open-ended when absent. */
    from?: string;
    /** Highest value of the sort field (inclusive); open-ended when absent. */
    to?: string;
  };
  /** Page size, 1 to 1000 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of results. */
export interface Page<T> {
  /** The entities of this page, in the requested order (at most `limit`). */
  items: T[];
  /** Cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

/** A change of a collection heard by {@link Collection.subscribe}. */
export interface CollectionChange {
  /** `put` (created or updated) or `delete`. */
  op: 'put' | 'delete';
  /** Ids of the entities that changed (one batch write is one change). */
  ids: string[];
  /** `local` (this client), `tab` (another client/tab on the same database), `remote` (applied from the server). */
  source: ChangeSource;
}

/** Options of `put` / `putMany`. */
export interface PutOptions {
  /**
   * Write even when the stored version differs from `entity.version` or, for an entity without version, when
   * the id already exists (last writer wins). Default false: such writes reject with {@link ConflictError}.
   */
  force?: boolean;
}

/** Filters of `client.records.query`. */
export interface RecordFilter {
  /** Record status, or any of several. */
  status?: RecordStatus | RecordStatus[];
  /** Id of the agency that created the record. */
  sourceAgency?: string;
  /** Nationality as an ICAO 3-letter code (`DEU`, `CHN`, `D` is not normalised). */
  nationality?: string;
  /** Issuing state of the travel document. */
  issuingState?: string;
  /** Stay-permit type (ITK / ITAS / ITAP). */
  permitType?: PermitType;
}
/** Sort fields of records. */
export type RecordSort = 'updatedAt' | 'name';

/** Filters of `client.operations.query`. */
export interface OperationFilter {
  /** Operation status, or any of several. */
  status?: OperationStatus | OperationStatus[];
  /** Id of the agency that created the operation. */
  sourceAgency?: string;
  /** Id of the agency leading the operation. */
  leadAgency?: string;
  /** Operations a given agency leads or takes part in. */
  agency?: string;
  /** Kind of entry: a field operation or a coordination meeting. */
  kind?: Operation['kind'];
}
/** Sort fields of operations (`start` is the wall-clock start in the operation's zone). */
export type OperationSort = 'updatedAt' | 'start';

/** Filters of `client.agencies.query`. */
export interface AgencyFilter {
  /** Kind of agency (immigration, police, ...). */
  kind?: AgencyKind;
  /** Id of the parent agency: its direct sub-units. */
  parentId?: string;
}
/** Sort fields of agencies. */
export type AgencySort = 'updatedAt' | 'name';

/** Input accepted by `put`: the entity, with meta fields optional (the client fills them). */
export type EntityInput<T extends EntityMeta> = Omit<T, keyof EntityMeta> & Partial<EntityMeta>;

/** Operations common to every collection. */
export interface Collection<T extends EntityMeta, I, F, S extends string> {
  /** Name of the collection (the IndexedDB object store and the HTTP resource). */
  readonly name: CollectionName;
  /** The entity, or undefined when absent. */
  get(id: string): Promise<T | undefined>;
  /** The entity; rejects with {@link NotFoundError} when absent. */
  require(id: string): Promise<T>;
  /** Entities for `ids` in order (undefined where absent). */
  getMany(ids: readonly string[]): Promise<(T | undefined)[]>;
  /**
   * Validates and stores. New entities (no `version` or `0`) get `id` (when absent), `sourceAgency` (the
   * client's agency), `createdAt`, `updatedAt` and `version: 1`; updates must carry the version they were read
   * at and get `version + 1` and a new `updatedAt` (`createdAt`/`sourceAgency` are kept). Rejects with
   * {@link ValidationError} (issues with codes), {@link ConflictError}, or another {@link StoreError}.
   * Resolves with the stored entity once it is durable (with its outbox entry when sync is on).
   */
  put(entity: I, options?: PutOptions): Promise<T>;
  /** Like {@link put} for many entities in ONE transaction: all are stored or none. */
  putMany(entities: readonly I[], options?: PutOptions): Promise<T[]>;
  /**
   * Deletes. Resolves false when there was nothing to delete. With `expectedVersion`, rejects with
   * {@link ConflictError} when the stored version differs, {@link NotFoundError} when absent.
   */
  delete(id: string, options?: { expectedVersion?: number }): Promise<boolean>;
  /** A page of entities, filtered and sorted, with a cursor for the next page. */
  query(options?: QueryOptions<F, S>): Promise<Page<T>>;
  /** Number of entities matching `filter` (all when omitted). */
  count(filter?: F): Promise<number>;
  /** Validation issues of `input` (as `put` would check it, without meta fields required). */
  validate(input: unknown): ValidationIssue[];
  /** Listens to changes of this collection (this client, other tabs, the server). Returns an unsubscribe. */
  subscribe(listener: (change: CollectionChange) => void): () => void;
}

/** `client.records`. */
export interface RecordsCollection extends Collection<ForeignerRecord, NewRecordInput, RecordFilter, RecordSort> {
  /** Records whose travel document matches (state and number normalised: case, spaces, dashes, MRZ fillers), newest first. */
  findByDocument(issuingState: string, number: string): Promise<ForeignerRecord[]>;
  /**
   * Prefix search on surname and given names, accent- and case-insensitive: `"mul"` finds `Müller`,
   * `"jose"` finds `JOSÉ`; several words must all match (`"hans mul"`). Default limit 20.
   */
  searchByName(query: string, options?: { limit?: number }): Promise<ForeignerRecord[]>;
}

/** `client.operations`. */
export type OperationsCollection = Collection<Operation, NewOperationInput, OperationFilter, OperationSort>;

/** `client.agencies`. */
export interface AgenciesCollection extends Collection<Agency, NewAgencyInput, AgencyFilter, AgencySort> {
  /** Prefix search on name and short name (accent- and case-insensitive). */
  searchByName(query: string, options?: { limit?: number }): Promise<Agency[]>;
}

/** Form drafts (autosave), kept on this device only (never in the outbox). */
export interface DraftsApi {
  /** The draft saved under `key` (e.g. `foreigner-form:new`), or undefined when there is none. */
  get<T = unknown>(key: string): Promise<DraftEntry<T> | undefined>;
  /** Saves (replaces) the draft under `key`, stamped with the current time; `value` must be structured-cloneable. */
  put<T>(key: string, value: T): Promise<DraftEntry<T>>;
  /** Removes the draft under `key` (no error when there is none). */
  delete(key: string): Promise<void>;
  /** Every draft on this device, in key order. */
  list(): Promise<DraftEntry[]>;
}

/** The client. Widgets type against this interface (it travels through `@lit/context`). */
export interface TimporaClient {
  /** Foreigner records (identity, travel document, stay permit, address, findings). */
  readonly records: RecordsCollection;
  /** Joint operations and coordination meetings (with recurrence, in WIB/WITA/WIT). */
  readonly operations: OperationsCollection;
  /** The agencies of the team (immigration, police, military, ...). */
  readonly agencies: AgenciesCollection;
  /** Form drafts (autosave), on this device only. */
  readonly drafts: DraftsApi;
  /** Agency of this installation (fills `sourceAgency`). */
  readonly agencyId: string;
  /** Server configuration, when any. */
  readonly server: ServerOptions | undefined;
  /** The sync engine, when a server is configured and `sdk/sync` registered one (see {@link setDefaultSyncFactory}). */
  readonly sync: ClientSync | undefined;
  /** Low-level store (for `sdk/sync` and tooling). */
  readonly store: TimporaStore;
  /** Whether local changes are recorded in the outbox. */
  readonly outboxEnabled: boolean;
  /** Opens the database now (otherwise it opens on first use); rejects with a typed error when unavailable. */
  open(): Promise<void>;
  /** Asks the browser to keep this origin's data under storage pressure; resolves whether it is persistent. */
  requestPersistentStorage(): Promise<boolean>;
  /** Storage usage and quota in bytes, when known. */
  storageEstimate(): Promise<
    | {
        /** Bytes this origin uses (all storage, not only this database). */
        usage: number;
        /** Bytes the browser lets this origin use. */
        quota: number;
      }
    | undefined
  >;
  /** Stops sync, closes the database and the cross-tab channel. */
  close(): Promise<void>;
  /** Whether encryption at rest is on ({@link TimporaClientOptions.encryption}). */
  readonly encrypted: boolean;
  /** True while encryption is on and the keys are not in memory (reads and writes reject with `LockedError`). */
  readonly locked: boolean;
  /**
   * Drops the encryption keys from memory: reads and writes reject with `LockedError` (code `locked`) until
   * {@link unlock}. Also stops the sync engine until {@link unlock} (nothing is sent or pulled while locked).
   * Rejects with `UnsupportedError` when encryption is off.
   */
  lock(): Promise<void>;
  /**
   * Loads the keys again. With passphrase mode the passphrase is required (the first unlock of a new
   * database sets it); a wrong one rejects with `WrongPassphraseError` (code `wrong_passphrase`).
   */
  unlock(passphrase?: string): Promise<void>;
  /**
   * Sign-out: stops sync, deletes every store's data and the encryption keys on this device (works
   * offline), closes the connection. The client cannot be used afterwards (`ClosedError`).
   */
  wipe(): Promise<void>;
  /**
   * Removes cached personal data older than the retention period ({@link TimporaClientOptions.retentionDays}):
   * records not updated within it and without a pending outbox entry, and older drafts. Resolves with what
   * was removed (nothing when no retention period is set).
   */
  purgeExpired(): Promise<PurgeReport>;
}

// ------------------------------------------------------------------ implementation

type Validator = (input: unknown, options: { requireMeta?: boolean; now?: Date }) => ValidationIssue[];

interface Plan {
  index: string;
  /** Filter values that form the compound index prefix. */
  prefix?: string;
  /** Remaining filter, applied to rows. */
  filter?: (row: Row<unknown>) => boolean;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;

function encodeCursor(key: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): IDBValidKey {
  try {
    const bin = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as IDBValidKey;
  } catch (e) {
    throw new StoreError('unknown', 'Invalid page cursor', { cause: e });
  }
}

function indexKeyOf(row: Row<unknown>, index: string, collection: CollectionName): IDBValidKey {
  const def = (INDEXES[collection] as Record<string, { keyPath: string | string[] }>)[index];
  if (!def) throw new StoreError('unknown', `Unknown index ${index}`);
  const get = (p: string): IDBValidKey => (row as unknown as Record<string, IDBValidKey>)[p] as IDBValidKey;
  return Array.isArray(def.keyPath) ? def.keyPath.map(get) : get(def.keyPath);
}

/** Every key of a compound index `[prefix, ...]` whose first component is `prefix`. */
function prefixRange(prefix: string): IDBKeyRange {
  return IDBKeyRange.bound([prefix, []], [prefix + '\u0000'], false, true);
}

function asSet(v: string | string[] | undefined): Set<string> | undefined {
  if (v === undefined) return undefined;
  return new Set(Array.isArray(v) ? v : [v]);
}

class CollectionImpl<C extends CollectionName, I, F, S extends string> implements Collection<CollectionTypes[C], I, F, S> {
  constructor(
    readonly name: C,
    protected readonly ctx: ClientImpl,
    private readonly validator: Validator,
    private readonly planner: (filter: F | undefined, sort: S) => Plan,
    private readonly defaults: (input: Record<string, unknown>) => Record<string, unknown>,
  ) {}

  protected get store(): TimporaStore {
    return this.ctx.store;
  }

  get(id: string): Promise<CollectionTypes[C] | undefined> {
    return this.store.get(this.name, id);
  }

  async require(id: string): Promise<CollectionTypes[C]> {
    const e = await this.get(id);
    if (!e) throw new NotFoundError(this.name, id);
    return e;
  }

  getMany(ids: readonly string[]): Promise<(CollectionTypes[C] | undefined)[]> {
    return this.store.getMany(this.name, ids);
  }

  validate(input: unknown): ValidationIssue[] {
    return this.validator(input, { now: this.ctx.now() });
  }

  async put(entity: I, options?: PutOptions): Promise<CollectionTypes[C]> {
    const [saved] = await this.putMany([entity], options);
    return saved as CollectionTypes[C];
  }

  async putMany(entities: readonly I[], options: PutOptions = {}): Promise<CollectionTypes[C][]> {
    type T = CollectionTypes[C];
    const now = this.ctx.now();
    const at = now.toISOString();
    const ops: WriteOp<T>[] = entities.map((raw, index) => {
      if (raw === null || typeof raw !== 'object') throw new ValidationError([{ code: 'invalid_type', path: '', severity: 'error', params: { expected: 'object' } }], index);
      const input = this.defaults({ ...(raw as Record<string, unknown>) });
      const id = typeof input['id'] === 'string' && input['id'] !== '' ? (input['id'] as string) : newId();
      const version = typeof input['version'] === 'number' ? (input['version'] as number) : 0;
      const check = (candidate: Record<string, unknown>): T => {
        const issues = this.validator(candidate, { requireMeta: true, now });
        if (hasErrors(issues)) throw new ValidationError(issues, index);
        return candidate as unknown as T;
      };
      const update = (existing: T | undefined): T => {
        const ex = existing as (T & EntityMeta) | undefined;
        if (!options.force) {
          if (version > 0 && !ex) throw new ConflictError(this.name, id, version, undefined);
          if (ex && ex.version !== version) throw new ConflictError(this.name, id, version, ex.version);
        }
        const updatedAt = ex && ex.updatedAt > at ? ex.updatedAt : at;
        return check({
          ...input,
          id,
          sourceAgency: ex?.sourceAgency ?? (typeof input['sourceAgency'] === 'string' && input['sourceAgency'] ? input['sourceAgency'] : this.ctx.agencyId),
          createdAt: ex?.createdAt ?? at,
          updatedAt,
          version: (ex?.version ?? 0) + 1,
        });
      };
      if (version > 0 || options.force) return { kind: 'update', id, build: update };
      // Create: validated before the transaction; `add` rejects an existing id (no read needed).
      const entity = check({
        ...input,
        id,
        sourceAgency: typeof input['sourceAgency'] === 'string' && input['sourceAgency'] ? input['sourceAgency'] : this.ctx.agencyId,
        createdAt: at,
        updatedAt: at,
        version: 1,
      });
      return { kind: 'create', entity };
    });
    const results = await this.store.write(this.name, ops, { outbox: this.ctx.outboxEnabled });
    return results.map((r) => (r.op === 'put' ? r.entity : (undefined as never)));
  }

  async delete(id: string, options: { expectedVersion?: number } = {}): Promise<boolean> {
    const op: WriteOp<CollectionTypes[C]> = options.expectedVersion !== undefined ? { kind: 'delete', id, expectedVersion: options.expectedVersion } : { kind: 'delete', id };
    const [r] = await this.store.write(this.name, [op], { outbox: this.ctx.outboxEnabled });
    return r?.op === 'delete' && r.deleted;
  }

  protected defaultSort(): S {
    return 'updatedAt' as S;
  }

  async query(options: QueryOptions<F, S> = {}): Promise<Page<CollectionTypes[C]>> {
    const sort = options.sort ?? this.defaultSort();
    const direction = options.direction ?? (sort === 'updatedAt' ? 'desc' : 'asc');
    const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(options.limit ?? DEFAULT_LIMIT)));
    const plan = this.planner(options.filter, sort);
    const from = options.range?.from;
    const to = options.range?.to;
    // Index keys: plain `[sortValue, id]`, compound `[prefix, [sortValue, id]]`.
    let lower: IDBValidKey | undefined;
    let upper: IDBValidKey | undefined;
    let upperOpen = false;
    if (plan.prefix === undefined) {
      if (from !== undefined) lower = [from];
      if (to !== undefined) upper = [to, []];
    } else {
      const p = plan.prefix;
      lower = [p, from !== undefined ? [from] : []];
      if (to !== undefined) upper = [p, [to, []]];
      else {
        upper = [p + '\u0000'];
        upperOpen = true;
      }
    }
    let lowerOpen = false;
    if (options.cursor) {
      const after = decodeCursor(options.cursor);
      if (direction === 'asc') {
        lower = after;
        lowerOpen = true;
      } else {
        upper = after;
        upperOpen = true;
      }
    }
    let range: IDBKeyRange | null = null;
    try {
      if (lower !== undefined && upper !== undefined) range = IDBKeyRange.bound(lower, upper, lowerOpen, upperOpen);
      else if (lower !== undefined) range = IDBKeyRange.lowerBound(lower, lowerOpen);
      else if (upper !== undefined) range = IDBKeyRange.upperBound(upper, upperOpen);
    } catch {
      // lower > upper (cursor past the range): empty page.
      return { items: [] };
    }
    const rows = await this.store.queryIndex(this.name, {
      index: plan.index,
      range,
      direction: direction === 'asc' ? 'next' : 'prev',
      limit: limit + 1,
      ...(plan.filter ? { filter: plan.filter as (row: Row<CollectionTypes[C]>) => boolean } : {}),
    });
    const page: Page<CollectionTypes[C]> = { items: rows.slice(0, limit).map((r) => r.v) };
    if (rows.length > limit) page.nextCursor = encodeCursor(indexKeyOf(rows[limit - 1] as Row<unknown>, plan.index, this.name));
    return page;
  }

  async count(filter?: F): Promise<number> {
    const plan = this.planner(filter, this.defaultSort());
    if (!plan.filter) {
      if (plan.prefix === undefined) return this.store.count(this.name);
      return this.store.count(this.name, plan.index, prefixRange(plan.prefix));
    }
    let n = 0;
    let cursor: string | undefined;
    do {
      const page: Page<CollectionTypes[C]> = await this.query({ ...(filter !== undefined ? { filter } : {}), limit: MAX_LIMIT, ...(cursor ? { cursor } : {}) });
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return n;
  }

  subscribe(listener: (change: CollectionChange) => void): () => void {
    return this.store.subscribe((c) => {
      if (c.collection === this.name) listener({ op: c.op, ids: c.ids, source: c.source });
    });
  }
}

class RecordsImpl extends CollectionImpl<'records', NewRecordInput, RecordFilter, RecordSort> implements RecordsCollection {
  /**
   * A count by status alone reads index counts, not rows: a status other than the default counts its entries
   * in the sparse `xst_upd` index; the default status counts every row minus every `xst_upd` entry (each row of
   * another status has exactly one, see `sparseStatus`). Like the paged count of other filters, the counts are
   * separate reads, not one snapshot.
   */
  override async count(filter?: RecordFilter): Promise<number> {
    const status = asSet(filter?.status);
    const statusOnly = filter !== undefined && Object.entries(filter).every(([k, v]) => k === 'status' || v === undefined);
    if (!status || !statusOnly || status.has('')) return super.count(filter);
    const counts = [...status].map(async (s) => {
      if (s !== DEFAULT_RECORD_STATUS) return this.store.count('records', 'xst_upd', prefixRange(s));
      const [all, other] = await Promise.all([this.store.count('records'), this.store.count('records', 'xst_upd')]);
      return all - other;
    });
    return (await Promise.all(counts)).reduce((a, b) => a + b, 0);
  }

  async findByDocument(issuingState: string, number: string): Promise<ForeignerRecord[]> {
    const rows = await this.store.getAllByIndex('records', 'doc', documentKey(issuingState, number));
    return rows
      .map((r) => r.v)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  }

  async searchByName(query: string, options: { limit?: number } = {}): Promise<ForeignerRecord[]> {
    const rows = await this.store.searchTokens('records', queryTokens(query), Math.max(1, Math.min(MAX_LIMIT, options.limit ?? 20)));
    return rows.map((r) => r.v);
  }
}

class AgenciesImpl extends CollectionImpl<'agencies', NewAgencyInput, AgencyFilter, AgencySort> implements AgenciesCollection {
  async searchByName(query: string, options: { limit?: number } = {}): Promise<Agency[]> {
    const rows = await this.store.searchTokens('agencies', queryTokens(query), Math.max(1, Math.min(MAX_LIMIT, options.limit ?? 20)));
    return rows.map((r) => r.v);
  }
}

/** The status a record list/count can read from the sparse `xst_upd` index: one status, not the default. */
function sparseIndexed(status: Set<string>): string | undefined {
  const [s] = status;
  return status.size === 1 && s !== undefined && s !== '' && s !== DEFAULT_RECORD_STATUS ? s : undefined;
}

function recordPlan(filter: RecordFilter | undefined, sort: RecordSort): Plan {
  // One status other than the default, newest first: the sparse `xst_upd` index (schema v4), whose entries
  // under that status are exactly its rows in `upd` order. Everything else walks `upd` (or `ns`) and filters
  // rows: records have no full status or source-agency index (see sdk/store/schema.ts, v3 and v4); the
  // default status is most rows, so its filter rarely skips any.
  const status = asSet(filter?.status);
  const rare = status && sort === 'updatedAt' ? sparseIndexed(status) : undefined;
  const src = filter?.sourceAgency;
  const checks: ((r: ForeignerRecord) => boolean)[] = [];
  if (status && rare === undefined) checks.push((r) => status.has(r.status));
  if (src !== undefined) checks.push((r) => r.sourceAgency === src);
  if (filter?.nationality !== undefined) checks.push((r) => r.identity?.nationality === filter.nationality);
  if (filter?.issuingState !== undefined) checks.push((r) => r.document?.issuingState === filter.issuingState);
  if (filter?.permitType !== undefined) checks.push((r) => r.permit?.type === filter.permitType);
  return withChecks(rare !== undefined ? { index: 'xst_upd', prefix: rare } : { index: sort === 'name' ? 'ns' : 'upd' }, checks);
}

function operationPlan(filter: OperationFilter | undefined, sort: OperationSort): Plan {
  const status = asSet(filter?.status);
  let index = sort === 'start' ? 'start' : 'upd';
  let prefix: string | undefined;
  const used = new Set<string>();
  if (sort === 'start' && filter?.leadAgency !== undefined) {
    index = 'lead_start';
    prefix = filter.leadAgency;
    used.add('lead');
  } else if (sort === 'updatedAt' && status && status.size === 1) {
    index = 'st_upd';
    prefix = [...status][0];
    used.add('status');
  } else if (sort === 'updatedAt' && filter?.sourceAgency !== undefined) {
    index = 'src_upd';
    prefix = filter.sourceAgency;
    used.add('src');
  }
  const checks: ((o: Operation) => boolean)[] = [];
  if (status && !used.has('status')) checks.push((o) => status.has(o.status));
  if (filter?.sourceAgency !== undefined && !used.has('src')) checks.push((o) => o.sourceAgency === filter.sourceAgency);
  if (filter?.leadAgency !== undefined && !used.has('lead')) checks.push((o) => o.leadAgency === filter.leadAgency);
  if (filter?.kind !== undefined) checks.push((o) => o.kind === filter.kind);
  if (filter?.agency !== undefined) {
    const a = filter.agency;
    checks.push((o) => o.leadAgency === a || (Array.isArray(o.participatingAgencies) && o.participatingAgencies.includes(a)));
  }
  return withChecks({ index, ...(prefix !== undefined ? { prefix } : {}) }, checks);
}

function agencyPlan(filter: AgencyFilter | undefined, sort: AgencySort): Plan {
  let index = sort === 'name' ? 'ns' : 'upd';
  let prefix: string | undefined;
  if (sort === 'name' && filter?.kind !== undefined) {
    index = 'kind_ns';
    prefix = filter.kind;
  }
  const checks: ((a: Agency) => boolean)[] = [];
  if (filter?.kind !== undefined && prefix === undefined) checks.push((a) => a.kind === filter.kind);
  if (filter?.parentId !== undefined) checks.push((a) => a.parentId === filter.parentId);
  return withChecks({ index, ...(prefix !== undefined ? { prefix } : {}) }, checks);
}

function withChecks<T>(plan: Plan, checks: ((e: T) => boolean)[]): Plan {
  if (checks.length === 0) return plan;
  return { ...plan, filter: (row) => checks.every((c) => c(row.v as T)) };
}

class ClientImpl implements TimporaClient {
  readonly store: TimporaStore;
  readonly agencyId: string;
  readonly server: ServerOptions | undefined;
  readonly outboxEnabled: boolean;
  readonly now: () => Date;
  readonly records: RecordsImpl;
  readonly operations: CollectionImpl<'operations', NewOperationInput, OperationFilter, OperationSort>;
  readonly agencies: AgenciesImpl;
  readonly drafts: DraftsApi;
  sync: ClientSync | undefined;

  constructor(options: TimporaClientOptions) {
    this.now = options.now ?? (() => new Date());
    this.agencyId = options.agencyId ?? 'local';
    this.server = options.server;
    this.outboxEnabled = options.outbox ?? options.server !== undefined;
    const storeOptions: StoreOptions = {
      ...(options.dbName !== undefined ? { dbName: options.dbName } : {}),
      ...options.store,
      now: () => this.now().getTime(),
    };
    this.store = options.encryption ? new EncryptedTimporaStore({ ...storeOptions, encryption: options.encryption }) : new TimporaStore(storeOptions);
    this.retentionDays = options.retentionDays;
    if (this.retentionDays !== undefined) {
      // Purge on every open (first use, and reopening after a versionchange). Failures surface on next use.
      this.store.addEventListener('open', () => {
        this.purgeExpired().catch(() => {});
      });
    }
    const recordDefaults = (i: Record<string, unknown>): Record<string, unknown> => {
      if (i['findings'] === undefined) i['findings'] = [];
      if (i['status'] === undefined) i['status'] = DEFAULT_RECORD_STATUS;
      return i;
    };
    const opDefaults = (i: Record<string, unknown>): Record<string, unknown> => {
      for (const k of ['participatingAgencies', 'team', 'recordIds']) if (i[k] === undefined) i[k] = [];
      if (i['status'] === undefined) i['status'] = 'planned';
      return i;
    };
    const same = (i: Record<string, unknown>): Record<string, unknown> => i;
    this.records = new RecordsImpl('records', this, validateRecord, recordPlan, recordDefaults);
    this.operations = new CollectionImpl('operations', this, validateOperation, operationPlan, opDefaults);
    this.agencies = new AgenciesImpl('agencies', this, validateAgency, agencyPlan, same);
    const store = this.store;
    this.drafts = {
      get: (key) => store.getDraft(key),
      put: (key, value) => store.putDraft(key, value),
      delete: (key) => store.deleteDraft(key),
      list: () => store.listDrafts(),
    };
    const factory = options.sync === false ? undefined : (options.sync ?? defaultSyncFactory);
    if (options.server && factory) {
      this.sync = factory({ client: this, store: this.store, server: options.server });
      // Encryption at rest: a locked client does not sync (passphrase mode starts locked); unlock starts it.
      if (this.locked) {
        this.#syncPausedByLock = true;
        void this.sync.stop();
      }
    }
  }

  async open(): Promise<void> {
    await this.store.database();
  }

  requestPersistentStorage(): Promise<boolean> {
    return requestPersistentStorage();
  }

  storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
    return storageEstimate();
  }

  async close(): Promise<void> {
    try {
      await this.sync?.stop();
    } finally {
      this.store.close();
    }
  }

  readonly retentionDays: number | undefined;

  get encrypted(): boolean {
    return this.store instanceof EncryptedTimporaStore;
  }

  get locked(): boolean {
    return this.store instanceof EncryptedTimporaStore && this.store.keyManager.locked;
  }

  #syncPausedByLock = false;

  async lock(): Promise<void> {
    if (!(this.store instanceof EncryptedTimporaStore)) throw new UnsupportedError('lock without encryption at rest');
    this.store.keyManager.lock();
    if (this.sync && !this.#syncPausedByLock) {
      this.#syncPausedByLock = true;
      await this.sync.stop();
    }
  }

  async unlock(passphrase?: string): Promise<void> {
    if (!(this.store instanceof EncryptedTimporaStore)) throw new UnsupportedError('unlock without encryption at rest');
    await this.store.keyManager.unlock(passphrase);
    if (this.sync && this.#syncPausedByLock) {
      this.#syncPausedByLock = false;
      this.sync.start();
    }
  }

  async wipe(): Promise<void> {
    try {
      await this.sync?.stop();
    } finally {
      if (this.store instanceof EncryptedTimporaStore) this.store.keyManager.forget();
      await wipeStore(this.store);
    }
  }

  async purgeExpired(): Promise<PurgeReport> {
    if (this.retentionDays === undefined) return { records: [], drafts: [] };
    const cutoff = new Date(this.now().getTime() - this.retentionDays * 86_400_000);
    return purgeExpired(this.store, cutoff);
  }
}

/**
 * Creates the client. Nothing is opened until first use (or {@link TimporaClient.open}); without `server` it
 * works fully offline on IndexedDB alone.
 */
export function createTimporaClient(options: TimporaClientOptions = {}): TimporaClient {
  return new ClientImpl(options);
}
