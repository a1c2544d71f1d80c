/**
 * The transport seam: how the sync engine talks to a server. {@link HttpTransport} implements the Timpora
 * HTTP contract (`docs/openapi.yaml`); agencies with their own backend implement {@link Transport} instead.
 *
 * ## Writing an adapter for another backend
 * An adapter must keep these promises; the engine's guarantees (nothing lost, nothing duplicated, no silent
 * overwrite) rest on them:
 * 1. **Idempotent writes.** `write()` is retried with the same `idempotencyKey` after timeouts, crashes and
 *    network failures. A repeated key must not apply the write twice: answer with the first result (or, for an
 *    update already applied, a `conflict` whose `current` equals the sent entity; the engine recognises that).
 * 2. **Optimistic concurrency.** An update (`baseVersion > 0`) must only apply when the server's version equals
 *    `baseVersion`; otherwise throw `SyncError('conflict', ..., { current })` with the server's entity (or
 *    `current: null` when it was deleted). A create (`baseVersion <= 0`) of an id that exists is a conflict too.
 * 3. **Typed failures.** Throw {@link SyncError} with the right code: `network`/`timeout`/`server` are retried
 *    with backoff; `validation`/`forbidden` park the write for the app; `unauthorized` pauses sync.
 * 4. **A change feed.** `changes(cursor)` returns every change after `cursor` in order, with a new cursor; a
 *    cursor the server can no longer serve throws `SyncError('gone')`, which makes the engine list every
 *    collection with `list()` (full resync) and continue from the `cursor` of the first listed page.
 *    `changes(null)` starts at the beginning of history (the initial load).
 * @module
 */
import type { RemoteChange, SyncEntity } from './types.ts';

/** Per-call options. */
export interface TransportCallOptions {
  /** Aborts the request (the engine aborts when sync stops). */
  signal?: AbortSignal;
}

/** One write to send; built from an outbox entry. */
export interface WriteRequest {
  /** Collection of the entity. */
  collection: string;
  /** `put` or `delete`. */
  op: 'put' | 'delete';
  /** Entity id. */
  id: string;
  /** Full entity for `put`. */
  entity?: SyncEntity;
  /** Server version the write is based on (`If-Match`); `<= 0` means create. */
  baseVersion: number;
  /** `Idempotency-Key`; stable across retries of the same write. */
  idempotencyKey: string;
}

/** The server's acknowledgement of a write. */
export interface WriteResult {
  /** The entity as the server stored it (`null` after a delete). */
  entity: SyncEntity | null;
  /** The server's version after the write (for a delete: the tombstone version, or `baseVersion`). */
  version: number;
}

/** One page of the change feed. */
export interface ChangePage {
  /** Changes in feed order. */
  changes: RemoteChange[];
  /** Cursor to ask from next time; store it only after applying `changes`. */
  cursor: string;
  /** More changes are waiting right away. */
  hasMore: boolean;
}

/** One page of a collection listing (full resync). */
export interface ListPage {
  /** Entities of this page. */
  items: SyncEntity[];
  /** Opaque token for the next page, `null` at the end. */
  nextPageToken: string | null;
  /** Change-feed cursor read before this page; a resync continues from the first page's cursor. */
  cursor?: string;
}

/** What the sync engine needs from a backend. */
export interface Transport {
  /** Send one write. Throws {@link SyncError} on failure. */
  write(request: WriteRequest, options?: TransportCallOptions): Promise<WriteResult>;
  /**
   * Optional fast path: several writes of DIFFERENT entities in one round trip, each with the semantics of
   * {@link Transport.write}. Returns one slot per request, in order: the result when the server applied (or
   * replayed) it, or `null` when this write is to be sent on its own with {@link Transport.write} (any
   * failure, or the batch itself failing: the per-request idempotency keys make the resend safe).
   */
  writeBatch?(requests: readonly WriteRequest[], options?: TransportCallOptions): Promise<Array<WriteResult | null>>;
  /** Changes after `cursor` (`null` = from the beginning). Throws `SyncError('gone')` when too old. */
  changes(cursor: string | null, options?: TransportCallOptions): Promise<ChangePage>;
  /**
   * Optional: the feed's head cursor right now. When absent, a resync uses the `cursor` of its first list page.
   */
  head?(options?: TransportCallOptions): Promise<string>;
  /** One page of a collection, for a full resync. */
  list(collection: string, pageToken: string | null, options?: TransportCallOptions): Promise<ListPage>;
}
