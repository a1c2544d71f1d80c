/**
 * Two server instances on ONE database (what a deployment with several processes looks like):
 * optimistic concurrency holds across instances, and a reader polling the change feed while both instances
 * write concurrently never skips a change (commit order = sequence order).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createServer, type TimporaServer } from '../../server/app.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/types.ts';
import { PG_SKIP, PG_URL, SECRET, call, sampleRecord, tokenFor, type J } from './helpers.ts';

interface Pair {
  name: string;
  skip: string | false;
  open(): { a: () => Store; b: () => Store; cleanup: () => Promise<void> };
}

const PAIRS: Pair[] = [
  {
    name: 'sqlite (one file, two connections)',
    skip: false,
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'timpora-multi-'));
      const path = join(dir, 'db.sqlite');
      return { a: () => new SqliteStore({ path }), b: () => new SqliteStore({ path }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres (one schema, two pools)',
    skip: PG_SKIP,
    open() {
      const schema = `m_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const make = (): Store => new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 8 });
      return {
        a: make,
        b: make,
        cleanup: async () => {
          const s = new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 1 });
          await s.dropSchema();
          await s.close();
        },
      };
    },
  },
];

/**
 * Fault injection: every write transaction sleeps 0 to 15 ms after it took its change sequence numbers and
 * before it commits (a statement trigger on `changes`; writes commit in the same statement that applies them),
 * and instance A's explicit COMMITs (prune) are delayed alike, so transactions holding lower sequence numbers
 * would commit after higher ones if nothing serialised them. Without the feed lock the incremental reader below
 * then skips changes; with it, it must not.
 */
async function slowCommits(store: PostgresStore): Promise<void> {
  type Client = { __slow?: boolean; query: (...args: unknown[]) => unknown };
  const patch = (client: Client): void => {
    if (client.__slow) return;
    client.__slow = true;
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      if (args[0] === 'COMMIT') return new Promise((r) => setTimeout(r, Math.random() * 15)).then(() => query(...args));
      return query(...args);
    };
  };
  // Every client the pool hands out (promise or callback style) gets the slow COMMIT.
  store.pool.on('connect', (client) => patch(client as unknown as Client));
  await store.pool.query(`
    CREATE OR REPLACE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(random() * 0.015); RETURN NULL; END $$;
    CREATE TRIGGER changes_slow_commit AFTER INSERT ON changes FOR EACH STATEMENT EXECUTE FUNCTION test_slow_commit();`);
}

for (const pair of PAIRS) {
  describe(`two instances on ${pair.name}`, { skip: pair.skip }, () => {
    let a: TimporaServer;
    let b: TimporaServer;
    let cleanup: () => Promise<void>;

    before(async () => {
      const o = pair.open();
      cleanup = o.cleanup;
      const storeA = o.a();
      a = await createServer({ store: storeA, jwtSecret: SECRET, validateResponses: true });
      if (storeA instanceof PostgresStore) await slowCommits(storeA);
      b = await createServer({ store: o.b(), jwtSecret: SECRET, validateResponses: true });
    });
    after(async () => {
      await a.close();
      await b.close();
      await cleanup();
    });

    it('concurrent edits through different instances: exactly one wins', async () => {
      const ta = await tokenFor(a, 'imi-jakut', 'officer');
      const tb = await tokenFor(b, 'polda-metro', 'supervisor');
      for (let i = 0; i < 10; i++) {
        const c = await call(a, 'POST', '/records', { token: ta, body: sampleRecord() });
        const [ra, rb] = await Promise.all([
          call(a, 'PUT', `/records/${c.json.id}`, { token: ta, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'A' }) }),
          call(b, 'PUT', `/records/${c.json.id}`, { token: tb, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'B' }) }),
        ]);
        assert.deepEqual([ra.status, rb.status].sort(), [200, 412], `${ra.raw} ${rb.raw}`);
      }
    });

    it('one idempotency key through both instances creates one entity', async () => {
      const ta = await tokenFor(a, 'imi-jakut', 'officer', 'same-user');
      const key = randomUUID();
      const body = sampleRecord({ notes: key });
      const rs = await Promise.all([0, 1, 2, 3].map((i) => call(i % 2 ? b : a, 'POST', '/records', { token: ta, body, headers: { 'idempotency-key': key } })));
      for (const r of rs) assert.equal(r.status, 201, r.raw);
      assert.equal(new Set(rs.map((r) => r.json.id)).size, 1);
      assert.ok(rs.every((r) => r.raw === rs[0]!.raw));
    });

    it('a reader polling during concurrent writes on both instances misses nothing', async () => {
      const ta = await tokenFor(a, 'imi-jakut', 'officer');
      const tb = await tokenFor(b, 'polda-metro', 'officer');
      const reader = await tokenFor(a, 'bin-daerah', 'viewer');
      const start = (await call(a, 'GET', '/records?limit=1', { token: reader })).json.cursor as string;
      const created = new Set<string>();
      const seen = new Set<string>();
      let cursor = start;
      let writing = true;
      const poll = (async () => {
        while (writing) {
          const r = await call(b, 'GET', `/changes?since=${cursor}&limit=50`, { token: reader });
          assert.equal(r.status, 200);
          for (const ch of r.json.changes as J[]) seen.add(ch.id);
          cursor = r.json.cursor;
          await new Promise((res) => setImmediate(res));
        }
      })();
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const r = await call(w % 2 ? b : a, 'POST', '/records', { token: w % 2 ? tb : ta, body: sampleRecord({ notes: `w${w}-${i}` }) });
          assert.equal(r.status, 201, r.raw);
          created.add(r.json.id);
        }
      });
      try {
        await Promise.all(writers);
      } finally {
        writing = false;
        await poll;
      }
      // Drain what was committed after the last poll.
      for (;;) {
        const r = await call(a, 'GET', `/changes?since=${cursor}&limit=500`, { token: reader });
        for (const ch of r.json.changes as J[]) seen.add(ch.id);
        cursor = r.json.cursor;
        if (!r.json.hasMore) break;
      }
      const missing = [...created].filter((id) => !seen.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${created.size} changes skipped by the incremental reader`);
    });
  });
}
