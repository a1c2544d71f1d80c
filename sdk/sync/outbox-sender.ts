/**
 * The outbox sender: sends local writes in `seq` order with their idempotency keys, removes an entry only
 * after the server acknowledged it, and keeps failures durable (`attempts`, `nextAttemptAt`, `state`).
 *
 * Order: writes of one entity go strictly one after the other (each rebased on the server's answer to the
 * previous one); writes of different entities may overlap up to `concurrency` requests.
 * @module
 */
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { entityKey, hasRepeats } from './entity-key.ts';
import { sameContent } from './equality.ts';
import { toSyncError, type SyncError } from './errors.ts';
import type { LocalChange, SyncStorage, SyncStorageTx } from './storage.ts';
import type { Transport, WriteRequest, WriteResult } from './transport.ts';
import type { FailedWrite, OutboxEntry, SyncConflict, SyncEntity } from './types.ts';

/** What the sender needs. */
export interface SenderContext {
  /** Local storage. */
  storage: SyncStorage;
  /** Server access. */
  transport: Transport;
  /** Requests in flight at once (different entities only). */
  concurrency: number;
  /**
   * Writes of different entities sent together when the transport has `writeBatch` (default 1: one request per
   * write). Writes of one entity still go one after the other, each in a later batch than the one before.
   */
  batchSize?: number;
  /** Retry backoff. */
  backoff: BackoffOptions;
  /** Ignore `nextAttemptAt` this time (e.g. the browser just came back online, or the app asked). */
  ignoreBackoff: boolean;
  /** Aborts the push. */
  signal: AbortSignal;
  /** Clock (tests). */
  now: () => number;
  /** Randomness of the backoff jitter (tests). */
  random: () => number;
  /** Called for each new conflict. */
  onConflict: (conflict: SyncConflict) => void;
  /** Called for each write parked as failed. */
  onFailed: (failed: FailedWrite) => void;
  /** Called for each acknowledged write. */
  onAcknowledged: (entry: OutboxEntry, result: WriteResult) => void;
}

/** Outcome of one push. */
export interface PushReport {
  /** Writes the server acknowledged (removed from the outbox). */
  acknowledged: number;
  /** Writes that hit a conflict. */
  conflicts: number;
  /** Writes parked as failed. */
  failed: number;
  /** Entries left for later (backoff or a transient failure). */
  deferred: number;
  /** The error that stopped the push early (network, unauthorized), if any. */
  stoppedBy: SyncError | null;
  /** Earliest `nextAttemptAt` among deferred entries, if any. */
  nextAttemptAt: number | null;
}

/** What an acknowledgement reads first: the entity's outbox entries and its cached entity (puts only). */
interface AckRead {
  current: OutboxEntry[];
  local: SyncEntity | undefined;
}

/** Send what is due in the outbox. Never throws for per-entry failures; they are recorded on the entries. */
export async function pushOutbox(ctx: SenderContext): Promise<PushReport> {
  const report: PushReport = {
    acknowledged: 0,
    conflicts: 0,
    failed: 0,
    deferred: 0,
    stoppedBy: null,
    nextAttemptAt: null,
  };
  const entries = await ctx.storage.transaction([], 'readonly', (tx) => tx.outbox());
  const groups = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const key = entityKey(entry);
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  const queue = [...groups.values()];
  let stop = false;
  const changes: LocalChange[] = [];
  const acks: Array<{
    entry: OutboxEntry;
    result: WriteResult;
    resolve: (next: OutboxEntry | undefined) => void;
    reject: (error: unknown) => void;
  }> = [];
  let flushing: Promise<void> | null = null;

  const deferUntil = (at: number): void => {
    report.deferred += 1;
    report.nextAttemptAt = report.nextAttemptAt === null ? at : Math.min(report.nextAttemptAt, at);
  };

  const requestOf = (entry: OutboxEntry): WriteRequest => ({
    collection: entry.collection,
    op: entry.op,
    id: entry.id,
    ...(entry.entity ? { entity: entry.entity } : {}),
    baseVersion: entry.baseVersion,
    idempotencyKey: entry.idempotencyKey,
  });

  /** True when `entry` may be sent now (records the deferral when it waits for its backoff). */
  const ready = (entry: OutboxEntry): boolean => {
    if (entry.state === 'failed' || entry.state === 'conflict') return false;
    if (!ctx.ignoreBackoff && entry.nextAttemptAt > ctx.now()) {
      deferUntil(entry.nextAttemptAt);
      return false;
    }
    return true;
  };

  /** Send one write alone; resolves with the entity's next entry to send (undefined: nothing more now). */
  const sendOne = async (entry: OutboxEntry): Promise<OutboxEntry | undefined> => {
    let result: WriteResult;
    try {
      result = await ctx.transport.write(requestOf(entry), { signal: ctx.signal });
    } catch (thrown) {
      const error = toSyncError(thrown);
      const recognised = recogniseOwnWrite(entry, error);
      if (!recognised) {
        await recordFailure(entry, error);
        return undefined;
      }
      result = recognised;
    }
    return acknowledge(entry, result);
  };

  const runGroup = async (group: OutboxEntry[]): Promise<void> => {
    let entry: OutboxEntry | undefined = group[0];
    while (entry && !stop && !ctx.signal.aborted) {
      if (!ready(entry)) return;
      entry = await sendOne(entry);
    }
  };

  /**
   * Several entities at once: their first due writes in one batch, then their next writes in the next batch.
   * Only successes are taken from a batch; every other write is sent alone, so failures are classified,
   * retried and recorded exactly as without batching.
   */
  const runBatch = (writeBatch: NonNullable<Transport['writeBatch']>) => async (groups: OutboxEntry[][]): Promise<void> => {
    let heads: Array<OutboxEntry | undefined> = groups.map((g) => g[0]);
    while (!stop && !ctx.signal.aborted) {
      const due = heads.filter((e): e is OutboxEntry => e !== undefined && ready(e));
      if (due.length === 0) return;
      const results = await writeBatch(due.map(requestOf), { signal: ctx.signal });
      const acked = await Promise.all(due.map((entry, i) => {
        const result = results[i];
        return result ? acknowledge(entry, result) : Promise.resolve(null);
      }));
      heads = [];
      for (let i = 0; i < due.length; i++) {
        const next = acked[i];
        if (next !== null) heads.push(next);
        else if (!stop && !ctx.signal.aborted) heads.push(await sendOne(due[i]!));
      }
    }
  };

  /**
   * Remove the entry, rebase the next write of the entity, refresh the cache when nothing else is waiting.
   * Acknowledgements that arrive while a batch is being committed are committed together in the next
   * transaction (one IndexedDB commit per batch instead of one per write).
   */
  const acknowledge = (entry: OutboxEntry, result: WriteResult): Promise<OutboxEntry | undefined> =>
    new Promise((resolve, reject) => {
      acks.push({ entry, result, resolve, reject });
      if (!flushing) flushing = flushAcks();
    });

  const flushAcks = async (): Promise<void> => {
    try {
      while (acks.length > 0) {
        const batch = acks.splice(0);
        const collections = [...new Set(batch.map((a) => a.entry.collection))];
        try {
          const nexts = await ctx.storage.transaction(collections, 'readwrite', (tx) => ackAll(tx, batch));
          batch.forEach((a, i) => {
            const next = nexts[i];
            if (next !== null) {
              report.acknowledged += 1;
              ctx.onAcknowledged(a.entry, a.result);
            }
            a.resolve(next ?? undefined);
          });
        } catch (error) {
          for (const a of batch) a.reject(error);
        }
      }
    } finally {
      flushing = null;
    }
  };

  /**
   * Acknowledge a batch in one transaction. Entries of distinct entities (the usual case: an entity's next
   * write is sent only after its previous one was acknowledged) are read together (their outbox entries and
   * cached entities in one round of requests) and written together; a batch naming an entity twice goes
   * one entry after the other, as order matters there.
   */
  const ackAll = async (tx: SyncStorageTx, batch: ReadonlyArray<{ entry: OutboxEntry; result: WriteResult }>): Promise<Array<OutboxEntry | undefined | null>> => {
    if (hasRepeats(batch.map((a) => a.entry))) {
      const out: Array<OutboxEntry | undefined | null> = [];
      for (const a of batch) out.push(await ackOne(tx, a.entry, a.result, await readAck(tx, a.entry, a.result)));
      return out;
    }
    const reads = await Promise.all(batch.map((a) => readAck(tx, a.entry, a.result)));
    return Promise.all(batch.map((a, i) => ackOne(tx, a.entry, a.result, reads[i]!)));
  };

  /** What acknowledging `entry` needs to read: the entity's outbox entries and, for a put, its cached version. */
  const readAck = async (tx: SyncStorageTx, entry: OutboxEntry, result: WriteResult): Promise<AckRead> => {
    const [current, local] = await Promise.all([
      tx.outboxFor(entry.collection, entry.id),
      entry.op === 'put' && result.entity ? tx.getEntity(entry.collection, entry.id) : undefined,
    ]);
    return { current, local };
  };

  /**
   * Remove the entry and rebase the entity's next write, or refresh the cache when nothing else is waiting.
   * `null` when the entry was already gone (resolved or removed elsewhere).
   */
  const ackOne = async (tx: SyncStorageTx, entry: OutboxEntry, result: WriteResult, read: AckRead): Promise<OutboxEntry | undefined | null> => {
    const { current, local } = read;
    if (!current.some((e) => e.seq === entry.seq)) return null;
    const deleted = tx.deleteOutbox(entry.seq);
    const following = current.find((e) => e.seq > entry.seq);
    if (following) {
      following.baseVersion = entry.op === 'delete' && following.op === 'put' ? 0 : result.version;
      await Promise.all([deleted, tx.putOutbox(following)]);
      return following;
    }
    if (entry.op === 'put' && result.entity && (!local || local.version <= result.entity.version)) {
      changes.push({ collection: entry.collection, id: entry.id, op: 'put' });
      await Promise.all([deleted, tx.putEntity(entry.collection, result.entity)]);
    } else await deleted;
    return undefined;
  };

  const recordFailure = async (entry: OutboxEntry, error: SyncError): Promise<void> => {
    switch (error.code) {
      case 'conflict': {
        const remote = (error.current ?? null) as SyncEntity | null;
        const stored = await ctx.storage.transaction([entry.collection], 'readwrite', async (tx) => {
          const fresh = (await tx.outboxFor(entry.collection, entry.id)).find((e) => e.seq === entry.seq);
          if (!fresh) return null;
          fresh.state = 'conflict';
          fresh.remote = remote;
          fresh.conflictAt = ctx.now();
          fresh.lastError = error.code;
          fresh.failure = error.toJSON();
          await tx.putOutbox(fresh);
          return buildConflict(tx, fresh);
        });
        if (stored) {
          report.conflicts += 1;
          ctx.onConflict(stored);
        }
        return;
      }
      case 'validation':
      case 'forbidden':
      case 'precondition_required': {
        const stored = await markFailed(ctx.storage, entry, error);
        if (stored) {
          report.failed += 1;
          ctx.onFailed(toFailedWrite(stored));
        }
        return;
      }
      case 'unauthorized':
      case 'aborted':
        stop = true;
        report.stoppedBy = error;
        return;
      case 'gone':
      case 'network':
      case 'timeout':
      case 'server':
      default: {
        const attempts = entry.attempts + 1;
        const wait = Math.max(backoffDelay(attempts, ctx.backoff, ctx.random), (error.retryAfter ?? 0) * 1000);
        const at = ctx.now() + wait;
        await ctx.storage.transaction([], 'readwrite', async (tx) => {
          const fresh = (await tx.outboxFor(entry.collection, entry.id)).find((e) => e.seq === entry.seq);
          if (!fresh) return;
          fresh.attempts = attempts;
          fresh.nextAttemptAt = at;
          fresh.lastError = error.code;
          fresh.failure = error.toJSON();
          await tx.putOutbox(fresh);
        });
        deferUntil(at);
        if (error.code === 'network' || error.code === 'timeout') {
          // The whole connection is in doubt: stop and let the engine back off as a whole.
          stop = true;
          report.stoppedBy = error;
        } else if (!report.stoppedBy) {
          report.stoppedBy = error;
        }
      }
    }
  };

  const workers: Promise<void>[] = [];
  const width = Math.max(1, ctx.concurrency);
  const batchSize = ctx.transport.writeBatch ? Math.max(1, Math.floor(ctx.batchSize ?? 1)) : 1;
  const batched = batchSize > 1 && ctx.transport.writeBatch ? runBatch(ctx.transport.writeBatch.bind(ctx.transport)) : null;
  for (let w = 0; w < width; w++) {
    workers.push(
      (async () => {
        while (!stop && !ctx.signal.aborted) {
          const groups = queue.splice(0, batched ? batchSize : 1);
          if (groups.length === 0) return;
          try {
            if (batched) await batched(groups);
            else await runGroup(groups[0]!);
          } catch (error) {
            // Local storage failed (e.g. quota, connection lost): stop; the entries stay and are resent later.
            stop = true;
            report.stoppedBy ??= toSyncError(error);
          }
        }
      })(),
    );
  }
  await Promise.all(workers);
  await flushing;
  if (changes.length > 0) ctx.storage.notify(changes);
  return report;
}

/**
 * A "conflict" that is really our own earlier attempt: the server applied it, the answer was lost, and the
 * retry now finds the server already holding exactly our content. Treat as acknowledged.
 */
function recogniseOwnWrite(entry: OutboxEntry, error: SyncError): WriteResult | null {
  if (error.code !== 'conflict') return null;
  const current = error.current;
  if (entry.op === 'delete') {
    return current === null ? { entity: null, version: entry.baseVersion } : null;
  }
  if (!current || !entry.entity) return null;
  if (!sameContent(entry.entity, current)) return null;
  const version = typeof current['version'] === 'number' ? current['version'] : entry.baseVersion + 1;
  return { entity: current as SyncEntity, version };
}

async function markFailed(storage: SyncStorage, entry: OutboxEntry, error: SyncError): Promise<OutboxEntry | null> {
  return storage.transaction([], 'readwrite', async (tx) => {
    const fresh = (await tx.outboxFor(entry.collection, entry.id)).find((e) => e.seq === entry.seq);
    if (!fresh) return null;
    fresh.state = 'failed';
    fresh.lastError = error.code;
          fresh.failure = error.toJSON();
    await tx.putOutbox(fresh);
    return fresh;
  });
}

/** Build the app-facing conflict from the blocked entry (first `conflict` entry of the entity). */
export async function buildConflict(tx: SyncStorageTx, entry: OutboxEntry): Promise<SyncConflict> {
  const pending = await tx.outboxFor(entry.collection, entry.id);
  const local = (await tx.getEntity(entry.collection, entry.id)) ?? null;
  return {
    collection: entry.collection,
    id: entry.id,
    local,
    remote: entry.remote ?? null,
    pendingWrites: pending.length,
    detectedAt: entry.conflictAt ?? 0,
  };
}

/** App-facing form of a failed entry. */
export function toFailedWrite(entry: OutboxEntry): FailedWrite {
  return {
    seq: entry.seq,
    collection: entry.collection,
    id: entry.id,
    op: entry.op,
    ...(entry.entity ? { entity: entry.entity } : {}),
    error: entry.failure ?? { code: 'server', message: 'Unknown failure.' },
  };
}
