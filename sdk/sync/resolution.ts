/**
 * What the app can do with conflicts and failed writes. All changes run in one transaction with the cache,
 * so a reload in the middle never leaves half a resolution.
 * @module
 */
import { SyncError } from './errors.ts';
import { buildConflict, toFailedWrite } from './outbox-sender.ts';
import { newIdempotencyKey, type LocalChange, type SyncStorage, type SyncStorageTx } from './storage.ts';
import type { FailedWrite, OutboxEntry, SyncConflict, SyncEntity } from './types.ts';

/** How to settle a conflict: keep the local version, take the server's, or send a merged entity. */
export type ConflictChoice = 'local' | 'remote' | SyncEntity;

/** Every unresolved conflict, oldest first. */
export async function listConflicts(storage: SyncStorage): Promise<SyncConflict[]> {
  return storage.transaction(storage.collections, 'readonly', async (tx) => {
    const out: SyncConflict[] = [];
    for (const entry of await tx.outbox()) {
      if (entry.state === 'conflict') out.push(await buildConflict(tx, entry));
    }
    return out;
  });
}

/** Every write the server refused (validation, forbidden), oldest first. */
export async function listFailed(storage: SyncStorage): Promise<FailedWrite[]> {
  return storage.transaction([], 'readonly', async (tx) =>
    (await tx.outbox()).filter((e) => e.state === 'failed').map(toFailedWrite),
  );
}

async function findCollection(storage: SyncStorage, id: string, state: 'conflict' | 'failed'): Promise<string> {
  const entry = await storage.transaction([], 'readonly', async (tx) =>
    (await tx.outbox()).find((e) => e.id === id && e.state === state),
  );
  if (!entry) throw new SyncError('not_found', `No ${state} write for this id.`);
  return entry.collection;
}

/**
 * Settle the conflict of entity `id`.
 * - `'remote'`: drop the local writes of the entity and store the server's version locally.
 * - `'local'`: send the local writes again, now based on the server's current version (they win).
 * - a merged entity: store it locally and send it (replacing the entity's pending writes) based on the
 *   server's current version.
 * @returns the local changes made (already announced through `storage.notify`)
 */
export async function resolveConflict(
  storage: SyncStorage,
  id: string,
  choice: ConflictChoice,
  collection?: string,
): Promise<LocalChange[]> {
  const coll = collection ?? (await findCollection(storage, id, 'conflict'));
  const changes = await storage.transaction([coll], 'readwrite', async (tx) => {
    const entries = await tx.outboxFor(coll, id);
    const blocked = entries.find((e) => e.state === 'conflict');
    if (!blocked) throw new SyncError('not_found', 'The conflict is no longer there (resolved elsewhere?).');
    const remote = blocked.remote ?? null;
    if (choice === 'remote') {
      for (const e of entries) await tx.deleteOutbox(e.seq);
      if (remote) await tx.putEntity(coll, remote);
      else await tx.deleteEntity(coll, id);
      return [{ collection: coll, id, op: remote ? 'put' : 'delete' } satisfies LocalChange];
    }
    if (choice === 'local') {
      if (blocked.op === 'delete' && remote === null) {
        // Both sides deleted it: the delete is done.
        await tx.deleteOutbox(blocked.seq);
        const next = entries.find((e) => e.seq > blocked.seq);
        if (next) {
          next.baseVersion = 0;
          await tx.putOutbox(next);
        }
        return [];
      }
      await tx.putOutbox(rearm(blocked, remote?.version ?? 0));
      return [];
    }
    for (const e of entries) await tx.deleteOutbox(e.seq);
    const base = remote?.version ?? 0;
    const merged: SyncEntity = { ...choice, id, version: base + 1 };
    await tx.putEntity(coll, merged);
    await tx.addOutbox({
      collection: coll,
      op: 'put',
      id,
      entity: merged,
      baseVersion: base,
      idempotencyKey: newIdempotencyKey(),
      attempts: 0,
      nextAttemptAt: 0,
      createdAt: Date.now(),
    });
    return [{ collection: coll, id, op: 'put' } satisfies LocalChange];
  });
  if (changes.length > 0) storage.notify(changes);
  return changes;
}

/** A blocked entry made sendable again on top of `baseVersion`, with a fresh idempotency key. */
function rearm(entry: OutboxEntry, baseVersion: number): OutboxEntry {
  const next: OutboxEntry = {
    ...entry,
    state: 'pending',
    baseVersion,
    idempotencyKey: newIdempotencyKey(),
    attempts: 0,
    nextAttemptAt: 0,
  };
  delete next.remote;
  delete next.conflictAt;
  delete next.lastError;
  delete next.failure;
  return next;
}

async function failedEntry(tx: SyncStorageTx, seq: number): Promise<OutboxEntry> {
  const entry = (await tx.outbox()).find((e) => e.seq === seq);
  if (!entry || entry.state !== 'failed') throw new SyncError('not_found', 'No failed write with this number.');
  return entry;
}

/**
 * Send a failed write again, optionally with a corrected entity (e.g. after the person fixed the fields the
 * server flagged). The corrected entity also becomes the local version when no later write follows.
 */
export async function retryFailed(storage: SyncStorage, seq: number, corrected?: SyncEntity): Promise<LocalChange[]> {
  const collection = await storage.transaction([], 'readonly', async (tx) => (await failedEntry(tx, seq)).collection);
  const changes = await storage.transaction([collection], 'readwrite', async (tx) => {
    const entry = await failedEntry(tx, seq);
    const armed = rearm(entry, entry.baseVersion);
    const out: LocalChange[] = [];
    if (corrected && entry.op === 'put') {
      const version = entry.entity?.version ?? entry.baseVersion + 1;
      armed.entity = { ...corrected, id: entry.id, version };
      const later = (await tx.outboxFor(collection, entry.id)).filter((e) => e.seq > seq);
      if (later.length === 0) {
        await tx.putEntity(collection, armed.entity);
        out.push({ collection, id: entry.id, op: 'put' });
      }
    }
    await tx.putOutbox(armed);
    return out;
  });
  if (changes.length > 0) storage.notify(changes);
  return changes;
}

/**
 * Give up a failed write. The next write of the same entity (if any) takes its base version. Without one,
 * a discarded create removes the local entity (the server never had it); a discarded update keeps the local
 * content but marks it as the old version, so the next server change for it replaces it.
 */
export async function discardFailed(storage: SyncStorage, seq: number): Promise<LocalChange[]> {
  const collection = await storage.transaction([], 'readonly', async (tx) => (await failedEntry(tx, seq)).collection);
  const changes = await storage.transaction([collection], 'readwrite', async (tx) => {
    const entry = await failedEntry(tx, seq);
    await tx.deleteOutbox(seq);
    const next = (await tx.outboxFor(collection, entry.id)).find((e) => e.seq > seq);
    if (next) {
      next.baseVersion = entry.baseVersion;
      await tx.putOutbox(next);
      return [];
    }
    if (entry.baseVersion <= 0) {
      await tx.deleteEntity(collection, entry.id);
      return [{ collection, id: entry.id, op: 'delete' } satisfies LocalChange];
    }
    const local = await tx.getEntity(collection, entry.id);
    if (local) {
      await tx.putEntity(collection, { ...local, version: entry.baseVersion });
      return [{ collection, id: entry.id, op: 'put' } satisfies LocalChange];
    }
    return [];
  });
  if (changes.length > 0) storage.notify(changes);
  return changes;
}
