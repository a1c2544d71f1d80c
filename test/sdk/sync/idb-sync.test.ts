// The sync engine on the real IndexedDB store in Chromium: outbox written by the client, pushed and removed
// only after the ack; pulls into the cache without clobbering pending writes; conflicts persisted across a
// "reload" (new client on the same database); one leader per database with real Web Locks.
import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClient } from '../../../sdk/client.ts';
import { createRecord } from '../../../sdk/model/factory.ts';
import type { ForeignerRecord } from '../../../sdk/model/types.ts';
import { createSyncFactory, syncOf } from '../../../sdk/sync/client-factory.ts';
import { IdbSyncStorage } from '../../../sdk/sync/idb-storage.ts';
import { MemoryTransport } from '../../../sdk/sync/memory-transport.ts';
import { TimporaSync } from '../../../sdk/sync/sync-engine.ts';
import type { SyncConflict, SyncEntity, SyncStatus } from '../../../sdk/sync/types.ts';
import { TimporaStore } from '../../../sdk/store/store.ts';
import { dropDb, recordInput, uniqueDb, until } from '../store/fixtures.ts';

const clients: TimporaClient[] = [];
const dbs: string[] = [];

function client(server: MemoryTransport, dbName = uniqueDb('sync'), agencyId = 'imi-jakut'): TimporaClient {
  dbs.push(dbName);
  const c = createTimporaClient({
    dbName,
    agencyId,
    server: { baseUrl: 'memory://' },
    sync: createSyncFactory({ transport: () => server, pullIntervalMs: 0, backoff: { baseMs: 20, maxMs: 100 } }),
  });
  clients.push(c);
  return c;
}

function remoteRecord(fields: Partial<ForeignerRecord> = {}): SyncEntity {
  return { ...createRecord(recordInput(), { sourceAgency: 'polda-metro' }), ...fields } as unknown as SyncEntity;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const name of dbs.splice(0)) await dropDb(name);
});

describe('sdk/sync on IndexedDB', () => {
  it('pushes client writes (create, update, delete) and removes outbox entries only after the ack', async () => {
    const server = new MemoryTransport();
    const c = client(server);
    const sync = syncOf(c)!;
    expect(sync).to.be.instanceOf(TimporaSync);
    const a = await c.records.put(createRecord(recordInput({ surname: 'ALPHA' })));
    const b = await c.records.put(createRecord(recordInput({ surname: 'BRAVO' })));
    await c.records.put({ ...a, notes: 'second' });
    await c.records.delete(b.id);
    // Wait for the server's state itself: the status' pending count may be read between two sends.
    await until(() => server.get('records', a.id)?.['notes'] === 'second' && server.count('records') === 1 && sync.status.pending === 0, 10000);
    expect(server.get('records', a.id)?.['notes']).to.equal('second');
    expect(server.get('records', a.id)?.version).to.equal(2);
    expect(server.get('records', b.id)).to.equal(undefined);
    expect(await c.store.outboxCount()).to.equal(0);
    expect((await c.records.get(a.id))?.version).to.equal(2);
  });

  it('keeps the outbox while the server is unreachable and sends it later (durable attempts)', async () => {
    const server = new MemoryTransport();
    let reachable = false;
    const gate = {
      write: async (...args: Parameters<MemoryTransport['write']>) => {
        if (!reachable) {
          const { SyncError } = await import('../../../sdk/sync/errors.ts');
          throw new SyncError('network', 'down');
        }
        return server.write(...args);
      },
      changes: (cur: string | null) => server.changes(cur),
      list: (col: string, t: string | null) => server.list(col, t),
    };
    const dbName = uniqueDb('sync');
    dbs.push(dbName);
    const c = createTimporaClient({
      dbName,
      agencyId: 'imi-jakut',
      server: { baseUrl: 'memory://' },
      sync: createSyncFactory({ transport: () => gate, pullIntervalMs: 0, backoff: { baseMs: 20, maxMs: 60 } }),
    });
    clients.push(c);
    const sync = syncOf(c)!;
    const rec = await c.records.put(createRecord(recordInput()));
    await until(() => sync.status.state === 'offline', 3000);
    const [entry] = await c.store.outboxEntries();
    expect(entry?.attempts).to.be.greaterThan(0);
    expect(entry?.lastError).to.equal('network');
    reachable = true;
    await until(() => server.count('records') === 1 && sync.status.state === 'idle', 5000);
    expect(server.get('records', rec.id)?.version).to.equal(1);
  });

  it('pulls remote changes into the cache, announces them as remote, keeps pending local writes', async () => {
    const server = new MemoryTransport({ pageSize: 3 });
    const r1 = remoteRecord();
    const r2 = remoteRecord();
    server.apply('records', 'put', r1.id, r1, 0);
    server.apply('records', 'put', r2.id, r2, 0);
    const c = client(server);
    const sync = syncOf(c)!;
    const sources: string[] = [];
    c.records.subscribe((ch) => sources.push(ch.source));
    await until(() => sync.status.lastSyncedAt !== null, 5000);
    expect((await c.records.get(r1.id))?.version).to.equal(1);
    expect(sources).to.include('remote');
    // Go "offline" for the push by editing locally while the server also changes r1.
    await sync.stop();
    const local = (await c.records.get(r1.id))!;
    await c.records.put({ ...local, notes: 'local edit' });
    server.apply('records', 'put', r1.id, { ...server.get('records', r1.id)!, notes: 'remote edit' }, null);
    server.apply('records', 'put', r2.id, { ...server.get('records', r2.id)!, notes: 'remote only' }, null);
    const { pull } = await import('../../../sdk/sync/puller.ts');
    await pull({ storage: new IdbSyncStorage({ store: c.store }), transport: server, signal: new AbortController().signal });
    expect((await c.records.get(r1.id))?.notes).to.equal('local edit');
    expect((await c.records.get(r2.id))?.notes).to.equal('remote only');
  });

  it('a conflict survives a reload and is resolved from the new instance', async () => {
    const server = new MemoryTransport();
    const dbName = uniqueDb('sync');
    const first = client(server, dbName);
    const rec = await first.records.put(createRecord(recordInput()));
    await until(() => server.count('records') === 1 && syncOf(first)!.status.pending === 0, 5000);
    await syncOf(first)!.stop();
    // Another agency edits on the server; we edit locally on the old version.
    server.apply('records', 'put', rec.id, { ...server.get('records', rec.id)!, notes: 'by polda' }, null);
    const mine = (await first.records.get(rec.id))!;
    await first.records.put({ ...mine, notes: 'by imigrasi' });
    const conflicts: SyncConflict[] = [];
    const s1 = syncOf(first)!;
    s1.on('conflict', (e) => conflicts.push(e.detail));
    s1.start();
    await until(() => conflicts.length === 1, 5000);
    expect(conflicts[0]?.local?.['notes']).to.equal('by imigrasi');
    expect(conflicts[0]?.remote?.['notes']).to.equal('by polda');
    await first.close();
    // "Reload": a new client on the same database.
    const second = client(server, dbName);
    const s2 = syncOf(second)!;
    await until(() => s2.status.conflicts === 1, 5000);
    const listed = await s2.conflicts();
    expect(listed.map((x) => x.id)).to.deep.equal([rec.id]);
    expect(listed[0]?.remote?.['notes']).to.equal('by polda');
    expect(server.get('records', rec.id)?.['notes']).to.equal('by polda');
    await s2.resolve(rec.id, { ...listed[0]!.remote!, notes: 'by polda; by imigrasi' });
    await until(() => server.get('records', rec.id)?.['notes'] === 'by polda; by imigrasi', 5000);
    await until(() => s2.status.conflicts === 0 && s2.status.pending === 0, 5000);
    expect((await second.records.get(rec.id))?.notes).to.equal('by polda; by imigrasi');
  });

  it('one tab leads with Web Locks; the follower mirrors status and takes over when the leader stops', async () => {
    const server = new MemoryTransport();
    const dbName = uniqueDb('sync');
    dbs.push(dbName);
    const storeA = new TimporaStore({ dbName });
    const storeB = new TimporaStore({ dbName });
    const lockName = `lock-${dbName}`;
    const opts = { transport: server, lockName, channelName: lockName, pullIntervalMs: 0 };
    const a = new TimporaSync({ ...opts, storage: new IdbSyncStorage({ store: storeA }) });
    const b = new TimporaSync({ ...opts, storage: new IdbSyncStorage({ store: storeB }) });
    a.start();
    await until(() => a.leader, 3000);
    b.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(b.leader).to.equal(false);
    const statuses: SyncStatus[] = [];
    b.on('statuschange', (e) => statuses.push(e.detail));
    // A write through store B (the "other tab") is pushed by leader A.
    const rec = createRecord(recordInput(), { sourceAgency: 'imi-jakut' });
    await storeB.write('records', [{ kind: 'create', entity: { ...rec, version: 1 } }], { outbox: true });
    await until(() => server.count('records') === 1, 5000);
    await until(() => statuses.some((s) => s.lastSyncedAt !== null), 3000);
    await a.stop();
    await until(() => b.leader, 3000);
    const rec2 = createRecord(recordInput(), { sourceAgency: 'imi-jakut' });
    await storeB.write('records', [{ kind: 'create', entity: { ...rec2, version: 1 } }], { outbox: true });
    await until(() => server.count('records') === 2, 5000);
    await b.stop();
    storeA.close();
    storeB.close();
  });
});
