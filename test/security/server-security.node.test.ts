/**
 * Issue 8, server bullets, beyond the contract suite (test/server/contract.node.test.ts): token checks that
 * depend on time (a verified token cached by the server still expires), algorithm pinning, the failure
 * limiter's scope and window, security headers on every kind of answer, the audit trail immutable through
 * every method and path, and access control on operations and agencies for every role x agency pair.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '../../sdk/model/types.ts';
import type { TimporaServer } from '../../server/app.ts';
import { ENGINES, SECRET, call, type J, sampleOperation, sampleRecord, startServer, tokenFor } from '../server/helpers.ts';

const ROLES: Role[] = ['officer', 'supervisor', 'intelligence', 'viewer', 'admin'];
const key = new TextEncoder().encode(SECRET);

for (const engine of ENGINES) {
  describe(`server security on ${engine.name}`, { skip: engine.skip }, () => {
    describe('tokens', () => {
      it('a token the server already verified (and cached) is refused once it expires', async () => {
        let clock = Date.parse('2026-11-28T00:00:00Z');
        const s = await startServer(engine, { now: () => clock });
        try {
          const t = await s.tokens.issue({ userId: 'u1', agency: 'imi-jakut', role: 'officer' }, 60);
          assert.equal((await call(s, 'GET', '/records', { token: t })).status, 200);
          clock += 59_000;
          assert.equal((await call(s, 'GET', '/records', { token: t })).status, 200);
          clock += 2_000;
          const late = await call(s, 'GET', '/records', { token: t });
          assert.equal(late.status, 401);
          assert.equal(late.json.error.code, 'unauthorized');
          assert.equal(late.headers['www-authenticate'], 'Bearer');
        } finally {
          await s.close();
        }
      });

      it('accepts HS256 only, requires exp, and checks the audience of the server it talks to', async () => {
        const s = await startServer(engine, { audience: 'timpora-bali' });
        try {
          const iat = Math.floor(Date.now() / 1000);
          const base = (): SignJWT => new SignJWT({ agency: 'imi-jakut', role: 'admin' }).setSubject('u1').setIssuedAt(iat);
          const good = await base().setProtectedHeader({ alg: 'HS256' }).setAudience('timpora-bali').setExpirationTime(iat + 600).sign(key);
          assert.equal((await call(s, 'GET', '/records', { token: good })).status, 200, 'control: a correct token passes');
          const bad: Record<string, string> = {
            hs512: await base().setProtectedHeader({ alg: 'HS512' }).setAudience('timpora-bali').setExpirationTime(iat + 600).sign(key),
            noExp: await base().setProtectedHeader({ alg: 'HS256' }).setAudience('timpora-bali').sign(key),
            defaultAudience: await base().setProtectedHeader({ alg: 'HS256' }).setAudience('timpora-kit').setExpirationTime(iat + 600).sign(key),
            noAudience: await base().setProtectedHeader({ alg: 'HS256' }).setExpirationTime(iat + 600).sign(key),
            notYetValid: await base().setProtectedHeader({ alg: 'HS256' }).setAudience('timpora-bali').setNotBefore(iat + 3600).setExpirationTime(iat + 7200).sign(key),
            tamperedClaims: (() => {
              const [h, , sig] = good.split('.');
              const body = Buffer.from(JSON.stringify({ sub: 'u1', agency: 'bin-daerah', role: 'admin', aud: 'timpora-bali', iat, exp: iat + 600 })).toString('base64url');
              return `${h}.${body}.${sig}`;
            })(),
          };
          for (const [name, token] of Object.entries(bad)) {
            const r = await call(s, 'GET', '/records', { token });
            assert.equal(r.status, 401, name);
          }
        } finally {
          await s.close();
        }
      });
    });

    describe('authentication failure limit', () => {
      it('limits per client address, lets other addresses through, and opens again after the window', async () => {
        let clock = Date.parse('2026-11-28T00:00:00Z');
        const s = await startServer(engine, { authFailures: { max: 3, windowMs: 30_000 }, now: () => clock });
        try {
          const good = await tokenFor(s, 'imi-jakut', 'officer');
          const from = (remoteAddress: string, token?: string): Promise<number> =>
            s.app.inject({ method: 'GET', url: '/records', remoteAddress, headers: { authorization: `Bearer ${token ?? 'a.b.c'}` } }).then((r) => r.statusCode);
          // Successful requests do not count.
          for (let i = 0; i < 10; i++) assert.equal(await from('10.0.0.1', good), 200);
          for (let i = 0; i < 3; i++) assert.equal(await from('10.0.0.1'), 401);
          assert.equal(await from('10.0.0.1', good), 429, 'even a good token is refused while limited');
          assert.equal(await from('10.0.0.2', good), 200, 'another address is not affected');
          assert.equal(await from('10.0.0.2'), 401);
          clock += 31_000;
          assert.equal(await from('10.0.0.1', good), 200, 'the window passed');
        } finally {
          await s.close();
        }
      });
    });

    describe('with one server', () => {
      let s: TimporaServer;
      let admin: string;
      before(async () => {
        s = await startServer(engine);
        admin = await tokenFor(s, 'timpora-pusat', 'admin');
      });
      after(async () => {
        await s.close();
      });

      it('security headers on every kind of answer (200, 201, 204, 400, 401, 403, 404, 412, 428)', async () => {
        const officer = await tokenFor(s, 'imi-jakut', 'officer');
        const viewer = await tokenFor(s, 'imi-jakut', 'viewer');
        const created = await call(s, 'POST', '/records', { token: officer, body: sampleRecord() });
        const id = created.json.id as string;
        const answers = {
          200: await call(s, 'GET', `/records/${id}`, { token: officer }),
          201: created,
          204: await call(s, 'DELETE', `/records/${(await call(s, 'POST', '/records', { token: officer, body: sampleRecord() })).json.id}`, { token: officer, headers: { 'if-match': '"1"' } }),
          400: await call(s, 'POST', '/records', { token: officer, rawBody: '{"identity":' }),
          401: await call(s, 'GET', '/records'),
          403: await call(s, 'POST', '/records', { token: viewer, body: sampleRecord() }),
          404: await call(s, 'GET', '/nope', { token: officer }),
          412: await call(s, 'PUT', `/records/${id}`, { token: officer, headers: { 'if-match': '"7"' }, body: sampleRecord() }),
          428: await call(s, 'PUT', `/records/${id}`, { token: officer, body: sampleRecord() }),
          health: await call(s, 'GET', '/health'),
        };
        for (const [status, r] of Object.entries(answers)) {
          if (status !== 'health') assert.equal(r.status, Number(status), `${status}: ${r.raw}`);
          assert.equal(r.headers['x-content-type-options'], 'nosniff', status);
          assert.equal(r.headers['x-frame-options'], 'DENY', status);
          assert.equal(r.headers['cache-control'], 'no-store', status);
          assert.match(String(r.headers['content-security-policy']), /default-src 'none'/, status);
          assert.equal(r.headers['x-powered-by'], undefined, status);
        }
      });

      it('the audit trail cannot be changed through any method or path, and outlives the entity', async () => {
        const officer = await tokenFor(s, 'imi-jakut', 'officer');
        const created = await call(s, 'POST', '/records', { token: officer, body: sampleRecord({ notes: 'audit me' }) });
        const id = created.json.id as string;
        await call(s, 'GET', `/records/${id}`, { token: officer });
        const before = (await call(s, 'GET', `/audit?entityId=${id}`, { token: admin })).json.items as J[];
        assert.deepEqual(before.map((e) => e.action), ['create', 'read']);
        const seq = String(before[0].seq);
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
          for (const path of ['/audit', `/audit/${seq}`, `/audit?entityId=${id}`, `/audit/${seq}/restore`]) {
            for (const token of [admin, officer]) {
              const r = await call(s, method, path, { token, body: { action: 'read', entityId: id, userId: 'nobody' } });
              assert.ok(r.status === 404 || r.status === 405, `${method} ${path}: ${r.status}`);
            }
          }
        }
        assert.equal((await call(s, 'GET', `/audit/${seq}`, { token: admin })).status, 404, 'no per-entry resource at all');
        const del = await call(s, 'DELETE', `/records/${id}`, { token: officer, headers: { 'if-match': '"1"' } });
        assert.equal(del.status, 204);
        const afterDelete = (await call(s, 'GET', `/audit?entityId=${id}`, { token: admin })).json.items as J[];
        assert.deepEqual(afterDelete.slice(0, before.length), before, 'earlier entries unchanged');
        assert.deepEqual(afterDelete.map((e) => e.action), ['create', 'read', 'delete']);
      });

      // Agencies of a pair: the owner of the entity, a participating agency (operations), an unrelated one.
      const AGENCIES = ['imi-dps', 'polda-bali', 'bin-daerah'] as const;
      for (const role of ROLES) {
        for (const agency of AGENCIES) {
          it(`operations and agencies: ${role} of ${agency === 'imi-dps' ? 'the owning' : agency === 'polda-bali' ? 'a participating' : 'an unrelated'} agency`, async () => {
            const owner = await tokenFor(s, 'imi-dps', 'officer');
            const made = await call(s, 'POST', '/operations', { token: owner, body: sampleOperation() });
            assert.equal(made.status, 201, made.raw);
            const id = made.json.id as string;
            const t = await tokenFor(s, agency, role);
            const read = await call(s, 'GET', `/operations/${id}`, { token: t });
            assert.equal(read.status, 200, 'every role of every agency reads operations');
            const listed = await call(s, 'GET', '/operations?limit=500', { token: t });
            assert.ok(listed.json.items.some((o: J) => o.id === id));
            const mayEdit = role !== 'viewer' && (agency === 'imi-dps' || role === 'supervisor' || role === 'admin');
            const put = await call(s, 'PUT', `/operations/${id}`, { token: t, headers: { 'if-match': '"1"' }, body: sampleOperation({ status: 'done' }) });
            assert.equal(put.status, mayEdit ? 200 : 403, put.raw);
            const stored = await call(s, 'GET', `/operations/${id}`, { token: owner });
            assert.equal(stored.json.status, mayEdit ? 'done' : 'planned', 'a refused write changed nothing');
            const del = await call(s, 'DELETE', `/operations/${id}`, { token: t, headers: { 'if-match': mayEdit ? '"2"' : '"1"' } });
            assert.equal(del.status, mayEdit ? 204 : 403);
            // Agencies: only admins create or change them; everyone reads them.
            const agencyId = `ag-${randomUUID().slice(0, 8)}`;
            const byAdmin = await call(s, 'POST', '/agencies', { token: admin, body: { id: agencyId, name: 'Kantor Imigrasi Uji', kind: 'immigration' } });
            assert.equal(byAdmin.status, 201, byAdmin.raw);
            assert.equal((await call(s, 'GET', `/agencies/${agencyId}`, { token: t })).status, 200);
            const change = await call(s, 'PUT', `/agencies/${agencyId}`, { token: t, headers: { 'if-match': '"1"' }, body: { name: 'Diubah', kind: 'immigration' } });
            assert.equal(change.status, role === 'admin' ? 200 : 403, change.raw);
          });
        }
      }
    });
  });
}
