// Sync engine against the in-process server: ordering, idempotency after lost answers, backoff, failed writes,
// conflicts (detected, persisted, resolved three ways), pull without clobbering, resync on `gone`, leadership.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySyncStorage } from '../../../sdk/sync/memory-storage.ts';
import { MemoryTransport } from '../../../sdk/sync/memory-transport.ts';
import { pushOutbox, type SenderContext } from '../../../sdk/sync/outbox-sender.ts';
import { pull, CURSOR_KEY } from '../../../sdk/sync/puller.ts';
import { resolveConflict, listConflicts, listFailed, retryFailed, discardFailed } from '../../../sdk/sync/resolution.ts';
import { TimporaSync, type NetworkMonitor } from '../../../sdk/sync/sync-engine.ts';
import { SyncError } from '../../../sdk/sync/errors.ts';
import type { LockManagerLike } from '../../../sdk/sync/leader.ts';
import type { SyncStorage } from '../../../sdk/sync/storage.ts';
import type { ChangePage, ListPage, Transport, TransportCallOptions, WriteRequest, WriteResult } from '../../../sdk/sync/transport.ts';
import type { FailedWrite, SyncConflict, SyncStatus } from '../../../sdk/sync/types.ts';
import { FaultyTransport, entity, seeded } from './helpers.ts';

function ctx(storage: MemorySyncStorage, transport: Transport, extra: Partial<SenderContext> = {}): SenderContext {
  return {
    storage,
    transport,
    concurrency: 4,
    backoff: { baseMs: 10, maxMs: 100 },
    ignoreBackoff: true,
    signal: new AbortController().signal,
    now: Date.now,
    random: seeded(1),
    onConflict: () => undefined,
    onFailed: () => undefined,
    onAcknowledged: () => undefined,
    ...extra,
  };
}

/** An in-process server holding `n` records (ids in creation order), feed pages of `pageSize`. */
function serverWith(n: number, pageSize: number): { server: MemoryTransport; ids: string[] } {
  const server = new MemoryTransport({ pageSize });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = entity();
    ids.push(e.id);
    server.apply('records', 'put', e.id, e, 0);
  }
  return { server, ids };
}

/** `server` with its change feed replaced by `changes` (which may call `server.changes`). */
function withFeed(server: MemoryTransport, changes: Transport['changes']): Transport {
  return { write: (r, o) => server.write(r, o), list: (c, t, o) => server.list(c, t, o), changes };
}

/** Push until the outbox is empty or stuck (bounded). */
async function drain(storage: MemorySyncStorage, transport: Transport, extra: Partial<SenderContext> = {}): Promise<number> {
  let rounds = 0;
  while (storage.outboxSnapshot().some((e) => e.state === undefined || e.state === 'pending')) {
    rounds += 1;
    assert.ok(rounds < 500, 'outbox did not drain');
    await pushOutbox(ctx(storage, transport, extra));
  }
  return rounds;
}

test('creates, chained updates and a delete reach the server in order; cache gets server versions', async () => {
  const server = new MemoryTransport();
  const local = new MemorySyncStorage();
  const a = entity({ notes: 'a1' });
  const b = entity({ notes: 'b1' });
  await local.localWrite('records', 'put', a);
  await local.localWrite('records', 'put', b);
  await local.localWrite('records', 'put', { ...a, notes: 'a2' });
  await local.localWrite('records', 'put', { ...a, notes: 'a3' });
  await local.localWrite('records', 'delete', b.id);
  const report = await pushOutbox(ctx(local, server));
  assert.equal(report.acknowledged, 5);
  assert.equal(local.outboxSnapshot().length, 0);
  assert.equal(server.get('records', a.id)?.['notes'], 'a3');
  assert.equal(server.get('records', a.id)?.version, 3);
  assert.equal(server.get('records', b.id), undefined);
  assert.equal(local.entity('records', a.id)?.version, 3);
  assert.deepEqual(server.appliedWrites.get(`records/${a.id}`), 3);
});

for (const forgetKeys of [false, true]) {
  test(`lost answers and dropped requests: nothing lost, nothing applied twice (server ${forgetKeys ? 'forgot' : 'kept'} keys)`, async () => {
    const server = new MemoryTransport();
    const faulty = new FaultyTransport(server, { dropRequest: 0.15, loseAnswer: 0.25, serverError: 0.05, forgetKeys }, seeded(42));
    const local = new MemorySyncStorage();
    const ids: string[] = [];
    const expectedWrites = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const e = entity({ notes: `v1-${i}` });
      ids.push(e.id);
      await local.localWrite('records', 'put', e);
      expectedWrites.set(e.id, 1);
    }
    for (let i = 0; i < 60; i += 3) {
      const id = ids[i]!;
      const current = local.entity('records', id)!;
      await local.localWrite('records', 'put', { ...current, notes: `v2-${i}` });
      expectedWrites.set(id, 2);
    }
    const conflicts: SyncConflict[] = [];
    await drain(local, faulty, { onConflict: (c) => conflicts.push(c) });
    assert.deepEqual(conflicts, [], 'own writes must never be reported as conflicts');
    assert.equal(server.count('records'), 60);
    for (const id of ids) {
      const stored = server.get('records', id)!;
      assert.equal(server.appliedWrites.get(`records/${id}`), expectedWrites.get(id), `writes applied for ${id}`);
      assert.equal(stored.version, expectedWrites.get(id));
      assert.deepEqual(stored['notes'], local.entity('records', id)?.['notes']);
    }
  });
}

/** Adds `writeBatch` to a transport: items applied one by one; failures (and, seeded, some successes whose
 * answer is "lost") come back as null so the sender resends them alone. Records each batch's entities. */
class BatchingTransport implements Transport {
  batches: string[][] = [];
  constructor(
    readonly inner: Transport,
    readonly random: () => number,
    readonly loseResult = 0,
  ) {}
  write(request: WriteRequest, options?: TransportCallOptions): Promise<WriteResult> {
    return this.inner.write(request, options);
  }
  async writeBatch(requests: readonly WriteRequest[], options?: TransportCallOptions): Promise<Array<WriteResult | null>> {
    this.batches.push(requests.map((r) => `${r.collection}/${r.id}`));
    const out: Array<WriteResult | null> = [];
    for (const r of requests) {
      try {
        const result = await this.inner.write(r, options);
        out.push(this.random() < this.loseResult ? null : result);
      } catch {
        out.push(null);
      }
    }
    return out;
  }
  changes(cursor: string | null, options?: TransportCallOptions): Promise<ChangePage> {
    return this.inner.changes(cursor, options);
  }
  list(collection: string, pageToken: string | null, options?: TransportCallOptions): Promise<ListPage> {
    return this.inner.list(collection, pageToken, options);
  }
}

test('batched push: entities share batches, one entity never twice in a batch and its writes in order; faults lose nothing, apply nothing twice', async () => {
  const server = new MemoryTransport();
  const faulty = new FaultyTransport(server, { dropRequest: 0.1, loseAnswer: 0.15, serverError: 0.05 }, seeded(7));
  const batching = new BatchingTransport(faulty, seeded(8), 0.1);
  const local = new MemorySyncStorage();
  const ids: string[] = [];
  const expected = new Map<string, number>();
  for (let i = 0; i < 60; i++) {
    const e = entity({ notes: `v1-${i}` });
    ids.push(e.id);
    await local.localWrite('records', 'put', e);
    expected.set(e.id, 1);
  }
  for (let round = 2; round <= 3; round++) {
    for (let i = 0; i < 60; i += 4) {
      const id = ids[i]!;
      await local.localWrite('records', 'put', { ...local.entity('records', id)!, notes: `v${round}-${i}` });
      expected.set(id, round);
    }
  }
  const conflicts: SyncConflict[] = [];
  await drain(local, batching, { batchSize: 8, concurrency: 2, onConflict: (c) => conflicts.push(c) });
  assert.deepEqual(conflicts, []);
  assert.ok(batching.batches.some((b) => b.length > 1), 'writes were batched');
  for (const b of batching.batches) {
    assert.ok(b.length <= 8);
    assert.equal(new Set(b).size, b.length, 'an entity appears once per batch');
  }
  assert.equal(server.count('records'), 60);
  for (const id of ids) {
    assert.equal(server.appliedWrites.get(`records/${id}`), expected.get(id), `writes applied for ${id}`);
    assert.equal(server.get('records', id)?.version, expected.get(id));
    assert.deepEqual(server.get('records', id)?.['notes'], local.entity('records', id)?.['notes']);
  }
});

test('transient failures are retried with durable backoff; not before nextAttemptAt', async () => {
  const server = new MemoryTransport();
  const faulty = new FaultyTransport(server, { serverError: 1 }, seeded(3));
  const local = new MemorySyncStorage();
  await local.localWrite('records', 'put', entity());
  let now = 1_000_000;
  const report = await pushOutbox(ctx(local, faulty, { ignoreBackoff: false, now: () => now }));
  assert.equal(report.deferred, 1);
  const [entry] = local.outboxSnapshot();
  assert.equal(entry?.attempts, 1);
  assert.equal(entry?.lastError, 'server');
  assert.ok(entry!.nextAttemptAt > now && entry!.nextAttemptAt <= now + 10);
  const before = faulty.writes;
  await pushOutbox(ctx(local, faulty, { ignoreBackoff: false, now: () => now }));
  assert.equal(faulty.writes, before, 'no send before nextAttemptAt');
  now += 1000;
  faulty.enabled = false;
  await pushOutbox(ctx(local, faulty, { ignoreBackoff: false, now: () => now }));
  assert.equal(local.outboxSnapshot().length, 0);
  assert.equal(server.count('records'), 1);
});

test('backoff grows and is capped', async () => {
  const server = new MemoryTransport();
  const faulty = new FaultyTransport(server, { serverError: 1 }, seeded(3));
  const local = new MemorySyncStorage();
  await local.localWrite('records', 'put', entity());
  const delays: number[] = [];
  let now = 0;
  for (let i = 0; i < 8; i++) {
    await pushOutbox(ctx(local, faulty, { now: () => now, backoff: { baseMs: 100, maxMs: 2000 } }));
    const e = local.outboxSnapshot()[0]!;
    delays.push(e.nextAttemptAt - now);
    now = e.nextAttemptAt;
  }
  assert.ok(delays[3]! > delays[0]!, `grows: ${delays.join(',')}`);
  assert.ok(delays.every((d) => d <= 2000), `capped: ${delays.join(',')}`);
  assert.equal(local.outboxSnapshot()[0]!.attempts, 8);
});

test('validation failures park the write for the app: not retried, not dropped; retry with a fix works', async () => {
  const server = new MemoryTransport({
    validate: (_c, e) => (e['notes'] === 'bad' ? [{ path: 'notes', code: 'invalid_format' }] : []),
  });
  const local = new MemorySyncStorage();
  const good = entity();
  const bad = entity({ notes: 'bad' });
  await local.localWrite('records', 'put', bad);
  await local.localWrite('records', 'put', good);
  const failed: FailedWrite[] = [];
  await pushOutbox(ctx(local, server, { onFailed: (f) => failed.push(f) }));
  assert.equal(server.count('records'), 1, 'the valid write is not blocked by the invalid one');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.error.code, 'validation');
  assert.deepEqual(failed[0]?.error.issues, [{ path: 'notes', code: 'invalid_format' }]);
  const writesBefore = server.log.filter((l) => l.kind === 'write').length;
  await pushOutbox(ctx(local, server));
  await pushOutbox(ctx(local, server));
  assert.equal(server.log.filter((l) => l.kind === 'write').length, writesBefore, 'failed write not retried on its own');
  const listed = await listFailed(local);
  assert.equal(listed.length, 1);
  await retryFailed(local, listed[0]!.seq, { ...bad, notes: 'fixed' });
  assert.equal(local.entity('records', bad.id)?.['notes'], 'fixed');
  await pushOutbox(ctx(local, server));
  assert.equal(server.get('records', bad.id)?.['notes'], 'fixed');
  assert.equal(local.outboxSnapshot().length, 0);
});

test('discarding a failed create removes the local entity; later writes of it become the create', async () => {
  const server = new MemoryTransport({
    validate: (_c, e) => (e['notes'] === 'bad' ? [{ path: 'notes', code: 'required' }] : []),
  });
  const local = new MemorySyncStorage();
  const lone = entity({ notes: 'bad' });
  await local.localWrite('records', 'put', lone);
  const chained = entity({ notes: 'bad' });
  await local.localWrite('records', 'put', chained);
  await local.localWrite('records', 'put', { ...local.entity('records', chained.id)!, notes: 'ok now' });
  await pushOutbox(ctx(local, server));
  const failed = await listFailed(local);
  assert.equal(failed.length, 2);
  await discardFailed(local, failed.find((f) => f.id === lone.id)!.seq);
  assert.equal(local.entity('records', lone.id), undefined);
  await discardFailed(local, failed.find((f) => f.id === chained.id)!.seq);
  await pushOutbox(ctx(local, server));
  assert.equal(server.get('records', chained.id)?.['notes'], 'ok now');
  assert.equal(server.get('records', chained.id)?.version, 1);
  await assert.rejects(discardFailed(local, 9999), { code: 'not_found' });
});

test('forbidden writes are parked too', async () => {
  const server = new MemoryTransport();
  const forbidding: Transport = {
    write: async () => {
      const { SyncError } = await import('../../../sdk/sync/errors.ts');
      throw new SyncError('forbidden', 'nope', { status: 403, serverCode: 'forbidden' });
    },
    changes: (c) => server.changes(c),
    list: (c, t) => server.list(c, t),
  };
  const local = new MemorySyncStorage();
  await local.localWrite('records', 'put', entity());
  const report = await pushOutbox(ctx(local, forbidding));
  assert.equal(report.failed, 1);
  assert.equal(local.outboxSnapshot()[0]?.state, 'failed');
  assert.equal(local.outboxSnapshot()[0]?.failure?.code, 'forbidden');
});

async function twoAgencies(): Promise<{ server: MemoryTransport; a: MemorySyncStorage; b: MemorySyncStorage; id: string }> {
  const server = new MemoryTransport();
  const a = new MemorySyncStorage();
  const b = new MemorySyncStorage();
  const rec = entity({ notes: 'original' });
  await a.localWrite('records', 'put', rec);
  await pushOutbox(ctx(a, server));
  await pull({ storage: b, transport: server, signal: new AbortController().signal });
  assert.equal(b.entity('records', rec.id)?.['notes'], 'original');
  // Both edit the same version offline.
  await a.localWrite('records', 'put', { ...a.entity('records', rec.id)!, notes: 'from A' });
  await b.localWrite('records', 'put', { ...b.entity('records', rec.id)!, notes: 'from B', status: 'closed' });
  await pushOutbox(ctx(a, server));
  return { server, a, b, id: rec.id };
}

test('two agencies editing one record: the conflict reaches the app with both versions and is persisted', async () => {
  const { server, b, id } = await twoAgencies();
  const seen: SyncConflict[] = [];
  await pushOutbox(ctx(b, server, { onConflict: (c) => seen.push(c) }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.local?.['notes'], 'from B');
  assert.equal(seen[0]?.remote?.['notes'], 'from A');
  assert.equal(server.get('records', id)?.['notes'], 'from A', 'server not overwritten');
  // Pulling does not clobber the local side.
  await pull({ storage: b, transport: server, signal: new AbortController().signal });
  assert.equal(b.entity('records', id)?.['notes'], 'from B');
  const persisted = await listConflicts(b);
  assert.equal(persisted.length, 1);
  assert.equal(persisted[0]?.remote?.version, 2);
  // Blocked: further pushes send nothing for it.
  const before = server.log.length;
  await pushOutbox(ctx(b, server));
  assert.equal(server.log.filter((l, i) => i >= before && l.kind === 'write').length, 0);
});

test("resolve 'local': our version is sent on top of the server's", async () => {
  const { server, b, id } = await twoAgencies();
  await pushOutbox(ctx(b, server));
  await resolveConflict(b, id, 'local');
  await pushOutbox(ctx(b, server));
  assert.equal(server.get('records', id)?.['notes'], 'from B');
  assert.equal(server.get('records', id)?.version, 3);
  assert.equal((await listConflicts(b)).length, 0);
});

test("resolve 'remote': local writes dropped, server version stored", async () => {
  const { server, b, id } = await twoAgencies();
  await pushOutbox(ctx(b, server));
  await resolveConflict(b, id, 'remote');
  assert.equal(b.entity('records', id)?.['notes'], 'from A');
  assert.equal(b.outboxSnapshot().length, 0);
  assert.equal(server.get('records', id)?.version, 2);
});

test('resolve with a merged entity: stored locally and sent', async () => {
  const { server, b, id } = await twoAgencies();
  await pushOutbox(ctx(b, server));
  const [conflict] = await listConflicts(b);
  await resolveConflict(b, id, { ...conflict!.remote!, notes: 'from A + B', status: 'closed' });
  assert.equal(b.entity('records', id)?.['notes'], 'from A + B');
  await pushOutbox(ctx(b, server));
  assert.equal(server.get('records', id)?.['notes'], 'from A + B');
  assert.equal(server.get('records', id)?.['status'], 'closed');
  await assert.rejects(resolveConflict(b, id, 'local'), { code: 'not_found' });
});

test('an update to a record deleted on the server is a conflict with remote null', async () => {
  const server = new MemoryTransport();
  const a = new MemorySyncStorage();
  const rec = entity();
  await a.localWrite('records', 'put', rec);
  await pushOutbox(ctx(a, server));
  server.apply('records', 'delete', rec.id, undefined, null);
  await a.localWrite('records', 'put', { ...a.entity('records', rec.id)!, notes: 'edited' });
  const seen: SyncConflict[] = [];
  await pushOutbox(ctx(a, server, { onConflict: (c) => seen.push(c) }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.remote, null);
  await resolveConflict(a, rec.id, 'local');
  await pushOutbox(ctx(a, server));
  assert.equal(server.get('records', rec.id)?.['notes'], 'edited', 're-created from the local version');
});

test('pull applies remote changes and deletions, keeps pending local writes, stores the cursor', async () => {
  const server = new MemoryTransport({ pageSize: 7 });
  const local = new MemorySyncStorage();
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const e = entity();
    ids.push(e.id);
    server.apply('records', 'put', e.id, e, 0);
  }
  const r1 = await pull({ storage: local, transport: server, signal: new AbortController().signal });
  assert.equal(r1.applied, 20);
  assert.ok(r1.pages >= 3);
  assert.equal(local.all('records').length, 20);
  // Local pending write on ids[0]; remote edits ids[0] and ids[1], deletes ids[2].
  await local.localWrite('records', 'put', { ...local.entity('records', ids[0]!)!, notes: 'mine' });
  server.apply('records', 'put', ids[0]!, { ...server.get('records', ids[0]!)!, notes: 'theirs' }, null);
  server.apply('records', 'put', ids[1]!, { ...server.get('records', ids[1]!)!, notes: 'theirs' }, null);
  server.apply('records', 'delete', ids[2]!, undefined, null);
  const r2 = await pull({ storage: local, transport: server, signal: new AbortController().signal });
  assert.equal(r2.applied, 2);
  assert.equal(r2.skipped, 1);
  assert.equal(local.entity('records', ids[0]!)?.['notes'], 'mine');
  assert.equal(local.entity('records', ids[1]!)?.['notes'], 'theirs');
  assert.equal(local.entity('records', ids[2]!), undefined);
  const cursor = await local.transaction([], 'readonly', (tx) => tx.getMeta(CURSOR_KEY));
  assert.equal(typeof cursor, 'string');
});

test('first pull writes without reading what it already knows, yet keeps newer cached versions and local edits made before and during the pull', async () => {
  const { server, ids } = serverWith(20, 5);
  const local = new MemorySyncStorage();
  // Before the pull (no cursor yet): ids[0] cached at a newer version than the feed's first change of it;
  // ids[1] edited locally (pending outbox entry).
  const newer = { ...server.get('records', ids[0]!)!, version: 9, notes: 'cached newer' };
  await local.transaction(['records'], 'readwrite', (tx) => tx.putEntity('records', newer));
  await local.localWrite('records', 'put', { ...server.get('records', ids[1]!)!, notes: 'mine before' });
  // Remote edits (the feed brings each entity once, at its latest change): ids[2], ids[3], a deletion of ids[4].
  server.apply('records', 'put', ids[2]!, { ...server.get('records', ids[2]!)!, notes: 'theirs' }, null);
  server.apply('records', 'put', ids[3]!, { ...server.get('records', ids[3]!)!, notes: 'theirs' }, null);
  server.apply('records', 'delete', ids[4]!, undefined, null);
  let pages = 0;
  const transport = withFeed(server, async (cursor, o) => {
    pages += 1;
    if (pages === 3) {
      // ids[5] came with page 1; now edited locally and on the server (the feed brings it again at its end).
      await local.localWrite('records', 'put', { ...local.entity('records', ids[5]!)!, notes: 'mine during' });
      server.apply('records', 'put', ids[5]!, { ...server.get('records', ids[5]!)!, notes: 'theirs later' }, null);
    }
    return server.changes(cursor, o);
  });
  let reads = 0;
  const counted: SyncStorage['transaction'] = (collections, mode, fn) =>
    local.transaction(collections, mode, (tx) =>
      fn({
        ...tx,
        getEntity: (c, id) => {
          reads += 1;
          return tx.getEntity(c, id);
        },
      }),
    );
  const storage: SyncStorage = {
    collections: local.collections,
    transaction: counted,
    notify: (c) => local.notify(c),
    onLocalWrite: (l) => local.onLocalWrite(l),
  };
  const report = await pull({ storage, transport, signal: new AbortController().signal });
  assert.equal(local.entity('records', ids[0]!)?.['notes'], 'cached newer', 'a newer cached version is not overwritten');
  assert.equal(local.entity('records', ids[0]!)?.version, 9);
  assert.equal(local.entity('records', ids[1]!)?.['notes'], 'mine before', 'a pending local edit is not overwritten');
  assert.equal(local.entity('records', ids[5]!)?.['notes'], 'mine during', 'an edit made during the pull is not overwritten');
  assert.equal(local.entity('records', ids[2]!)?.['notes'], 'theirs');
  assert.equal(local.entity('records', ids[3]!)?.['notes'], 'theirs');
  assert.equal(local.entity('records', ids[3]!)?.version, 2);
  assert.equal(local.entity('records', ids[4]!), undefined, 'the deletion is applied');
  assert.equal(local.all('records').length, 19);
  assert.equal(report.skipped, 4); // ids[0] (cached newer), ids[1] and ids[5] (pending), ids[4] (deleted, never cached)
  // Only the entities cached or pending before the pull, or edited during it, were read (not all 21 changes).
  assert.ok(reads <= 4, `reads: ${reads}`);
});

/** `storage` with every read-write transaction reported to `onWrite` (before and after it ran). */
function watchedStorage(local: MemorySyncStorage, onWrite: (phase: 'start' | 'end') => void): SyncStorage {
  return {
    collections: local.collections,
    transaction: async (collections, mode, fn) => {
      if (mode === 'readwrite') onWrite('start');
      const out = await local.transaction(collections, mode, fn);
      if (mode === 'readwrite') onWrite('end');
      return out;
    },
    notify: (c) => local.notify(c),
    onLocalWrite: (l) => local.onLocalWrite(l),
  };
}

test('pull requests the next feed page while it writes the current one, and never more than one page ahead', async () => {
  const { server } = serverWith(20, 5);
  const local = new MemorySyncStorage();
  let requested = 0;
  const transport = withFeed(server, (cursor, o) => {
    requested += 1;
    return server.changes(cursor, o);
  });
  // Requests already made while each page is written: the page itself and the next one (4 pages of 5).
  const seen: number[] = [];
  const storage = watchedStorage(local, (phase) => {
    if (phase === 'start') seen.push(requested);
  });
  const report = await pull({ storage, transport, signal: new AbortController().signal });
  assert.equal(report.applied, 20);
  assert.deepEqual(seen, [2, 3, 4, 4]);
});

test('a feed page that fails mid-pull loses nothing: the pages written before it keep their cursor and the next pull resumes there', async () => {
  const { server, ids } = serverWith(20, 5);
  const local = new MemorySyncStorage();
  const cursors: (string | null)[] = [];
  let calls = 0;
  let failAt = 3;
  const transport = withFeed(server, async (cursor, o) => {
    calls += 1;
    cursors.push(cursor);
    // The third page's request (made while the second page is written) fails once.
    if (calls === failAt) throw new SyncError('network', 'connection reset');
    const page = await server.changes(cursor, o);
    return page;
  });
  let committed = 0;
  const storage = watchedStorage(local, (phase) => {
    if (phase === 'end') committed += 1;
  });
  const failed = await pull({ storage, transport, signal: new AbortController().signal }).catch((e: unknown) => e);
  assert.ok(failed instanceof SyncError && failed.code === 'network');
  // Pages 1 and 2 were written (page 2 although the request for page 3 had already failed), with page 2's cursor.
  assert.equal(committed, 2);
  assert.deepEqual(local.all('records').map((e) => e.id).sort(), ids.slice(0, 10).sort());
  const stored = await local.transaction([], 'readonly', (tx) => tx.getMeta(CURSOR_KEY));
  assert.equal(stored, cursors[2]);
  assert.notEqual(stored, null);
  // The next pull starts from that cursor and brings exactly the rest.
  failAt = 0;
  const resumedFrom = cursors.length;
  const report = await pull({ storage, transport, signal: new AbortController().signal });
  assert.equal(cursors[resumedFrom], stored);
  assert.equal(report.applied, 10);
  assert.equal(report.skipped, 0);
  assert.deepEqual(local.all('records').map((e) => e.id).sort(), [...ids].sort());
});

test('a first pull whose cursor goes stale mid-way resyncs and then reads again: a listed entity deleted afterwards is removed', async () => {
  const { server, ids } = serverWith(10, 3);
  let feedCalls = 0;
  let deleted = false;
  const transport: Transport = {
    write: (r, o) => server.write(r, o),
    changes: (cursor, o) => {
      feedCalls += 1;
      if (feedCalls === 2) server.prune(); // the cursor of page 1 is now too old: 410, full resync
      return server.changes(cursor, o);
    },
    list: async (c, t, o) => {
      const page = await server.list(c, t, o);
      if (c === 'records' && !page.nextPageToken && !deleted) {
        deleted = true;
        server.apply('records', 'delete', ids[8]!, undefined, null); // after the lists: reaches us through the feed
      }
      return page;
    },
  };
  const local = new MemorySyncStorage();
  const report = await pull({ storage: local, transport, signal: new AbortController().signal });
  assert.equal(report.resynced, true);
  assert.equal(local.entity('records', ids[8]!), undefined, 'the deletion after the resync is applied');
  assert.equal(local.all('records').length, 9);
});

test('a cursor that is gone triggers a full resync: missed deletions removed, pending writes kept', async () => {
  const server = new MemoryTransport({ pageSize: 4 });
  const local = new MemorySyncStorage();
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const e = entity();
    ids.push(e.id);
    server.apply('records', 'put', e.id, e, 0);
  }
  await pull({ storage: local, transport: server, signal: new AbortController().signal });
  server.apply('records', 'delete', ids[0]!, undefined, null);
  server.apply('records', 'put', ids[1]!, { ...server.get('records', ids[1]!)!, notes: 'new' }, null);
  const mine = entity({ notes: 'offline create' });
  await local.localWrite('records', 'put', mine);
  server.prune();
  const later = entity();
  server.apply('records', 'put', later.id, later, 0);
  const report = await pull({ storage: local, transport: server, signal: new AbortController().signal });
  assert.equal(report.resynced, true);
  assert.equal(local.entity('records', ids[0]!), undefined);
  assert.equal(local.entity('records', ids[1]!)?.['notes'], 'new');
  assert.ok(local.entity('records', mine.id), 'pending local create kept');
  assert.ok(local.entity('records', later.id));
  // Next pull continues from the feed, no second resync.
  const again = await pull({ storage: local, transport: server, signal: new AbortController().signal });
  assert.equal(again.resynced, false);
});

// ---- TimporaSync (engine) ----

class FakeNetwork implements NetworkMonitor {
  online = true;
  #listeners = new Set<(online: boolean) => void>();
  subscribe(listener: (online: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(online: boolean): void {
    this.online = online;
    for (const l of this.#listeners) l(online);
  }
}

/** A lock manager with the Web Locks queueing semantics (exclusive, FIFO, abortable while waiting). */
class FakeLocks implements LockManagerLike {
  #held = false;
  #queue: Array<() => void> = [];
  request(
    _name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const run = (): void => {
        this.#held = true;
        void callback({}).then(
          (v) => {
            this.#held = false;
            this.#queue.shift()?.();
            resolve(v);
          },
          (e: unknown) => {
            this.#held = false;
            this.#queue.shift()?.();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      };
      if (!this.#held) {
        run();
        return;
      }
      this.#queue.push(run);
      options.signal?.addEventListener('abort', () => {
        const i = this.#queue.indexOf(run);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }
}

const tick = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(10);
  }
}

test('engine: pushes local writes promptly, reports status transitions and pending counts', async () => {
  const server = new MemoryTransport();
  const storage = new MemorySyncStorage();
  const network = new FakeNetwork();
  const sync = new TimporaSync({ storage, transport: server, locks: null, network, pullIntervalMs: 0 });
  const states: SyncStatus['state'][] = [];
  sync.on('statuschange', (e) => states.push(e.detail.state));
  sync.start();
  await waitFor(() => sync.status.lastSyncedAt !== null, 'first cycle');
  network.set(false);
  assert.equal(sync.status.state, 'offline');
  await storage.localWrite('records', 'put', entity());
  await storage.localWrite('records', 'put', entity());
  await waitFor(() => sync.status.pending === 2, 'pending count');
  assert.equal(server.count('records'), 0, 'nothing sent while offline');
  network.set(true);
  await waitFor(() => server.count('records') === 2 && sync.status.pending === 0, 'push after online');
  assert.equal(sync.status.state, 'idle');
  assert.ok(states.includes('offline') && states.includes('syncing'), states.join(','));
  await sync.stop();
});

test('engine: network failures switch to offline and back off; recovers without losing writes', async () => {
  const server = new MemoryTransport();
  const faulty = new FaultyTransport(server, { dropRequest: 1 }, seeded(9));
  const storage = new MemorySyncStorage();
  const sync = new TimporaSync({
    storage,
    transport: faulty,
    locks: null,
    network: new FakeNetwork(),
    pullIntervalMs: 0,
    backoff: { baseMs: 20, maxMs: 40 },
  });
  sync.start();
  await storage.localWrite('records', 'put', entity());
  await waitFor(() => sync.status.online === false, 'offline after network failure');
  faulty.enabled = false;
  await waitFor(() => server.count('records') === 1 && sync.status.online, 'recovered');
  await sync.stop();
});

test('engine: conflict and failed events, conflicts() and resolve()', async () => {
  const { server, b, id } = await twoAgencies();
  const sync = new TimporaSync({ storage: b, transport: server, locks: null, network: new FakeNetwork(), pullIntervalMs: 0 });
  const conflicts: SyncConflict[] = [];
  sync.on('conflict', (e) => conflicts.push(e.detail));
  sync.start();
  await waitFor(() => conflicts.length === 1, 'conflict event');
  await waitFor(() => sync.status.conflicts === 1, 'conflict count');
  assert.equal(sync.status.state, 'error');
  assert.equal((await sync.conflicts())[0]?.id, id);
  await sync.resolve(id, 'local');
  await waitFor(() => server.get('records', id)?.['notes'] === 'from B', 'resolved write sent');
  await waitFor(() => sync.status.conflicts === 0 && sync.status.state === 'idle', 'status clean');
  await sync.stop();
});

test('engine: unauthorized pauses syncing and keeps the writes', async () => {
  const server = new MemoryTransport();
  let allow = false;
  const { SyncError } = await import('../../../sdk/sync/errors.ts');
  const gated: Transport = {
    write: async (r) => {
      if (!allow) throw new SyncError('unauthorized', 'expired', { status: 401 });
      return server.write(r);
    },
    changes: (c) => server.changes(c),
    list: (c, t) => server.list(c, t),
  };
  const storage = new MemorySyncStorage();
  await storage.localWrite('records', 'put', entity());
  const sync = new TimporaSync({ storage, transport: gated, locks: null, network: new FakeNetwork(), pullIntervalMs: 0 });
  sync.start();
  await waitFor(() => sync.status.error?.code === 'unauthorized', 'unauthorized status');
  assert.equal(storage.outboxSnapshot().length, 1);
  assert.equal(storage.outboxSnapshot()[0]?.attempts, 0, 'auth failures do not burn attempts');
  allow = true;
  await sync.syncNow();
  assert.equal(server.count('records'), 1);
  assert.equal(sync.status.error, null);
  await sync.stop();
});

test('engine: one leader at a time; the follower takes over when the leader stops', async () => {
  const server = new MemoryTransport();
  const storage = new MemorySyncStorage();
  const locks = new FakeLocks();
  const counting: Transport & { byTab: number[] } = {
    byTab: [0, 0],
    write: (r) => server.write(r),
    changes: (c) => server.changes(c),
    list: (c, t) => server.list(c, t),
  };
  const tab = (n: number): Transport => ({
    write: (r) => {
      counting.byTab[n]! += 1;
      return server.write(r);
    },
    changes: (c) => server.changes(c),
    list: (c, t) => server.list(c, t),
  });
  const one = new TimporaSync({ storage, transport: tab(0), locks, network: new FakeNetwork(), pullIntervalMs: 0 });
  const two = new TimporaSync({ storage, transport: tab(1), locks, network: new FakeNetwork(), pullIntervalMs: 0 });
  one.start();
  two.start();
  await tick();
  assert.equal(one.leader, true);
  assert.equal(two.leader, false);
  await storage.localWrite('records', 'put', entity());
  await waitFor(() => server.count('records') === 1, 'leader pushes');
  assert.deepEqual(counting.byTab, [1, 0]);
  await one.stop();
  await waitFor(() => two.leader, 'follower takes over');
  await storage.localWrite('records', 'put', entity());
  await waitFor(() => server.count('records') === 2, 'new leader pushes');
  assert.deepEqual(counting.byTab, [1, 1]);
  await two.stop();
});
