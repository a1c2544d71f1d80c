/**
 * Restarting the server on the same database keeps idempotency answers, versions and the change-feed cursor.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
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

describe('sqlite schema v1 -> v2 (entities and idempotency as rowid tables)', () => {
  it('a database with the v1 WITHOUT ROWID tables keeps every entity, answer and feed position after the upgrade', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timpora-migrate-'));
    const file = join(dir, 'db.sqlite');
    try {
      let s = await createServer({ store: new SqliteStore({ path: file }), jwtSecret: SECRET, validateResponses: true });
      let t = await tokenFor(s, 'imi-jakut', 'officer', 'u-migrate');
      const key = randomUUID();
      const body = sampleRecord({ notes: 'written by v1' });
      const first = await call(s, 'POST', '/records', { token: t, body, headers: { 'idempotency-key': key } });
      assert.equal(first.status, 201);
      const second = await call(s, 'POST', '/records', { token: t, body: sampleRecord({ notes: 'second' }) });
      assert.equal(second.status, 201);
      const feed1 = await call(s, 'GET', '/changes', { token: t });
      await s.close();

      // Turn the two tables back into the v1 layout (WITHOUT ROWID, primary key on the key columns).
      const raw = new Database(file);
      raw.exec(`
        CREATE TABLE e1 (collection TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, source_agency TEXT NOT NULL, status TEXT,
          updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;
        INSERT INTO e1 SELECT collection, id, version, source_agency, status, updated_at, deleted, data FROM entities;
        DROP TABLE entities; ALTER TABLE e1 RENAME TO entities;
        CREATE TABLE i1 (subject TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
          etag TEXT, location TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (subject, key)) WITHOUT ROWID;
        INSERT INTO i1 SELECT subject, key, fingerprint, status, body, etag, location, created_at FROM idempotency;
        DROP TABLE idempotency; ALTER TABLE i1 RENAME TO idempotency;
        CREATE INDEX idempotency_created ON idempotency (created_at);`);
      raw.close();

      s = await createServer({ store: new SqliteStore({ path: file }), jwtSecret: SECRET, validateResponses: true });
      t = await tokenFor(s, 'imi-jakut', 'officer', 'u-migrate');
      const db = (s.store as SqliteStore).db;
      for (const table of ['entities', 'idempotency']) {
        const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
        assert.doesNotMatch(sql, /WITHOUT ROWID/i, table);
      }
      const replay = await call(s, 'POST', '/records', { token: t, body, headers: { 'idempotency-key': key } });
      assert.equal(replay.status, 201);
      assert.equal(replay.raw, first.raw);
      assert.equal((await call(s, 'POST', '/records', { token: t, body: sampleRecord({ notes: 'other' }), headers: { 'idempotency-key': key } })).status, 422);
      const got = await call(s, 'GET', `/records/${second.json.id}`, { token: t });
      assert.equal(got.status, 200);
      assert.equal(got.json.notes, 'second');
      // The unique keys hold after the rebuild: the same id cannot be created twice.
      assert.equal((await call(s, 'PUT', `/records/${first.json.id}`, { token: t, body })).status, 428);
      assert.equal((await call(s, 'POST', '/records', { token: t, body: { ...body, id: first.json.id } })).status, 409);
      const u = await call(s, 'PUT', `/records/${first.json.id}`, { token: t, headers: { 'if-match': '"1"' }, body: sampleRecord({ notes: 'after upgrade' }) });
      assert.equal(u.status, 200);
      const feed2 = await call(s, 'GET', `/changes?since=${feed1.json.cursor}`, { token: t });
      assert.deepEqual(feed2.json.changes.map((c: { id: string }) => c.id), [first.json.id]);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
