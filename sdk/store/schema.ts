/**
 * IndexedDB schema of the Timpora store: object stores, indexes, row format and the migrations between
 * schema versions.
 *
 * Rows: every entity is stored wrapped, `{ id, v: <entity exactly as written>, ...index keys }`, so reads
 * return the entity byte-exact and index keys (folded names, normalised document key) never leak into it.
 *
 * History:
 * - v1 (first release): `records`, `operations`, `agencies` held the raw entities (keyPath `id`), indexes
 *   `records.updatedAt`, `records.status`, `records.document.number`, `operations.start`; plus `meta`.
 * - v2: wrapped rows with computed keys (normalised document key, folded name tokens, compound sort keys
 *   that include the id for stable paging), indexes by source agency / lead agency, and the `outbox` and
 *   `drafts` stores. The v1→v2 migration rewrites every row in the upgrade transaction.
 * - v3: `records` loses its `st_upd` and `src_upd` indexes (status and source-agency lists of records walk
 *   `upd` and filter rows). Every index entry costs Chromium's IndexedDB backend about as much as another
 *   index, and these two were 2 of the 7 entries each record wrote (measured: 10,000 rows put, browser-process
 *   CPU 6.6 s with 6 indexes against 5.3 s with 4, `bench/sync/idb-pull-apply.ts`). The v2→v3 step only
 *   deletes the two indexes: rows, outbox, meta and drafts stay as they are.
 * - v4: `records` gets a sparse status index `xst_upd` on `[xst, upd]`. A row carries `xst` only when its
 *   status is not {@link DEFAULT_RECORD_STATUS} (IndexedDB adds no index entry for a row without the key), so
 *   a pull of mostly `active` records writes almost no extra entries, while lists and counts of the rarer
 *   statuses read the index instead of walking `upd`. The v2/v3→v4 step sets `xst` on the rows that need it
 *   (in the upgrade transaction) and creates the index; nothing else changes.
 * - v5: a record or agency row's `nm` no longer holds the name token its `ns` sort key begins with (the first
 *   word of the surname, or of the agency's name): a name search reads that token as a prefix range of `ns`
 *   (see {@link leadToken}). One index entry less per record: 5 of 6 entries of a pulled record were index
 *   entries, and Chromium's IndexedDB backend pays per entry. The v2/v3/v4→v5 step rewrites the `nm` of the rows
 *   that have an `ns` (rows sealed by encryption at rest have none and keep their keyed tokens); nothing else
 *   changes.
 * - v6: `records` loses its `doc` index. A row's document key is one more entry of `nm`, marked with
 *   {@link DOC_TOKEN_MARK} (see {@link docToken}; no name token begins with it, so name searches never meet it), and a
 *   lookup by document reads `nm` at that token. Same number of index entries, one index less: applying 10,000
 *   pulled rows cost Chromium's browser process 7-22% less CPU with the document key in `nm` than in its own index
 *   (three runs of `bench/sync/idb-pull-apply.ts` at load 3-10; an empty sparse index costs nothing measurable). The
 *   whole pull (`bench:sync`) showed no difference beyond the noise at load 10-20. The v2-v5→v6 step moves each record row's `doc` into
 *   its `nm` (sealed rows too: their keyed-hash token moves as it is) and deletes the index; nothing else changes.
 * @module
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Agency, ForeignerRecord, Operation, RecordStatus } from '../model/types.ts';
import { documentKey, MAX_TOKEN_LENGTH, nameTokens, sortKey } from './fold.ts';

/** Current schema version. */
export const SCHEMA_VERSION = 6;
/**
 * The status new records get (the client's and `sdk/model`'s `newRecord` default) and most records keep: its
 * rows have no `xst`, so no entry in the sparse `xst_upd` index.
 */
export const DEFAULT_RECORD_STATUS: RecordStatus = 'active';
/** Default database name. */
export const DEFAULT_DB_NAME = 'timpora-kit';

/** Entity collections. */
export type CollectionName = 'records' | 'operations' | 'agencies';
/** The entity type stored in each collection. */
export interface CollectionTypes {
  /** Foreigner records. */
  records: ForeignerRecord;
  /** Joint operations and coordination meetings. */
  operations: Operation;
  /** Agencies of the team. */
  agencies: Agency;
}
/** Every entity collection, in a fixed order (the order migrations and `wipe()` walk them). */
export const COLLECTIONS: readonly CollectionName[] = ['records', 'operations', 'agencies'];

/** Stored row of a collection. Index keys are short property names to keep rows small. */
export interface Row<T> {
  /** The entity's id (the object store's key). */
  id: string;
  /** The entity exactly as written. */
  v: T;
  /** `[updatedAt, id]` */
  upd: [string, string];
  /** status (keys the operations' `st_upd` index; records keep it unindexed since v3) */
  st?: string;
  /**
   * records: status when it is not {@link DEFAULT_RECORD_STATUS} (`''` for a missing or non-string status), absent
   * otherwise; keys the sparse `xst_upd` index (see `sparseStatus`)
   */
  xst?: string;
  /** sourceAgency (keys the operations' `src_upd` index; records keep it unindexed since v3) */
  src?: string;
  /**
   * records: `STATE|NUMBER` ({@link toRow} only: rows the store writes since v6 carry it in `nm`, marked with
   * `DOC_TOKEN_MARK`)
   */
  doc?: string;
  /**
   * records/agencies: folded name tokens (multiEntry). Rows the store writes leave out the token `ns` begins with
   * (`leadToken`; see {@link toStoredRow}); {@link toRow} and sealed rows have every token. A stored record row also
   * holds its document key here, marked with `DOC_TOKEN_MARK` (since v6).
   */
  nm?: string[];
  /** records/agencies: `[folded full name, id]` */
  ns?: [string, string];
  /** operations: `[start, id]` (wall-clock start in the operation's zone) */
  start?: [string, string];
  /** operations: lead agency */
  lead?: string;
  /** agencies: kind */
  kind?: string;
}

/** Outbox entry: a local change waiting to be sent to the server (written in the same transaction as the change). */
export interface OutboxEntry {
  /** Auto-increment sequence; send order. */
  seq?: number;
  /** Collection of the changed entity. */
  collection: CollectionName;
  /** `put` (create or update) or `delete`. */
  op: 'put' | 'delete';
  /** Id of the changed entity. */
  id: string;
  /** The entity as written (for `put`). */
  entity?: ForeignerRecord | Operation | Agency;
  /** Version the change was based on (`0` for a create): the server's If-Match. */
  baseVersion: number;
  /** Unique per change; the server deduplicates retries with it (Idempotency-Key). */
  idempotencyKey: string;
  /** Send attempts so far (0 until the first try); drives the retry back-off. */
  attempts: number;
  /** Epoch milliseconds before which the sender should not retry. */
  nextAttemptAt: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Last error code from the server/transport, if any (set by the sync engine). */
  lastError?: string;
}

/** A form draft (autosave). */
export interface DraftEntry<T = unknown> {
  /** The caller's key, e.g. `foreigner-form:new` or `foreigner-form:<record id>`. */
  key: string;
  /** What the form saved (structured-cloned; sealed when encryption at rest is on). */
  value: T;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Index definitions (current version): name → keyPath (+ multiEntry). Shared with the benchmark so Dexie gets the same indexes. */
export const INDEXES: Readonly<
  Record<
    CollectionName,
    Readonly<
      Record<
        string,
        {
          /** Row property (or properties, for a compound index) the index is built on. */
          keyPath: string | string[];
          /** Index each element of an array key separately (name tokens). */
          multiEntry?: boolean;
        }
      >
    >
  >
> = {
  records: {
    upd: { keyPath: 'upd' },
    nm: { keyPath: 'nm', multiEntry: true },
    ns: { keyPath: 'ns' },
    xst_upd: { keyPath: ['xst', 'upd'] },
  },
  operations: {
    upd: { keyPath: 'upd' },
    start: { keyPath: 'start' },
    lead_start: { keyPath: ['lead', 'start'] },
    st_upd: { keyPath: ['st', 'upd'] },
    src_upd: { keyPath: ['src', 'upd'] },
  },
  agencies: {
    upd: { keyPath: 'upd' },
    nm: { keyPath: 'nm', multiEntry: true },
    ns: { keyPath: 'ns' },
    kind_ns: { keyPath: ['kind', 'ns'] },
  },
};

/** Builds the stored row of an entity (computes every index key). */
export function toRow<C extends CollectionName>(collection: C, entity: CollectionTypes[C]): Row<CollectionTypes[C]> {
  const e = entity as { id: string; updatedAt?: string; sourceAgency?: string };
  const row: Row<CollectionTypes[C]> = { id: e.id, v: entity, upd: [String(e.updatedAt ?? ''), e.id] };
  if (e.sourceAgency !== undefined) row.src = e.sourceAgency;
  if (collection === 'records') {
    const r = entity as ForeignerRecord;
    row.st = r.status;
    const xst = sparseStatus(r.status);
    if (xst !== undefined) row.xst = xst;
    if (r.document && typeof r.document.issuingState === 'string' && typeof r.document.number === 'string') {
      row.doc = documentKey(r.document.issuingState, r.document.number);
    }
    const surname = typeof r.identity?.surname === 'string' ? r.identity.surname : '';
    const given = typeof r.identity?.givenNames === 'string' ? r.identity.givenNames : '';
    row.nm = nameTokens(surname, given);
    row.ns = [sortKey(surname, given), r.id];
  } else if (collection === 'operations') {
    const o = entity as Operation;
    row.st = o.status;
    row.start = [String(o.start ?? ''), o.id];
    if (o.leadAgency !== undefined) row.lead = o.leadAgency;
  } else {
    const a = entity as Agency;
    row.nm = nameTokens(a.name, a.shortName);
    row.ns = [sortKey(a.name), a.id];
    row.kind = a.kind;
  }
  return row;
}

/**
 * The row the store writes for an entity: {@link toRow} without the name token that the row's `ns` sort key
 * begins with (`compactNames`), its document key moved into `nm` (`foldDocKey`). Every writer of plain rows
 * uses it (local writes, pulled pages, migrations).
 */
export function toStoredRow<C extends CollectionName>(collection: C, entity: CollectionTypes[C]): Row<CollectionTypes[C]> {
  return foldDocKey(compactNames(toRow(collection, entity)));
}

/**
 * Marks a document key among a record row's name tokens (schema v6). Name tokens are folded letters and digits,
 * so no name token begins with it and a name search's prefix range never reaches a document key.
 */
export const DOC_TOKEN_MARK = '\u0001';

/** The `nm` entry of a record row with document key `key` (`STATE|NUMBER`, or a sealed row's keyed-hash token). */
export function docToken(key: string): string {
  return DOC_TOKEN_MARK + key;
}

/**
 * Moves a row's `doc` into its `nm` as {@link docToken} (schema v6: no `doc` index; the document lookup reads `nm`).
 * Rows without `doc` are returned unchanged. Returns the row.
 */
export function foldDocKey<R extends { doc?: string; nm?: string[] }>(row: R): R {
  if (row.doc === undefined) return row;
  row.nm = [...(row.nm ?? []), docToken(row.doc)];
  delete row.doc;
  return row;
}

const LEAD_RE = /^[\p{L}\p{N}]+/u;

/**
 * The name token a row's sort key begins with: the leading run of letters and digits of `ns` (cut to
 * {@link MAX_TOKEN_LENGTH}), or `undefined` when `ns` begins with anything else. For a query token `t` (letters and
 * digits, at most {@link MAX_TOKEN_LENGTH} long), "`ns` begins with `t`" and "this token begins with `t`" are the
 * same, so the `ns` index answers a prefix search for it and `nm` need not hold it.
 */
export function leadToken(sortKey: string): string | undefined {
  const m = LEAD_RE.exec(sortKey);
  return m ? m[0].slice(0, MAX_TOKEN_LENGTH) : undefined;
}

/**
 * Removes from `row.nm` the token `row.ns` begins with ({@link leadToken}), when `nm` has it; rows without `ns`
 * (sealed records) are returned unchanged. Returns the row.
 */
export function compactNames<R extends { nm?: string[]; ns?: [string, string] }>(row: R): R {
  if (!row.nm || !row.ns) return row;
  const lead = leadToken(row.ns[0]);
  if (lead !== undefined && row.nm.includes(lead)) row.nm = row.nm.filter((t) => t !== lead);
  return row;
}

/**
 * Whether a row has a name token beginning with `token` (a query token: letters and digits): one of `nm`, or the
 * token its `ns` begins with (which rows written since v5 keep out of `nm`).
 */
export function rowHasTokenPrefix(row: { nm?: string[]; ns?: [string, string] }, token: string): boolean {
  return (row.nm ?? []).some((n) => n.startsWith(token)) || (row.ns !== undefined && row.ns[0].startsWith(token));
}

/**
 * The `xst` key of a record row with this status: `undefined` (no key, no `xst_upd` entry) for
 * {@link DEFAULT_RECORD_STATUS}, the status itself otherwise (`''` if it is not a string), so every row not of
 * the default status has exactly one `xst_upd` entry and the default status counts as all rows minus the index.
 */
export function sparseStatus(status: unknown): string | undefined {
  if (status === DEFAULT_RECORD_STATUS) return undefined;
  return typeof status === 'string' ? status : '';
}

/** The database shape for `idb` typing (loose: rows are validated by the code that writes them). */
export type TimporaDB = {
  records: { key: string; value: Row<ForeignerRecord>; indexes: Record<string, IDBValidKey> };
  operations: { key: string; value: Row<Operation>; indexes: Record<string, IDBValidKey> };
  agencies: { key: string; value: Row<Agency>; indexes: Record<string, IDBValidKey> };
  outbox: { key: number; value: OutboxEntry; indexes: { entity: [string, string] } };
  meta: { key: string; value: unknown };
  drafts: { key: string; value: DraftEntry };
};

type UpgradeTx = IDBPTransaction<TimporaDB, StoreNames<TimporaDB>[], 'versionchange'>;

/**
 * Version 1 of the schema, kept so the migration can be tested against a database really created at v1
 * (and so older databases in the field are understood).
 */
export function createSchemaV1(db: IDBDatabase): void {
  const records = db.createObjectStore('records', { keyPath: 'id' });
  records.createIndex('updatedAt', 'updatedAt');
  records.createIndex('status', 'status');
  records.createIndex('document.number', 'document.number');
  const ops = db.createObjectStore('operations', { keyPath: 'id' });
  ops.createIndex('start', 'start');
  db.createObjectStore('agencies', { keyPath: 'id' });
  db.createObjectStore('meta');
}

/**
 * Upgrade handler for `openDB`: creates or migrates the schema from `oldVersion` to {@link SCHEMA_VERSION}.
 * Runs inside the versionchange transaction; every step is atomic with it.
 */
export async function upgrade(db: IDBPDatabase<TimporaDB>, oldVersion: number, tx: UpgradeTx): Promise<void> {
  if (oldVersion < 1) {
    createSchemaV1(db as unknown as IDBDatabase);
  }
  if (oldVersion < 2) {
    await migrateV1toV2(db, tx);
  }
  if (oldVersion < 3) {
    migrateV2toV3(tx);
  }
  if (oldVersion < 4) {
    await migrateV3toV4(tx);
  }
  if (oldVersion >= 2 && oldVersion < 5) {
    // (A database created from v1 in this upgrade already has v5's rows: the v1→v2 step wrote them.)
    await migrateV4toV5(tx);
  }
  if (oldVersion >= 2 && oldVersion < 6) {
    // (Likewise, the v1→v2 step wrote v6's rows and indexes.)
    await migrateV5toV6(tx);
  }
}

/**
 * v2-v5 → v6: move each record row's `doc` into its `nm` ({@link foldDocKey}; a sealed row's keyed-hash token
 * moves unchanged, so lookups with the same key still find it), then delete the `doc` index. Record rows without
 * a document key, operations, agencies, outbox entries, meta and drafts are not touched.
 */
async function migrateV5toV6(tx: UpgradeTx): Promise<void> {
  const records = tx.objectStore('records');
  let cursor = await records.openCursor();
  while (cursor) {
    if (cursor.value.doc !== undefined) await cursor.update(foldDocKey({ ...cursor.value }));
    cursor = await cursor.continue();
  }
  if (records.indexNames.contains('doc' as never)) records.deleteIndex('doc' as never);
}

/**
 * v2/v3/v4 → v5: drop from each record and agency row's `nm` the token its `ns` begins with ({@link compactNames});
 * rows without `ns` (records sealed by encryption at rest) and everything else (operations, outbox entries, meta,
 * drafts) are not touched. Indexes stay as they are.
 */
async function migrateV4toV5(tx: UpgradeTx): Promise<void> {
  for (const name of ['records', 'agencies'] as const) {
    let cursor = await tx.objectStore(name).openCursor();
    while (cursor) {
      const row = cursor.value;
      const before = row.nm?.length;
      const compact = compactNames({ ...row });
      if (compact.nm?.length !== before) await cursor.update(compact as never);
      cursor = await cursor.continue();
    }
  }
}

/**
 * v2/v3 → v4: set `xst` on every record row whose status is not the default (read from the row's clear `st`,
 * which v2 and v3 rows carry with or without encryption at rest), then create the sparse `xst_upd` index.
 * Rows of the default status, outbox entries, meta and drafts are not touched. (A database created from v1 in
 * the same upgrade already has v4's rows and indexes.)
 */
async function migrateV3toV4(tx: UpgradeTx): Promise<void> {
  const records = tx.objectStore('records');
  if (records.indexNames.contains('xst_upd' as never)) return;
  let cursor = await records.openCursor();
  while (cursor) {
    const row = cursor.value;
    const xst = sparseStatus(row.st);
    if (xst !== undefined && row.xst !== xst) await cursor.update({ ...row, xst });
    cursor = await cursor.continue();
  }
  const def = INDEXES.records['xst_upd']!;
  records.createIndex('xst_upd' as never, def.keyPath);
}

/** Record indexes of v2 that v3 dropped. */
const DROPPED_IN_V3 = ['st_upd', 'src_upd'] as const;

/**
 * v2 → v3: drop the record indexes `st_upd` and `src_upd`. Nothing else changes: cached rows, outbox entries,
 * meta and drafts are kept as they are.
 * (A database created from v1 in the same upgrade already has v3's indexes.)
 */
function migrateV2toV3(tx: UpgradeTx): void {
  const records = tx.objectStore('records');
  for (const idx of DROPPED_IN_V3) if (records.indexNames.contains(idx)) records.deleteIndex(idx as never);
}

/** v1 → v2: wrap raw entities into rows with computed keys, replace indexes, add outbox and drafts. */
async function migrateV1toV2(db: IDBPDatabase<TimporaDB>, tx: UpgradeTx): Promise<void> {
  for (const name of COLLECTIONS) {
    const store = tx.objectStore(name);
    for (const idx of [...store.indexNames]) store.deleteIndex(idx);
    let cursor = await store.openCursor();
    while (cursor) {
      const value = cursor.value as unknown;
      // v1 rows are raw entities (no `v` wrapper).
      if (value && typeof value === 'object' && !('v' in value && 'upd' in value)) {
        await cursor.update(toStoredRow(name, value as never) as never);
      }
      cursor = await cursor.continue();
    }
    for (const [idx, def] of Object.entries(INDEXES[name])) {
      store.createIndex(idx as never, def.keyPath, { multiEntry: def.multiEntry ?? false });
    }
  }
  const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
  outbox.createIndex('entity', ['collection', 'id']);
  db.createObjectStore('drafts', { keyPath: 'key' });
}
