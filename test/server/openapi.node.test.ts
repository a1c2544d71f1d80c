/**
 * The contract file itself: it parses, every $ref resolves, every schema compiles, and the server registers
 * exactly the operations it documents (no undocumented endpoint, no documented endpoint missing).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Contract, OPENAPI_URL } from '../../server/contract.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { createServer } from '../../server/app.ts';
import { SECRET } from './helpers.ts';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

describe('docs/openapi.yaml', () => {
  const doc = parse(readFileSync(OPENAPI_URL, 'utf8')) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: Record<string, Record<string, unknown>> };

  it('is OpenAPI 3.1 and every $ref resolves', () => {
    assert.equal(doc.openapi, '3.1.0');
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    assert.ok(refs.length > 50);
    for (const ref of refs) {
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      assert.ok(m, ref);
      assert.ok(doc.components[m[1]!]?.[m[2]!] !== undefined, `unresolved ${ref}`);
    }
  });

  it('every schema compiles and rejects garbage where it should', () => {
    const c = new Contract();
    for (const name of Object.keys(doc.components['schemas'] ?? {})) c.validateSchema(name, {});
    assert.deepEqual(c.validateSchema('Error', { error: { code: 'version_conflict', message: 'x' } }), []);
    assert.notDeepEqual(c.validateSchema('Error', { error: { code: 'nope', message: 'x' } }), []);
    assert.notDeepEqual(c.validateSchema('ChangePage', { changes: [{ seq: 0 }], cursor: 1 }), []);
  });

  it('documents exactly the routes the server registers', async () => {
    const server = await createServer({ store: new SqliteStore({ path: ':memory:' }), jwtSecret: SECRET });
    try {
      for (const [path, item] of Object.entries(doc.paths)) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        for (const m of METHODS) {
          const documented = item[m] !== undefined;
          assert.equal(server.app.hasRoute({ method: m.toUpperCase() as 'GET', url }), documented, `${m.toUpperCase()} ${path}`);
        }
      }
      // And nothing beyond them (plus the CORS preflight catch-all).
      const printed = server.app.printRoutes({ commonPrefix: false });
      const served = new Set<string>();
      const stack: string[] = [];
      for (const line of printed.split('\n')) {
        const m = /^(.*?)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
        if (!m) continue;
        const depth = Math.floor(m[1]!.length / 4);
        stack.length = depth;
        stack.push(m[2]!);
        const url = stack.join('');
        for (const method of m[3]!.split(',').map((x) => x.trim())) if (method !== 'HEAD' && method !== 'OPTIONS') served.add(`${method} ${url}`);
      }
      assert.ok(served.size >= 15, [...served].join(', '));
      const documented = new Set<string>();
      for (const [path, item] of Object.entries(doc.paths)) for (const m of METHODS) if (item[m]) documented.add(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      for (const r of served) assert.ok(documented.has(r), `undocumented route ${r}`);
    } finally {
      await server.close();
    }
  });
});
