/**
 * Shapes the sync layer moves around: outbox entries (written by `sdk/store`), remote changes, conflicts
 * and the status snapshot.
 * @module
 */
import type { SyncErrorInfo } from './errors.ts';

/**
 * Any entity the sync layer carries: it has a client-generated `id` and a server-assigned `version`.
 * `ForeignerRecord`, `Operation` and `Agency` from `sdk/model` all fit.
 */
export interface SyncEntity {
  /** Entity id. */
  id: string;
  /** Server version (0 before the first acknowledged write). */
  version: number;
  [field: string]: unknown;
}

/** Where an outbox entry stands. `pending` is the default when the store wrote it. */
export type OutboxState = 'pending' | 'failed' | 'conflict';

/**
 * One local write waiting to reach the server. `sdk/store` adds it in the same IndexedDB transaction as the
 * local write; the sync layer removes it only after the server acknowledged it.
 */
export interface OutboxEntry {
  /** Auto-increment key; the send order. */
  seq: number;
  /** Collection (object store) name, e.g. `records`, `operations`. */
  collection: string;
  /** `put` or `delete`. */
  op: 'put' | 'delete';
  /** Entity id. */
  id: string;
  /** Full entity for `put`. */
  entity?: SyncEntity;
  /** Server version this write was based on; `0` (or less) means a create. */
  baseVersion: number;
  /** Sent as `Idempotency-Key`; replays return the first answer. */
  idempotencyKey: string;
  /** Failed send attempts so far (durable, drives the backoff). */
  attempts: number;
  /** Epoch ms before which the entry is not retried. */
  nextAttemptAt: number;
  /** When the local write happened (epoch ms or ISO string, as the store wrote it). */
  createdAt: number | string;
  /** Sync-owned: `failed` needs the app (validation/forbidden), `conflict` waits for {@link SyncConflict} resolution. */
  state?: OutboxState;
  /** Sync-owned: code of the last failure (`network`, `validation`, ...). */
  lastError?: string;
  /** Sync-owned: the last failure in full (issues included), persisted so it survives reload. */
  failure?: SyncErrorInfo;
  /** Sync-owned: for `conflict`, the server's version at detection time (`null` = deleted on the server). */
  remote?: SyncEntity | null;
  /** Sync-owned: when the conflict was detected (epoch ms). */
  conflictAt?: number;
}

/** A change from the server's feed. */
export interface RemoteChange {
  /** Collection of the entity. */
  collection: string;
  /** Entity id. */
  id: string;
  /** Server version after the change (known for upserts; deletions may leave it out). */
  version?: number;
  /** True when the entity was deleted on the server. */
  deleted: boolean;
  /** The entity after the change (absent for deletions). */
  entity?: SyncEntity;
}

/**
 * A write whose base version no longer matches the server. Both sides are kept until the app resolves it
 * with `sync.resolve(id, 'local' | 'remote' | merged)`; nothing is overwritten silently.
 */
export interface SyncConflict {
  /** Collection of the entity. */
  collection: string;
  /** Entity id. */
  id: string;
  /** The local version as the person sees it now (`null` when deleted locally). */
  local: SyncEntity | null;
  /** The server's current version (`null` when deleted on the server). */
  remote: SyncEntity | null;
  /** Number of local writes waiting behind this conflict. */
  pendingWrites: number;
  /** Epoch ms of detection. */
  detectedAt: number;
}

/** A write the server refused for its content or permissions; the app fixes or discards it. */
export interface FailedWrite {
  /** Outbox sequence number (use it to retry or discard). */
  seq: number;
  /** Collection of the entity. */
  collection: string;
  /** Entity id. */
  id: string;
  /** `put` or `delete`. */
  op: 'put' | 'delete';
  /** The entity that was sent (puts). */
  entity?: SyncEntity;
  /** Why the server refused it. */
  error: SyncErrorInfo;
}

/** Overall state, in the order a status element should show it. */
export type SyncState = 'offline' | 'syncing' | 'error' | 'pending' | 'idle';

/** A snapshot of the sync status, also posted to follower tabs. */
export interface SyncStatus {
  /** Summary state: `offline`, `syncing`, `error` (needs attention), `pending` (writes waiting), `idle`. */
  state: SyncState;
  /** Browser says online and the last request did not fail at the network level. */
  online: boolean;
  /** This tab leads syncing (holds the Web Lock). */
  leader: boolean;
  /** A push or pull is running. */
  syncing: boolean;
  /** Local writes not yet acknowledged by the server (including failed and conflicting ones). */
  pending: number;
  /** Writes refused by the server that need the app. */
  failed: number;
  /** Unresolved conflicts. */
  conflicts: number;
  /** The last error that needs attention (cleared by the next success). */
  error: SyncErrorInfo | null;
  /** Epoch ms of the last complete push + pull. */
  lastSyncedAt: number | null;
}
