/**
 * PostgreSQL engine (pg). Writes run in one transaction each; the change-feed sequence is taken under a
 * transaction-level advisory lock so that commit order equals sequence order (a reader can never see seq 11
 * before seq 10 commits). The audit table is append-only at the database level: a trigger raises on UPDATE,
 * DELETE and TRUNCATE, and those privileges are revoked from PUBLIC. Writes are group-committed: those
 * arriving while a transaction is in flight share the next one (one WAL flush), each in its own subtransaction.
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
-- One write (entity + audit + change + idempotency answer) in one call, inside its own subtransaction so a
-- batch of writes shares one transaction (group commit) while each write succeeds or fails on its own.
CREATE OR REPLACE FUNCTION timpora_write(w jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  BEGIN
    IF w ? 'idemKey' THEN
      INSERT INTO idempotency (subject, key, fingerprint, status, body, etag, location, created_at)
      VALUES (w->>'idemSubject', w->>'idemKey', w->>'idemFingerprint', (w->>'idemStatus')::integer, w->>'idemBody',
              w->>'idemEtag', w->>'idemLocation', (w->>'at')::bigint)
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> 1 THEN RAISE EXCEPTION USING ERRCODE = 'TP001', MESSAGE = 'replay'; END IF;
    END IF;
    IF w->>'kind' = 'create' THEN
      INSERT INTO entities (collection, id, version, source_agency, status, updated_at, deleted, data)
      VALUES (w->>'collection', w->>'id', (w->>'version')::integer, w->>'sourceAgency', w->>'status', w->>'updatedAt',
              (w->>'deleted')::boolean, w->>'data')
      ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> 1 THEN RAISE EXCEPTION USING ERRCODE = 'TP001', MESSAGE = 'exists'; END IF;
    ELSE
      UPDATE entities SET version = (w->>'version')::integer, source_agency = w->>'sourceAgency', status = w->>'status',
        updated_at = w->>'updatedAt', deleted = (w->>'deleted')::boolean, data = w->>'data'
      WHERE collection = w->>'collection' AND id = w->>'id' AND version = (w->>'expectedVersion')::integer AND NOT deleted;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n <> 1 THEN RAISE EXCEPTION USING ERRCODE = 'TP001', MESSAGE = 'conflict'; END IF;
    END IF;
    INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields)
      SELECT a->>'at', a->>'userId', a->>'agency', a->>'role', a->>'action', a->>'collection', a->>'entityId', (a->'fields')::text
      FROM jsonb_array_elements(w->'audit') AS a;
    INSERT INTO changes (collection, id, seq, op, at)
      VALUES (w->>'collection', w->>'id', nextval('change_seq'), CASE WHEN w->>'kind' = 'delete' THEN 'delete' ELSE 'upsert' END, (w->>'at')::bigint)
      ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, op = EXCLUDED.op, at = EXCLUDED.at;
  EXCEPTION WHEN SQLSTATE 'TP001' THEN
    RETURN SQLERRM;
  END;
  RETURN 'ok';
END $$;
`;
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

  async get(collection: Collection, id: string): Promise<StoredEntity | undefined> {
    const r = await this.pool.query<EntityRow>({
      name: 'get',
      text: 'SELECT collection, id, version, source_agency, updated_at, deleted, data FROM entities WHERE collection = $1 AND id = $2',
      values: [collection, id],
    });
    const row = r.rows[0];
    return row ? toEntity(row) : undefined;
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
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const horizon = await this.horizon(c);
      const r = await c.query<{ seq: string; collection: Collection; id: string; op: 'upsert' | 'delete' } & Partial<EntityRow>>(
        `SELECT c.seq, c.collection, c.id, c.op, e.version, e.source_agency, e.updated_at, e.deleted, e.data
         FROM changes c LEFT JOIN entities e ON e.collection = c.collection AND e.id = c.id
         WHERE c.seq > $1 AND c.collection = ANY($2) ORDER BY c.seq LIMIT $3`,
        [since, collections, limit],
      );
      await c.query('COMMIT');
      const rows = r.rows.map((x): ChangeRow => {
        const row: ChangeRow = { seq: Number(x.seq), collection: x.collection, id: x.id, op: x.op };
        if (x.op === 'upsert' && typeof x.data === 'string') {
          row.entity = toEntity({ collection: x.collection, id: x.id, version: x.version!, source_agency: x.source_agency!, updated_at: x.updated_at!, deleted: x.deleted!, data: x.data });
        }
        return row;
      });
      return { horizon, rows };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  async findIdempotent(subject: string, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await this.pool.query<{ fingerprint: string; status: number; body: string; etag: string | null; location: string | null }>({
      name: 'getIdem',
      text: 'SELECT fingerprint, status, body, etag, location FROM idempotency WHERE subject = $1 AND key = $2',
      values: [subject, key],
    });
    const hit = r.rows[0];
    if (!hit) return undefined;
    const response: IdempotencyRecord['response'] = { status: hit.status, body: hit.body };
    if (hit.etag !== null) response.etag = hit.etag;
    if (hit.location !== null) response.location = hit.location;
    return { fingerprint: hit.fingerprint, response };
  }

  /**
   * Group commit: writes arriving while a batch is in flight are sent together in ONE transaction (one WAL
   * flush for many writes), each in its own subtransaction (`timpora_write`), in arrival order.
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
    const at = Date.now();
    const payload = reqs.map((r) => {
      const w: Record<string, unknown> = {
        kind: r.kind,
        collection: r.collection,
        id: r.id,
        expectedVersion: r.expectedVersion ?? -1,
        version: r.next.version,
        sourceAgency: r.next.sourceAgency,
        status: r.status ?? null,
        updatedAt: r.next.updatedAt,
        deleted: r.next.deleted,
        data: r.next.data,
        audit: r.audit,
        at,
      };
      if (r.idempotency) {
        const i = r.idempotency;
        Object.assign(w, {
          idemSubject: i.subject,
          idemKey: i.key,
          idemFingerprint: i.fingerprint,
          idemStatus: i.response.status,
          idemBody: i.response.body,
          idemEtag: i.response.etag ?? null,
          idemLocation: i.response.location ?? null,
        });
      }
      return w;
    });
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // Commit order = sequence order, also across several server processes.
      await c.query({ name: 'feedLock', text: 'SELECT pg_advisory_xact_lock($1)', values: [this.feedLock] });
      const r = await c.query<{ ord: string; outcome: string }>({
        name: 'writeBatch',
        text: 'SELECT w.ord, timpora_write(w.x) AS outcome FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS w(x, ord) ORDER BY w.ord',
        values: [JSON.stringify(payload)],
      });
      await c.query('COMMIT');
      const out: string[] = [];
      for (const row of r.rows) out[Number(row.ord) - 1] = row.outcome;
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
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

  async appendAudit(entries: readonly AuditInput[]): Promise<void> {
    if (entries.length) await insertAudit(this.pool, entries);
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
  // One multi-row INSERT per call.
  const values: (string | number)[] = [];
  const tuples: string[] = [];
  for (const a of entries) {
    const b = values.length;
    values.push(a.at, a.userId, a.agency, a.role, a.action, a.collection, a.entityId, JSON.stringify(a.fields));
    tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`);
  }
  await c.query(`INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields) VALUES ${tuples.join(', ')}`, values);
}
