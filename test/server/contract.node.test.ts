/**
 * Contract suite of the reference server, run against BOTH storage engines (SQLite always; PostgreSQL when
 * TIMPORA_PG_URL is set). Every response is also checked against docs/openapi.yaml (`validateResponses`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '../../sdk/model/types.ts';
import { validateRecord } from '../../sdk/model/validate-record.ts';
import type { TimporaServer } from '../../server/app.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { ENGINES, SECRET, call, type J, sampleOperation, sampleRecord, startServer, tokenFor } from './helpers.ts';

const ROLES: Role[] = ['officer', 'supervisor', 'intelligence', 'viewer', 'admin'];

for (const engine of ENGINES) {
  describe(`contract on ${engine.name}`, { skip: engine.skip }, () => {
    let s: TimporaServer;
    let officerA: string;
    let officerB: string;
    let admin: string;

    before(async () => {
      s = await startServer(engine);
      officerA = await tokenFor(s, 'imi-jakut', 'officer');
      officerB = await tokenFor(s, 'polda-metro', 'officer');
      admin = await tokenFor(s, 'timpora-pusat', 'admin');
    });
    after(async () => {
      await s.close();
    });

    async function createRecord(token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; etag: string; body: J }> {
      const r = await call(s, 'POST', '/records', { token, body: sampleRecord(overrides) });
      assert.equal(r.status, 201, r.raw);
      return { id: r.json.id, etag: String(r.headers['etag']), body: r.json };
    }

    describe('authentication', () => {
      it('health is public', async () => {
        const r = await call(s, 'GET', '/health');
        assert.equal(r.status, 200);
        assert.equal(r.json.engine, engine.name);
      });

      it('rejects missing, malformed, forged, expired, wrong-audience and bad-claim tokens with 401', async () => {
        const key = new TextEncoder().encode(SECRET);
        const iat = Math.floor(Date.now() / 1000);
        const sign = (claims: Record<string, unknown>, aud: string, exp: number, secret = key): Promise<string> =>
          new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setAudience(aud).setIssuedAt(iat).setExpirationTime(exp).sign(secret);
        const cases: Record<string, Record<string, string>> = {
          missing: {},
          notBearer: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
          garbage: { authorization: 'Bearer not-a-jwt' },
          forged: { authorization: `Bearer ${await sign({ agency: 'imi-jakut', role: 'admin' }, 'timpora-kit', iat + 600, new TextEncoder().encode('another-secret-0123456789'))}` },
          expired: { authorization: `Bearer ${await s.tokens.issue({ userId: 'u1', agency: 'imi-jakut', role: 'officer' }, -10)}` },
          wrongAudience: { authorization: `Bearer ${await s.tokens.issue({ userId: 'u1', agency: 'imi-jakut', role: 'officer' }, 600, 'other-app')}` },
          badRole: { authorization: `Bearer ${await sign({ agency: 'imi-jakut', role: 'root' }, 'timpora-kit', iat + 600)}` },
          noAgency: { authorization: `Bearer ${await sign({ role: 'officer' }, 'timpora-kit', iat + 600)}` },
          algNone: { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', agency: 'a', role: 'admin', aud: 'timpora-kit', exp: iat + 600 })).toString('base64url')}.x` },
        };
        for (const [name, headers] of Object.entries(cases)) {
          for (const url of ['/records', '/changes', '/audit']) {
            const r = await call(s, 'GET', url, { headers: { ...headers, 'x-forwarded-for': name } });
            assert.equal(r.status, 401, `${name} ${url}: ${r.raw}`);
            assert.equal(r.json.error.code, 'unauthorized');
          }
        }
      });

      it('dev sign-in issues a working token and validates its body', async () => {
        const r = await call(s, 'POST', '/auth/token', { body: { sub: 'dev1', agency: 'imi-jakut', role: 'officer' } });
        assert.equal(r.status, 200);
        assert.equal(r.json.tokenType, 'Bearer');
        const list = await call(s, 'GET', '/records', { token: r.json.accessToken });
        assert.equal(list.status, 200);
        const bad = await call(s, 'POST', '/auth/token', { body: { sub: 'dev1', agency: 'imi-jakut', role: 'god' } });
        assert.equal(bad.status, 400);
        assert.deepEqual(bad.json.error.issues.map((i: J) => [i.code, i.path]), [['invalid_enum', 'role']]);
      });
    });

    describe('records CRUD with ETag / If-Match', () => {
      it('creates, reads, updates, deletes', async () => {
        const c = await call(s, 'POST', '/records', { token: officerA, body: sampleRecord() });
        assert.equal(c.status, 201);
        assert.equal(c.headers['etag'], '"1"');
        assert.equal(c.headers['location'], `/records/${c.json.id}`);
        assert.equal(c.json.sourceAgency, 'imi-jakut');
        assert.equal(c.json.version, 1);
        const g = await call(s, 'GET', `/records/${c.json.id}`, { token: officerB });
        assert.equal(g.status, 200, 'another agency reads shared records');
        assert.deepEqual(g.json, c.json);
        assert.equal(g.headers['etag'], '"1"');
        const u = await call(s, 'PUT', `/records/${c.json.id}`, { token: officerA, headers: { 'if-match': '"1"' }, body: { ...g.json, status: 'under_investigation', version: 99, sourceAgency: 'evil' } });
        assert.equal(u.status, 200, u.raw);
        assert.equal(u.json.version, 2, 'server manages version');
        assert.equal(u.json.sourceAgency, 'imi-jakut', 'server manages ownership');
        assert.equal(u.json.createdAt, c.json.createdAt);
        assert.equal(u.headers['etag'], '"2"');
        const d = await call(s, 'DELETE', `/records/${c.json.id}`, { token: officerA, headers: { 'if-match': '"2"' } });
        assert.equal(d.status, 204);
        assert.equal((await call(s, 'GET', `/records/${c.json.id}`, { token: officerA })).status, 404);
        const again = await call(s, 'PUT', `/records/${c.json.id}`, { token: officerA, body: sampleRecord() });
        assert.equal(again.status, 409, 'a deleted id is not re-created');
        assert.equal(again.json.error.code, 'already_exists');
      });

      it('creates with PUT on a new id, and keeps a client-chosen id on POST', async () => {
        const id = randomUUID();
        const p = await call(s, 'PUT', `/records/${id}`, { token: officerA, body: sampleRecord() });
        assert.equal(p.status, 201);
        assert.equal(p.json.id, id);
        const id2 = randomUUID();
        const q = await call(s, 'POST', '/records', { token: officerA, body: { ...sampleRecord(), id: id2 } });
        assert.equal(q.status, 201);
        assert.equal(q.json.id, id2);
        const dup = await call(s, 'POST', '/records', { token: officerA, body: { ...sampleRecord(), id: id2 } });
        assert.equal(dup.status, 409);
        const missing = await call(s, 'PUT', `/records/${randomUUID()}`, { token: officerA, headers: { 'if-match': '"1"' }, body: sampleRecord() });
        assert.equal(missing.status, 404);
      });

      it('428 without If-Match and 412 when stale, both with the current entity', async () => {
        const { id } = await createRecord(officerA);
        const noMatch = await call(s, 'PUT', `/records/${id}`, { token: officerA, body: sampleRecord({ notes: 'x' }) });
        assert.equal(noMatch.status, 428);
        assert.equal(noMatch.json.error.code, 'precondition_required');
        assert.equal(noMatch.json.error.current.id, id);
        const noMatchDelete = await call(s, 'DELETE', `/records/${id}`, { token: officerA });
        assert.equal(noMatchDelete.status, 428);
        const ok = await call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'v2' }) });
        assert.equal(ok.status, 200);
        for (const stale of ['"1"', 'W/"1"', 'garbage', '"1", "3"']) {
          const r = await call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': stale }, body: sampleRecord({ notes: 'lost' }) });
          assert.equal(r.status, 412, stale);
          assert.equal(r.json.error.code, 'version_conflict');
          assert.equal(r.json.error.current.notes, 'v2');
          assert.equal(r.json.error.current.version, 2);
          assert.equal(r.headers['etag'], '"2"');
        }
        const staleDelete = await call(s, 'DELETE', `/records/${id}`, { token: officerA, headers: { 'if-match': '"1"' } });
        assert.equal(staleDelete.status, 412);
        const star = await call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': '*' }, body: sampleRecord({ notes: 'v3' }) });
        assert.equal(star.status, 200);
        assert.equal(star.json.version, 3);
        const weakList = await call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': '"1", W/"3"' }, body: sampleRecord({ notes: 'v4' }) });
        assert.equal(weakList.status, 200);
      });

      it('concurrent edits by two agencies: exactly one wins, the other gets 412', async () => {
        const supervisorB = await tokenFor(s, 'polda-metro', 'supervisor');
        for (let trial = 0; trial < 8; trial++) {
          const { id } = await createRecord(officerA);
          const [a, b] = await Promise.all([
            call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'by A' }) }),
            call(s, 'PUT', `/records/${id}`, { token: supervisorB, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'by B' }) }),
          ]);
          const statuses = [a.status, b.status].sort();
          assert.deepEqual(statuses, [200, 412], `trial ${trial}: ${a.raw} ${b.raw}`);
          const winner = a.status === 200 ? a : b;
          const loser = a.status === 200 ? b : a;
          assert.equal(loser.json.error.current.notes, winner.json.notes, 'the loser sees the winning version');
          const final = await call(s, 'GET', `/records/${id}`, { token: officerA });
          assert.equal(final.json.version, 2);
          assert.equal(final.json.notes, winner.json.notes);
        }
      });
    });

    describe('idempotency', () => {
      it('replays the first answer byte-identical, including status, ETag and Location', async () => {
        const key = randomUUID();
        const body = sampleRecord({ notes: 'idem' });
        const first = await call(s, 'POST', '/records', { token: officerA, body, headers: { 'idempotency-key': key } });
        assert.equal(first.status, 201);
        // Same JSON with other key order and whitespace is the same request.
        const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
        const second = await call(s, 'POST', '/records', { token: officerA, rawBody: reordered, headers: { 'idempotency-key': key } });
        assert.equal(second.status, 201);
        assert.equal(second.raw, first.raw);
        assert.equal(second.headers['etag'], first.headers['etag']);
        assert.equal(second.headers['location'], first.headers['location']);
        assert.equal(second.headers['idempotent-replayed'], 'true');
        const list = await call(s, 'GET', '/records?limit=500', { token: officerA });
        assert.equal(list.json.items.filter((r: J) => r.notes === 'idem').length, 1, 'one entity, not two');
      });

      it('same key with another body, method or path is 422', async () => {
        const key = randomUUID();
        const first = await call(s, 'POST', '/records', { token: officerA, body: sampleRecord({ notes: 'k1' }), headers: { 'idempotency-key': key } });
        assert.equal(first.status, 201);
        const other = await call(s, 'POST', '/records', { token: officerA, body: sampleRecord({ notes: 'k2' }), headers: { 'idempotency-key': key } });
        assert.equal(other.status, 422);
        assert.equal(other.json.error.code, 'idempotency_key_reused');
        const otherPath = await call(s, 'POST', '/operations', { token: officerA, body: sampleRecord({ notes: 'k1' }), headers: { 'idempotency-key': key } });
        assert.equal(otherPath.status, 422);
      });

      it('keys are scoped to the user', async () => {
        const key = randomUUID();
        const a = await call(s, 'POST', '/records', { token: officerA, body: sampleRecord({ notes: 'scope' }), headers: { 'idempotency-key': key } });
        const b = await call(s, 'POST', '/records', { token: officerB, body: sampleRecord({ notes: 'scope' }), headers: { 'idempotency-key': key } });
        assert.equal(a.status, 201);
        assert.equal(b.status, 201);
        assert.notEqual(a.json.id, b.json.id);
      });

      it('a retried update or delete replays instead of reporting a false conflict', async () => {
        const { id } = await createRecord(officerA);
        const key = randomUUID();
        const opts = { token: officerA, headers: { 'if-match': '"1"', 'idempotency-key': key }, body: sampleRecord({ notes: 'retry' }) };
        const u1 = await call(s, 'PUT', `/records/${id}`, opts);
        const u2 = await call(s, 'PUT', `/records/${id}`, opts);
        assert.equal(u1.status, 200);
        assert.equal(u2.status, 200);
        assert.equal(u2.raw, u1.raw);
        const dkey = randomUUID();
        const d1 = await call(s, 'DELETE', `/records/${id}`, { token: officerA, headers: { 'if-match': '"2"', 'idempotency-key': dkey } });
        const d2 = await call(s, 'DELETE', `/records/${id}`, { token: officerA, headers: { 'if-match': '"2"', 'idempotency-key': dkey } });
        assert.equal(d1.status, 204);
        assert.equal(d2.status, 204);
      });

      it('parallel requests with one key create one entity', async () => {
        const key = randomUUID();
        const body = sampleRecord({ notes: `parallel-${key}` });
        const rs = await Promise.all(Array.from({ length: 8 }, () => call(s, 'POST', '/records', { token: officerA, body, headers: { 'idempotency-key': key } })));
        for (const r of rs) {
          assert.equal(r.status, 201);
          assert.equal(r.raw, rs[0]!.raw);
        }
        const list = await call(s, 'GET', '/records?limit=500', { token: officerA });
        assert.equal(list.json.items.filter((r: J) => r.notes === `parallel-${key}`).length, 1);
      });
    });

    describe('paging', () => {
      it('walks every record once with opaque tokens and filters', async () => {
        const agency = `paging-${randomUUID().slice(0, 8)}`;
        const t = await tokenFor(s, agency, 'officer');
        const ids = new Set<string>();
        for (let i = 0; i < 7; i++) ids.add((await createRecord(t, { status: i % 2 ? 'closed' : 'active' })).id);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const r: J = await call(s, 'GET', `/records?limit=3&sourceAgency=${agency}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, { token: t });
          assert.equal(r.status, 200);
          assert.ok(r.json.items.length <= 3);
          assert.match(r.json.cursor, /^\d+$/);
          seen.push(...r.json.items.map((x: J) => x.id));
          token = r.json.nextPageToken;
          pages++;
        } while (token);
        assert.equal(pages, 3);
        assert.deepEqual([...seen].sort(), [...ids].sort());
        assert.deepEqual(seen, [...seen].sort(), 'sorted by id');
        const closed = await call(s, 'GET', `/records?sourceAgency=${agency}&status=closed`, { token: t });
        assert.equal(closed.json.items.length, 3);
        const first = await call(s, 'GET', `/records?limit=3&sourceAgency=${agency}`, { token: t });
        const mixed = await call(s, 'GET', `/records?limit=3&status=closed&pageToken=${encodeURIComponent(first.json.nextPageToken)}`, { token: t });
        assert.equal(mixed.status, 400, 'a token is bound to its filters');
      });

      it('rejects bad paging parameters with 400 and codes', async () => {
        const cases: [string, string, string][] = [
          ['limit=0', 'invalid_format', 'query.limit'],
          ['limit=501', 'invalid_format', 'query.limit'],
          ['limit=abc', 'invalid_type', 'query.limit'],
          ['pageToken=%25%25%25', 'invalid_format', 'query.pageToken'],
          ['pageToken=eyJ4IjoxfQ', 'invalid_format', 'query.pageToken'],
          ['status=nope', 'invalid_enum', 'query.status'],
          ['updatedSince=yesterday', 'invalid_date', 'query.updatedSince'],
          ['limit=1&limit=2', 'invalid_type', 'query.limit'],
        ];
        for (const [q, code, path] of cases) {
          const r = await call(s, 'GET', `/records?${q}`, { token: officerA });
          assert.equal(r.status, 400, q);
          assert.equal(r.json.error.code, 'validation_failed');
          assert.ok(r.json.error.issues.some((i: J) => i.path === path && (i.code === code || code === 'invalid_format')), `${q}: ${r.raw}`);
        }
      });
    });

    describe('change feed', () => {
      it('returns each change once in commit order, with deletes, and an advancing cursor', async () => {
        const start = (await call(s, 'GET', '/records?limit=1', { token: officerA })).json.cursor as string;
        const a = await createRecord(officerA, { notes: 'feed-a' });
        const b = await createRecord(officerA, { notes: 'feed-b' });
        const c = await createRecord(officerA, { notes: 'feed-c' });
        await call(s, 'PUT', `/records/${a.id}`, { token: officerA, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'feed-a2' }) });
        await call(s, 'DELETE', `/records/${b.id}`, { token: officerA, headers: { 'if-match': '"1"' } });
        const r = await call(s, 'GET', `/changes?since=${start}`, { token: officerB });
        assert.equal(r.status, 200);
        const ids = r.json.changes.map((x: J) => x.id);
        assert.deepEqual(ids, [c.id, a.id, b.id], 'latest change per entity, in commit order');
        const seqs = r.json.changes.map((x: J) => x.seq);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
        assert.equal(r.json.changes[1].entity.notes, 'feed-a2');
        assert.equal(r.json.changes[2].op, 'delete');
        assert.equal(r.json.changes[2].entity, undefined);
        assert.equal(r.json.hasMore, false);
        const empty = await call(s, 'GET', `/changes?since=${r.json.cursor}`, { token: officerB });
        assert.deepEqual(empty.json.changes, []);
        assert.equal(empty.json.cursor, r.json.cursor);
        const paged = await call(s, 'GET', `/changes?since=${start}&limit=2`, { token: officerB });
        assert.equal(paged.json.changes.length, 2);
        assert.equal(paged.json.hasMore, true);
        const rest = await call(s, 'GET', `/changes?since=${paged.json.cursor}&limit=2`, { token: officerB });
        assert.deepEqual(rest.json.changes.map((x: J) => x.id), [b.id]);
        const onlyOps = await call(s, 'GET', `/changes?since=${start}&collections=operations`, { token: officerB });
        assert.deepEqual(onlyOps.json.changes, []);
      });

      it('rejects malformed cursors with 400', async () => {
        for (const since of ['abc', '-1', '1e5', '99999999999999999999']) {
          const r = await call(s, 'GET', `/changes?since=${encodeURIComponent(since)}`, { token: officerA });
          assert.equal(r.status, 400, since);
        }
        const badColl = await call(s, 'GET', '/changes?collections=users', { token: officerA });
        assert.equal(badColl.status, 400);
      });
    });

    describe('access control', () => {
      for (const role of ROLES) {
        for (const own of [true, false]) {
          it(`${role} of ${own ? 'the owning' : 'another'} agency`, async () => {
            const ownerToken = await tokenFor(s, 'imi-jakut', 'officer');
            const { id } = await createRecord(ownerToken);
            const t = await tokenFor(s, own ? 'imi-jakut' : 'bin-daerah', role);
            const read = await call(s, 'GET', `/records/${id}`, { token: t });
            assert.equal(read.status, 200, 'every role of every agency reads shared records');
            const mayEdit = role !== 'viewer' && (own || role === 'supervisor' || role === 'admin');
            const put = await call(s, 'PUT', `/records/${id}`, { token: t, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: `${role}` }) });
            assert.equal(put.status, mayEdit ? 200 : 403, put.raw);
            if (!mayEdit) assert.equal(put.json.error.code, 'forbidden');
            const del = await call(s, 'DELETE', `/records/${id}`, { token: t, headers: { 'if-match': mayEdit ? '"2"' : '"1"' } });
            assert.equal(del.status, mayEdit ? 204 : 403);
            const create = await call(s, 'POST', '/records', { token: t, body: sampleRecord() });
            assert.equal(create.status, role === 'viewer' ? 403 : 201);
            const op = await call(s, 'POST', '/operations', { token: t, body: sampleOperation() });
            assert.equal(op.status, role === 'viewer' ? 403 : 201, op.raw);
            const agency = await call(s, 'POST', '/agencies', { token: t, body: { id: `ag-${randomUUID().slice(0, 8)}`, name: 'Kantor Imigrasi', kind: 'immigration' } });
            assert.equal(agency.status, role === 'admin' ? 201 : 403, agency.raw);
            const auditRead = await call(s, 'GET', '/audit', { token: t });
            assert.equal(auditRead.status, role === 'supervisor' || role === 'admin' ? 200 : 403);
          });
        }
      }

      it('operations: only the owning agency or a supervisor edits', async () => {
        const lead = await tokenFor(s, 'imi-dps', 'officer');
        const other = await tokenFor(s, 'polda-bali', 'officer');
        const c = await call(s, 'POST', '/operations', { token: lead, body: sampleOperation() });
        assert.equal(c.status, 201, c.raw);
        const readOther = await call(s, 'GET', `/operations/${c.json.id}`, { token: other });
        assert.equal(readOther.status, 200);
        const u = await call(s, 'PUT', `/operations/${c.json.id}`, { token: other, headers: { 'if-match': '"1"' }, body: sampleOperation({ status: 'done' }) });
        assert.equal(u.status, 403);
        const ok = await call(s, 'PUT', `/operations/${c.json.id}`, { token: lead, headers: { 'if-match': '"1"' }, body: sampleOperation({ status: 'done' }) });
        assert.equal(ok.status, 200);
        assert.equal(ok.json.status, 'done');
      });
    });

    describe('restricted fields', () => {
      const secret = { restrictedNotes: 'Informan: lihat berkas BIN-7', findings: [
        { id: 'f-open', date: '2024-03-01', agencyId: 'imi-jakut', category: 'overstay', description: 'Lewat izin tinggal' },
        { id: 'f-secret', date: '2024-03-02', agencyId: 'bin-daerah', category: 'other', description: 'Catatan intelijen', restricted: true },
      ] };

      it('are returned only to intelligence, supervisor and admin (read, list, feed)', async () => {
        const intel = await tokenFor(s, 'imi-jakut', 'intelligence');
        const start = (await call(s, 'GET', '/records?limit=1', { token: intel })).json.cursor;
        const c = await call(s, 'POST', '/records', { token: intel, body: sampleRecord(secret) });
        assert.equal(c.status, 201, c.raw);
        for (const role of ROLES) {
          const t = await tokenFor(s, 'polda-metro', role);
          const allowed = role === 'intelligence' || role === 'supervisor' || role === 'admin';
          const g = await call(s, 'GET', `/records/${c.json.id}`, { token: t });
          const feed = await call(s, 'GET', `/changes?since=${start}`, { token: t });
          const fromFeed = feed.json.changes.find((x: J) => x.id === c.json.id).entity;
          for (const seen of [g.json, fromFeed]) {
            assert.equal(seen.restrictedNotes !== undefined, allowed, role);
            assert.deepEqual(seen.findings.map((f: J) => f.id), allowed ? ['f-open', 'f-secret'] : ['f-open'], role);
          }
          if (!allowed) assert.ok(!feed.raw.includes('BIN-7') && !g.raw.includes('Catatan intelijen'));
        }
      });

      it('a role without access cannot wipe or write them', async () => {
        const intel = await tokenFor(s, 'imi-jakut', 'intelligence');
        const officer = await tokenFor(s, 'imi-jakut', 'officer');
        const c = await call(s, 'POST', '/records', { token: intel, body: sampleRecord(secret) });
        // The officer saves what they saw (without restricted content): nothing restricted is lost.
        const seen = (await call(s, 'GET', `/records/${c.json.id}`, { token: officer })).json;
        const u = await call(s, 'PUT', `/records/${c.json.id}`, { token: officer, headers: { 'if-match': '"1"' }, body: { ...seen, notes: 'diperbarui' } });
        assert.equal(u.status, 200, u.raw);
        assert.equal(u.json.restrictedNotes, undefined);
        const full = (await call(s, 'GET', `/records/${c.json.id}`, { token: intel })).json;
        assert.equal(full.notes, 'diperbarui');
        assert.equal(full.restrictedNotes, secret.restrictedNotes);
        assert.deepEqual(full.findings.map((f: J) => f.id).sort(), ['f-open', 'f-secret']);
        // Sending restricted content is refused, stored values unchanged.
        const w1 = await call(s, 'PUT', `/records/${c.json.id}`, { token: officer, headers: { 'if-match': '"2"' }, body: { ...seen, restrictedNotes: '' } });
        assert.equal(w1.status, 403);
        assert.equal(w1.json.error.code, 'restricted_field');
        assert.equal(w1.json.error.issues[0].path, 'restrictedNotes');
        const w2 = await call(s, 'PUT', `/records/${c.json.id}`, { token: officer, headers: { 'if-match': '"2"' }, body: { ...seen, findings: [{ id: 'f-secret', date: '2024-03-02', agencyId: 'imi-jakut', category: 'other', description: 'ditimpa' }] } });
        assert.equal(w2.status, 403, 'cannot overwrite a restricted finding by id');
        const garbage = await call(s, 'PUT', `/records/${c.json.id}`, { token: officer, headers: { 'if-match': '"2"' }, body: { ...seen, findings: 'x' } });
        assert.equal(garbage.status, 400, 'garbage findings are reported, not replaced by the stored restricted ones');
        const w3 = await call(s, 'POST', '/records', { token: officer, body: sampleRecord({ findings: [{ ...secret.findings[1] }] }) });
        assert.equal(w3.status, 403);
        const after2 = (await call(s, 'GET', `/records/${c.json.id}`, { token: intel })).json;
        assert.equal(after2.version, 2);
        assert.equal(after2.restrictedNotes, secret.restrictedNotes);
      });

      it('a 412 body never leaks restricted fields', async () => {
        const intel = await tokenFor(s, 'imi-jakut', 'intelligence');
        const officer = await tokenFor(s, 'imi-jakut', 'officer');
        const c = await call(s, 'POST', '/records', { token: intel, body: sampleRecord(secret) });
        const r = await call(s, 'PUT', `/records/${c.json.id}`, { token: officer, headers: { 'if-match': '"9"' }, body: sampleRecord() });
        assert.equal(r.status, 412);
        assert.equal(r.json.error.current.restrictedNotes, undefined);
        assert.ok(!r.raw.includes('BIN-7'));
      });
    });

    describe('audit log', () => {
      it('records who read and wrote which fields, never the values', async () => {
        const reader = await tokenFor(s, 'polda-metro', 'officer', 'reader-1');
        const { id } = await createRecord(officerA, { notes: 'AUDIT-SECRET-VALUE' });
        await call(s, 'GET', `/records/${id}`, { token: reader });
        await call(s, 'PUT', `/records/${id}`, { token: officerA, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'changed', status: 'closed' }) });
        const r = await call(s, 'GET', `/audit?entityId=${id}`, { token: admin });
        assert.equal(r.status, 200);
        const entries = r.json.items;
        assert.deepEqual(entries.map((e: J) => e.action), ['create', 'read', 'update']);
        assert.equal(entries[1].userId, 'reader-1');
        assert.equal(entries[1].agency, 'polda-metro');
        assert.equal(entries[1].role, 'officer');
        assert.ok(entries[1].fields.includes('identity'));
        assert.deepEqual(entries[2].fields, ['notes', 'status']);
        assert.ok(!r.raw.includes('AUDIT-SECRET-VALUE') && !r.raw.includes('SMITH'), 'no personal values in the audit log');
        assert.ok(entries.every((e: J) => !Number.isNaN(Date.parse(e.at))));
      });

      it('audits a feed page once per record: one time for the page, the fields each reader saw (readers at the same time too)', async () => {
        let tick = 0;
        // A clock that moves on every time it is read: entries written at different moments get different times.
        const t = await startServer(engine, { now: () => Date.now() + tick++ });
        try {
          const intel = await tokenFor(t, 'imi-jakut', 'intelligence');
          const start = (await call(t, 'GET', '/records?limit=1', { token: intel })).json.cursor as string;
          const ids: string[] = [];
          for (const extra of [{}, { restrictedNotes: 'Informan: berkas BIN-9' }, { notes: 'ketiga' }]) {
            const c = await call(t, 'POST', '/records', { token: intel, body: sampleRecord(extra) });
            assert.equal(c.status, 201, c.raw);
            ids.push(c.json.id as string);
          }
          const users = ['reader-1', 'reader-2'];
          const tokens = await Promise.all(users.map((u) => tokenFor(t, 'polda-metro', 'officer', u)));
          const pages = await Promise.all(tokens.map((token) => call(t, 'GET', `/changes?since=${start}`, { token })));
          for (const p of pages) {
            assert.deepEqual(p.json.changes.map((x: J) => x.id), ids);
            assert.equal(p.json.changes[1].entity.restrictedNotes, undefined);
            assert.equal(p.json.changes[2].entity.notes, 'ketiga');
            assert.ok(!p.raw.includes('BIN-9'));
          }
          const log = (await call(t, 'GET', '/audit?action=feed&limit=100', { token: await tokenFor(t, 'timpora-pusat', 'admin') })).json.items as J[];
          for (const user of users) {
            const mine = log.filter((e) => e.userId === user);
            assert.deepEqual(mine.map((e) => e.entityId), ids, user);
            assert.equal(new Set(mine.map((e) => e.at)).size, 1, `${user}: one time for the page`);
            assert.ok(mine.every((e) => e.role === 'officer' && e.agency === 'polda-metro' && e.collection === 'records'));
            assert.ok(mine.every((e) => e.fields.includes('identity') && !e.fields.includes('restrictedNotes')), user);
          }
        } finally {
          await t.close();
        }
      });

      it('supervisors read their own agency only; the audit log has no write API', async () => {
        const sup = await tokenFor(s, 'polda-metro', 'supervisor');
        const r = await call(s, 'GET', '/audit?limit=500', { token: sup });
        assert.equal(r.status, 200);
        assert.ok(r.json.items.every((e: J) => e.agency === 'polda-metro'));
        assert.equal((await call(s, 'GET', '/audit?agency=imi-jakut', { token: sup })).status, 403);
        for (const m of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
          const w = await call(s, m, '/audit', { token: admin, body: { action: 'read' } });
          assert.equal(w.status, 404, m);
        }
      });

      it('pages with an opaque token', async () => {
        const first = await call(s, 'GET', '/audit?limit=2', { token: admin });
        assert.equal(first.json.items.length, 2);
        const second = await call(s, 'GET', `/audit?limit=2&pageToken=${first.json.nextPageToken}`, { token: admin });
        assert.ok(second.json.items[0].seq > first.json.items[1].seq);
      });

      it('the database itself refuses UPDATE, DELETE (and TRUNCATE) of audit rows', async () => {
        const store = s.store;
        if (store instanceof SqliteStore) {
          assert.throws(() => store.db.prepare("UPDATE audit SET user_id = 'x'").run(), /append-only/);
          assert.throws(() => store.db.prepare('DELETE FROM audit').run(), /append-only/);
          assert.ok((store.db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n > 0);
        } else if (store instanceof PostgresStore) {
          await assert.rejects(store.pool.query("UPDATE audit SET user_id = 'x'"), /append-only/);
          await assert.rejects(store.pool.query('DELETE FROM audit'), /append-only/);
          await assert.rejects(store.pool.query('TRUNCATE audit'), /append-only/);
          const n = await store.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM audit');
          assert.ok(Number(n.rows[0]!.n) > 0);
        } else {
          assert.fail('unknown engine');
        }
      });
    });

    describe('invalid input is 400 with sdk/model codes, never 500', () => {
      it('returns the same codes as validateRecord', async () => {
        const bad = sampleRecord({
          identity: { surname: '', givenNames: 'A', sex: 'Q', birthDate: '2999-01-01', nationality: 'ZZZ' },
          document: { type: 'passport', issuingState: 'GBR', number: '123456789', issueDate: '2030-02-30', expiryDate: '2031-01-01' },
        });
        const r = await call(s, 'POST', '/records', { token: officerA, body: bad });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.code, 'validation_failed');
        const expected = validateRecord({ ...bad, id: 'x', sourceAgency: 'imi-jakut', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), version: 1 }, { requireMeta: true })
          .filter((i) => i.severity === 'error')
          .map((i) => `${i.code}@${i.path}`)
          .sort();
        const got = r.json.error.issues.filter((i: J) => i.severity === 'error').map((i: J) => `${i.code}@${i.path}`).sort();
        assert.deepEqual(got, expected);
        assert.ok(got.includes('date_in_future@identity.birthDate'));
        assert.ok(got.includes('invalid_country@identity.nationality'));
      });

      it('operations use validateOperation codes', async () => {
        const r = await call(s, 'POST', '/operations', { token: officerA, body: sampleOperation({ end: '2026-12-01T07:00', timeZone: 'Mars/Olympus' }) });
        assert.equal(r.status, 400);
        const codes = r.json.error.issues.map((i: J) => i.code);
        assert.ok(codes.includes('end_before_start'), r.raw);
        assert.ok(codes.includes('invalid_time_zone'), r.raw);
      });

      it('unparsable bodies, wrong media types and oversized bodies have their own codes', async () => {
        const notJson = await call(s, 'POST', '/records', { token: officerA, rawBody: '{"identity": ' });
        assert.equal(notJson.status, 400);
        assert.equal(notJson.json.error.code, 'bad_request');
        const proto = await call(s, 'POST', '/records', { token: officerA, rawBody: '{"__proto__": {"admin": true}, "identity": {}}' });
        assert.equal(proto.status, 400);
        const text = await call(s, 'POST', '/records', { token: officerA, rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
        assert.equal(text.status, 415);
        assert.equal(text.json.error.code, 'unsupported_media_type');
        const huge = await call(s, 'POST', '/records', { token: officerA, body: sampleRecord({ photo: 'data:image/jpeg;base64,' + 'A'.repeat(7 * 1024 * 1024) }) });
        assert.equal(huge.status, 413);
        const empty = await call(s, 'POST', '/records', { token: officerA, headers: { 'content-type': 'application/json' } });
        assert.equal(empty.status, 400);
      });

      it('fuzz: hostile and garbage bodies never produce a 500', async () => {
        let seed = 7;
        const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
        const atoms: unknown[] = [null, true, false, 0, -1, 1e308, -0, 3.5, '', ' ', 'x'.repeat(5000), '\u0000', '\ud800', '2024-02-30', '../../etc', '<script>', '{"a":1}', [], {}, 'SELECT 1; DROP TABLE audit;--'];
        const keys = ['identity', 'document', 'findings', 'status', 'restrictedNotes', 'id', 'version', 'sourceAgency', 'surname', 'birthDate', 'permit', 'sponsor', 'address', 'region', 'kind', 'start', 'end', 'timeZone', 'team', 'recurrence', 'constructor', 'prototype', 'toString', 'name', 'sub', 'role', 'agency'];
        const gen = (depth: number): unknown => {
          const r = rand();
          if (depth > 4 || r < 0.35) return pick(atoms);
          if (r < 0.55) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
          const o: Record<string, unknown> = {};
          for (let i = Math.floor(rand() * 6); i > 0; i--) o[pick(keys)] = gen(depth + 1);
          return o;
        };
        const mutate = (): unknown => {
          // Valid entities with one field replaced by garbage: reaches deep validation paths.
          const base: Record<string, J> = rand() < 0.5 ? sampleRecord() : sampleOperation();
          const k = pick(Object.keys(base));
          if (rand() < 0.5 && typeof base[k] === 'object' && base[k] !== null && !Array.isArray(base[k])) base[k] = { ...base[k], [pick(Object.keys(base[k]))]: gen(2) };
          else base[k] = gen(1);
          return base;
        };
        const targets: [('POST' | 'PUT'), string][] = [
          ['POST', '/records'],
          ['PUT', '/records/'],
          ['POST', '/operations'],
          ['PUT', '/operations/'],
          ['POST', '/agencies'],
          ['POST', '/auth/token'],
        ];
        const statuses = new Map<number, number>();
        for (let i = 0; i < 240; i++) {
          const [method, target] = pick(targets);
          const url = target.endsWith('/') ? target + randomUUID() : target;
          const body = i % 2 ? gen(0) : mutate();
          const raw = JSON.stringify(body) ?? 'null';
          const r = await call(s, method, url, { token: admin, rawBody: raw });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          assert.ok(r.status < 500, `${method} ${url} with ${raw.slice(0, 300)} -> ${r.status} ${r.raw.slice(0, 300)}`);
          assert.ok(r.status === 201 || r.status === 200 || r.status === 400 || r.status === 409, `${r.status} ${r.raw.slice(0, 200)}`);
          if (r.status === 400) {
            assert.ok(['validation_failed', 'bad_request'].includes(r.json.error.code));
            if (r.json.error.code === 'validation_failed') assert.ok(r.json.error.issues.length > 0);
          }
        }
        assert.ok((statuses.get(400) ?? 0) > 150, `mostly rejected: ${JSON.stringify([...statuses])}`);
        // Garbage in query strings and headers too.
        for (const q of ['limit=%00', 'entityId=a%00b', 'userId=%00', 'agency=x%01', 'sourceAgency=%00', 'limit=1e3', 'pageToken=' + 'A'.repeat(2000), 'since=%F0%9F%92%A9', 'status[]=x', 'updatedSince=2024-13-45T99:00:00Z']) {
          for (const path of ['/records', '/operations', '/changes', '/audit']) {
            const r = await call(s, 'GET', `${path}?${q}`, { token: admin });
            assert.ok(r.status === 400 || r.status === 200, `${path}?${q} -> ${r.status} ${r.raw.slice(0, 200)}`);
          }
        }
        // Deeply nested JSON (would overflow recursive code) is a 400, at any depth.
        for (const depth of [40, 5_000, 300_000]) {
          const bodies = ['['.repeat(depth) + ']'.repeat(depth), '{"identity":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth + 1)];
          for (const raw of bodies) {
            for (const [m, u] of [['POST', '/records'], ['PUT', `/operations/${randomUUID()}`], ['POST', '/auth/token']] as const) {
              const r = await call(s, m, u, { token: admin, rawBody: raw, headers: { 'idempotency-key': randomUUID() } });
              assert.equal(r.status, 400, `depth ${depth} ${m} ${u}: ${r.raw.slice(0, 200)}`);
            }
          }
        }
        const nulSub = await call(s, 'POST', '/auth/token', { body: { sub: 'a\u0000b', agency: 'imi-jakut', role: 'officer' } });
        assert.equal(nulSub.status, 400);
        const nulToken = await s.tokens.issue({ userId: 'a\u0000b', agency: 'imi-jakut', role: 'officer' });
        assert.equal((await call(s, 'GET', '/records', { token: nulToken })).status, 401);
        const longKey = await call(s, 'POST', '/records', { token: admin, body: sampleRecord(), headers: { 'idempotency-key': 'k'.repeat(300) } });
        assert.equal(longKey.status, 400);
        const badId = await call(s, 'PUT', `/records/${encodeURIComponent('../x y')}`, { token: admin, body: sampleRecord() });
        assert.equal(badId.status, 400);
      });
    });

    describe('batch (POST /batch)', () => {
      it('applies items in order, each as its single request: create, update with If-Match, delete; audit per item', async () => {
        const a = randomUUID();
        const b = randomUUID();
        const existing = await createRecord(officerA);
        const r = await call(s, 'POST', '/batch', {
          token: officerA,
          body: {
            items: [
              { method: 'PUT', collection: 'records', id: a, idempotencyKey: `k-${a}`, body: sampleRecord({ notes: 'a' }) },
              { method: 'PUT', collection: 'records', id: b, idempotencyKey: `k-${b}`, body: sampleRecord({ notes: 'b' }) },
              { method: 'PUT', collection: 'records', id: existing.id, ifMatch: existing.etag, idempotencyKey: `u-${existing.id}`, body: sampleRecord({ notes: 'edited' }) },
              { method: 'DELETE', collection: 'records', id: b, ifMatch: '"1"', idempotencyKey: `d-${b}` },
            ],
          },
        });
        assert.equal(r.status, 200, r.raw);
        const [ca, cb, up, del] = r.json.results as J[];
        assert.equal(ca.status, 201);
        assert.equal(ca.etag, '"1"');
        assert.equal(ca.location, `/records/${a}`);
        assert.equal(ca.body.id, a);
        assert.equal(ca.body.sourceAgency, 'imi-jakut');
        assert.equal(cb.status, 201);
        assert.equal(up.status, 200);
        assert.equal(up.etag, '"2"');
        assert.equal(up.body.notes, 'edited');
        assert.equal(del.status, 204);
        assert.equal(del.body, undefined);
        assert.equal((await call(s, 'GET', `/records/${a}`, { token: officerB })).json.notes, 'a');
        assert.equal((await call(s, 'GET', `/records/${b}`, { token: officerB })).status, 404);
        const log = await call(s, 'GET', `/audit?entityId=${a}&action=create`, { token: admin });
        assert.equal(log.json.items.length, 1);
        assert.equal(log.json.items[0].userId, 'officer@imi-jakut');
        const upd = await call(s, 'GET', `/audit?entityId=${existing.id}&action=update`, { token: admin });
        assert.deepEqual(upd.json.items[0].fields, ['notes']);
      });

      it('one failing item neither undoes nor stops the others; each failure is what the single request answers', async () => {
        const mine = await createRecord(officerA);
        const theirs = await createRecord(officerB);
        const fresh = randomUUID();
        const r = await call(s, 'POST', '/batch', {
          token: officerA,
          body: {
            items: [
              { method: 'PUT', collection: 'records', id: mine.id, ifMatch: '"7"', idempotencyKey: randomUUID(), body: sampleRecord() },
              { method: 'PUT', collection: 'records', id: mine.id.replace(/.$/, 'x'), ifMatch: '"1"', idempotencyKey: randomUUID(), body: sampleRecord() },
              { method: 'PUT', collection: 'records', id: theirs.id, ifMatch: theirs.etag, idempotencyKey: randomUUID(), body: sampleRecord() },
              { method: 'PUT', collection: 'records', id: mine.id, idempotencyKey: randomUUID(), body: sampleRecord() },
              { method: 'PUT', collection: 'records', id: fresh, idempotencyKey: randomUUID(), body: sampleRecord({ identity: { surname: '' } }) },
              { method: 'PUT', collection: 'records', id: randomUUID(), idempotencyKey: randomUUID(), body: sampleRecord({ restrictedNotes: 'secret' }) },
              { method: 'PUT', collection: 'agencies', id: 'new-agency', idempotencyKey: randomUUID(), body: { name: 'X', kind: 'immigration' } },
              { method: 'DELETE', collection: 'records', id: mine.id, idempotencyKey: randomUUID() },
              { method: 'PUT', collection: 'records', id: fresh, idempotencyKey: randomUUID(), body: sampleRecord() },
            ],
          },
        });
        assert.equal(r.status, 200, r.raw);
        const res = r.json.results as J[];
        assert.deepEqual(res.map((x) => x.status), [412, 404, 403, 428, 400, 403, 403, 428, 201]);
        assert.equal(res[0].body.error.code, 'version_conflict');
        assert.equal(res[0].etag, '"1"');
        assert.equal(res[0].body.error.current.id, mine.id);
        assert.equal(res[2].body.error.code, 'forbidden');
        assert.equal(res[4].body.error.code, 'validation_failed');
        assert.ok(res[4].body.error.issues.some((i: J) => i.path.startsWith('identity')));
        assert.equal(res[5].body.error.code, 'restricted_field');
        assert.equal(res[7].body.error.code, 'precondition_required');
        assert.equal((await call(s, 'GET', `/records/${fresh}`, { token: officerA })).status, 200);
        assert.equal((await call(s, 'GET', `/records/${mine.id}`, { token: officerA })).headers['etag'], '"1"');
      });

      it('per-item Idempotency-Key: replays in a batch or alone give the first answer; reuse with another body is 422 for that item', async () => {
        const id = randomUUID();
        const key = `batch-key-${id}`;
        const item = { method: 'PUT', collection: 'records', id, idempotencyKey: key, body: sampleRecord({ notes: 'first' }) };
        const first = await call(s, 'POST', '/batch', { token: officerA, body: { items: [item] } });
        assert.equal(first.json.results[0].status, 201);
        assert.equal(first.json.results[0].replayed, undefined);
        const again = await call(s, 'POST', '/batch', { token: officerA, body: { items: [item] } });
        assert.equal(again.json.results[0].status, 201);
        assert.equal(again.json.results[0].replayed, true);
        assert.deepEqual(again.json.results[0].body, first.json.results[0].body);
        // The single request with the same key is the same write.
        const single = await call(s, 'PUT', `/records/${id}`, { token: officerA, body: item.body, headers: { 'idempotency-key': key } });
        assert.equal(single.status, 201);
        assert.equal(single.headers['idempotent-replayed'], 'true');
        assert.deepEqual(single.json, first.json.results[0].body);
        const reused = await call(s, 'POST', '/batch', { token: officerA, body: { items: [{ ...item, body: sampleRecord({ notes: 'other' }) }] } });
        assert.equal(reused.json.results[0].status, 422);
        assert.equal(reused.json.results[0].body.error.code, 'idempotency_key_reused');
        // And a key first used alone replays inside a batch.
        const id2 = randomUUID();
        const alone = await call(s, 'PUT', `/records/${id2}`, { token: officerA, body: sampleRecord(), headers: { 'idempotency-key': `alone-${id2}` } });
        assert.equal(alone.status, 201);
        const inBatch = await call(s, 'POST', '/batch', { token: officerA, body: { items: [{ method: 'PUT', collection: 'records', id: id2, idempotencyKey: `alone-${id2}`, body: sampleRecord() }] } });
        assert.equal(inBatch.json.results[0].status, 201);
        assert.equal(inBatch.json.results[0].replayed, true);
        const feed = await call(s, 'GET', '/changes?limit=1000', { token: officerA });
        assert.equal(feed.json.changes.filter((c: J) => c.id === id).length, 1);
        assert.equal((await call(s, 'GET', `/records/${id}`, { token: officerA })).headers['etag'], '"1"');
      });

      it('items on one entity or key are decided in array order among 100 items; each independent item is its own write', async () => {
        // 20 chains (create, update If-Match 1, update If-Match 2, delete If-Match 3) interleaved with 20 independent
        // creates, all in one batch: a chain step only succeeds when it saw the previous step's outcome.
        const chains = Array.from({ length: 20 }, () => randomUUID());
        const singles = Array.from({ length: 20 }, () => randomUUID());
        const reusedKey = `reused-${randomUUID()}`;
        const items: J[] = [];
        for (let step = 0; step < 4; step++) {
          chains.forEach((id, n) => {
            if (step === 0) items.push({ method: 'PUT', collection: 'records', id, idempotencyKey: `c0-${id}`, body: sampleRecord({ notes: `c${n}` }) });
            else if (step < 3) items.push({ method: 'PUT', collection: 'records', id, ifMatch: `"${step}"`, idempotencyKey: `c${step}-${id}`, body: sampleRecord({ notes: `c${n}-${step}` }) });
            else if (n % 2) items.push({ method: 'DELETE', collection: 'records', id, ifMatch: '"3"', idempotencyKey: `c3-${id}` });
          });
          if (step < 2) singles.slice(step * 10, step * 10 + 10).forEach((id) => items.push({ method: 'PUT', collection: 'records', id, idempotencyKey: `s-${id}`, body: sampleRecord() }));
        }
        // One key used by two items: the first wins, the second (another path) is 422, as two single requests.
        const k1 = randomUUID();
        const k2 = randomUUID();
        items.push({ method: 'PUT', collection: 'records', id: k1, idempotencyKey: reusedKey, body: sampleRecord() });
        items.push({ method: 'PUT', collection: 'records', id: k2, idempotencyKey: reusedKey, body: sampleRecord() });
        assert.ok(items.length <= 100);
        const r = await call(s, 'POST', '/batch', { token: officerA, body: { items } });
        assert.equal(r.status, 200, r.raw);
        const res = r.json.results as J[];
        assert.equal(res.length, items.length);
        res.forEach((x, i) => {
          const it = items[i] as J;
          const expected = it.method === 'DELETE' ? 204 : it.id === k2 ? 422 : it.ifMatch ? 200 : 201;
          assert.equal(x.status, expected, `item ${i} ${it.method} ${it.ifMatch ?? ''}: ${JSON.stringify(x.body)}`);
          if (x.status === 200) assert.equal(x.etag, `"${Number(JSON.parse(it.ifMatch)) + 1}"`);
        });
        for (const [n, id] of chains.entries()) {
          const got = await call(s, 'GET', `/records/${id}`, { token: officerA });
          if (n % 2) assert.equal(got.status, 404);
          else {
            assert.equal(got.headers['etag'], '"3"');
            assert.equal(got.json.notes, `c${n}-2`);
          }
        }
        for (const id of singles) assert.equal((await call(s, 'GET', `/records/${id}`, { token: officerA })).status, 200);
        assert.equal((await call(s, 'GET', `/records/${k2}`, { token: officerA })).status, 404);
        const updates = await call(s, 'GET', `/audit?entityId=${chains[0]}&action=update`, { token: admin });
        assert.equal(updates.json.items.length, 2);
      });

      it('restricted fields are hidden in item answers for roles that may not see them, and kept on their writes', async () => {
        const intel = await tokenFor(s, 'bin-daerah', 'intelligence');
        const officer = await tokenFor(s, 'bin-daerah', 'officer');
        const sup = await tokenFor(s, 'bin-daerah', 'supervisor');
        const id = randomUUID();
        const r = await call(s, 'POST', '/batch', { token: intel, body: { items: [{ method: 'PUT', collection: 'records', id, idempotencyKey: randomUUID(), body: sampleRecord({ restrictedNotes: 'rahasia' }) }] } });
        assert.equal(r.json.results[0].status, 201);
        assert.equal(r.json.results[0].body.restrictedNotes, 'rahasia');
        const upd = await call(s, 'POST', '/batch', { token: officer, body: { items: [{ method: 'PUT', collection: 'records', id, ifMatch: '"1"', idempotencyKey: randomUUID(), body: sampleRecord({ notes: 'officer edit' }) }] } });
        assert.equal(upd.json.results[0].status, 200, JSON.stringify(upd.json));
        assert.equal(upd.json.results[0].body.notes, 'officer edit');
        assert.equal(upd.json.results[0].body.restrictedNotes, undefined);
        assert.equal((await call(s, 'GET', `/records/${id}`, { token: sup })).json.restrictedNotes, 'rahasia');
      });

      it('malformed batches are 400 as a whole (shape, size, missing keys); no token is 401', async () => {
        const bad = [
          {},
          { items: [] },
          { items: Array.from({ length: 101 }, () => ({ method: 'DELETE', collection: 'records', id: randomUUID(), idempotencyKey: randomUUID() })) },
          { items: [{ method: 'PUT', collection: 'records', id: randomUUID(), body: sampleRecord() }] },
          { items: [{ method: 'PATCH', collection: 'records', id: randomUUID(), idempotencyKey: 'k' }] },
          { items: [{ method: 'PUT', collection: 'audit', id: randomUUID(), idempotencyKey: 'k', body: {} }] },
          { items: [{ method: 'PUT', collection: 'records', id: '../etc', idempotencyKey: 'k', body: {} }] },
          { items: [{ method: 'PUT', collection: 'records', id: randomUUID(), idempotencyKey: 'k\u0000', body: {} }] },
          { items: [{ method: 'PUT', collection: 'records', id: randomUUID(), idempotencyKey: 'k', body: [] }] },
        ];
        for (const body of bad) {
          const r = await call(s, 'POST', '/batch', { token: officerA, body });
          assert.equal(r.status, 400, JSON.stringify(body).slice(0, 200));
          assert.equal(r.json.error.code, 'validation_failed');
        }
        assert.equal((await call(s, 'POST', '/batch', { body: { items: [] } })).status, 401);
      });
    });

    describe('HTTP hygiene', () => {
      it('sends security headers and CORS only for the configured origin', async () => {
        const r = await call(s, 'GET', '/records', { token: officerA, headers: { origin: 'http://demo.test' } });
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['x-frame-options'], 'DENY');
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
        assert.equal(r.headers['access-control-allow-origin'], 'http://demo.test');
        assert.match(String(r.headers['access-control-expose-headers']), /etag/);
        const pre = await call(s, 'OPTIONS', '/records/abc', { headers: { origin: 'http://demo.test', 'access-control-request-method': 'PUT' } });
        assert.equal(pre.status, 204);
        assert.match(String(pre.headers['access-control-allow-headers']), /if-match/);
        assert.match(String(pre.headers['access-control-allow-headers']), /idempotency-key/);
        const evil = await call(s, 'OPTIONS', '/records', { headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
        assert.equal(evil.headers['access-control-allow-origin'], undefined);
        assert.equal(evil.headers['access-control-allow-methods'], undefined);
      });

      it('unknown endpoints answer in the error shape', async () => {
        const r = await call(s, 'GET', '/nope', { token: officerA });
        assert.equal(r.status, 404);
        assert.equal(r.json.error.code, 'not_found');
      });
    });
  });

  describe(`retention on ${engine.name}`, { skip: engine.skip }, () => {
    it('a cursor older than the window gives 410 with the head cursor; resync then continues', async () => {
      const s = await startServer(engine, { retention: { maxRows: 3 }, pruneEvery: 1_000_000 });
      try {
        const t = await tokenFor(s, 'imi-jakut', 'officer');
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) ids.push((await call(s, 'POST', '/records', { token: t, body: sampleRecord({ notes: `r${i}` }) })).json.id);
        const before = await call(s, 'GET', '/changes?since=0', { token: t });
        assert.equal(before.status, 200, 'nothing pruned yet');
        assert.equal(before.json.changes.length, 6);
        const horizon = await s.prune();
        assert.ok(horizon > 0);
        const old = await call(s, 'GET', '/changes?since=0', { token: t });
        assert.equal(old.status, 410);
        assert.equal(old.json.error.code, 'cursor_expired');
        assert.match(old.json.error.cursor, /^\d+$/);
        const fromHorizon = await call(s, 'GET', `/changes?since=${horizon}`, { token: t });
        assert.equal(fromHorizon.status, 200);
        assert.equal(fromHorizon.json.changes.length, 3);
        // Resync: list everything (cursor of the first page), then follow the feed.
        const list = await call(s, 'GET', '/records', { token: t });
        assert.equal(list.json.items.length, 6);
        const after = await call(s, 'GET', `/changes?since=${list.json.cursor}`, { token: t });
        assert.equal(after.status, 200);
        assert.deepEqual(after.json.changes, []);
      } finally {
        await s.close();
      }
    });
  });

  describe(`limits on ${engine.name}`, { skip: engine.skip }, () => {
    it('rate-limits repeated authentication failures with 429 and Retry-After', async () => {
      const s = await startServer(engine, { authFailures: { max: 3, windowMs: 60_000 } });
      try {
        const good = await tokenFor(s, 'imi-jakut', 'officer');
        for (let i = 0; i < 3; i++) assert.equal((await call(s, 'GET', '/records', { headers: { authorization: 'Bearer a.b.c' } })).status, 401);
        const limited = await call(s, 'GET', '/records', { token: good });
        assert.equal(limited.status, 429);
        assert.equal(limited.json.error.code, 'rate_limited');
        assert.ok(Number(limited.headers['retry-after']) >= 1);
      } finally {
        await s.close();
      }
    });

    it('dev sign-in can be switched off', async () => {
      const s = await startServer(engine, { devAuth: false });
      try {
        const r = await call(s, 'POST', '/auth/token', { body: { sub: 'x', agency: 'imi-jakut', role: 'admin' } });
        assert.equal(r.status, 404);
      } finally {
        await s.close();
      }
    });
  });
}
