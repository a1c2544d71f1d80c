// Encryption at rest together with the sync engine, end to end in Chromium on the real IndexedDB store and
// the in-memory server: what is sent is the plaintext entity, what is stored (entities, outbox, conflicts,
// pulled changes) is sealed, and a locked client neither sends nor pulls.
import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClient, type TimporaClientOptions } from '../../../sdk/client.ts';
import { createOperation, createRecord } from '../../../sdk/model/factory.ts';
import type { ForeignerRecord, Operation } from '../../../sdk/model/types.ts';
import { createSyncFactory, syncOf } from '../../../sdk/sync/client-factory.ts';
import { IdbSyncStorage } from '../../../sdk/sync/idb-storage.ts';
import { MemoryTransport } from '../../../sdk/sync/memory-transport.ts';
import { pull } from '../../../sdk/sync/puller.ts';
import type { SyncConflict, SyncEntity } from '../../../sdk/sync/types.ts';
import { dropDb, recordInput, sleep, uniqueDb, until } from '../store/fixtures.ts';
import { inClear, rawDump } from './raw-dump.ts';

const clients: TimporaClient[] = [];
const dbs: string[] = [];

function client(server: MemoryTransport, over: Partial<TimporaClientOptions> & { autoStart?: boolean } = {}): TimporaClient {
  const { autoStart, ...rest } = over;
  const dbName = rest.dbName ?? uniqueDb('encsync');
  if (!dbs.includes(dbName)) dbs.push(dbName);
  const c = createTimporaClient({
    dbName,
    agencyId: 'imi-jakut',
    encryption: {},
    server: { baseUrl: 'memory://' },
    sync: createSyncFactory({ transport: () => server, pullIntervalMs: 0, backoff: { baseMs: 20, maxMs: 100 }, autoStart: autoStart ?? true }),
    ...rest,
  });
  clients.push(c);
  return c;
}

function operationInput(title: string, address: string, member: string): Parameters<typeof createOperation>[0] {
  return {
    kind: 'inspection', title, description: `Briefing: ${title}`, leadAgency: 'imi-jakut', participatingAgencies: ['polda-metro'],
    team: [{ id: '198001012005011001', name: member, agencyId: 'imi-jakut' }], location: { name: 'Kemang', address },
    start: '2026-12-01T09:00', end: '2026-12-01T11:00', timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [],
  } as Parameters<typeof createOperation>[0];
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const name of dbs.splice(0)) await dropDb(name);
});

describe('encryption at rest with sync', () => {
  it('the client accepts encryption with a sync engine', () => {
    const c = client(new MemoryTransport());
    expect(c.encrypted).to.equal(true);
    expect(syncOf(c)).to.not.equal(undefined);
  });

  it('outbox entries (records and operations) are sealed at rest and sent decrypted', async () => {
    const server = new MemoryTransport();
    const c = client(server, { autoStart: false });
    const rec = await c.records.put(createRecord(recordInput({ surname: 'VOLKOVA', givenNames: 'IRINA', number: 'XK7731029', notes: 'lives at Jl. Kenanga 12' })));
    const op = await c.operations.put(createOperation(operationInput('Check Volkova flat', 'Jl. Kenanga 12', 'Brigadir Suparman')));
    const dump = await rawDump(dbs[0]!);
    expect((dump.rows['outbox'] ?? []).length).to.equal(2);
    for (const secret of ['volkova', 'irina', 'xk7731029', 'kenanga', 'suparman', 'briefing']) expect(inClear(dump.text, secret), secret).to.equal(false);
    syncOf(c)!.start();
    await until(() => server.count('records') === 1 && server.count('operations') === 1 && syncOf(c)!.status.pending === 0, 8000);
    expect((server.get('records', rec.id) as unknown as ForeignerRecord).identity.surname).to.equal('VOLKOVA');
    expect(server.get('records', rec.id)?.['notes']).to.equal('lives at Jl. Kenanga 12');
    expect((server.get('operations', op.id) as unknown as Operation).location.address).to.equal('Jl. Kenanga 12');
    expect(await c.store.outboxCount()).to.equal(0);
    // The acknowledged version came back into the cache, sealed.
    expect((await c.records.get(rec.id))?.version).to.equal(1);
    const after = await rawDump(dbs[0]!);
    for (const secret of ['volkova', 'xk7731029', 'kenanga', 'suparman']) expect(after.text, secret).to.not.contain(secret);
  });

  it('pulled changes are stored sealed, found by document and name, and read back decrypted', async () => {
    const server = new MemoryTransport({ pageSize: 2 });
    const remote: SyncEntity[] = [];
    for (const [surname, number] of [['NAKAMURA', 'TZ1234567'], ['OKONKWO', 'A09876543'], ['LINDQVIST', '88001122']] as const) {
      const r = { ...createRecord(recordInput({ surname, number, state: 'JPN' }), { sourceAgency: 'polda-metro' }) } as unknown as SyncEntity;
      server.apply('records', 'put', r.id, r, 0);
      remote.push(r);
    }
    const c = client(server);
    await until(() => syncOf(c)!.status.lastSyncedAt !== null, 8000);
    expect((await c.records.get(remote[1]!.id))?.identity.surname).to.equal('OKONKWO');
    expect((await c.records.findByDocument('JPN', 'TZ1234567')).map((r) => r.id)).to.deep.equal([remote[0]!.id]);
    expect((await c.records.searchByName('lindq')).map((r) => r.id)).to.deep.equal([remote[2]!.id]);
    const dump = await rawDump(dbs[0]!);
    expect((dump.rows['records'] ?? []).length).to.equal(3);
    for (const secret of ['nakamura', 'okonkwo', 'lindqvist', 'tz1234567', 'a09876543', '88001122']) expect(inClear(dump.text, secret), secret).to.equal(false);
  });

  it('a conflict keeps both versions sealed at rest, survives a reload and resolves', async () => {
    const server = new MemoryTransport();
    const dbName = uniqueDb('encsync');
    const first = client(server, { dbName });
    const rec = await first.records.put(createRecord(recordInput({ surname: 'ABERNATHY' })));
    await until(() => server.count('records') === 1 && syncOf(first)!.status.pending === 0, 8000);
    await syncOf(first)!.stop();
    server.apply('records', 'put', rec.id, { ...server.get('records', rec.id)!, notes: 'remote says Hotel Mawar room 7' }, null);
    const mine = (await first.records.get(rec.id))!;
    await first.records.put({ ...mine, notes: 'local says Kost Melati' });
    const conflicts: SyncConflict[] = [];
    syncOf(first)!.on('conflict', (e) => conflicts.push(e.detail));
    syncOf(first)!.start();
    await until(() => conflicts.length === 1, 8000);
    expect(conflicts[0]?.local?.['notes']).to.equal('local says Kost Melati');
    expect(conflicts[0]?.remote?.['notes']).to.equal('remote says Hotel Mawar room 7');
    await first.close();
    const dump = await rawDump(dbName);
    const entry = (dump.rows['outbox'] ?? [])[0] as Record<string, unknown>;
    expect(entry['state']).to.equal('conflict');
    expect(entry).to.not.have.property('remote');
    expect(entry).to.not.have.property('entity');
    for (const secret of ['mawar', 'melati', 'abernathy']) expect(inClear(dump.text, secret), secret).to.equal(false);
    // Reload: a new client on the same database sees the conflict decrypted and resolves it.
    const second = client(server, { dbName });
    const s2 = syncOf(second)!;
    await until(() => s2.status.conflicts === 1, 8000);
    const [listed] = await s2.conflicts();
    expect(listed?.remote?.['notes']).to.equal('remote says Hotel Mawar room 7');
    expect(listed?.local?.['notes']).to.equal('local says Kost Melati');
    await s2.resolve(rec.id, 'local');
    await until(() => server.get('records', rec.id)?.['notes'] === 'local says Kost Melati' && s2.status.pending === 0, 8000);
    expect((await second.records.get(rec.id))?.version).to.equal(server.get('records', rec.id)?.version);
  });

  it('a conflict resolved with a merged version: new outbox entry sealed, merged version reaches the server', async () => {
    const server = new MemoryTransport();
    const c = client(server);
    const sync = syncOf(c)!;
    const rec = await c.records.put(createRecord(recordInput({ surname: 'MERGE' })));
    await until(() => server.count('records') === 1 && sync.status.pending === 0, 8000);
    await sync.stop();
    server.apply('records', 'put', rec.id, { ...server.get('records', rec.id)!, notes: 'remote Wisma Kenari' }, null);
    await c.records.put({ ...(await c.records.get(rec.id))!, notes: 'local Wisma Kenari lt 2' });
    sync.start();
    await until(() => sync.status.conflicts === 1, 8000);
    const [conflict] = await sync.conflicts();
    await sync.stop();
    await sync.resolve(rec.id, { ...conflict!.remote!, notes: 'merged: Wisma Kenari lt 2' });
    const dump = await rawDump(dbs[0]!);
    const entries = (dump.rows['outbox'] ?? []) as Record<string, unknown>[];
    expect(entries.length).to.equal(1);
    expect(entries[0]).to.not.have.property('entity');
    expect(inClear(dump.text, 'kenari'), 'kenari').to.equal(false);
    sync.start();
    await until(() => server.get('records', rec.id)?.['notes'] === 'merged: Wisma Kenari lt 2' && sync.status.pending === 0, 8000);
    expect((await c.records.get(rec.id))?.notes).to.equal('merged: Wisma Kenari lt 2');
  });

  it('a write the server refuses keeps its failure details sealed, is listed decrypted, and can be retried', async () => {
    let strict = true;
    const server = new MemoryTransport({ validate: (_c, e) => (strict && String(e['notes'] ?? '').includes('Flamboyan') ? [{ path: 'notes', code: 'too_long' }] : []) });
    const c = client(server);
    const sync = syncOf(c)!;
    const rec = await c.records.put(createRecord(recordInput({ surname: 'REFUSED', notes: 'Perum Flamboyan blok C' })));
    await until(() => sync.status.failed === 1, 8000);
    const [failed] = await sync.failed();
    expect(failed?.entity?.['notes']).to.equal('Perum Flamboyan blok C');
    expect(failed?.error.code).to.equal('validation');
    const dump = await rawDump(dbs[0]!);
    const entry = ((dump.rows['outbox'] ?? []) as Record<string, unknown>[])[0]!;
    expect(entry['state']).to.equal('failed');
    expect(entry).to.not.have.property('failure');
    expect(entry).to.have.property('sealedSync');
    expect(inClear(dump.text, 'flamboyan'), 'flamboyan').to.equal(false);
    strict = false;
    await sync.retry(failed!.seq);
    await until(() => server.get('records', rec.id)?.['notes'] === 'Perum Flamboyan blok C' && sync.status.pending === 0, 8000);
  });

  it('a locked client neither sends nor pulls; unlock resumes both', async () => {
    const server = new MemoryTransport();
    const c = client(server);
    const sync = syncOf(c)!;
    const first = await c.records.put(createRecord(recordInput({ surname: 'FIRST' })));
    await until(() => server.count('records') === 1 && sync.status.pending === 0, 8000);
    await c.lock();
    const seen = server.log.length;
    const remote = createRecord(recordInput({ surname: 'PULLEDWHILELOCKED' }), { sourceAgency: 'polda-metro' }) as unknown as SyncEntity;
    server.apply('records', 'put', remote.id, remote, 0);
    const err = await c.records.put(createRecord(recordInput())).then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(err?.code).to.equal('locked');
    await sleep(300);
    expect(server.log.length, 'no request while locked').to.equal(seen);
    // Even driven by hand, the storage refuses: nothing reaches IndexedDB while locked.
    const manual = await pull({ storage: new IdbSyncStorage({ store: c.store }), transport: server, signal: new AbortController().signal }).then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(manual?.code).to.equal('locked');
    const dump = await rawDump(dbs[0]!);
    expect((dump.rows['records'] ?? []).length).to.equal(1);
    expect(inClear(dump.text, 'pulledwhilelocked'), 'pulledwhilelocked').to.equal(false);
    await c.unlock();
    await until(() => sync.status.lastSyncedAt !== null && server.log.length > seen, 8000);
    let got: ForeignerRecord | undefined;
    const start = Date.now();
    while (!(got = await c.records.get(remote.id)) && Date.now() - start < 8000) await sleep(20);
    expect(got?.identity.surname).to.equal('PULLEDWHILELOCKED');
    expect((await c.records.get(first.id))?.identity.surname).to.equal('FIRST');
  });

  it('passphrase mode: the client starts locked and does not sync until unlocked', async () => {
    const server = new MemoryTransport();
    const remote = createRecord(recordInput({ surname: 'SANDIWARA' }), { sourceAgency: 'polda-metro' }) as unknown as SyncEntity;
    server.apply('records', 'put', remote.id, remote, 0);
    const c = client(server, { encryption: { mode: 'passphrase' } });
    expect(c.locked).to.equal(true);
    await sleep(400);
    expect(server.log.length, 'no request before unlock').to.equal(0);
    await c.unlock('kata sandi yang panjang sekali');
    await until(() => syncOf(c)!.status.lastSyncedAt !== null, 10000);
    expect((await c.records.get(remote.id))?.identity.surname).to.equal('SANDIWARA');
    expect((await rawDump(dbs[0]!)).text).to.not.contain('sandiwara');
  });

  it('a sync step whose data changed before its commit runs again (no lost local write)', async () => {
    const server = new MemoryTransport();
    const c = client(server, { autoStart: false });
    const rec = await c.records.put(createRecord(recordInput({ surname: 'RACE' })));
    const storage = new IdbSyncStorage({ store: c.store });
    let runs = 0;
    await storage.transaction(['records'], 'readwrite', async (tx) => {
      runs++;
      const entity = (await tx.getEntity('records', rec.id))!;
      const entries = await tx.outboxFor('records', rec.id);
      if (runs === 1) {
        // A local write lands between this step's reads and its commit.
        await c.records.put({ ...(await c.records.get(rec.id))!, notes: 'written meanwhile' });
      }
      await tx.putEntity('records', { ...entity, notes: `step saw ${entries.length} pending` });
    });
    expect(runs).to.equal(2);
    expect((await c.records.get(rec.id))?.notes).to.equal('step saw 2 pending');
    expect(await c.store.outboxCount()).to.equal(2);
  });
});
