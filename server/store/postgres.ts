/**
 * PostgreSQL engine (pg). Each group of writes runs in one transaction; the change-feed sequence is taken under a
 * transaction-level advisory lock so that commit order equals sequence order (a reader can never see seq 11
 * before seq 10 commits). The audit table is append-only at the database level: a trigger raises on UPDATE,
 * DELETE and TRUNCATE, and those privileges are revoked from PUBLIC. Writes are group-committed: those
 * arriving while a transaction is in flight share the next one (one WAL flush), sent as ONE statement (one round
 * trip: `timpora_write_group` takes the lock and runs the set-based {@link WRITE_SQL}, in which each write succeeds
 * or fails on its own, then the statement commits). Point reads (entities, idempotency answers) issued in one turn
 * of the event loop share one query.
 * @module
 */
import pg from 'pg';
import type {
  AuditEntry,
  AuditInput,
  AuditQuery,
  ChangeRow,
  Collection,
  IdempotencyRecord,
  ListQuery,
  RetentionOptions,
  StoredEntity,
  Store,
  WriteOutcome,
  WriteRequest,
} from './types.ts';
import { DEFAULT_RETENTION } from './types.ts';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db`. */
  connectionString: string;
  /** Schema holding the tables (default `timpora`); tests use a throwaway one. */
  schema?: string;
  /** Pool size (default 20). */
  poolSize?: number;
  /** Most writes per group-commit transaction (default 200; 1 disables batching). */
  maxBatch?: number;
}

interface EntityRow {
  collection: Collection;
  id: string;
  version: number;
  source_agency: string;
  updated_at: string;
  deleted: boolean;
  data: string;
}

function toEntity(r: EntityRow): StoredEntity {
  return {
    collection: r.collection,
    id: r.id,
    version: Number(r.version),
    sourceAgency: r.source_agency,
    updatedAt: r.updated_at,
    deleted: r.deleted,
    data: r.data,
  };
}

/**
 * A run of writes in ONE statement (no per-write subtransaction, no per-write round trip), as `timpora_write_group`
 * runs it for each run: `p_run` is a JSON array of writes in arrival order whose entities and idempotency keys are
 * all distinct (see {@link distinctRuns}), `p_at` the time. Every data-modifying CTE sees the same snapshot, taken
 * after the function acquired the feed lock, and every writer holds that lock until it commits, so each write's
 * outcome is decided here exactly as a single write at this point would be: `replay` (its idempotency key is
 * taken), `exists` (create of an id that exists or existed), `conflict` (the row is not at `expected`, or
 * deleted), else `ok`; only `ok` writes touch any table (entity, idempotency answer, audit rows, change row with
 * the next sequence value in arrival order).
 */
const WRITE_SQL = `
WITH w AS (
  SELECT * FROM jsonb_to_recordset(p_run) AS x(
    ord integer, kind text, collection text, id text, expected integer, version integer, source_agency text,
    status text, updated_at text, deleted boolean, data text, audit jsonb,
    idem_subject text, idem_key text, idem_fingerprint text, idem_status integer, idem_body text, idem_etag text, idem_location text)
), v AS (
  SELECT w.*, CASE
    WHEN w.idem_key IS NOT NULL AND taken.hit THEN 'replay'
    WHEN w.kind = 'create' AND cur.version IS NOT NULL THEN 'exists'
    WHEN w.kind <> 'create' AND (cur.version IS NULL OR cur.version <> w.expected OR cur.deleted) THEN 'conflict'
    ELSE 'ok' END AS outcome
  FROM w
  LEFT JOIN LATERAL (SELECT TRUE AS hit FROM idempotency i WHERE i.subject = w.idem_subject AND i.key = w.idem_key LIMIT 1) taken ON TRUE
  LEFT JOIN LATERAL (SELECT e.version, e.deleted FROM entities e WHERE e.collection = w.collection AND e.id = w.id LIMIT 1) cur ON TRUE
), ok AS (
  SELECT * FROM v WHERE outcome = 'ok'
), idem AS (
  INSERT INTO idempotency (subject, key, fingerprint, status, body, etag, location, created_at)
  SELECT idem_subject, idem_key, idem_fingerprint, idem_status, idem_body, idem_etag, idem_location, p_at FROM ok WHERE idem_key IS NOT NULL
), created AS (
  INSERT INTO entities (collection, id, version, source_agency, status, updated_at, deleted, data)
  SELECT collection, id, version, source_agency, status, updated_at, deleted, data FROM ok WHERE kind = 'create'
), updated AS (
  UPDATE entities e SET version = ok.version, source_agency = ok.source_agency, status = ok.status, updated_at = ok.updated_at,
    deleted = ok.deleted, data = ok.data
  FROM ok WHERE ok.kind <> 'create' AND e.collection = ok.collection AND e.id = ok.id
), audited AS (
  INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields)
  SELECT a->>'at', a->>'userId', a->>'agency', a->>'role', a->>'action', a->>'collection', a->>'entityId', a->>'fields'
  FROM ok CROSS JOIN LATERAL jsonb_array_elements(ok.audit) WITH ORDINALITY AS j(a, n) ORDER BY ok.ord, j.n
), changed AS (
  INSERT INTO changes (collection, id, seq, op, at)
  SELECT collection, id, nextval('change_seq'), CASE WHEN kind = 'delete' THEN 'delete' ELSE 'upsert' END, p_at FROM ok ORDER BY ord
  ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, op = EXCLUDED.op, at = EXCLUDED.at
)
SELECT ord, outcome FROM v ORDER BY ord`;

function schemaSql(schema: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};
SET search_path TO ${schema};
CREATE TABLE IF NOT EXISTS entities (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  source_agency TEXT NOT NULL,
  status TEXT,
  updated_at TEXT NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  data TEXT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE SEQUENCE IF NOT EXISTS change_seq;
CREATE TABLE IF NOT EXISTS changes (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  seq BIGINT NOT NULL UNIQUE,
  op TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  seq BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  user_id TEXT NOT NULL,
  agency TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  collection TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_entity ON audit (entity_id);
CREATE OR REPLACE FUNCTION timpora_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_append_only ON audit;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION timpora_audit_append_only();
DROP TRIGGER IF EXISTS audit_no_truncate ON audit;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION timpora_audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;
CREATE TABLE IF NOT EXISTS idempotency (
  subject TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  etag TEXT,
  location TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (subject, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
-- A whole group commit in one call (one round trip, run in autocommit): the feed lock (commit order = sequence
-- order, also across server processes), then each run of distinct keys as one statement (a fresh snapshot each:
-- a later run sees the earlier ones). Returns each write's outcome by its position in the group.
-- Every lookup in it is a primary-key probe per write (LATERAL ... LIMIT 1, never a hash over the table: the
-- planner takes jsonb_to_recordset for 100 rows and would read the whole idempotency and entities tables once per
-- group, so single writes/s fell as the tables grew); enable_seqscan = off keeps probes on the index while the
-- tables are new and small, when a cached plan would otherwise scan them for good.
CREATE OR REPLACE FUNCTION timpora_write_group(p_runs jsonb, p_at bigint, p_lock bigint)
RETURNS TABLE (w_ord integer, w_outcome text) LANGUAGE plpgsql SET enable_seqscan = off AS $fn$
DECLARE
  p_run jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  FOR p_run IN SELECT r FROM jsonb_array_elements(p_runs) AS r LOOP
    RETURN QUERY ${WRITE_SQL};
  END LOOP;
END $fn$;
`;
}

/**
 * Cuts `reqs` (arrival order) into runs in which no entity and no idempotency key repeats: each run is one
 * {@link WRITE_SQL} statement, and a write that repeats a key lands in a later statement, which sees the
 * earlier one's effect exactly as sequential writes would.
 */
function distinctRuns(reqs: readonly WriteRequest[]): WriteRequest[][] {
  const runs: WriteRequest[][] = [];
  let run: WriteRequest[] = [];
  const seen = new Set<string>();
  for (const r of reqs) {
    // NUL cannot occur in PostgreSQL text, so it separates the parts unambiguously.
    const keys = [`e\u0000${r.collection}\u0000${r.id}`];
    if (r.idempotency) keys.push(`k\u0000${r.idempotency.subject}\u0000${r.idempotency.key}`);
    if (keys.some((k) => seen.has(k))) {
      runs.push(run);
      run = [];
      seen.clear();
    }
    run.push(r);
    for (const k of keys) seen.add(k);
  }
  if (run.length) runs.push(run);
  return runs;
}

/** One write as a row of {@link WRITE_SQL}'s `p_run`. */
function writeRow(r: WriteRequest, ord: number): Record<string, unknown> {
  const i = r.idempotency;
  return {
    ord,
    kind: r.kind,
    collection: r.collection,
    id: r.id,
    expected: r.expectedVersion ?? -1,
    version: r.next.version,
    source_agency: r.next.sourceAgency,
    status: r.status ?? null,
    updated_at: r.next.updatedAt,
    deleted: r.next.deleted,
    data: r.next.data,
    audit: r.audit.map((a) => ({ ...a, fields: JSON.stringify(a.fields) })),
    idem_subject: i?.subject ?? null,
    idem_key: i?.key ?? null,
    idem_fingerprint: i?.fingerprint ?? null,
    idem_status: i?.response.status ?? null,
    idem_body: i?.response.body ?? null,
    idem_etag: i?.response.etag ?? null,
    idem_location: i?.response.location ?? null,
  };
}

/**
 * Coalesces point lookups by a two-part key issued in the same turn of the event loop (e.g. the items of one
 * `/batch`, or concurrent requests) into one query per turn, instead of one round trip each. The queries probe
 * each key through a `LATERAL ... LIMIT 1` subquery: a plain join with `unnest` (estimated at 100 rows) is
 * planned as a hash join that reads the whole table.
 */
class LookupBatcher<V> {
  private pending: { a: string; b: string; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  /** `run` answers many keys at once, as a map from `keyOf(a, b)`. */
  constructor(private readonly run: (as: string[], bs: string[]) => Promise<Map<string, V>>) {}

  static keyOf(a: string, b: string): string {
    return `${a}\u0000${b}`;
  }

  load(a: string, b: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ a, b, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.run(
        batch.map((p) => p.a),
        batch.map((p) => p.b),
      );
      for (const p of batch) p.resolve(found.get(LookupBatcher.keyOf(p.a, p.b)));
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}

/** Small stable 31-bit hash for advisory lock keys. */
function lockKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x7fffffff;
}

/** The PostgreSQL engine. */
export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  /** The pool (tests use it to prove the audit table rejects UPDATE/DELETE). */
  readonly pool: pg.Pool;
  readonly schema: string;
  private readonly feedLock: number;
  private readonly maxBatch: number;

  constructor(options: PostgresStoreOptions) {
    const schema = options.schema ?? 'timpora';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('Invalid PostgreSQL schema name');
    this.schema = schema;
    this.feedLock = lockKey(`timpora-feed:${schema}`);
    this.maxBatch = options.maxBatch ?? 200;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 20,
      options: `-c search_path=${schema}`,
    });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', () => {});
  }

  async init(): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [lockKey(`timpora-init:${this.schema}`)]);
      try {
        await c.query(schemaSql(this.schema));
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [lockKey(`timpora-init:${this.schema}`)]);
      }
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops the schema and everything in it (tests). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  /** Point reads of entities, coalesced per turn of the event loop (see {@link LookupBatcher}). */
  private readonly entityReads = new LookupBatcher<StoredEntity>(async (collections, ids) => {
    const r = await this.pool.query<EntityRow>({
      name: 'getMany',
      text: `SELECT e.collection, e.id, e.version, e.source_agency, e.updated_at, e.deleted, e.data
             FROM unnest($1::text[], $2::text[]) AS k(collection, id)
             CROSS JOIN LATERAL (SELECT * FROM entities e WHERE e.collection = k.collection AND e.id = k.id LIMIT 1) e`,
      values: [collections, ids],
    });
    return new Map(r.rows.map((row) => [LookupBatcher.keyOf(row.collection, row.id), toEntity(row)]));
  });

  async get(collection: Collection, id: string): Promise<StoredEntity | undefined> {
    return this.entityReads.load(collection, id);
  }

  async list(collection: Collection, q: ListQuery): Promise<StoredEntity[]> {
    const where = ['collection = $1', 'NOT deleted'];
    const args: (string | number)[] = [collection];
    const add = (sql: string, v: string): void => {
      args.push(v);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.afterId !== undefined) add('id COLLATE "C" > ?', q.afterId);
    if (q.sourceAgency !== undefined) add('source_agency = ?', q.sourceAgency);
    if (q.status !== undefined) add('status = ?', q.status);
    if (q.updatedSince !== undefined) add('updated_at >= ?', q.updatedSince);
    args.push(q.limit);
    const r = await this.pool.query<EntityRow>(
      `SELECT collection, id, version, source_agency, updated_at, deleted, data FROM entities WHERE ${where.join(' AND ')} ORDER BY id COLLATE "C" LIMIT $${args.length}`,
      args,
    );
    return r.rows.map(toEntity);
  }

  private async horizon(client: pg.ClientBase | pg.Pool = this.pool): Promise<number> {
    const r = await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'horizon'");
    return r.rows[0] ? Number(r.rows[0].value) : 0;
  }

  async head(): Promise<number> {
    const r = await this.pool.query<{ head: string | null }>('SELECT MAX(seq) AS head FROM changes');
    return Math.max(Number(r.rows[0]?.head ?? 0), await this.horizon());
  }

  async changes(since: number, limit: number, collections: readonly Collection[]): Promise<{ horizon: number; rows: ChangeRow[] }> {
    // One statement, so one snapshot: the horizon and the page agree without a transaction of their own. The
    // horizon row is always there; a page without changes leaves the change columns null.
    const r = await this.pool.query<{ horizon: string | null; seq: string | null; collection: Collection; id: string; op: 'upsert' | 'delete' } & Partial<EntityRow>>({
      name: 'changes',
      text: `SELECT h.horizon, c.seq, c.collection, c.id, c.op, e.version, e.source_agency, e.updated_at, e.deleted, e.data
             FROM (SELECT (SELECT value FROM meta WHERE key = 'horizon') AS horizon) h
             LEFT JOIN LATERAL (SELECT * FROM changes WHERE seq > $1 AND collection = ANY($2) ORDER BY seq LIMIT $3) c ON TRUE
             LEFT JOIN entities e ON e.collection = c.collection AND e.id = c.id
             ORDER BY c.seq`,
      values: [since, collections, limit],
    });
    const horizon = Number(r.rows[0]?.horizon ?? 0);
    const rows: ChangeRow[] = [];
    for (const x of r.rows) {
      if (x.seq === null) continue;
      const row: ChangeRow = { seq: Number(x.seq), collection: x.collection, id: x.id, op: x.op };
      if (x.op === 'upsert' && typeof x.data === 'string') {
        row.entity = toEntity({ collection: x.collection, id: x.id, version: x.version!, source_agency: x.source_agency!, updated_at: x.updated_at!, deleted: x.deleted!, data: x.data });
      }
      rows.push(row);
    }
    return { horizon, rows };
  }

  /** Idempotency answers, coalesced per turn of the event loop (see {@link LookupBatcher}). */
  private readonly idempotencyReads = new LookupBatcher<IdempotencyRecord>(async (subjects, keys) => {
    const r = await this.pool.query<{ subject: string; key: string; fingerprint: string; status: number; body: string; etag: string | null; location: string | null }>({
      name: 'getIdemMany',
      text: `SELECT i.subject, i.key, i.fingerprint, i.status, i.body, i.etag, i.location
             FROM unnest($1::text[], $2::text[]) AS k(subject, key)
             CROSS JOIN LATERAL (SELECT * FROM idempotency i WHERE i.subject = k.subject AND i.key = k.key LIMIT 1) i`,
      values: [subjects, keys],
    });
    const found = new Map<string, IdempotencyRecord>();
    for (const hit of r.rows) {
      const response: IdempotencyRecord['response'] = { status: hit.status, body: hit.body };
      if (hit.etag !== null) response.etag = hit.etag;
      if (hit.location !== null) response.location = hit.location;
      found.set(LookupBatcher.keyOf(hit.subject, hit.key), { fingerprint: hit.fingerprint, response });
    }
    return found;
  });

  async findIdempotent(subject: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.idempotencyReads.load(subject, key);
  }

  /**
   * Group commit: writes arriving while a batch is in flight are sent together in ONE statement and transaction
   * (one round trip, one WAL flush for many writes), in arrival order.
   */
  async write(req: WriteRequest): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private readonly queue: { req: WriteRequest; resolve: (o: WriteOutcome) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      let outcomes: string[] | undefined;
      try {
        outcomes = await this.runBatch(batch.map((b) => b.req));
      } catch {
        outcomes = undefined;
      }
      if (outcomes) {
        await Promise.all(batch.map(async (b, i) => b.resolve(await this.outcome(b.req, outcomes[i] ?? 'error'))));
        continue;
      }
      // The batch failed as a whole (a real error): retry each write alone so one bad write fails only itself.
      for (const b of batch) {
        try {
          const [o] = await this.runBatch([b.req]);
          b.resolve(await this.outcome(b.req, o ?? 'error'));
        } catch (e) {
          b.reject(e);
        }
      }
    }
    this.flushing = false;
  }

  private async runBatch(reqs: WriteRequest[]): Promise<string[]> {
    let ord = 0;
    const runs = distinctRuns(reqs).map((run) => run.map((q) => writeRow(q, ord++)));
    const r = await this.pool.query<{ w_ord: number; w_outcome: string }>({
      name: 'writeGroup',
      text: 'SELECT w_ord, w_outcome FROM timpora_write_group($1::jsonb, $2, $3)',
      values: [JSON.stringify(runs), Date.now(), this.feedLock],
    });
    const out: string[] = [];
    for (const row of r.rows) out[row.w_ord] = row.w_outcome;
    return out;
  }

  private async outcome(req: WriteRequest, o: string): Promise<WriteOutcome> {
    if (o === 'ok') return { kind: 'ok' };
    if (o === 'exists') return { kind: 'exists' };
    if (o === 'conflict') {
      const current = await this.get(req.collection, req.id);
      return current ? { kind: 'conflict', current } : { kind: 'conflict' };
    }
    if (o === 'replay' && req.idempotency) {
      const record = await this.findIdempotent(req.idempotency.subject, req.idempotency.key);
      if (record) return { kind: 'replay', record };
    }
    throw new Error(`unexpected write outcome ${o}`);
  }

  /**
   * Audit appends of one turn of the event loop (e.g. concurrent reads) share one INSERT and one commit; when that
   * fails, each append is retried alone, so a bad one fails only itself.
   */
  async appendAudit(entries: readonly AuditInput[]): Promise<void> {
    if (!entries.length) return;
    return new Promise<void>((resolve, reject) => {
      if (this.auditQueue.push({ entries, resolve, reject }) === 1) setImmediate(() => void this.flushAudit());
    });
  }

  private auditQueue: { entries: readonly AuditInput[]; resolve: () => void; reject: (e: unknown) => void }[] = [];

  private async flushAudit(): Promise<void> {
    const batch = this.auditQueue;
    this.auditQueue = [];
    try {
      await insertAudit(this.pool, batch.length === 1 ? batch[0]!.entries : batch.flatMap((b) => b.entries));
      for (const b of batch) b.resolve();
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      for (const b of batch) await insertAudit(this.pool, b.entries).then(b.resolve, b.reject);
    }
  }

  async listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const where = ['TRUE'];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number): void => {
      args.push(v);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.afterSeq !== undefined) add('seq > ?', q.afterSeq);
    if (q.entityId !== undefined) add('entity_id = ?', q.entityId);
    if (q.userId !== undefined) add('user_id = ?', q.userId);
    if (q.agency !== undefined) add('agency = ?', q.agency);
    if (q.action !== undefined) add('action = ?', q.action);
    args.push(q.limit);
    const r = await this.pool.query<{ seq: string; at: string; user_id: string; agency: string; role: AuditEntry['role']; action: AuditEntry['action']; collection: Collection; entity_id: string; fields: string }>(
      `SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${args.length}`,
      args,
    );
    return r.rows.map((x) => ({
      seq: Number(x.seq),
      at: x.at,
      userId: x.user_id,
      agency: x.agency,
      role: x.role,
      action: x.action,
      collection: x.collection,
      entityId: x.entity_id,
      fields: JSON.parse(x.fields) as string[],
    }));
  }

  async prune(now: number, retention: RetentionOptions): Promise<number> {
    const r = { ...DEFAULT_RETENTION, ...retention };
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // Same lock as writers: no change can commit with a lower seq than the horizon we set.
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.feedLock]);
      const age = await c.query<{ seq: string | null }>('SELECT MAX(seq) AS seq FROM changes WHERE at < $1', [now - r.maxAgeMs]);
      const rows = await c.query<{ seq: string }>('SELECT seq FROM changes ORDER BY seq DESC LIMIT 1 OFFSET $1', [r.maxRows]);
      const cut = Math.max(Number(age.rows[0]?.seq ?? 0), Number(rows.rows[0]?.seq ?? 0));
      let horizon = await this.horizon(c);
      if (cut > 0) {
        await c.query('DELETE FROM changes WHERE seq <= $1', [cut]);
        if (cut > horizon) {
          horizon = cut;
          await c.query("INSERT INTO meta (key, value) VALUES ('horizon', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [String(horizon)]);
        }
      }
      await c.query('DELETE FROM idempotency WHERE created_at < $1', [now - r.idempotencyTtlMs]);
      await c.query('COMMIT');
      return horizon;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }
}

async function insertAudit(c: pg.ClientBase | pg.Pool, entries: readonly AuditInput[]): Promise<void> {
  const first = entries[0];
  if (first && entries.every((a) => a.at === first.at && a.userId === first.userId && a.agency === first.agency && a.role === first.role && a.action === first.action && a.collection === first.collection)) {
    // The rows of one request (a feed page): what they share goes once; only the entity ids and field lists are
    // arrays (a 1,000-row page sends and unpacks two arrays instead of eight).
    await c.query({
      name: 'auditShared',
      text: `INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields)
             SELECT $1, $2, $3, $4, $5, $6, entity_id, fields
             FROM unnest($7::text[], $8::text[]) WITH ORDINALITY AS a(entity_id, fields, n)
             ORDER BY n`,
      values: [first.at, first.userId, first.agency, first.role, first.action, first.collection, entries.map((a) => a.entityId), entries.map((a) => JSON.stringify(a.fields))],
    });
    return;
  }
  // One statement with eight array parameters, whatever the number of entries (no statement text per size).
  const cols: string[][] = [[], [], [], [], [], [], [], []];
  for (const a of entries) {
    const row = [a.at, a.userId, a.agency, a.role, a.action, a.collection, a.entityId, JSON.stringify(a.fields)];
    for (let i = 0; i < 8; i++) cols[i]!.push(row[i]!);
  }
  await c.query({
    name: 'auditMany',
    text: `INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields)
           SELECT at, user_id, agency, role, action, collection, entity_id, fields
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             WITH ORDINALITY AS a(at, user_id, agency, role, action, collection, entity_id, fields, n)
           ORDER BY n`,
    values: cols,
  });
}
