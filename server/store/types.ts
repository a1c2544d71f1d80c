/**
 * Storage interface of the reference server. Two real engines implement it: SQLite (better-sqlite3, embedded
 * default) and PostgreSQL (pg). The HTTP layer never sees SQL.
 * @module
 */
import type { Role } from '../../sdk/model/types.ts';

/** Collections of the contract. */
export type Collection = 'records' | 'operations' | 'agencies';
export const COLLECTIONS: readonly Collection[] = ['records', 'operations', 'agencies'];

/** One stored entity row. `data` is the full entity as JSON text. */
export interface StoredEntity {
  collection: Collection;
  id: string;
  version: number;
  sourceAgency: string;
  updatedAt: string;
  deleted: boolean;
  data: string;
}

/** Audit actions (contract `AuditAction`). */
export type AuditAction = 'read' | 'list' | 'create' | 'update' | 'delete' | 'feed';

/** One audit entry to append. Field NAMES only, never values. */
export interface AuditInput {
  at: string;
  userId: string;
  agency: string;
  role: Role;
  action: AuditAction;
  collection: Collection;
  entityId: string;
  fields: string[];
}

/** A stored audit entry. */
export interface AuditEntry extends AuditInput {
  seq: number;
}

/** An answer kept for an idempotency key. */
export interface StoredResponse {
  status: number;
  body: string;
  etag?: string;
  location?: string;
}

/** An idempotency key as stored. */
export interface IdempotencyRecord {
  fingerprint: string;
  response: StoredResponse;
}

/** Filters and paging of a list. */
export interface ListQuery {
  limit: number;
  afterId?: string;
  sourceAgency?: string;
  status?: string;
  updatedSince?: string;
}

/** Filters and paging of the audit log (ordered by seq). */
export interface AuditQuery {
  limit: number;
  afterSeq?: number;
  entityId?: string;
  userId?: string;
  agency?: string;
  action?: AuditAction;
}

/** One change of the feed; `entity` joined for upserts. */
export interface ChangeRow {
  seq: number;
  collection: Collection;
  id: string;
  op: 'upsert' | 'delete';
  entity?: StoredEntity;
}

/** A write, applied atomically with its change-feed entry, audit entries and idempotency answer. */
export interface WriteRequest {
  kind: 'create' | 'update' | 'delete';
  collection: Collection;
  id: string;
  /** For update/delete: the version the new state was computed from (conditional write). */
  expectedVersion?: number;
  /** The new row (for delete: the tombstone). */
  next: StoredEntity;
  /** Indexed `status` column (records/operations), for list filters. */
  status?: string;
  audit: AuditInput[];
  idempotency?: { subject: string; key: string; fingerprint: string; response: StoredResponse };
}

/** Outcome of {@link Store.write}. */
export type WriteOutcome =
  | { kind: 'ok' }
  /** Another request with the same idempotency key won the race; answer with its response. */
  | { kind: 'replay'; record: IdempotencyRecord }
  /** Create on an id that exists (or existed). */
  | { kind: 'exists' }
  /** Conditional write lost: the row is no longer at `expectedVersion`. */
  | { kind: 'conflict'; current?: StoredEntity };

/** Retention of the change feed and idempotency keys. */
export interface RetentionOptions {
  /** Changes older than this are pruned (default 30 days). */
  maxAgeMs?: number;
  /** At most this many change rows are kept (default 1,000,000). */
  maxRows?: number;
  /** Idempotency keys older than this are dropped (default 24 h). */
  idempotencyTtlMs?: number;
}

/** The storage engine. */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  init(): Promise<void>;
  close(): Promise<void>;
  get(collection: Collection, id: string): Promise<StoredEntity | undefined>;
  list(collection: Collection, query: ListQuery): Promise<StoredEntity[]>;
  /** Latest change sequence (0 when none). */
  head(): Promise<number>;
  /** Changes after `since`; `horizon` is the oldest cursor still served (older: 410). */
  changes(since: number, limit: number, collections: readonly Collection[]): Promise<{ horizon: number; rows: ChangeRow[] }>;
  findIdempotent(subject: string, key: string): Promise<IdempotencyRecord | undefined>;
  write(request: WriteRequest): Promise<WriteOutcome>;
  appendAudit(entries: readonly AuditInput[]): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Drops changes and idempotency keys beyond retention; returns the new horizon. */
  prune(now: number, retention: RetentionOptions): Promise<number>;
}

export const DEFAULT_RETENTION: Required<RetentionOptions> = {
  maxAgeMs: 30 * 24 * 3600_000,
  maxRows: 1_000_000,
  idempotencyTtlMs: 24 * 3600_000,
};
