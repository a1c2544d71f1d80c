/**
 * The sync engine's view of the local database. {@link IdbSyncStorage} works on the `sdk/store` IndexedDB
 * database (collection stores, `outbox`, `meta`); {@link MemorySyncStorage} backs tests and non-browser use.
 *
 * Every engine step that touches more than one thing (apply a page of changes and its cursor; remove an
 * acknowledged entry and rebase the next one) runs inside one {@link SyncStorage.transaction}, so a crash
 * leaves either the old or the new state, never half of it.
 * @module
 */
import type { OutboxEntry, SyncEntity } from './types.ts';

/** A local entity change made by the sync engine, announced to listeners and other tabs. */
export interface LocalChange {
  /** Collection of the entity. */
  collection: string;
  /** Entity id. */
  id: string;
  /** `put` (written) or `delete` (removed). */
  op: 'put' | 'delete';
}

/**
 * Operations available inside one atomic transaction. Implementations must only await their own requests
 * inside (IndexedDB commits a transaction as soon as it is left idle).
 */
export interface SyncStorageTx {
  /** The cached entity, if any. */
  getEntity(collection: string, id: string): Promise<SyncEntity | undefined>;
  /** Write an entity into the cache. */
  putEntity(collection: string, entity: SyncEntity): Promise<void>;
  /**
   * Write several entities of one collection into the cache (a pulled page). Optional: without it the engine
   * calls {@link SyncStorageTx.putEntity} for each. IndexedDB issues the writes without a callback each and
   * waits for the last one (requests of a transaction complete in order; a failed one aborts the transaction).
   */
  putEntities?(collection: string, entities: readonly SyncEntity[]): Promise<void>;
  /** Remove an entity from the cache. */
  deleteEntity(collection: string, id: string): Promise<void>;
  /** Ids of all entities of a collection (full resync). */
  entityIds(collection: string): Promise<string[]>;
  /** All outbox entries in `seq` order. */
  outbox(): Promise<OutboxEntry[]>;
  /** Outbox entries of one entity in `seq` order. */
  outboxFor(collection: string, id: string): Promise<OutboxEntry[]>;
  /** Replace an entry (same `seq`). */
  putOutbox(entry: OutboxEntry): Promise<void>;
  /** Append an entry; returns its `seq`. */
  addOutbox(entry: Omit<OutboxEntry, 'seq'>): Promise<number>;
  /** Remove an outbox entry. */
  deleteOutbox(seq: number): Promise<void>;
  /** A meta value (e.g. the feed cursor). */
  getMeta(key: string): Promise<unknown>;
  /** Write a meta value. */
  putMeta(key: string, value: unknown): Promise<void>;
}

/** Transactional access to entities, outbox and meta. */
export interface SyncStorage {
  /** Collections the engine syncs, e.g. `['records', 'operations', 'agencies']`. */
  readonly collections: readonly string[];
  /**
   * Run `fn` in one transaction over the given collections plus `outbox` and `meta`.
   * `mode` `readonly` may be used for reads only.
   */
  transaction<T>(
    collections: readonly string[],
    mode: 'readonly' | 'readwrite',
    fn: (tx: SyncStorageTx) => Promise<T>,
  ): Promise<T>;
  /** Tell this tab and other tabs that the engine changed these entities (after its transaction committed). */
  notify(changes: LocalChange[]): void;
  /** Listen to local writes made by the app (this tab and others); used to push promptly. Returns an unsubscribe. */
  onLocalWrite(listener: () => void): () => void;
  /** Release resources (channels, connections) owned by the storage adapter. */
  close?(): void;
}

/** A fresh idempotency key (UUID v4). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
