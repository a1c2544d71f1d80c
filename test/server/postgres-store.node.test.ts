/**
 * The PostgreSQL engine's round trips: a group of concurrent writes is decided per write, in arrival order,
 * in ONE statement (its own transaction); concurrent point reads share one query; a
 * change-feed page is one statement; an audit append is one statement whatever its size.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PostgresStore } from '../../server/store/postgres.ts';
import type { AuditInput, StoredEntity, WriteRequest } from '../../server/store/types.ts';
import { PG_SKIP, PG_URL } from './helpers.ts';

/** Records the text of every statement the store's clients send. */
function recordStatements(store: PostgresStore): string[] {
  const sent: string[] = [];
  type Client = { __counted?: boolean; query: (...args: unknown[]) => unknown };
  store.pool.on('connect', (c) => {
    const client = c as unknown as Client;
    if (client.__counted) return;
    client.__counted = true;
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      const q = args[0];
      sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
      return query(...args);
    };
  });
  return sent;
}

const AT = '2026-11-28T10:00:00.000Z';

function audit(entityId: string, action: AuditInput['action']): AuditInput {
  return { at: AT, userId: 'u1', agency: 'imi-jakut', role: 'officer', action, collection: 'records', entityId, fields: ['identity', 'notes'] };
}

function row(id: string, version: number, deleted = false): StoredEntity {
  return { collection: 'records', id, version, sourceAgency: 'imi-jakut', updatedAt: AT, deleted, data: JSON.stringify({ id, version, notes: `v${version}` }) };
}

function create(id: string, key?: string): WriteRequest {
  return {
    kind: 'create',
    collection: 'records',
    id,
    next: row(id, 1),
    status: 'active',
    audit: [audit(id, 'create')],
    ...(key ? { idempotency: { subject: 'u1', key, fingerprint: `fp-${id}`, response: { status: 201, body: `{"id":"${id}"}`, etag: '"1"', location: `/records/${id}` } } } : {}),
  };
}

function update(id: string, expectedVersion: number, kind: 'update' | 'delete' = 'update'): WriteRequest {
  return { kind, collection: 'records', id, expectedVersion, next: row(id, expectedVersion + 1, kind === 'delete'), status: 'active', audit: [audit(id, kind)] };
}

describe('PostgreSQL store round trips', { skip: PG_SKIP }, () => {
  let store: PostgresStore;
  let sent: string[];
  const schema = `p_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

  before(async () => {
    store = new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 4 });
    sent = recordStatements(store);
    await store.init();
  });
  after(async () => {
    await store.dropSchema();
    await store.close();
  });

  it('decides a group of writes with repeated entities and keys as sequential writes would, in one transaction', async () => {
    const [a, b, c, d, e, f] = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}-${randomUUID()}`) as [string, string, string, string, string, string];
    const k1 = randomUUID();
    const k2 = randomUUID();
    await Promise.all([create(c), create(d), create(e)].map((w) => store.write(w)));
    const head = await store.head();
    sent.length = 0;
    const outcomes = await Promise.all(
      [
        create(a, k1), // ok
        create(a, k2), // the id exists now
        create(b, k1), // k1 is taken by the first write: its answer is replayed
        update(c, 1), // ok
        update(c, 1), // lost against the previous one
        update(d, 1, 'delete'), // ok
        update(e, 5), // stale version
        create(f), // ok
      ].map((w) => store.write(w)),
    );
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['ok', 'exists', 'replay', 'ok', 'conflict', 'ok', 'conflict', 'ok'],
    );
    const replay = outcomes[2];
    assert.ok(replay?.kind === 'replay');
    assert.equal(replay.record.fingerprint, `fp-${a}`);
    assert.deepEqual(replay.record.response, { status: 201, body: `{"id":"${a}"}`, etag: '"1"', location: `/records/${a}` });
    const lost = outcomes[4];
    assert.ok(lost?.kind === 'conflict');
    assert.equal(lost.current?.version, 2);
    // One statement, one transaction: the group did not fail as a whole (to be retried write by write).
    assert.equal(sent.filter((q) => q.includes('timpora_write_group')).length, 1, sent.join('\n'));
    assert.equal(sent.filter((q) => q === 'BEGIN').length, 0);
    // A failed write left nothing behind: no idempotency answer, no audit entry, no change.
    assert.equal(await store.findIdempotent('u1', k2), undefined);
    const audited = async (id: string): Promise<string[]> => (await store.listAudit({ limit: 10, entityId: id })).map((x) => x.action);
    assert.deepEqual(await audited(a), ['create']);
    assert.deepEqual(await audited(b), []);
    assert.deepEqual(await audited(c), ['create', 'update']);
    assert.deepEqual(await audited(d), ['create', 'delete']);
    assert.deepEqual(await audited(e), ['create']);
    assert.equal(await store.get('records', b), undefined);
    assert.equal((await store.get('records', e))?.version, 1);
    const feed = await store.changes(head, 100, ['records']);
    assert.deepEqual(
      feed.rows.map((r) => [r.id, r.op]),
      [
        [a, 'upsert'],
        [c, 'upsert'],
        [d, 'delete'],
        [f, 'upsert'],
      ],
    );
  });

  it('gives the writes of one statement change sequence numbers in arrival order', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `order-${i}-${randomUUID()}`);
    const head = await store.head();
    sent.length = 0;
    const outcomes = await Promise.all(ids.map((id) => store.write(create(id, randomUUID()))));
    assert.ok(outcomes.every((o) => o.kind === 'ok'));
    assert.equal(sent.filter((q) => q.includes('timpora_write_group')).length, 1);
    const feed = await store.changes(head, 100, ['records']);
    assert.deepEqual(
      feed.rows.map((r) => r.id),
      ids,
    );
    const audits = await store.listAudit({ limit: 1000, action: 'create' });
    assert.deepEqual(
      audits.filter((x) => x.entityId.startsWith('order-')).map((x) => x.entityId),
      ids,
    );
  });

  it('answers concurrent point reads with one query per kind', async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const keys = ids.map(() => randomUUID());
    await Promise.all(ids.slice(0, 20).map((id, i) => store.write(create(id, keys[i]))));
    sent.length = 0;
    const [entities, answers] = await Promise.all([
      Promise.all(ids.map((id) => store.get('records', id))),
      Promise.all(keys.map((k) => store.findIdempotent('u1', k))),
    ]);
    assert.equal(sent.length, 2, sent.join('\n'));
    assert.deepEqual(
      entities.map((x) => x?.id),
      [...ids.slice(0, 20), ...ids.slice(20).map(() => undefined)],
    );
    assert.deepEqual(
      answers.map((x) => x?.fingerprint),
      [...ids.slice(0, 20).map((id) => `fp-${id}`), ...ids.slice(20).map(() => undefined)],
    );
    // The same key asked twice in one turn gets the same answer.
    const [x, y] = await Promise.all([store.get('records', ids[0]!), store.get('records', ids[0]!)]);
    assert.deepEqual(x, y);
  });

  it('serves a change-feed page, with its horizon, in one statement', async () => {
    await store.write(create(randomUUID()));
    sent.length = 0;
    const page = await store.changes(0, 5, ['records']);
    assert.equal(sent.length, 1, sent.join('\n'));
    assert.equal(page.rows.length, 5);
    assert.equal(page.horizon, 0);
    const empty = await store.changes(await store.head(), 5, ['records']);
    assert.deepEqual(empty.rows, []);
    assert.equal(empty.horizon, 0);
  });

  it('appends any number of audit entries in one statement, in order', async () => {
    const id = `audit-${randomUUID()}`;
    const entries = Array.from({ length: 700 }, (_, i) => ({ ...audit(id, 'feed'), fields: [`f${i}`, 'quote"back\\slash'] }));
    sent.length = 0;
    await store.appendAudit(entries);
    await store.appendAudit(entries.slice(0, 3));
    // One statement text for any size (prepared once), not one with 8 parameters per entry.
    assert.equal(sent.length, 2);
    assert.equal(sent[0], sent[1]);
    const got = await store.listAudit({ limit: 1000, entityId: id });
    assert.deepEqual(
      got.map((x) => x.fields),
      [...entries, ...entries.slice(0, 3)].map((x) => x.fields),
    );
  });

  it('shares one statement among the audit appends of one turn; a failing append fails only itself', async () => {
    const id = `shared-${randomUUID()}`;
    sent.length = 0;
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.appendAudit([{ ...audit(id, 'read'), fields: [`f${i}`] }])));
    assert.equal(sent.length, 1, sent.join('\n'));
    assert.equal((await store.listAudit({ limit: 100, entityId: id })).length, 30);
    // PostgreSQL text refuses NUL: that append fails, the others of its turn are written.
    const results = await Promise.allSettled([
      store.appendAudit([audit(id, 'list')]),
      store.appendAudit([{ ...audit(id, 'list'), userId: 'bad\u0000user' }]),
      store.appendAudit([audit(id, 'list')]),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((await store.listAudit({ limit: 100, entityId: id, action: 'list' })).length, 2);
  });
});

describe('PostgreSQL store plans on a filled table', { skip: PG_SKIP }, () => {
  const schema = `q_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  let filler: PostgresStore;
  let store: PostgresStore;
  const plans: string[] = [];

  before(async () => {
    filler = new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 1 });
    await filler.init();
    // Never analyzed, as in a fresh deployment: the planner goes by page counts and its default row estimates.
    await filler.pool.query(`INSERT INTO entities SELECT 'records', 'r' || g, 1, 'imi-jakut', 'active', '${AT}', FALSE, '{}' FROM generate_series(1, 5000) g`);
    await filler.pool.query(`INSERT INTO idempotency SELECT 'u1', 'k' || g, 'fp', 201, '{}', NULL, NULL, 0 FROM generate_series(1, 5000) g`);
    // A second store on the same schema whose connections print every plan (auto_explain) as a notice.
    store = new PostgresStore({ connectionString: PG_URL ?? '', schema, poolSize: 4 });
    store.pool.on('connect', (client) => {
      client.on('notice', (n) => plans.push(n.message ?? ''));
      void client.query(
        "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off; SET auto_explain.log_level = notice",
      );
    });
    await store.init();
  });
  after(async () => {
    await store.close();
    await filler.dropSchema();
    await filler.close();
  });

  it('reads only the probed rows of entities and idempotency in a group of writes and in coalesced point reads', async () => {
    plans.length = 0;
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => store.write(create(`n${i}-${randomUUID()}`, randomUUID()))));
    assert.ok(outcomes.every((o) => o.kind === 'ok'));
    const got = await Promise.all(Array.from({ length: 60 }, (_, i) => store.get('records', `r${i + 1}`)));
    assert.ok(got.every((e) => e?.version === 1));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => store.findIdempotent('u1', `k${i + 1}`)));
    assert.ok(answers.every((a) => a?.fingerprint === 'fp'));
    assert.ok(plans.some((p) => p.includes('idempotency')) && plans.some((p) => p.includes('unnest')), 'auto_explain printed the plans');
    // Rows the executed plans took from the two tables (a scan node's actual rows times its loops): 180 lookups
    // of a primary key each read at most one row, where one pass over a table reads 5,000.
    let read = 0;
    for (const p of plans) {
      for (const m of p.matchAll(/Scan(?: using \S+)? on (?:entities|idempotency)\b.*?actual rows=(\d+) loops=(\d+)/g)) read += Number(m[1]) * Number(m[2]);
    }
    assert.ok(read > 0 && read <= 180 * 2, `rows read from entities and idempotency: ${read}`);
  });
});
