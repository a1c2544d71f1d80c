// HttpTransport against the real reference server (in-process, SQLite in memory, responses validated against
// the contract): creates, If-Match updates, 412 with the current entity, deletes, idempotent replays, the
// change feed and paged lists, typed errors; plus timeouts, network failures and token refresh on a fake fetch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TimporaServer } from '../../../server/app.ts';
import { ENGINES, sampleRecord, startServer, tokenFor } from '../../server/helpers.ts';
import { HttpTransport } from '../../../sdk/sync/http-transport.ts';
import { SyncError } from '../../../sdk/sync/errors.ts';
import type { SyncEntity } from '../../../sdk/sync/types.ts';

const sqlite = ENGINES.find((e) => e.name === 'sqlite');

describe('HttpTransport against the reference server', { skip: !sqlite }, () => {
  let server: TimporaServer;
  let base = '';
  let officerA = '';
  let officerB = '';
  let viewer = '';

  before(async () => {
    server = await startServer(sqlite!);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    officerA = await tokenFor(server, 'imi-jakut', 'officer');
    officerB = await tokenFor(server, 'polda-metro', 'officer');
    viewer = await tokenFor(server, 'imi-jakut', 'viewer');
  });
  after(async () => {
    await server.close();
  });

  const entity = (fields: Record<string, unknown> = {}): SyncEntity => ({ id: randomUUID(), version: 0, ...sampleRecord(fields) });

  it('creates with the client id, updates with If-Match, replays by idempotency key', async () => {
    const t = new HttpTransport({ baseUrl: `${base}/`, token: officerA });
    const e = entity();
    const key = randomUUID();
    const created = await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: key });
    assert.equal(created.entity?.id, e.id);
    assert.equal(created.version, 1);
    assert.equal(created.entity?.['sourceAgency'], 'imi-jakut');
    const replay = await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: key });
    assert.deepEqual(replay, created, 'a replay returns the first answer');
    const updated = await t.write({
      collection: 'records',
      op: 'put',
      id: e.id,
      entity: { ...created.entity!, notes: 'v2' },
      baseVersion: 1,
      idempotencyKey: randomUUID(),
    });
    assert.equal(updated.version, 2);
    assert.equal(updated.entity?.['notes'], 'v2');
  });

  it('a stale update is a conflict carrying the server version; a second create of an id too', async () => {
    const t = new HttpTransport({ baseUrl: base, token: officerA });
    const e = entity();
    const first = await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() });
    await t.write({ collection: 'records', op: 'put', id: e.id, entity: { ...first.entity!, notes: 'newer' }, baseVersion: 1, idempotencyKey: randomUUID() });
    await assert.rejects(
      t.write({ collection: 'records', op: 'put', id: e.id, entity: { ...first.entity!, notes: 'stale' }, baseVersion: 1, idempotencyKey: randomUUID() }),
      (error: unknown) => {
        assert.ok(error instanceof SyncError);
        assert.equal(error.code, 'conflict');
        assert.equal(error.status, 412);
        assert.equal(error.current?.['notes'], 'newer');
        assert.equal(error.current?.['version'], 2);
        return true;
      },
    );
    await assert.rejects(
      t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() }),
      (error: unknown) => error instanceof SyncError && error.code === 'conflict' && error.current?.['version'] === 2,
    );
  });

  it('deletes with If-Match; deleting again or updating a deleted record is a conflict with current null', async () => {
    const t = new HttpTransport({ baseUrl: base, token: officerA });
    const e = entity();
    const first = await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() });
    const deleted = await t.write({ collection: 'records', op: 'delete', id: e.id, baseVersion: first.version, idempotencyKey: randomUUID() });
    assert.equal(deleted.entity, null);
    await assert.rejects(
      t.write({ collection: 'records', op: 'delete', id: e.id, baseVersion: first.version, idempotencyKey: randomUUID() }),
      (error: unknown) => error instanceof SyncError && error.code === 'conflict' && error.current === null,
    );
    await assert.rejects(
      t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: first.version, idempotencyKey: randomUUID() }),
      (error: unknown) => error instanceof SyncError && error.code === 'conflict' && error.current === null,
    );
  });

  it('validation (400 with issues), forbidden (403) and unauthorized (401) are typed', async () => {
    const a = new HttpTransport({ baseUrl: base, token: officerA });
    await assert.rejects(
      a.write({ collection: 'records', op: 'put', id: randomUUID(), entity: entity({ identity: { surname: '' } }), baseVersion: 0, idempotencyKey: randomUUID() }),
      (error: unknown) => {
        assert.ok(error instanceof SyncError);
        assert.equal(error.code, 'validation');
        assert.equal(error.status, 400);
        assert.ok((error.issues ?? []).length > 0, 'issues present');
        assert.ok(error.issues!.every((i) => typeof i.code === 'string' && typeof i.path === 'string'));
        return true;
      },
    );
    const e = entity();
    const created = await a.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() });
    const b = new HttpTransport({ baseUrl: base, token: officerB });
    await assert.rejects(
      b.write({ collection: 'records', op: 'put', id: e.id, entity: { ...created.entity!, notes: 'not mine' }, baseVersion: 1, idempotencyKey: randomUUID() }),
      (error: unknown) => error instanceof SyncError && error.code === 'forbidden' && error.status === 403,
    );
    const v = new HttpTransport({ baseUrl: base, token: viewer });
    await assert.rejects(
      v.write({ collection: 'records', op: 'put', id: randomUUID(), entity: entity(), baseVersion: 0, idempotencyKey: randomUUID() }),
      (error: unknown) => error instanceof SyncError && error.code === 'forbidden',
    );
    const anon = new HttpTransport({ baseUrl: base });
    await assert.rejects(anon.changes(null), (error: unknown) => error instanceof SyncError && error.code === 'unauthorized');
  });

  it('follows the change feed page by page and lists with page tokens and a cursor', async () => {
    const t = new HttpTransport({ baseUrl: base, token: officerA, changesLimit: 3, listLimit: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = entity();
      ids.push(e.id);
      await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() });
    }
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await t.changes(cursor);
      pages += 1;
      for (const c of page.changes) {
        seen.add(c.id);
        if (!c.deleted) assert.equal(c.version, c.entity?.version);
      }
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    assert.ok(pages >= 2);
    for (const id of ids) assert.ok(seen.has(id));
    const empty = await t.changes(cursor);
    assert.equal(empty.changes.length, 0);
    const listed = new Set<string>();
    let token: string | null = null;
    let listPages = 0;
    do {
      const page = await t.list('records', token);
      listPages += 1;
      assert.equal(typeof page.cursor, 'string');
      page.items.forEach((e) => listed.add(e.id));
      token = page.nextPageToken;
    } while (token);
    assert.ok(listPages >= 3);
    for (const id of ids) assert.ok(listed.has(id));
  });

  it('a cursor older than the retention window is `gone`; list pages carry the cursor to resume from', async () => {
    const small = await startServer(sqlite!, { retention: { maxRows: 2 }, pruneEvery: 1 });
    try {
      await small.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(small.app.server.address() as AddressInfo).port}`;
      const t = new HttpTransport({ baseUrl: url, token: await tokenFor(small, 'imi-jakut', 'officer') });
      const first = entity();
      await t.write({ collection: 'records', op: 'put', id: first.id, entity: first, baseVersion: 0, idempotencyKey: randomUUID() });
      const old = (await t.changes(null)).cursor;
      for (let i = 0; i < 4; i++) {
        const e = entity();
        await t.write({ collection: 'records', op: 'put', id: e.id, entity: e, baseVersion: 0, idempotencyKey: randomUUID() });
      }
      await small.prune();
      await assert.rejects(t.changes(old), (error: unknown) => error instanceof SyncError && error.code === 'gone' && error.status === 410);
      const page = await t.list('records', null);
      assert.equal(page.items.length, 5);
      const resumed = await t.changes(page.cursor ?? null);
      assert.equal(resumed.changes.length, 0);
    } finally {
      await small.close();
    }
  });

  it('writeBatch: one POST /batch for several entities; successes come back, everything else is left for write()', async () => {
    const t = new HttpTransport({ baseUrl: base, token: officerA });
    const a = entity({ notes: 'a' });
    const b = entity({ notes: 'b' });
    const c = entity({ notes: 'c', identity: { surname: '' } });
    const stale = entity();
    const made = await t.write({ collection: 'records', op: 'put', id: stale.id, entity: stale, baseVersion: 0, idempotencyKey: randomUUID() });
    const keyA = `ka:${a.id}`;
    const requests = [
      { collection: 'records', op: 'put' as const, id: a.id, entity: a, baseVersion: 0, idempotencyKey: keyA },
      { collection: 'records', op: 'put' as const, id: b.id, entity: b, baseVersion: 0, idempotencyKey: randomUUID() },
      { collection: 'records', op: 'put' as const, id: c.id, entity: c, baseVersion: 0, idempotencyKey: randomUUID() },
      { collection: 'records', op: 'put' as const, id: stale.id, entity: stale, baseVersion: 5, idempotencyKey: randomUUID() },
      { collection: 'records', op: 'delete' as const, id: made.entity!.id, baseVersion: 0, idempotencyKey: randomUUID() },
    ];
    const results = await t.writeBatch(requests);
    assert.equal(results.length, 5);
    assert.equal(results[0]?.version, 1);
    assert.equal(results[0]?.entity?.['notes'], 'a');
    assert.equal(results[0]?.entity?.['sourceAgency'], 'imi-jakut');
    assert.equal(results[1]?.entity?.['notes'], 'b');
    assert.equal(results[2], null, 'a validation failure is left for write()');
    assert.equal(results[3], null, 'a conflict is left for write()');
    assert.deepEqual(results[4], { entity: null, version: 0 }, 'deleting what the server never had sends nothing');
    // write() with the same key replays the batch's answer (the fallback is safe).
    const again = await t.write(requests[0]!);
    assert.deepEqual(again, results[0]);
    await assert.rejects(t.write(requests[3]!), (e: unknown) => e instanceof SyncError && e.code === 'conflict');
  });
});

describe('HttpTransport failure handling (fake fetch)', () => {
  const ok = (body: unknown, status = 200): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('sends bearer, If-Match and Idempotency-Key; no If-Match on creates', async () => {
    const seen: Array<{ url: string; method: string; headers: Headers }> = [];
    const fetchFake: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers) });
      return ok({ id: 'x', version: 4 });
    };
    const t = new HttpTransport({ baseUrl: 'http://api.test/v1', token: 'tok', fetch: fetchFake });
    await t.write({ collection: 'records', op: 'put', id: 'a b', entity: { id: 'a b', version: 0 }, baseVersion: 0, idempotencyKey: 'k1' });
    await t.write({ collection: 'records', op: 'put', id: 'x', entity: { id: 'x', version: 3 }, baseVersion: 3, idempotencyKey: 'k2' });
    assert.equal(seen[0]?.url, 'http://api.test/v1/records/a%20b');
    assert.equal(seen[0]?.method, 'PUT');
    assert.equal(seen[0]?.headers.get('if-match'), null);
    assert.equal(seen[0]?.headers.get('idempotency-key'), 'k1');
    assert.equal(seen[0]?.headers.get('authorization'), 'Bearer tok');
    assert.equal(seen[1]?.headers.get('if-match'), '"3"');
  });

  it('writeBatch: a server without /batch (404) gets single writes from then on; a failed batch leaves every write for write()', async () => {
    const calls: string[] = [];
    let fail = 404;
    const fetchFake: typeof fetch = async (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return ok({ error: { code: 'not_found', message: 'x' } }, fail);
    };
    const t = new HttpTransport({ baseUrl: 'http://api.test', token: 'tok', fetch: fetchFake });
    const req = { collection: 'records', op: 'put' as const, id: 'x', entity: { id: 'x', version: 0 }, baseVersion: 0, idempotencyKey: 'k' };
    assert.deepEqual(await t.writeBatch([req, { ...req, id: 'y' }]), [null, null]);
    assert.deepEqual(await t.writeBatch([req]), [null]);
    assert.deepEqual(calls, ['POST http://api.test/batch'], 'asked once, then remembered');
    fail = 503;
    const u = new HttpTransport({ baseUrl: 'http://api.test', token: 'tok', fetch: fetchFake });
    assert.deepEqual(await u.writeBatch([req]), [null]);
    assert.deepEqual(await u.writeBatch([req]), [null]);
    assert.equal(calls.length, 3, 'a 5xx is not remembered as "no batch"');
  });

  it('times out with code timeout, and network failures are code network', async () => {
    const hang: typeof fetch = (_i, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const slow = new HttpTransport({ baseUrl: 'http://api.test', timeoutMs: 30, fetch: hang });
    await assert.rejects(slow.changes(null), (e: unknown) => e instanceof SyncError && e.code === 'timeout' && e.retryable);
    const down = new HttpTransport({ baseUrl: 'http://api.test', fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    await assert.rejects(down.changes(null), (e: unknown) => e instanceof SyncError && e.code === 'network' && e.retryable);
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(slow.changes(null, { signal: stopped.signal }), (e: unknown) => e instanceof SyncError && e.code === 'aborted');
  });

  it('asks the token provider for a fresh token once after a 401', async () => {
    const calls: boolean[] = [];
    let n = 0;
    const fetchFake: typeof fetch = async (_i, init) => {
      n += 1;
      const auth = new Headers(init?.headers).get('authorization');
      return auth === 'Bearer fresh' ? ok({ changes: [], cursor: 'c1', hasMore: false }) : ok({ error: { code: 'unauthorized', message: 'expired' } }, 401);
    };
    const t = new HttpTransport({
      baseUrl: 'http://api.test',
      fetch: fetchFake,
      token: ({ refresh }) => {
        calls.push(refresh);
        return refresh ? 'fresh' : 'stale';
      },
    });
    const page = await t.changes(null);
    assert.equal(page.cursor, 'c1');
    assert.deepEqual(calls, [false, true]);
    assert.equal(n, 2);
  });

  it('maps 5xx and 429 to retryable server errors with Retry-After', async () => {
    const t = new HttpTransport({
      baseUrl: 'http://api.test',
      fetch: async () => new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), { status: 429, headers: { 'retry-after': '7' } }),
    });
    await assert.rejects(t.changes(null), (e: unknown) => e instanceof SyncError && e.code === 'server' && e.retryAfter === 7 && e.serverCode === 'rate_limited');
    const gone = new HttpTransport({ baseUrl: 'http://api.test', fetch: async () => ok({ error: { code: 'cursor_expired', message: 'old' } }, 410) });
    await assert.rejects(gone.changes('c0'), (e: unknown) => e instanceof SyncError && e.code === 'gone');
  });
});
