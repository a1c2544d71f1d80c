/**
 * The puller: follows the server's change feed into the local cache. The cursor lives in the `meta` store and
 * is written in the same transaction as the changes it covers. A `410 Gone` cursor triggers a full resync.
 * Remote changes never overwrite an entity with local writes waiting in the outbox: those writes are sent
 * with their base version and, if the server moved on, surface as conflicts.
 * @module
 */
import { entityKey, hasRepeats } from './entity-key.ts';
import { SyncError } from './errors.ts';
import type { LocalChange, SyncStorage, SyncStorageTx } from './storage.ts';
import type { ChangePage, Transport } from './transport.ts';
import type { OutboxEntry, RemoteChange, SyncEntity } from './types.ts';

/** Meta key of the change-feed cursor. */
export const CURSOR_KEY = 'sync.cursor';

/** What the puller needs. */
export interface PullContext {
  /** Local storage. */
  storage: SyncStorage;
  /** Server access. */
  transport: Transport;
  /** Aborts the pull. */
  signal: AbortSignal;
  /** Called after each committed page with its changes and whether it came from a resync. */
  onApplied?: (changes: LocalChange[], resync: boolean) => void;
}

/** Outcome of one pull. */
export interface PullReport {
  /** Remote changes written into the cache. */
  applied: number;
  /** Remote changes kept out because local writes are pending (or the cache was already newer). */
  skipped: number;
  /** A full resync happened (cursor was gone or absent with `resyncWhenEmpty`). */
  resynced: boolean;
  /** Pages requested (feed and list pages). */
  pages: number;
}

/**
 * Pull every change after the stored cursor. Without a cursor (first run) the feed is read from the beginning;
 * a `gone` answer (history pruned, cursor too old) switches to a full resync.
 */
export async function pull(ctx: PullContext): Promise<PullReport> {
  const report: PullReport = { applied: 0, skipped: 0, resynced: false, pages: 0 };
  const stored = await ctx.storage.transaction([], 'readonly', (tx) => tx.getMeta(CURSOR_KEY));
  let cursor: string | null = typeof stored === 'string' ? stored : null;
  // First pull (no cursor): track what the cache holds so most changes are written without reading first.
  let memo: CacheMemo | null = cursor === null ? { seeded: new Set(), known: new Map() } : null;
  // The next page is requested while the current one is written (the server and IndexedDB work side by side);
  // pages are still applied strictly in order, each with its cursor in one transaction.
  let ahead: Promise<ChangePage> | null = null;
  const fetchPage = (from: string | null): Promise<ChangePage> => {
    const p = ctx.transport.changes(from, { signal: ctx.signal });
    p.catch(() => undefined); // observed when awaited; never an unhandled rejection if dropped
    return p;
  };
  for (;;) {
    if (ctx.signal.aborted) throw new SyncError('aborted', 'Sync stopped.');
    let page: ChangePage;
    try {
      page = await (ahead ?? fetchPage(cursor));
    } catch (error) {
      ahead = null;
      if (error instanceof SyncError && error.code === 'gone') {
        memo = null; // the resync writes what the lists hold: from here on, every cached version is read
        await resync(ctx, report);
        cursor = (await ctx.storage.transaction([], 'readonly', (tx) => tx.getMeta(CURSOR_KEY))) as string;
        continue;
      }
      throw error;
    }
    ahead = page.hasMore ? fetchPage(page.cursor) : null;
    report.pages += 1;
    await applyPage(ctx, page.changes, page.cursor, report, false, memo);
    cursor = page.cursor;
    if (!page.hasMore) return report;
  }
}

/**
 * Full resync: take the feed head (or the first list page's cursor), list every collection page by page, drop
 * local entities the server no longer has (unless local writes are pending), then continue from the head.
 */
export async function resync(ctx: PullContext, report: PullReport): Promise<void> {
  report.resynced = true;
  let head: string | undefined = ctx.transport.head ? await ctx.transport.head({ signal: ctx.signal }) : undefined;
  for (const collection of ctx.storage.collections) {
    const seen = new Set<string>();
    let token: string | null = null;
    do {
      if (ctx.signal.aborted) throw new SyncError('aborted', 'Sync stopped.');
      const page = await ctx.transport.list(collection, token, { signal: ctx.signal });
      report.pages += 1;
      head ??= page.cursor;
      const changes: RemoteChange[] = page.items.map((entity) => {
        seen.add(entity.id);
        return { collection, id: entity.id, version: entity.version, deleted: false, entity };
      });
      await applyPage(ctx, changes, null, report, true);
      token = page.nextPageToken;
    } while (token);
    const removed = await ctx.storage.transaction([collection], 'readwrite', async (tx) => {
      const gone: LocalChange[] = [];
      for (const id of await tx.entityIds(collection)) {
        if (seen.has(id)) continue;
        if ((await tx.outboxFor(collection, id)).length > 0) continue;
        await tx.deleteEntity(collection, id);
        gone.push({ collection, id, op: 'delete' });
      }
      return gone;
    });
    if (removed.length > 0) {
      report.applied += removed.length;
      ctx.storage.notify(removed);
      ctx.onApplied?.(removed, true);
    }
  }
  if (head === undefined) throw new SyncError('server', 'The server gave no change-feed cursor during resync.');
  const cursor = head;
  await ctx.storage.transaction([], 'readwrite', (tx) => tx.putMeta(CURSOR_KEY, cursor));
}

async function applyPage(
  ctx: PullContext,
  changes: RemoteChange[],
  cursor: string | null,
  report: PullReport,
  fromResync: boolean,
  memo: CacheMemo | null = null,
): Promise<void> {
  const relevant = changes.filter((c) => ctx.storage.collections.includes(c.collection));
  const collections = [...new Set(relevant.map((c) => c.collection))];
  const { done, skipped } = await ctx.storage.transaction(collections, 'readwrite', async (tx) => {
    const outcome = hasRepeats(relevant) ? await applySequential(tx, relevant) : await applyPipelined(tx, relevant, memo);
    if (cursor !== null) await tx.putMeta(CURSOR_KEY, cursor);
    return outcome;
  });
  if (memo) {
    // A page naming an entity twice went one change after the other: its entities are read next time.
    const byKey = hasRepeats(relevant) ? null : new Map(relevant.map((c) => [entityKey(c), c]));
    for (const change of done) {
      const k = entityKey(change);
      const remote = byKey?.get(k);
      if (!remote) memo.known.set(k, MUST_READ);
      else if (change.op === 'delete') memo.known.delete(k);
      else memo.known.set(k, remote.version ?? remote.entity?.version ?? 0);
    }
  }
  report.skipped += skipped;
  report.applied += done.length;
  if (done.length > 0) {
    ctx.storage.notify(done);
    ctx.onApplied?.(done, fromResync);
  }
}

interface PageOutcome {
  done: LocalChange[];
  skipped: number;
}

const localChange = (c: RemoteChange): LocalChange => ({ collection: c.collection, id: c.id, op: c.deleted ? 'delete' : 'put' });

/**
 * What one pull knows about the cache without reading it, so a change can be written without a read first
 * (an IndexedDB request less per change). Used by a pull that starts without a cursor: when a collection
 * first appears, every id already cached and every id with outbox entries is marked {@link MUST_READ}; after
 * that, the only writers of the collection besides this pull are the app's local writes (each with an outbox
 * entry, which every page still reads in its own transaction, so a pending local edit is never overwritten)
 * and the outbox sender (which runs before or after a pull, never during one). So an id not in `known` is
 * absent from the cache, and a number is the version this pull wrote.
 */
interface CacheMemo {
  /** Collections whose cached ids were read. */
  seeded: Set<string>;
  /** By {@link entityKey}: the version this pull wrote, or {@link MUST_READ}. */
  known: Map<string, number | typeof MUST_READ>;
}

/** Marks an id whose cached version only a read can tell. */
const MUST_READ = 'read';

/** One change after the other (a page that names an entity twice: order matters). */
async function applySequential(tx: SyncStorageTx, changes: readonly RemoteChange[]): Promise<PageOutcome> {
  const out: PageOutcome = { done: [], skipped: 0 };
  for (const change of changes) {
    if (await applyOne(tx, change)) out.done.push(localChange(change));
    else out.skipped += 1;
  }
  return out;
}

/**
 * The whole page at once: every read is issued before the first answer is awaited, then every write, so the
 * transaction costs a few round trips to the storage instead of three per change (IndexedDB runs the
 * requests of one transaction in order; the outcome equals {@link applySequential} for distinct entities).
 * With a {@link CacheMemo}, only the entities it cannot vouch for are read.
 */
async function applyPipelined(tx: SyncStorageTx, changes: readonly RemoteChange[], memo: CacheMemo | null): Promise<PageOutcome> {
  const out: PageOutcome = { done: [], skipped: 0 };
  // One read of the outbox (usually empty or small) instead of one index lookup per change.
  const outboxRead = tx.outbox();
  const fresh = memo ? [...new Set(changes.map((c) => c.collection))].filter((c) => !memo.seeded.has(c)) : [];
  if (memo && fresh.length > 0) {
    // A collection's first page in this pull: what the cache and the outbox hold now must be read.
    const [cached, pending] = await Promise.all([Promise.all(fresh.map((c) => tx.entityIds(c))), outboxRead]);
    fresh.forEach((collection, i) => {
      memo.seeded.add(collection);
      for (const id of cached[i] ?? []) memo.known.set(entityKey({ collection, id }), MUST_READ);
    });
    for (const entry of pending) memo.known.set(entityKey(entry), MUST_READ);
  }
  const localVersion = (c: RemoteChange): Promise<number | undefined> | number | undefined => {
    if (memo) {
      const known = memo.known.get(entityKey(c));
      if (known !== MUST_READ) return known;
    }
    return tx.getEntity(c.collection, c.id).then((e) => e?.version);
  };
  const [outbox, locals] = await Promise.all([outboxRead, Promise.all(changes.map(localVersion))]);
  const pendingByKey = new Map<string, OutboxEntry[]>();
  for (const entry of outbox) {
    const k = entityKey(entry);
    // Written by the app during this pull: its cached version is read from now on.
    memo?.known.set(k, MUST_READ);
    const list = pendingByKey.get(k);
    if (list) list.push(entry);
    else pendingByKey.set(k, [entry]);
  }
  const writes: Promise<void>[] = [];
  const puts = new Map<string, SyncEntity[]>();
  changes.forEach((change, i) => {
    const decision = decide(change, pendingByKey.get(entityKey(change)) ?? [], locals[i]);
    if (decision.put) {
      const list = puts.get(change.collection);
      if (list) list.push(decision.put);
      else puts.set(change.collection, [decision.put]);
    }
    if (decision.write) writes.push(decision.write(tx));
    if (decision.applied) out.done.push(localChange(change));
    else out.skipped += 1;
  });
  for (const [collection, list] of puts) {
    if (tx.putEntities) writes.push(tx.putEntities(collection, list));
    else for (const entity of list) writes.push(tx.putEntity(collection, entity));
  }
  await Promise.all(writes);
  return out;
}

interface Decision {
  applied: boolean;
  /** The remote entity to write into the cache. */
  put?: SyncEntity;
  /** Any other write (a deletion, a conflict's newer remote version). */
  write?: (tx: SyncStorageTx) => Promise<void>;
}

/** What to do with one remote change, given the entity's pending outbox entries and its cached version. */
function decide(change: RemoteChange, pending: readonly OutboxEntry[], localVersion: number | undefined): Decision {
  if (pending.length > 0) {
    // Keep the local side; if this entity is already in conflict, show the app the newest server version.
    const blocked = pending.find((e) => e.state === 'conflict');
    if (blocked && (change.deleted || (change.version ?? 0) > (blocked.remote?.version ?? 0))) {
      blocked.remote = change.deleted ? null : (change.entity ?? null);
      return { applied: false, write: (tx) => tx.putOutbox(blocked) };
    }
    return { applied: false };
  }
  if (change.deleted) {
    if (localVersion === undefined) return { applied: false };
    return { applied: true, write: (tx) => tx.deleteEntity(change.collection, change.id) };
  }
  const entity = change.entity;
  if (!entity) return { applied: false };
  const version = change.version ?? entity.version;
  if (localVersion !== undefined && localVersion >= version) return { applied: false };
  return { applied: true, put: entity as SyncEntity };
}

/** Apply one change unless local writes are pending or the cache is already as new. */
async function applyOne(tx: SyncStorageTx, change: RemoteChange): Promise<boolean> {
  const [pending, local] = await Promise.all([tx.outboxFor(change.collection, change.id), tx.getEntity(change.collection, change.id)]);
  const decision = decide(change, pending, local?.version);
  if (decision.put) await tx.putEntity(change.collection, decision.put);
  if (decision.write) await decision.write(tx);
  return decision.applied;
}
