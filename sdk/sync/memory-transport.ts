/**
 * {@link MemoryTransport}: an in-process server with the contract's semantics (versions and If-Match,
 * idempotency keys, a change feed with pruning and `gone`, paged lists). For tests, demos without a server,
 * and as an executable description of what a {@link Transport} adapter must do.
 * @module
 */
import { SyncError } from './errors.ts';
import type { ChangePage, ListPage, Transport, TransportCallOptions, WriteRequest, WriteResult } from './transport.ts';
import type { RemoteChange, SyncEntity } from './types.ts';

interface FeedRow {
  seq: number;
  collection: string;
  id: string;
  deleted: boolean;
}

/** Options of {@link MemoryTransport}. */
export interface MemoryTransportOptions {
  /** Change-feed page size (default 100). */
  pageSize?: number;
  /** Validate an entity before it is stored; return issues to refuse with `validation`. */
  validate?: (
    collection: string,
    entity: SyncEntity,
  ) => Array<{
    /** Dotted field path. */
    path: string;
    /** Validation code. */
    code: string;
  }>;
}

/** The in-memory server. */
export class MemoryTransport implements Transport {
  readonly #entities = new Map<string, Map<string, SyncEntity>>();
  readonly #idempotency = new Map<string, { fingerprint: string; result: WriteResult }>();
  #feed: FeedRow[] = [];
  #seq = 0;
  /** Feed entries with seq <= this were pruned; older cursors are `gone`. */
  #prunedUpTo = 0;
  readonly #pageSize: number;
  readonly #validate: MemoryTransportOptions['validate'];
  /** Number of writes actually applied (not replays), per entity key; tests check "no duplicates" with it. */
  readonly appliedWrites = new Map<string, number>();
  /** Every request received, in order (tests). */
  readonly log: Array<{
    /** Which call. */
    kind: 'write' | 'changes' | 'list';
    /** What it asked for. */
    detail: string;
  }> = [];

  constructor(options: MemoryTransportOptions = {}) {
    this.#pageSize = options.pageSize ?? 100;
    this.#validate = options.validate;
  }

  async write(request: WriteRequest, _options?: TransportCallOptions): Promise<WriteResult> {
    this.log.push({ kind: 'write', detail: `${request.op} ${request.collection}/${request.id}@${request.baseVersion}` });
    const fingerprint = JSON.stringify([request.op, request.collection, request.id, request.baseVersion, request.entity ?? null]);
    const replay = this.#idempotency.get(request.idempotencyKey);
    if (replay) {
      if (replay.fingerprint !== fingerprint) {
        throw new SyncError('validation', 'Idempotency key reused with another request.', {
          status: 422,
          serverCode: 'idempotency_key_reused',
        });
      }
      return structuredClone(replay.result);
    }
    const result = this.apply(request.collection, request.op, request.id, request.entity, request.baseVersion);
    this.#idempotency.set(request.idempotencyKey, { fingerprint, result: structuredClone(result) });
    return result;
  }

  /**
   * Apply a write as the server would (also used to simulate another agency writing).
   * `baseVersion` `null` overwrites whatever is there (like `If-Match: *`).
   */
  apply(
    collection: string,
    op: 'put' | 'delete',
    id: string,
    entity: SyncEntity | undefined,
    baseVersion: number | null,
  ): WriteResult {
    const store = this.#store(collection);
    const current = store.get(id);
    if (baseVersion !== null) {
      if (baseVersion <= 0 && current) {
        throw new SyncError('conflict', 'Already exists.', { status: 409, current: structuredClone(current) });
      }
      if (baseVersion > 0 && !current) {
        throw new SyncError('conflict', 'Not found.', { status: 404, current: null });
      }
      if (baseVersion > 0 && current && current.version !== baseVersion) {
        throw new SyncError('conflict', 'Version conflict.', { status: 412, current: structuredClone(current) });
      }
    }
    const key = `${collection}/${id}`;
    if (op === 'delete') {
      if (!current) throw new SyncError('conflict', 'Not found.', { status: 404, current: null });
      store.delete(id);
      this.#record(collection, id, true);
      this.appliedWrites.set(key, (this.appliedWrites.get(key) ?? 0) + 1);
      return { entity: null, version: current.version };
    }
    if (!entity) throw new SyncError('validation', 'Missing entity.', { status: 400 });
    const issues = this.#validate?.(collection, entity) ?? [];
    if (issues.length > 0) {
      throw new SyncError('validation', 'Invalid entity.', { status: 400, serverCode: 'validation_failed', issues });
    }
    const stored: SyncEntity = { ...structuredClone(entity), id, version: (current?.version ?? 0) + 1 };
    store.set(id, stored);
    this.#record(collection, id, false);
    this.appliedWrites.set(key, (this.appliedWrites.get(key) ?? 0) + 1);
    return { entity: structuredClone(stored), version: stored.version };
  }

  async changes(cursor: string | null, _options?: TransportCallOptions): Promise<ChangePage> {
    this.log.push({ kind: 'changes', detail: String(cursor) });
    const after = cursor === null ? 0 : Number(cursor);
    if (!Number.isInteger(after) || after < this.#prunedUpTo) {
      throw new SyncError('gone', 'Cursor too old.', { status: 410, serverCode: 'cursor_expired' });
    }
    // Latest change per entity, in commit order (as the contract says).
    const rows = this.#feed.filter((r) => r.seq > after);
    const latest = new Map<string, FeedRow>();
    for (const row of rows) latest.set(`${row.collection}/${row.id}`, row);
    const ordered = [...latest.values()].sort((a, b) => a.seq - b.seq);
    const page = ordered.slice(0, this.#pageSize);
    const last = page.at(-1);
    const changes: RemoteChange[] = page.map((row) => {
      const entity = this.#store(row.collection).get(row.id);
      if (row.deleted || !entity) return { collection: row.collection, id: row.id, deleted: true };
      return {
        collection: row.collection,
        id: row.id,
        deleted: false,
        version: entity.version,
        entity: structuredClone(entity),
      };
    });
    return {
      changes,
      cursor: String(last ? last.seq : Math.max(after, this.#seq)),
      hasMore: ordered.length > page.length,
    };
  }

  async list(collection: string, pageToken: string | null, _options?: TransportCallOptions): Promise<ListPage> {
    this.log.push({ kind: 'list', detail: `${collection} ${pageToken ?? ''}` });
    const all = [...this.#store(collection).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const start = pageToken ? all.findIndex((e) => e.id > pageToken) : 0;
    const from = start < 0 ? all.length : start;
    const items = all.slice(from, from + this.#pageSize).map((e) => structuredClone(e));
    const last = items.at(-1);
    return {
      items,
      nextPageToken: from + items.length < all.length && last ? last.id : null,
      cursor: String(this.#seq),
    };
  }

  /** Forget feed history up to now: older cursors become `gone` (simulates the retention window). */
  prune(): void {
    this.#prunedUpTo = this.#seq;
    this.#feed = [];
  }

  /** The stored entity (tests). */
  get(collection: string, id: string): SyncEntity | undefined {
    const found = this.#store(collection).get(id);
    return found ? structuredClone(found) : undefined;
  }

  /** Number of stored entities (tests). */
  count(collection: string): number {
    return this.#store(collection).size;
  }

  #record(collection: string, id: string, deleted: boolean): void {
    this.#seq += 1;
    this.#feed.push({ seq: this.#seq, collection, id, deleted });
  }

  #store(collection: string): Map<string, SyncEntity> {
    let store = this.#entities.get(collection);
    if (!store) {
      store = new Map();
      this.#entities.set(collection, store);
    }
    return store;
  }
}
