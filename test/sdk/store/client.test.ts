import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClient } from '../../../sdk/client.ts';
import { ConflictError, NotFoundError, ValidationError, ClosedError } from '../../../sdk/store/errors.ts';
import type { ForeignerRecord } from '../../../sdk/model/types.ts';
import { dropDb, recordInput, uniqueDb } from './fixtures.ts';

const NOW = new Date('2025-06-15T03:00:00.000Z');

describe('client: records CRUD', () => {
  let client: TimporaClient;
  let db: string;
  let clock: number;
  beforeEach(() => {
    db = uniqueDb('crud');
    clock = NOW.getTime();
    client = createTimporaClient({ dbName: db, agencyId: 'imi-jakut', now: () => new Date(clock) });
  });
  afterEach(async () => {
    await client.close();
    await dropDb(db);
  });

  it('put fills meta, get returns the stored entity', async () => {
    const saved = await client.records.put(recordInput());
    expect(saved.id).to.match(/^[0-9a-f-]{36}$/);
    expect(saved.sourceAgency).to.equal('imi-jakut');
    expect(saved.version).to.equal(1);
    expect(saved.createdAt).to.equal(NOW.toISOString());
    expect(saved.updatedAt).to.equal(NOW.toISOString());
    expect(saved.findings).to.deep.equal([]);
    expect(saved.status).to.equal('active');
    expect(await client.records.get(saved.id)).to.deep.equal(saved);
    expect(await client.records.get('missing')).to.equal(undefined);
  });

  it('update bumps version and updatedAt, keeps createdAt and sourceAgency', async () => {
    const saved = await client.records.put(recordInput());
    clock += 60_000;
    const updated = await client.records.put({ ...saved, status: 'under_investigation', sourceAgency: 'someone-else' });
    expect(updated.version).to.equal(2);
    expect(updated.createdAt).to.equal(saved.createdAt);
    expect(updated.sourceAgency).to.equal('imi-jakut');
    expect(updated.updatedAt).to.equal(new Date(clock).toISOString());
    expect((await client.records.require(saved.id)).status).to.equal('under_investigation');
  });

  it('stale version rejects with ConflictError and keeps the newer data', async () => {
    const saved = await client.records.put(recordInput());
    await client.records.put({ ...saved, notes: 'first' });
    const err = await client.records.put({ ...saved, notes: 'stale' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConflictError);
    expect((err as ConflictError).code).to.equal('conflict');
    expect((err as ConflictError).expectedVersion).to.equal(1);
    expect((err as ConflictError).actualVersion).to.equal(2);
    expect((await client.records.get(saved.id))?.notes).to.equal('first');
    // force overwrites
    const forced = await client.records.put({ ...saved, notes: 'forced' }, { force: true });
    expect(forced.version).to.equal(3);
  });

  it('create with an existing id rejects with ConflictError', async () => {
    const saved = await client.records.put(recordInput());
    const { version: _v, ...noVersion } = saved;
    const err = await client.records.put(noVersion).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConflictError);
    expect((err as ConflictError).id).to.equal(saved.id);
    expect((err as ConflictError).actualVersion).to.equal(1);
    // the same id twice in one batch
    const twice = await client.records.putMany([{ ...recordInput(), id: 'dup' }, { ...recordInput(), id: 'dup' }]).catch((e: unknown) => e);
    expect(twice).to.be.instanceOf(ConflictError);
    expect((twice as ConflictError).id).to.equal('dup');
    expect(await client.records.get('dup')).to.equal(undefined);
  });

  it('invalid input rejects with ValidationError carrying codes, nothing stored', async () => {
    const bad = recordInput({ surname: '' });
    (bad.identity as { birthDate: string }).birthDate = '2023-02-29';
    const err = await client.records.put(bad).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.code).to.equal('validation');
    expect(v.issues.map((i) => `${i.code}@${i.path}`)).to.include.members(['required@identity.surname', 'invalid_date@identity.birthDate']);
    expect(await client.records.count()).to.equal(0);
  });

  it('warnings alone do not block (expired permit = overstay)', async () => {
    const input = recordInput({ permit: { type: 'ITAS', number: 'ITAS-1234', validFrom: '2024-01-01', validUntil: '2025-01-01' } });
    const saved = await client.records.put(input);
    expect(client.records.validate(saved).map((i) => i.code)).to.include('permit_expired');
  });

  it('putMany is atomic: one invalid entity stores none', async () => {
    const err = await client.records.putMany([recordInput(), recordInput({ surname: '' }), recordInput()]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ValidationError);
    expect((err as ValidationError).index).to.equal(1);
    expect(await client.records.count()).to.equal(0);
    const saved = await client.records.putMany([recordInput(), recordInput()]);
    expect(saved).to.have.length(2);
    expect(await client.records.count()).to.equal(2);
  });

  it('putMany with a conflicting update rolls back the whole batch', async () => {
    const a = await client.records.put(recordInput());
    await client.records.put({ ...a, notes: 'v2' });
    const err = await client.records.putMany([recordInput(), { ...a, notes: 'stale' }]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConflictError);
    expect(await client.records.count()).to.equal(1);
  });

  it('delete, with and without expectedVersion', async () => {
    const a = await client.records.put(recordInput());
    const b = await client.records.put(recordInput());
    expect(await client.records.delete(a.id)).to.equal(true);
    expect(await client.records.delete(a.id)).to.equal(false);
    expect(await client.records.get(a.id)).to.equal(undefined);
    const conflict = await client.records.delete(b.id, { expectedVersion: 7 }).catch((e: unknown) => e);
    expect(conflict).to.be.instanceOf(ConflictError);
    const missing = await client.records.delete('nope', { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(NotFoundError);
    expect(await client.records.delete(b.id, { expectedVersion: 1 })).to.equal(true);
    const req = await client.records.require(b.id).catch((e: unknown) => e);
    expect(req).to.be.instanceOf(NotFoundError);
    expect((req as NotFoundError).code).to.equal('not_found');
  });

  it('drafts: put/get/list/delete', async () => {
    await client.drafts.put('form:new', { surname: 'MÜLLER' });
    const d = await client.drafts.get<{ surname: string }>('form:new');
    expect(d?.value.surname).to.equal('MÜLLER');
    expect(d?.updatedAt).to.equal(clock);
    expect((await client.drafts.list()).map((x) => x.key)).to.deep.equal(['form:new']);
    await client.drafts.delete('form:new');
    expect(await client.drafts.get('form:new')).to.equal(undefined);
  });

  it('after close every call rejects with ClosedError', async () => {
    await client.close();
    const err = await client.records.get('x').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ClosedError);
  });

  it('agencies and operations validate with their own validators', async () => {
    const ag = await client.agencies.put({ id: 'polda-bali', name: 'Polda Bali', kind: 'police' });
    expect(ag.version).to.equal(1);
    const badAg = await client.agencies.put({ id: 'x', name: 'X', kind: 'navy' as never }).catch((e: unknown) => e);
    expect((badAg as ValidationError).issues.map((i) => i.code)).to.include('invalid_enum');
    const op = await client.operations.put({
      kind: 'joint_operation',
      title: 'Operasi Gabungan',
      leadAgency: 'imi-jakut',
      participatingAgencies: ['polda-bali'],
      team: [],
      location: { name: 'Kuta' },
      start: '2025-07-01T09:00',
      end: '2025-07-01T12:00',
      timeZone: 'Asia/Makassar',
      status: 'planned',
      recordIds: [],
    });
    expect(op.version).to.equal(1);
    const badOp = await client.operations.put({ ...op, id: undefined, version: undefined, end: '2025-07-01T08:00' } as never).catch((e: unknown) => e);
    expect(badOp).to.be.instanceOf(ValidationError);
  });

  it('outbox: entries written in the same transaction only when enabled', async () => {
    await client.records.put(recordInput());
    expect(await client.store.outboxCount()).to.equal(0);
    const db2 = uniqueDb('outbox');
    const synced = createTimporaClient({ dbName: db2, agencyId: 'imi-jakut', outbox: true, now: () => NOW });
    try {
      const a = await synced.records.put(recordInput());
      const a2 = await synced.records.put({ ...a, notes: 'x' });
      await synced.records.delete(a.id);
      const entries = await synced.store.outboxEntries();
      expect(entries.map((e) => [e.op, e.baseVersion, e.entity?.version])).to.deep.equal([
        ['put', 0, 1],
        ['put', 1, 2],
        ['delete', 2, undefined],
      ]);
      expect(entries[1]?.entity).to.deep.equal(a2);
      expect(new Set(entries.map((e) => e.idempotencyKey)).size).to.equal(3);
      expect(entries.every((e) => e.attempts === 0 && e.createdAt === NOW.getTime())).to.equal(true);
      // a failed write adds no outbox entry
      await synced.records.put({ ...a2, notes: 'stale' }).catch(() => undefined);
      expect(await synced.store.outboxCount()).to.equal(3);
    } finally {
      await synced.close();
      await dropDb(db2);
    }
  });
});

describe('client: queries', () => {
  let client: TimporaClient;
  let db: string;
  const all: ForeignerRecord[] = [];
  before(async () => {
    db = uniqueDb('query');
    let t = NOW.getTime();
    client = createTimporaClient({ dbName: db, agencyId: 'imi-jakut', now: () => new Date(t) });
    const statuses = ['active', 'violation', 'closed'] as const;
    for (let i = 0; i < 30; i++) {
      t += 1000 * (i % 3 === 0 ? 0 : 1); // ties on updatedAt every third record
      const r = await client.records.put({
        ...recordInput({ surname: `NAME${String(i).padStart(2, '0')}`, number: String(100000000 + i) }),
        status: statuses[i % 3],
        sourceAgency: i % 2 ? 'polda-bali' : 'imi-jakut',
      });
      all.push(r);
    }
  });
  after(async () => {
    await client.close();
    await dropDb(db);
  });

  const byUpdDesc = (a: ForeignerRecord, b: ForeignerRecord): number => (a.updatedAt === b.updatedAt ? (a.id < b.id ? 1 : -1) : a.updatedAt < b.updatedAt ? 1 : -1);

  it('pages through all records newest first without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.records.query({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).to.equal(5);
    expect(seen).to.deep.equal([...all].sort(byUpdDesc).map((r) => r.id));
  });

  it('ascending order and a time range', async () => {
    const asc = await client.records.query({ direction: 'asc', limit: 100 });
    expect(asc.items.map((r) => r.id)).to.deep.equal([...all].sort(byUpdDesc).reverse().map((r) => r.id));
    expect(asc.nextCursor).to.equal(undefined);
    const from = all[10]!.updatedAt;
    const to = all[20]!.updatedAt;
    const ranged = await client.records.query({ range: { from, to }, limit: 100 });
    expect(ranged.items.length).to.be.greaterThan(0);
    expect(ranged.items.every((r) => r.updatedAt >= from && r.updatedAt <= to)).to.equal(true);
    expect(ranged.items.length).to.equal(all.filter((r) => r.updatedAt >= from && r.updatedAt <= to).length);
  });

  it('filters by status (index) and by status + agency (index + row filter), paged', async () => {
    const violation = await client.records.query({ filter: { status: 'violation' }, limit: 4 });
    expect(violation.items).to.have.length(4);
    expect(violation.items.every((r) => r.status === 'violation')).to.equal(true);
    const next = await client.records.query({ filter: { status: 'violation' }, limit: 4, cursor: violation.nextCursor! });
    const ids = [...violation.items, ...next.items].map((r) => r.id);
    expect(ids).to.deep.equal(all.filter((r) => r.status === 'violation').sort(byUpdDesc).map((r) => r.id).slice(0, 8));
    const both = await client.records.query({ filter: { status: ['active', 'closed'], sourceAgency: 'polda-bali' }, limit: 100 });
    const expected = all.filter((r) => (r.status === 'active' || r.status === 'closed') && r.sourceAgency === 'polda-bali');
    expect(both.items.map((r) => r.id).sort()).to.deep.equal(expected.map((r) => r.id).sort());
    expect(await client.records.count({ status: 'violation' })).to.equal(10);
    expect(await client.records.count({ sourceAgency: 'polda-bali', status: ['active', 'closed'] })).to.equal(expected.length);
    expect(await client.records.count()).to.equal(30);
  });

  it('sorts by name', async () => {
    const page = await client.records.query({ sort: 'name', limit: 5 });
    expect(page.items.map((r) => r.identity.surname)).to.deep.equal(['NAME00', 'NAME01', 'NAME02', 'NAME03', 'NAME04']);
    const desc = await client.records.query({ sort: 'name', direction: 'desc', limit: 2 });
    expect(desc.items.map((r) => r.identity.surname)).to.deep.equal(['NAME29', 'NAME28']);
  });

  it('finds by document with normalised number and state', async () => {
    const hit = await client.records.findByDocument('gbr', '100 000 007');
    expect(hit.map((r) => r.id)).to.deep.equal([all[7]!.id]);
    expect(await client.records.findByDocument('GBR', '999999999')).to.deep.equal([]);
  });
});

describe('client: name search', () => {
  let client: TimporaClient;
  let db: string;
  before(async () => {
    db = uniqueDb('names');
    client = createTimporaClient({ dbName: db, agencyId: 'imi-jakut' });
    await client.records.putMany([
      recordInput({ surname: 'Müller', givenNames: 'Hans Peter', state: 'D', number: 'C01X00T47' }),
      recordInput({ surname: 'MULAN', givenNames: 'Hua' }),
      recordInput({ surname: 'JOSÉ', givenNames: 'María' }),
      recordInput({ surname: 'Øster-Ångström', givenNames: 'Łukasz' }),
      recordInput({ surname: 'SMITH', givenNames: 'Müll' }),
      recordInput({ surname: 'محمد', givenNames: 'علي' }),
      recordInput({ surname: '王', givenNames: '小明' }),
    ]);
  });
  after(async () => {
    await client.close();
    await dropDb(db);
  });

  const names = async (q: string, limit?: number): Promise<string[]> =>
    (await client.records.searchByName(q, limit ? { limit } : {})).map((r) => r.identity.surname).sort();

  it('accent- and case-insensitive prefix', async () => {
    expect(await names('mul')).to.deep.equal(['MULAN', 'Müller', 'SMITH']);
    expect(await names('MÜLL')).to.deep.equal(['Müller', 'SMITH']);
    expect(await names('jose')).to.deep.equal(['JOSÉ']);
    expect(await names('maria')).to.deep.equal(['JOSÉ']);
    expect(await names('oster')).to.deep.equal(['Øster-Ångström']);
    expect(await names('angst')).to.deep.equal(['Øster-Ångström']);
    expect(await names('osterang')).to.deep.equal(['Øster-Ångström']);
    expect(await names('lukasz')).to.deep.equal(['Øster-Ångström']);
  });

  it('several words must all match; no match gives nothing', async () => {
    expect(await names('hans mul')).to.deep.equal(['Müller']);
    expect(await names('peter müller')).to.deep.equal(['Müller']);
    expect(await names('hua mul')).to.deep.equal(['MULAN']);
    expect(await names('xyz')).to.deep.equal([]);
    expect(await names('   ')).to.deep.equal([]);
  });

  it('non-Latin scripts and limits', async () => {
    expect(await names('محم')).to.deep.equal(['محمد']);
    expect(await names('王')).to.deep.equal(['王']);
    expect(await names('mul', 1)).to.have.length(1);
  });

  it('a record matching through two tokens is returned once', async () => {
    await client.records.put(recordInput({ surname: 'MULLER', givenNames: 'MULLY MULLINS' }));
    const hits = await client.records.searchByName('mull');
    expect(hits.length).to.equal(new Set(hits.map((h) => h.id)).size);
    expect(hits.filter((h) => h.identity.surname === 'MULLER')).to.have.length(1);
  });

  it('continues after the batched read without skipping rows whose token sorts between (slow path)', async () => {
    // Index entries for "ab": ab(X1..X5), abm(X1..X5), abq(Z), abz(X1..X5). The first batch (limit + 4 = 10
    // entries) holds only X rows; the walk must resume right after (abm, X5) and still find Z.
    const name = uniqueDb('resume');
    const c = createTimporaClient({ dbName: name });
    try {
      const xs = await c.records.putMany(Array.from({ length: 5 }, () => recordInput({ surname: 'Ab', givenNames: 'Abm Abz' })));
      const z = await c.records.put(recordInput({ surname: 'Abq', givenNames: '' }));
      const hits = await c.records.searchByName('ab', { limit: 6 });
      expect(hits.map((h) => h.id).sort()).to.deep.equal([...xs.map((x) => x.id), z.id].sort());
      const one = await c.records.searchByName('ab abq', { limit: 6 });
      expect(one.map((h) => h.id)).to.deep.equal([z.id]);
    } finally {
      await c.close();
      await dropDb(name);
    }
  });

  it('search keeps working when many rows repeat the probe token (slow path)', async () => {
    const many = Array.from({ length: 60 }, (_, i) => recordInput({ surname: `Zed${i}`, givenNames: `Zedd Zeddy Zeddie${i}` }));
    await client.records.putMany(many);
    const hits = await client.records.searchByName('zed', { limit: 50 });
    expect(hits).to.have.length(50);
    expect(new Set(hits.map((h) => h.id)).size).to.equal(50);
    const all = await client.records.searchByName('zed', { limit: 1000 });
    expect(all).to.have.length(60);
  });
});

describe('client: operations and agencies queries', () => {
  let client: TimporaClient;
  let db: string;
  before(async () => {
    db = uniqueDb('ops');
    client = createTimporaClient({ dbName: db, agencyId: 'imi-jakut' });
    const op = (i: number, lead: string, status: 'planned' | 'done') => ({
      kind: 'inspection' as const,
      title: `Op ${i}`,
      leadAgency: lead,
      participatingAgencies: i % 2 ? ['kesbangpol-bali'] : [],
      team: [],
      location: { name: 'Kuta' },
      start: `2025-07-${String(10 + i).padStart(2, '0')}T09:00`,
      end: `2025-07-${String(10 + i).padStart(2, '0')}T11:00`,
      timeZone: 'Asia/Makassar',
      status,
      recordIds: [],
    });
    await client.operations.putMany([op(5, 'polda-bali', 'planned'), op(1, 'imi-jakut', 'done'), op(3, 'polda-bali', 'done'), op(2, 'imi-jakut', 'planned'), op(4, 'polda-bali', 'planned')]);
    await client.agencies.putMany([
      { id: 'polda-bali', name: 'Kepolisian Daerah Bali', shortName: 'Polda Bali', kind: 'police' },
      { id: 'imi-jakut', name: 'Kantor Imigrasi Jakarta Utara', shortName: 'Kanim Jakut', kind: 'immigration' },
      { id: 'imi-dps', name: 'Kantor Imigrasi Denpasar', kind: 'immigration' },
    ]);
  });
  after(async () => {
    await client.close();
    await dropDb(db);
  });

  it('operations by start, by lead agency, by participating agency and within a date range', async () => {
    const byStart = await client.operations.query({ sort: 'start' });
    expect(byStart.items.map((o) => o.title)).to.deep.equal(['Op 1', 'Op 2', 'Op 3', 'Op 4', 'Op 5']);
    const lead = await client.operations.query({ sort: 'start', filter: { leadAgency: 'polda-bali' }, direction: 'desc' });
    expect(lead.items.map((o) => o.title)).to.deep.equal(['Op 5', 'Op 4', 'Op 3']);
    const ranged = await client.operations.query({ sort: 'start', range: { from: '2025-07-12T00:00', to: '2025-07-14T23:59' } });
    expect(ranged.items.map((o) => o.title)).to.deep.equal(['Op 2', 'Op 3', 'Op 4']);
    const leadRanged = await client.operations.query({ sort: 'start', filter: { leadAgency: 'polda-bali' }, range: { to: '2025-07-14T09:00' } });
    expect(leadRanged.items.map((o) => o.title)).to.deep.equal(['Op 3', 'Op 4']);
    const involved = await client.operations.query({ sort: 'start', filter: { agency: 'kesbangpol-bali' } });
    expect(involved.items.map((o) => o.title)).to.deep.equal(['Op 1', 'Op 3', 'Op 5']);
    const planned = await client.operations.query({ filter: { status: 'planned' } });
    expect(planned.items.map((o) => o.title).sort()).to.deep.equal(['Op 2', 'Op 4', 'Op 5']);
  });

  it('agencies by name, by kind, and name search on the short name', async () => {
    const byName = await client.agencies.query({ sort: 'name' });
    expect(byName.items.map((a) => a.id)).to.deep.equal(['imi-dps', 'imi-jakut', 'polda-bali']);
    const imm = await client.agencies.query({ sort: 'name', filter: { kind: 'immigration' }, direction: 'desc' });
    expect(imm.items.map((a) => a.id)).to.deep.equal(['imi-jakut', 'imi-dps']);
    expect((await client.agencies.searchByName('kanim')).map((a) => a.id)).to.deep.equal(['imi-jakut']);
    expect((await client.agencies.searchByName('kantor imigrasi')).map((a) => a.id).sort()).to.deep.equal(['imi-dps', 'imi-jakut']);
    expect(await client.agencies.count({ kind: 'police' })).to.equal(1);
  });

  it('unsubscribe stops deliveries; requestPersistentStorage answers a boolean', async () => {
    const heard: string[] = [];
    const off = client.agencies.subscribe((c) => heard.push(c.op));
    await client.agencies.put({ id: 'tmp', name: 'Tmp', kind: 'other' });
    off();
    await client.agencies.delete('tmp');
    expect(heard).to.deep.equal(['put']);
    expect(typeof (await client.requestPersistentStorage())).to.equal('boolean');
  });
});
