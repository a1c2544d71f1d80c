/**
 * The puller: follows the server's change feed into the local cache. The cursor lives in the `meta` store and
 * is written in the same transaction as the changes it covers. A `410 Gone` cursor triggers a full resync.
 * Remote changes never overwrite an entity with local writes waiting in the outbox: those writes are sent
 * with their base version and, if the server moved on, surface as conflicts.
 * @module
 */
import { SyncError } from './errors.ts';
import type { LocalChange, SyncStorage, SyncStorageTx } from './storage.ts';
import type { Transport } from './transport.ts';
import type { RemoteChange, SyncEntity } from './types.ts';

/** Meta key of the change-feed cursor. */
export const CURSOR_KEY = 'sync.cursor';

/** What the puller needs. */
export interface PullContext {
  storage: SyncStorage;
  transport: Transport;
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
  for (;;) {
    if (ctx.signal.aborted) throw new SyncError('aborted', 'Sync stopped.');
    let page;
    try {
      page = await ctx.transport.changes(cursor, { signal: ctx.signal });
    } catch (error) {
      if (error instanceof SyncError && error.code === 'gone') {
        await resync(ctx, report);
        cursor = (await ctx.storage.transaction([], 'readonly', (tx) => tx.getMeta(CURSOR_KEY))) as string;
        continue;
      }
      throw error;
    }
    report.pages += 1;
    await applyPage(ctx, page.changes, page.cursor, report, false);
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
): Promise<void> {
  const collections = [...new Set(changes.map((c) => c.collection))].filter((c) =>
    ctx.storage.collections.includes(c),
  );
  const applied = await ctx.storage.transaction(collections, 'readwrite', async (tx) => {
    const done: LocalChange[] = [];
    for (const change of changes) {
      if (!ctx.storage.collections.includes(change.collection)) continue;
      if (await applyOne(tx, change)) {
        done.push({ collection: change.collection, id: change.id, op: change.deleted ? 'delete' : 'put' });
      } else {
        report.skipped += 1;
      }
    }
    if (cursor !== null) await tx.putMeta(CURSOR_KEY, cursor);
    return done;
  });
  report.applied += applied.length;
  if (applied.length > 0) {
    ctx.storage.notify(applied);
    ctx.onApplied?.(applied, fromResync);
  }
}

/** Apply one change unless local writes are pending or the cache is already as new. */
async function applyOne(tx: SyncStorageTx, change: RemoteChange): Promise<boolean> {
  const pending = await tx.outboxFor(change.collection, change.id);
  if (pending.length > 0) {
    // Keep the local side; if this entity is already in conflict, show the app the newest server version.
    const blocked = pending.find((e) => e.state === 'conflict');
    if (blocked && (change.deleted || (change.version ?? 0) > (blocked.remote?.version ?? 0))) {
      blocked.remote = change.deleted ? null : (change.entity ?? null);
      await tx.putOutbox(blocked);
    }
    return false;
  }
  const local = await tx.getEntity(change.collection, change.id);
  if (change.deleted) {
    if (!local) return false;
    await tx.deleteEntity(change.collection, change.id);
    return true;
  }
  if (!change.entity) return false;
  const version = change.version ?? change.entity.version;
  if (local && local.version >= version) return false;
  await tx.putEntity(change.collection, change.entity as SyncEntity);
  return true;
}
