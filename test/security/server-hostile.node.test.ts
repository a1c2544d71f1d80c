/**
 * Issue 8, hostile input through the server API: every payload of test/fixtures/hostile-payloads.ts in every
 * free-text field of records and operations (stored as given, read back byte-exact), in identifier and
 * formatted fields (refused with 400 and field codes, or stored as given), and in every query parameter, path
 * segment and header the API reads. Never a 500, on both storage engines.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TimporaServer } from '../../server/app.ts';
import { ALL_PAYLOADS, INJECTION_PAYLOADS, XSS_PAYLOADS } from '../fixtures/hostile-payloads.ts';
import { ENGINES, call, type J, sampleOperation, sampleRecord, startServer, tokenFor } from '../server/helpers.ts';

/** Sets `value` at a dotted path of a copy of `body` (arrays by index). */
function withField(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts[parts.length - 1] as string] = value;
  return copy;
}

function getField(body: J, path: string): unknown {
  return path.split('.').reduce((v: J, p) => (v === undefined || v === null ? undefined : v[p]), body);
}

const RECORD_TEXT = ['notes', 'identity.surname', 'identity.givenNames', 'sponsor.name', 'address.street', 'occupation.title', 'occupation.employer', 'findings.0.description'];
const RECORD_FORMATTED = ['document.number', 'identity.birthDate', 'document.issuingState', 'identity.nationality', 'status', 'sourceAgency', 'id'];
const OPERATION_TEXT = ['title', 'description', 'location.name', 'location.address', 'team.0.name'];
const OPERATION_FORMATTED = ['start', 'timeZone', 'leadAgency', 'kind'];

const recordBase = (): Record<string, unknown> =>
  sampleRecord({
    sponsor: { kind: 'company', name: 'PT Maju' },
    address: { street: 'Jl. Merdeka 1', region: { province: '31', regency: '31.71', district: '31.71.01', village: '31.71.01.1001' } },
    occupation: { title: 'Engineer', employer: 'PT Maju' },
    findings: [{ id: 'f1', date: '2024-03-01', agencyId: 'imi-jakut', category: 'compliant', description: 'ok' }],
  });

for (const engine of ENGINES) {
  describe(`hostile input through the server API on ${engine.name}`, { skip: engine.skip }, () => {
    let s: TimporaServer;
    let officer: string;
    let supervisor: string;
    before(async () => {
      s = await startServer(engine);
      officer = await tokenFor(s, 'imi-jakut', 'officer');
      supervisor = await tokenFor(s, 'imi-jakut', 'supervisor');
    });
    after(async () => {
      await s.close();
    });

    it(`${ALL_PAYLOADS.length} payloads in every record field: stored as given or 400, never 500`, async () => {
      const control = await call(s, 'POST', '/records', { token: officer, body: recordBase() });
      assert.equal(control.status, 201, `control: the base record is valid: ${control.raw}`);
      const tally = { stored: 0, refused: 0 };
      for (const path of [...RECORD_TEXT, ...RECORD_FORMATTED]) {
        for (const p of ALL_PAYLOADS) {
          const body = withField(recordBase(), path, p);
          const r = await call(s, 'POST', '/records', { token: officer, body });
          assert.ok(r.status === 201 || r.status === 400 || r.status === 403, `${path} ${JSON.stringify(p).slice(0, 40)}: ${r.status} ${r.raw.slice(0, 200)}`);
          if (r.status === 201) {
            tally.stored++;
            const back = await call(s, 'GET', `/records/${encodeURIComponent(r.json.id)}`, { token: officer });
            assert.equal(back.status, 200);
            // sourceAgency is server-owned (from the token): a payload there is ignored, never stored.
            assert.equal(getField(back.json, path), path === 'sourceAgency' ? 'imi-jakut' : p, `${path} stored byte-exact`);
          } else {
            tally.refused++;
            assert.equal(typeof r.json.error.code, 'string');
            if (r.status === 400) assert.ok(Array.isArray(r.json.error.issues) && r.json.error.issues.length > 0, `${path}: 400 names the field`);
          }
          // Free-text notes must accept every script and injection payload (they are data, not code).
          if (path === 'notes' && (XSS_PAYLOADS.includes(p) || INJECTION_PAYLOADS.includes(p))) assert.equal(r.status, 201, `notes ${p}`);
        }
      }
      assert.ok(tally.stored > 0 && tally.refused > 0, JSON.stringify(tally));
    });

    it('payloads in every operation field: stored as given or 400, never 500', async () => {
      for (const path of [...OPERATION_TEXT, ...OPERATION_FORMATTED]) {
        for (const p of ALL_PAYLOADS) {
          const body = withField(sampleOperation({ leadAgency: 'imi-jakut', participatingAgencies: ['imi-jakut'] }), path, p);
          const r = await call(s, 'POST', '/operations', { token: officer, body });
          assert.ok(r.status === 201 || r.status === 400, `${path} ${JSON.stringify(p).slice(0, 40)}: ${r.status} ${r.raw.slice(0, 200)}`);
          if (r.status === 201) {
            const back = await call(s, 'GET', `/operations/${encodeURIComponent(r.json.id)}`, { token: officer });
            assert.equal(getField(back.json, path), p);
          }
          if (OPERATION_TEXT.includes(path) && XSS_PAYLOADS.includes(p)) assert.equal(r.status, 201, `${path} ${p}`);
        }
      }
    });

    it('payloads in query parameters, path segments and headers: 4xx, never 500', async () => {
      const created = await call(s, 'POST', '/records', { token: officer, body: sampleRecord() });
      const id = created.json.id as string;
      for (const p of ALL_PAYLOADS) {
        const e = encodeURIComponent(p);
        const urls = [
          `/records?status=${e}`,
          `/records?sourceAgency=${e}`,
          `/records?updatedSince=${e}`,
          `/records?pageToken=${e}`,
          `/records?limit=${e}`,
          `/changes?since=${e}`,
          `/changes?collections=${e}`,
          `/audit?entityId=${e}`,
          `/audit?pageToken=${e}`,
          `/records/${e}`,
          `/operations/${e}`,
          `/agencies/${e}`,
        ];
        for (const url of urls) {
          const r = await call(s, 'GET', url, { token: url.startsWith('/audit') ? supervisor : officer });
          assert.ok(r.status < 500, `GET ${url.slice(0, 80)}: ${r.status} ${r.raw.slice(0, 200)}`);
          assert.notEqual(r.json, undefined, 'answers in JSON');
        }
        // Headers cannot carry every character; send what HTTP allows.
        if (/^[\x20-\x7e]*$/.test(p) && p.length < 1000) {
          const put = await call(s, 'PUT', `/records/${id}`, { token: officer, headers: { 'if-match': p }, body: sampleRecord() });
          assert.ok(put.status >= 400 && put.status < 500, `If-Match ${p}: ${put.status}`);
          const post = await call(s, 'POST', '/records', { token: officer, headers: { 'idempotency-key': p }, body: sampleRecord() });
          assert.ok(post.status < 500, `Idempotency-Key ${p}: ${post.status}`);
        }
      }
      // The store is intact: the record is still there, unchanged.
      const back = await call(s, 'GET', `/records/${id}`, { token: officer });
      assert.equal(back.status, 200);
      assert.equal(back.json.version, 1);
    });
  });
}
