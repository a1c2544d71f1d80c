import { expect } from '@open-wc/testing';
import { createTimporaClient, type CollectionChange } from '../../../sdk/client.ts';
import { BlockedError, QuotaExceededError, StorageUnavailableError, type ValidationError } from '../../../sdk/store/errors.ts';
import { compactNames, createSchemaV1, docToken, SCHEMA_VERSION, toRow, type OutboxEntry, type Row } from '../../../sdk/store/schema.ts';
import { TimporaStore } from '../../../sdk/store/store.ts';
import type { Agency, ForeignerRecord } from '../../../sdk/model/types.ts';
import { dropDb, recordInput, sleep, uniqueDb, until } from './fixtures.ts';

function openRaw(name: string, version: number, onUpgrade?: (db: IDBDatabase, tx: IDBTransaction, old: number) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, version);
    r.onupgradeneeded = (e) => onUpgrade?.(r.result, r.transaction!, e.oldVersion);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** An agency as every version stored it. */
const kanim: Agency = { id: 'imi-jakut', sourceAgency: 'imi-jakut', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1, name: 'Kanim Jakarta Utara', shortName: 'KIJ', kind: 'immigration' };

function rawV1Record(id: string, surname: string, number: string): ForeignerRecord {
  return {
    id,
    sourceAgency: 'imi-jakut',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: `2024-01-0${id.length % 9 || 1}T00:00:00.000Z`,
    version: 3,
    identity: { surname, givenNames: 'José', sex: 'F', birthDate: '1990-01-01', nationality: 'FRA' },
    document: { type: 'passport', issuingState: 'FRA', number, expiryDate: '2031-01-01' },
    findings: [],
    status: 'active',
  };
}

describe('store: migration v1 -> v2', () => {
  let name: string;
  afterEach(() => dropDb(name));

  it('keeps every row and makes it reachable through the new indexes', async () => {
    name = uniqueDb('migrate');
    const r1 = rawV1Record('rec-1', 'Lefèvre', '12AB34567');
    const r2 = rawV1Record('rec-22', 'Ångström', '98CD76543');
    const v1 = await openRaw(name, 1, (db) => createSchemaV1(db));
    await new Promise<void>((resolve, reject) => {
      const tx = v1.transaction(['records', 'agencies', 'operations', 'meta'], 'readwrite');
      tx.objectStore('records').put(r1);
      tx.objectStore('records').put(r2);
      tx.objectStore('agencies').put({ id: 'imi-jakut', sourceAgency: 'imi-jakut', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', version: 1, name: 'Kanim Jakarta Utara', kind: 'immigration' });
      tx.objectStore('meta').put('cursor-42', 'sync.cursor');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    v1.close();

    const client = createTimporaClient({ dbName: name });
    try {
      expect(await client.records.get('rec-1')).to.deep.equal(r1);
      expect(await client.records.get('rec-22')).to.deep.equal(r2);
      expect((await client.records.findByDocument('FRA', '12ab34567')).map((r) => r.id)).to.deep.equal(['rec-1']);
      expect((await client.records.searchByName('lefev')).map((r) => r.id)).to.deep.equal(['rec-1']);
      expect((await client.records.searchByName('angstr')).map((r) => r.id)).to.deep.equal(['rec-22']);
      expect((await client.records.query({ limit: 10 })).items.map((r) => r.id)).to.deep.equal(['rec-22', 'rec-1'].sort((a, b) => (rawV1Record(b, '', '').updatedAt > rawV1Record(a, '', '').updatedAt ? 1 : -1)));
      expect((await client.agencies.searchByName('kanim')).map((a) => a.id)).to.deep.equal(['imi-jakut']);
      expect(await client.store.getMeta('sync.cursor')).to.equal('cursor-42');
      // the v2-only stores work
      await client.drafts.put('d', 1);
      expect((await client.drafts.get('d'))?.value).to.equal(1);
      // updates continue from the migrated version
      const updated = await client.records.put({ ...r1, notes: 'after migration' });
      expect(updated.version).to.equal(4);
      const db = await client.store.database();
      expect(db.version).to.equal(SCHEMA_VERSION);
      expect([...db.objectStoreNames].sort()).to.deep.equal(['agencies', 'drafts', 'meta', 'operations', 'outbox', 'records']);
      expect([...db.transaction('records').objectStore('records').indexNames].sort()).to.deep.equal(['nm', 'ns', 'upd', 'xst_upd']);
    } finally {
      await client.close();
    }
  });
});

/** The v2 schema exactly as v2 created it (records with the `st_upd`/`src_upd` indexes v3 dropped). */
function createSchemaV2(db: IDBDatabase): void {
  const records = db.createObjectStore('records', { keyPath: 'id' });
  records.createIndex('upd', 'upd');
  records.createIndex('doc', 'doc');
  records.createIndex('nm', 'nm', { multiEntry: true });
  records.createIndex('ns', 'ns');
  records.createIndex('st_upd', ['st', 'upd']);
  records.createIndex('src_upd', ['src', 'upd']);
  const ops = db.createObjectStore('operations', { keyPath: 'id' });
  ops.createIndex('upd', 'upd');
  ops.createIndex('start', 'start');
  ops.createIndex('lead_start', ['lead', 'start']);
  ops.createIndex('st_upd', ['st', 'upd']);
  ops.createIndex('src_upd', ['src', 'upd']);
  const agencies = db.createObjectStore('agencies', { keyPath: 'id' });
  agencies.createIndex('upd', 'upd');
  agencies.createIndex('nm', 'nm', { multiEntry: true });
  agencies.createIndex('ns', 'ns');
  agencies.createIndex('kind_ns', ['kind', 'ns']);
  db.createObjectStore('meta');
  db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('entity', ['collection', 'id']);
  db.createObjectStore('drafts', { keyPath: 'key' });
}

/** The v3 schema exactly as v3 created it (v2 without the records' `st_upd`/`src_upd`; no sparse `xst_upd`). */
function createSchemaV3(db: IDBDatabase, tx: IDBTransaction): void {
  createSchemaV2(db);
  for (const idx of ['st_upd', 'src_upd']) tx.objectStore('records').deleteIndex(idx);
}

/** The v4 schema exactly as v4 created it (v3 plus the sparse `xst_upd`). */
function createSchemaV4(db: IDBDatabase, tx: IDBTransaction): void {
  createSchemaV3(db, tx);
  tx.objectStore('records').createIndex('xst_upd', ['xst', 'upd']);
}

/**
 * A record row as v2/v3 wrote it (no `xst` key: v4 added it), or v4 (with `xst`); both with every name token in
 * `nm` (v5 leaves out the one `ns` begins with). v5 rows: `xst`, compact `nm`, the document key in `doc` (v6 moves
 * it into `nm`).
 */
function oldRow(r: ForeignerRecord, from: 2 | 3 | 4 | 5): Partial<Row<ForeignerRecord>> {
  const { xst, ...row } = toRow('records', r);
  if (from === 5) return compactNames({ ...row, ...(xst !== undefined ? { xst } : {}) });
  return from === 4 && xst !== undefined ? { ...row, xst } : row;
}

/** The stored rows of a collection, as IndexedDB holds them. */
function rawRows<T>(db: IDBDatabase, collection: string): Promise<Row<T>[]> {
  return new Promise((resolve, reject) => {
    const r = db.transaction(collection).objectStore(collection).getAll();
    r.onsuccess = () => resolve(r.result as Row<T>[]);
    r.onerror = () => reject(r.error);
  });
}

/** Ids of the rows that have an entry in the records' sparse status index, in index order. */
function sparseIndexIds(db: IDBDatabase): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const r = db.transaction('records').objectStore('records').index('xst_upd').getAllKeys();
    r.onsuccess = () => resolve(r.result as string[]);
    r.onerror = () => reject(r.error);
  });
}

for (const from of [2, 3, 4, 5] as const) {
  describe(`store: migration v${from} -> v6`, () => {
    let name: string;
    afterEach(() => dropDb(name));

    it('has the sparse status index (rows of the default status stay out of it), compact name tokens, the document key in nm, and keeps every cached record, outbox entry, cursor and draft', async () => {
      name = uniqueDb(`migrate${from}`);
      const statuses = ['active', 'violation', 'closed'] as const;
      const records: ForeignerRecord[] = Array.from({ length: 12 }, (_, i) => ({
        ...rawV1Record(`rec-${String(i).padStart(2, '0')}`, `Müller${i}`, `12AB345${String(i).padStart(2, '0')}`),
        updatedAt: `2024-02-${String(10 + i)}T00:00:00.000Z`,
        status: statuses[i % 3]!,
        sourceAgency: i % 2 ? 'polda-bali' : 'imi-jakut',
      }));
      const outbox: OutboxEntry[] = [
        { collection: 'records', op: 'put', id: 'rec-01', entity: { ...records[1]!, notes: 'offline edit' }, baseVersion: 3, idempotencyKey: 'k-1', attempts: 2, nextAttemptAt: 5, createdAt: 1, lastError: 'network' },
        { collection: 'records', op: 'delete', id: 'rec-02', baseVersion: 3, idempotencyKey: 'k-2', attempts: 0, nextAttemptAt: 0, createdAt: 2 },
      ];
      // v5 created the same stores and indexes as v4 (it only changed what rows hold).
      const old = await openRaw(name, from, (db, tx) => (from === 2 ? createSchemaV2(db) : from === 3 ? createSchemaV3(db, tx) : createSchemaV4(db, tx)));
      await new Promise<void>((resolve, reject) => {
        const tx = old.transaction(['records', 'agencies', 'outbox', 'meta', 'drafts'], 'readwrite');
        for (const r of records) tx.objectStore('records').put(oldRow(r, from));
        tx.objectStore('agencies').put(from === 5 ? compactNames(toRow('agencies', kanim)) : toRow('agencies', kanim));
        for (const e of outbox) tx.objectStore('outbox').add(e);
        tx.objectStore('meta').put('cursor-77', 'sync.cursor');
        tx.objectStore('drafts').put({ key: 'foreigner-form:new', value: { surname: 'X' }, updatedAt: 9 });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      old.close();

      const client = createTimporaClient({ dbName: name });
      try {
        const db = await client.store.database();
        expect(db.version).to.equal(6);
        expect(SCHEMA_VERSION).to.equal(6);
        const tx = db.transaction(['records', 'operations', 'agencies']);
        expect([...tx.objectStore('records').indexNames].sort()).to.deep.equal(['nm', 'ns', 'upd', 'xst_upd']);
        expect([...tx.objectStore('operations').indexNames].sort()).to.deep.equal(['lead_start', 'src_upd', 'st_upd', 'start', 'upd']);
        expect([...tx.objectStore('agencies').indexNames].sort()).to.deep.equal(['kind_ns', 'nm', 'ns', 'upd']);
        // Backfilled: exactly the rows not of the default status, by status then update time.
        const byStatusThenUpd = (s: string): string[] => records.filter((r) => r.status === s).map((r) => r.id);
        expect(await sparseIndexIds(db)).to.deep.equal([...byStatusThenUpd('closed'), ...byStatusThenUpd('violation')]);
        expect(await client.records.getMany(records.map((r) => r.id))).to.deep.equal(records);
        expect(await client.store.outboxEntries()).to.deep.equal(outbox.map((e, i) => ({ ...e, seq: i + 1 })));
        expect(await client.store.getMeta('sync.cursor')).to.equal('cursor-77');
        expect((await client.drafts.get('foreigner-form:new'))?.value).to.deep.equal({ surname: 'X' });
        // A rare-status list, paged both directions, is complete and in order.
        const violations = records.filter((r) => r.status === 'violation').map((r) => r.id);
        for (const direction of ['desc', 'asc'] as const) {
          const first = await client.records.query({ filter: { status: 'violation' }, limit: 3, direction });
          const rest = await client.records.query({ filter: { status: 'violation' }, limit: 3, direction, cursor: first.nextCursor! });
          expect([...first.items, ...rest.items].map((r) => r.id), direction).to.deep.equal(direction === 'asc' ? violations : [...violations].reverse());
          expect(rest.nextCursor).to.equal(undefined);
        }
        expect((await client.records.query({ filter: { status: 'violation', sourceAgency: 'polda-bali' } })).items.map((r) => r.id)).to.deep.equal(['rec-07', 'rec-01']);
        expect((await client.records.query({ filter: { status: 'active' } })).items.map((r) => r.id)).to.deep.equal(['rec-09', 'rec-06', 'rec-03', 'rec-00']);
        expect((await client.records.query({ filter: { sourceAgency: 'polda-bali' }, direction: 'asc' })).items.map((r) => r.id)).to.deep.equal(
          records.filter((r) => r.sourceAgency === 'polda-bali').map((r) => r.id),
        );
        expect(await client.records.count({ status: 'closed' })).to.equal(4);
        expect(await client.records.count({ status: 'active' })).to.equal(4);
        expect(await client.records.count({ status: ['active', 'violation'] })).to.equal(8);
        expect(await client.records.count({ status: [] })).to.equal(0);
        expect(await client.records.count({ sourceAgency: 'imi-jakut', status: 'active' })).to.equal(2);
        expect((await client.records.findByDocument('FRA', '12ab 345-05')).map((r) => r.id)).to.deep.equal(['rec-05']);
        // v5: `nm` lost the token `ns` begins with (the surname), for records and agencies; search still finds it.
        // v6: the document key is the last entry of `nm`, and no row keeps a `doc`.
        expect((await rawRows<ForeignerRecord>(db, 'records')).map((r) => [r.id, r.nm, r.doc])).to.deep.equal(
          records.map((r) => [r.id, ['jose', docToken(`FRA|${r.document.number}`)], undefined]),
        );
        for (const r of records) expect((await client.records.findByDocument('fra', r.document.number.toLowerCase())).map((x) => x.id)).to.deep.equal([r.id]);
        // A document key is one exact key: a range lookup is refused (it would mix document keys and name tokens).
        const range = await client.store.getAllByIndex('records', 'doc', IDBKeyRange.lowerBound('FRA')).catch((e: unknown) => e);
        expect((range as { code?: string }).code).to.equal('unsupported');
        expect(await client.records.searchByName('fra')).to.deep.equal([]);
        expect((await rawRows(db, 'agencies')).map((r) => r.nm)).to.deep.equal([['jakarta', 'utara', 'kanimjakartautara', 'kij']]);
        expect((await client.records.searchByName('muller1')).map((r) => r.id)).to.deep.equal(['rec-01', 'rec-10', 'rec-11']);
        expect((await client.records.searchByName('jos mull')).map((r) => r.id).sort()).to.deep.equal(records.map((r) => r.id));
        expect((await client.records.searchByName('muller11 jo')).map((r) => r.id)).to.deep.equal(['rec-11']);
        expect((await client.agencies.searchByName('kanim')).map((a) => a.id)).to.deep.equal(['imi-jakut']);
        expect((await client.agencies.searchByName('kij')).map((a) => a.id)).to.deep.equal(['imi-jakut']);
        // Writes after the upgrade: a status change moves the record in and out of the sparse index.
        const moved = await client.records.put({ ...records[0]!, status: 'closed' });
        expect(await client.records.count({ status: 'closed' })).to.equal(5);
        expect(await client.records.count({ status: 'active' })).to.equal(3);
        await client.records.put({ ...records[1]!, status: 'active' });
        expect(await sparseIndexIds(db)).to.not.include('rec-01');
        expect(await client.records.count({ status: 'active' })).to.equal(4);
        expect(await client.records.count({ status: 'violation' })).to.equal(3);
        // Deleted rows leave both counts.
        await client.records.delete(moved.id);
        expect(await client.records.count({ status: 'closed' })).to.equal(4);
        expect(await client.records.count({ status: 'active' })).to.equal(4);
        expect(await sparseIndexIds(db)).to.have.length(7);
      } finally {
        await client.close();
      }
    });
  });
}

describe('store: two tabs (two connections)', () => {
  it('each sees the other\'s writes and hears them through BroadcastChannel', async () => {
    const name = uniqueDb('tabs');
    const a = createTimporaClient({ dbName: name, agencyId: 'imi-jakut' });
    const b = createTimporaClient({ dbName: name, agencyId: 'polda-bali' });
    const heardA: CollectionChange[] = [];
    const heardB: CollectionChange[] = [];
    a.records.subscribe((c) => heardA.push(c));
    b.records.subscribe((c) => heardB.push(c));
    try {
      const saved = await a.records.put(recordInput());
      expect(heardA).to.deep.equal([{ op: 'put', ids: [saved.id], source: 'local' }]);
      await until(() => heardB.length === 1);
      expect(heardB[0]).to.deep.equal({ op: 'put', ids: [saved.id], source: 'tab' });
      expect(await b.records.get(saved.id)).to.deep.equal(saved);
      // B edits, A hears and reads the new version; A's stale write conflicts
      const edited = await b.records.put({ ...saved, notes: 'from tab B' });
      await until(() => heardA.length === 2);
      expect(heardA[1]).to.deep.equal({ op: 'put', ids: [saved.id], source: 'tab' });
      expect((await a.records.get(saved.id))?.notes).to.equal('from tab B');
      expect(edited.version).to.equal(2);
      const stale = await a.records.put({ ...saved, notes: 'stale' }).catch((e: unknown) => e);
      expect((stale as { code?: string }).code).to.equal('conflict');
      await b.records.delete(saved.id);
      await until(() => heardA.length === 3);
      expect(heardA[2]).to.deep.equal({ op: 'delete', ids: [saved.id], source: 'tab' });
      // other collections are not delivered to a records listener
      await b.drafts.put('x', 1);
      await sleep(50);
      expect(heardA).to.have.length(3);
    } finally {
      await a.close();
      await b.close();
      await dropDb(name);
    }
  });
});

describe('store: versionchange', () => {
  it('an open connection steps aside for an upgrade in another tab and reopens afterwards', async () => {
    const name = uniqueDb('vchange');
    const client = createTimporaClient({ dbName: name });
    let versionchanges = 0;
    client.store.addEventListener('versionchange', () => versionchanges++);
    try {
      const saved = await client.records.put(recordInput());
      // "Newer code in another tab" upgrades to v3 (adds a store). It must not be blocked by our open connection.
      let blocked = false;
      const newer = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name, SCHEMA_VERSION + 1);
        r.onblocked = () => (blocked = true);
        r.onupgradeneeded = () => r.result.createObjectStore('future');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      expect(blocked).to.equal(false);
      expect(versionchanges).to.equal(1);
      newer.close();
      // Our client reopens (at the newer version) and keeps working.
      expect(await client.records.get(saved.id)).to.deep.equal(saved);
      const again = await client.records.put({ ...saved, notes: 'after upgrade' });
      expect(again.version).to.equal(2);
      expect((await client.store.database()).version).to.equal(SCHEMA_VERSION + 1);
    } finally {
      await client.close();
      await dropDb(name);
    }
  });

  it('our upgrade waits for an old connection that ignores versionchange, rejects with BlockedError, then succeeds once it closes', async () => {
    const name = uniqueDb('blocked');
    const old = await openRaw(name, 1, (db) => createSchemaV1(db));
    old.onversionchange = null; // an old tab that does not cooperate
    const client = createTimporaClient({ dbName: name, store: { blockedTimeoutMs: 300 } });
    let blockedEvents = 0;
    client.store.addEventListener('blocked', () => blockedEvents++);
    try {
      const err = await client.records.count().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(BlockedError);
      expect((err as BlockedError).code).to.equal('blocked');
      expect(blockedEvents).to.equal(1);
      old.close();
      // The pending upgrade completes; the next call works.
      expect(await client.records.count()).to.equal(0);
      expect((await client.store.database()).version).to.equal(SCHEMA_VERSION);
    } finally {
      await client.close();
      await dropDb(name);
    }
  });

  it('a connection closed under the client is reopened on next use', async () => {
    const name = uniqueDb('reopen');
    const client = createTimporaClient({ dbName: name });
    try {
      const saved = await client.records.put(recordInput());
      (await client.store.database()).close();
      expect(await client.records.get(saved.id)).to.deep.equal(saved);
      await client.records.put(recordInput());
      expect(await client.records.count()).to.equal(2);
    } finally {
      await client.close();
      await dropDb(name);
    }
  });
});

describe('store: failures are typed and lose nothing', () => {
  it('QuotaExceededError rolls back the batch, keeps earlier data, and the store stays usable', async () => {
    const name = uniqueDb('quota');
    const client = createTimporaClient({ dbName: name });
    const proto = IDBObjectStore.prototype;
    const originalAdd = proto.add;
    const originalPut = proto.put;
    try {
      const kept = await client.records.putMany([recordInput(), recordInput()]);
      let calls = 0;
      // Wrapper: the third add of the next batch hits the quota.
      proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
        if (this.name === 'records' && ++calls === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return originalAdd.apply(this, args);
      };
      const err = await client.records.putMany([recordInput(), recordInput(), recordInput(), recordInput()]).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(QuotaExceededError);
      expect((err as QuotaExceededError).code).to.equal('quota_exceeded');
      expect(await client.records.count()).to.equal(2);
      // updates (put) hit the quota too
      proto.add = originalAdd;
      proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'records') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return originalPut.apply(this, args);
      };
      const err2 = await client.records.put({ ...kept[0]!, notes: 'lost?' }).catch((e: unknown) => e);
      expect(err2).to.be.instanceOf(QuotaExceededError);
      proto.put = originalPut;
      expect(await client.records.get(kept[0]!.id)).to.deep.equal(kept[0]);
      // After the pressure is gone, writes work again.
      await client.records.put(recordInput());
      expect(await client.records.count()).to.equal(3);
    } finally {
      proto.add = originalAdd;
      proto.put = originalPut;
      await client.close();
      await dropDb(name);
    }
  });

  it('IndexedDB missing (private mode / disabled) rejects with StorageUnavailableError', async () => {
    const desc = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    const protoDesc = desc ? undefined : Object.getOwnPropertyDescriptor(Object.getPrototypeOf(globalThis), 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true, writable: true });
    const client = createTimporaClient({ dbName: uniqueDb('noidb') });
    try {
      const err = await client.records.put(recordInput()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(StorageUnavailableError);
      expect((err as StorageUnavailableError).code).to.equal('unavailable');
      const err2 = await client.open().catch((e: unknown) => e);
      expect(err2).to.be.instanceOf(StorageUnavailableError);
    } finally {
      if (desc) Object.defineProperty(globalThis, 'indexedDB', desc);
      else delete (globalThis as { indexedDB?: unknown }).indexedDB;
      void protoDesc;
      await client.close();
    }
    expect(typeof indexedDB.open).to.equal('function');
  });

  it('an open that fails inside the browser (SecurityError) is unavailable, not a crash', async () => {
    const original = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function () {
      throw new DOMException('Access denied', 'SecurityError');
    };
    const client = createTimporaClient({ dbName: uniqueDb('security') });
    try {
      const err = await client.records.get('x').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(StorageUnavailableError);
    } finally {
      IDBFactory.prototype.open = original;
      await client.close();
    }
  });
});

describe('store: hostile strings round-trip byte-exact', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE records; --",
    '\u202Eevil\u202C RTL override',
    'مرحبا بالعالم', // Arabic (RTL)
    'שלום', // Hebrew
    '👩🏽‍⚕️🇮🇩 emoji with ZWJ and flags',
    'e\u0301 combining vs é precomposed',
    'nul\u0000byte and \u0007 bell',
    'lone \ud800 high and \udc00 low surrogates',
    '\uFEFF BOM \u200B zero width',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral',
  ];

  it('through the client (validated fields within limits)', async () => {
    const name = uniqueDb('hostile');
    const client = createTimporaClient({ dbName: name });
    try {
      const notes = hostile.join('\n') + 'x'.repeat(10_000);
      const input = recordInput({ surname: hostile[0]!, givenNames: hostile[6]!, notes, occupation: { title: hostile[3]!, employer: hostile[4]! } });
      const saved = await client.records.put(input);
      const back = await client.records.get(saved.id);
      expect(back).to.deep.equal(saved);
      expect(back?.notes).to.equal(notes);
      expect(back?.notes?.length).to.equal(notes.length);
      for (let i = 0; i < notes.length; i += 997) expect(back?.notes?.charCodeAt(i)).to.equal(notes.charCodeAt(i));
      expect(back?.identity.surname).to.equal('<script>alert(1)</script>');
      expect((await client.records.searchByName('script')).map((r) => r.id)).to.deep.equal([saved.id]);
      // 10 kB names are refused by validation (too_long) instead of being stored...
      const long = await client.records.put(recordInput({ surname: 'A'.repeat(10_240) })).catch((e: unknown) => e);
      expect((long as ValidationError).issues.map((i) => i.code)).to.include('too_long');
    } finally {
      await client.close();
      await dropDb(name);
    }
  });

  it('through the raw store (10 kB names, every hostile string as a name)', async () => {
    const name = uniqueDb('hostile-raw');
    const store = new TimporaStore({ dbName: name });
    try {
      const entities: ForeignerRecord[] = hostile.map((h, i) => ({
        ...rawV1Record(`h${i}`, h, 'X'),
        identity: { surname: h + '\u00e9'.repeat(10_240 / 2), givenNames: h, sex: 'X', birthDate: '1990-01-01', nationality: 'IDN' },
      }));
      const tenK = 'Ж'.repeat(10_240);
      entities.push({ ...rawV1Record('h-10k', tenK, 'X') });
      await store.write('records', entities.map((entity) => ({ kind: 'replace' as const, entity })));
      const back = await store.getMany('records', entities.map((e) => e.id));
      expect(back).to.deep.equal(entities);
      expect(back.at(-1)?.identity.surname).to.equal(tenK);
      expect(back.at(-1)?.identity.surname.length).to.equal(10_240);
      const hits = await store.searchTokens('records', ['жжж'], 5);
      expect(hits.map((r) => r.id)).to.deep.equal(['h-10k']);
    } finally {
      store.close();
      await dropDb(name);
    }
  });
});
