/**
 * Restarting the server on the same database keeps idempotency answers, versions and the change-feed cursor.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createServer } from '../../server/app.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/types.ts';
import { PG_SKIP, PG_URL, SECRET, call, sampleRecord, tokenFor } from './helpers.ts';

const engines: { name: string; skip: string | false; setup(): { open: () => Store; cleanup: () => Promise<void> } }[] = [
  {
    name: 'sqlite',
    skip: false,
    setup() {
      const dir = mkdtempSync(join(tmpdir(), 'timpora-restart-'));
      return { open: () => new SqliteStore({ path: join(dir, 'db.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    skip: PG_SKIP,
    setup() {
      const schema = `r_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const open = (): PostgresStore => new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 4 });
      return {
        open,
        cleanup: async () => {
          const s = open();
          await s.dropSchema();
          await s.close();
        },
      };
    },
  },
];

for (const engine of engines) {
  describe(`restart on ${engine.name}`, { skip: engine.skip }, () => {
    it('replays idempotent answers and continues the feed after a restart', async () => {
      const { open, cleanup } = engine.setup();
      try {
        const key = randomUUID();
        const body = sampleRecord({ notes: 'before restart' });
        let s = await createServer({ store: open(), jwtSecret: SECRET, validateResponses: true });
        let t = await tokenFor(s, 'imi-jakut', 'officer', 'u-restart');
        const first = await call(s, 'POST', '/records', { token: t, body, headers: { 'idempotency-key': key } });
        assert.equal(first.status, 201);
        const feed1 = await call(s, 'GET', '/changes', { token: t });
        await s.close();

        s = await createServer({ store: open(), jwtSecret: SECRET, validateResponses: true });
        t = await tokenFor(s, 'imi-jakut', 'officer', 'u-restart');
        const replay = await call(s, 'POST', '/records', { token: t, body, headers: { 'idempotency-key': key } });
        assert.equal(replay.status, 201);
        assert.equal(replay.raw, first.raw);
        const u = await call(s, 'PUT', `/records/${first.json.id}`, { token: t, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'after restart' }) });
        assert.equal(u.status, 200);
        const feed2 = await call(s, 'GET', `/changes?since=${feed1.json.cursor}`, { token: t });
        assert.deepEqual(feed2.json.changes.map((c: { id: string }) => c.id), [first.json.id]);
        assert.ok(Number(feed2.json.cursor) > Number(feed1.json.cursor));
        await s.close();
      } finally {
        await cleanup();
      }
    });
  });
}
