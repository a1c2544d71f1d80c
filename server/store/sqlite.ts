/**
 * SQLite engine (better-sqlite3 12): the embedded default. WAL journal, `synchronous=NORMAL`, prepared
 * statements, one savepoint per write (entity + change + audit + idempotency answer) inside one transaction
 * per event-loop turn (group commit; every write's promise resolves after its commit).
 * The audit table is append-only at the database level: triggers abort any UPDATE or DELETE.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
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

// Entities and idempotency answers are rowid tables with a unique index on their key (schema v2). Their rows are
// large (the entity JSON; the stored answer) and their keys random (UUIDs): as WITHOUT ROWID tables every write
// inserted a ~1 kB row into a random leaf of the key B-tree (page splits moving whole rows); now the row is
// appended to the rowid B-tree and only the small key goes to a random leaf of the index. Measured with a
// store-only loop (20,000 creates, 20 per transaction): ~230 -> ~117 µs CPU per write.
const ENTITY_COLUMNS = `
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  source_agency TEXT NOT NULL,
  status TEXT,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL`;
const IDEMPOTENCY_COLUMNS = `
  subject TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  etag TEXT,
  location TEXT,
  created_at INTEGER NOT NULL`;

/** Column names of a column list above, for the v1 -> v2 copy. */
function columnNames(columns: string): string {
  return columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .join(', ');
}

/**
 * Databases written before schema v2 hold `entities` and `idempotency` as WITHOUT ROWID tables: rebuild them as
 * rowid tables (same columns, every row copied) in one transaction, before SCHEMA creates the new indexes.
 */
function migrateToRowidTables(db: Database.Database): void {
  const sqlOf = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?");
  db.transaction(() => {
    for (const [table, columns] of [['entities', ENTITY_COLUMNS], ['idempotency', IDEMPOTENCY_COLUMNS]] as const) {
      if (!/WITHOUT\s+ROWID/i.test(sqlOf.get(table)?.sql ?? '')) continue;
      const names = columnNames(columns);
      db.exec(`CREATE TABLE ${table}_v2 (${columns});
        INSERT INTO ${table}_v2 (${names}) SELECT ${names} FROM ${table};
        DROP TABLE ${table};
        ALTER TABLE ${table}_v2 RENAME TO ${table};`);
    }
  })();
}

/**
 * `PRAGMA synchronous` of every connection. In WAL mode NORMAL syncs the WAL only at checkpoints, not per commit:
 * a committed write survives a crash of the process (the OS has the WAL pages), but the last commits before a
 * power loss or kernel crash may be lost (the database stays consistent). See server/README.md.
 */
export const SQLITE_SYNCHRONOUS = 'NORMAL';

/** How often the checkpoint thread copies committed WAL frames into the database file. */
const CHECKPOINT_EVERY_MS = 100;

// The checkpoint thread: its own connection on the same file, PASSIVE checkpoints (never blocks the writer, never
// takes the write lock), closed on request. `synchronous` as the writer's, so a checkpoint syncs as before.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the event loop: the writer's connection stops auto-checkpointing (a checkpoint then
 * ran inside the COMMIT of whichever write crossed 1,000 WAL pages, copying and syncing pages while every
 * request waited) and a worker thread checkpoints instead. Returns a stop function; if the thread cannot start
 * or fails, the writer goes back to auto-checkpointing.
 */
function startCheckpointer(db: Database.Database, path: string): () => Promise<void> {
  db.pragma('wal_autocheckpoint = 0');
  const fallback = (): void => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  let worker: Worker;
  try {
    worker = new Worker(CHECKPOINTER, {
      eval: true,
      execArgv: [], // plain CommonJS: no loaders (tsx) in the thread
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path, everyMs: CHECKPOINT_EVERY_MS, synchronous: SQLITE_SYNCHRONOUS },
    });
  } catch {
    fallback();
    return async () => {};
  }
  worker.unref();
  worker.on('error', fallback);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return async () => {
    worker.ref(); // keep the process alive until the thread has closed its connection
    worker.postMessage('close');
    await exited;
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entities (${ENTITY_COLUMNS});
CREATE UNIQUE INDEX IF NOT EXISTS entities_key ON entities (collection, id);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  op TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS changes_entity ON changes (collection, id);
CREATE INDEX IF NOT EXISTS changes_at ON changes (at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS idempotency (${IDEMPOTENCY_COLUMNS});
CREATE UNIQUE INDEX IF NOT EXISTS idempotency_key ON idempotency (subject, key);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
`;

interface EntityRow {
  collection: Collection;
  id: string;
  version: number;
  source_agency: string;
  updated_at: string;
  deleted: number;
  data: string;
}

interface AuditRow {
  seq: number;
  at: string;
  user_id: string;
  agency: string;
  role: AuditEntry['role'];
  action: AuditEntry['action'];
  collection: Collection;
  entity_id: string;
  fields: string;
}

function toEntity(r: EntityRow): StoredEntity {
  return {
    collection: r.collection,
    id: r.id,
    version: r.version,
    sourceAgency: r.source_agency,
    updatedAt: r.updated_at,
    deleted: r.deleted === 1,
    data: r.data,
  };
}

function toAudit(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    userId: r.user_id,
    agency: r.agency,
    role: r.role,
    action: r.action,
    collection: r.collection,
    entityId: r.entity_id,
    fields: JSON.parse(r.fields) as string[],
  };
}

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `:memory:`. Parent folders are created. */
  path: string;
}

/** The SQLite engine. */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  /** The underlying connection (tests use it to prove the audit table rejects UPDATE/DELETE). */
  readonly db: Database.Database;
  private readonly stmt;
  private readonly listCache = new Map<string, Database.Statement>();
  private readonly writeTx: Database.Transaction<(req: WriteRequest) => WriteOutcome>;
  private readonly groupTx: Database.Transaction<(group: readonly Queued[]) => Array<{ ok: WriteOutcome } | { error: unknown }>>;
  private queued: Queued[] = [];
  private readonly auditTx: (entries: readonly AuditInput[]) => void;
  private readonly stopCheckpointer: () => Promise<void> = async () => {};

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Statement and savepoint journals (one savepoint per write in a group commit) in memory instead of temp
    // files: they only serve rollbacks inside an open transaction, so durability is unchanged.
    db.pragma('temp_store = MEMORY');
    // The WAL is cut back to this size when it restarts after a complete checkpoint.
    db.pragma('journal_size_limit = 67108864');
    migrateToRowidTables(db);
    db.exec(SCHEMA);
    this.db = db;
    if (options.path !== ':memory:') this.stopCheckpointer = startCheckpointer(db, options.path);
    this.stmt = {
      get: db.prepare<[string, string], EntityRow>('SELECT * FROM entities WHERE collection = ? AND id = ?'),
      insert: db.prepare(
        'INSERT INTO entities (collection, id, version, source_agency, status, updated_at, deleted, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection, id) DO NOTHING',
      ),
      update: db.prepare(
        'UPDATE entities SET version = ?, source_agency = ?, status = ?, updated_at = ?, deleted = ?, data = ? WHERE collection = ? AND id = ? AND version = ? AND deleted = 0',
      ),
      delChange: db.prepare('DELETE FROM changes WHERE collection = ? AND id = ?'),
      insChange: db.prepare('INSERT INTO changes (collection, id, op, at) VALUES (?, ?, ?, ?)'),
      head: db.prepare<[], { head: number | null }>('SELECT MAX(seq) AS head FROM changes'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      insAudit: db.prepare(
        'INSERT INTO audit (at, user_id, agency, role, action, collection, entity_id, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getIdem: db.prepare<[string, string], { fingerprint: string; status: number; body: string; etag: string | null; location: string | null }>(
        'SELECT fingerprint, status, body, etag, location FROM idempotency WHERE subject = ? AND key = ?',
      ),
      insIdem: db.prepare(
        'INSERT INTO idempotency (subject, key, fingerprint, status, body, etag, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      changes: db.prepare<[number, number], { seq: number; collection: Collection; id: string; op: 'upsert' | 'delete' } & Partial<EntityRow>>(
        `SELECT c.seq, c.collection, c.id, c.op, e.version, e.source_agency, e.updated_at, e.deleted, e.data
         FROM changes c LEFT JOIN entities e ON e.collection = c.collection AND e.id = c.id
         WHERE c.seq > ? ORDER BY c.seq LIMIT ?`,
      ),
      pruneAge: db.prepare<[number], { seq: number | null }>('SELECT MAX(seq) AS seq FROM changes WHERE at < ?'),
      pruneRows: db.prepare<[number], { seq: number }>('SELECT seq FROM changes ORDER BY seq DESC LIMIT 1 OFFSET ?'),
      deleteChanges: db.prepare('DELETE FROM changes WHERE seq <= ?'),
      pruneIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
    };
    const s = this.stmt;
    this.writeTx = db.transaction((req: WriteRequest): WriteOutcome => {
      if (req.idempotency) {
        const hit = s.getIdem.get(req.idempotency.subject, req.idempotency.key);
        if (hit) return { kind: 'replay', record: idemRecord(hit) };
      }
      const n = req.next;
      if (req.kind === 'create') {
        // The unique key decides (no separate existence read); nothing was written yet when it exists.
        if (s.insert.run(req.collection, req.id, n.version, n.sourceAgency, req.status ?? null, n.updatedAt, n.deleted ? 1 : 0, n.data).changes !== 1) return { kind: 'exists' };
      } else {
        const r = s.update.run(n.version, n.sourceAgency, req.status ?? null, n.updatedAt, n.deleted ? 1 : 0, n.data, req.collection, req.id, req.expectedVersion ?? -1);
        if (r.changes !== 1) {
          const cur = s.get.get(req.collection, req.id);
          return cur ? { kind: 'conflict', current: toEntity(cur) } : { kind: 'conflict' };
        }
      }
      s.delChange.run(req.collection, req.id);
      s.insChange.run(req.collection, req.id, req.kind === 'delete' ? 'delete' : 'upsert', Date.now());
      for (const a of req.audit) insertAudit(s.insAudit, a);
      if (req.idempotency) {
        const i = req.idempotency;
        s.insIdem.run(i.subject, i.key, i.fingerprint, i.response.status, i.response.body, i.response.etag ?? null, i.response.location ?? null, Date.now());
      }
      return { kind: 'ok' };
    });
    // Group commit: the writes that arrive within one turn of the event loop share one transaction; each runs
    // in its own savepoint (better-sqlite3 nests transactions that way), so one failing write undoes only itself.
    this.groupTx = db.transaction((group: readonly Queued[]) =>
      group.map((q) => {
        try {
          return { ok: this.writeTx(q.request) };
        } catch (error) {
          return { error };
        }
      }),
    );
    this.auditTx = db.transaction((entries: readonly AuditInput[]) => {
      for (const a of entries) insertAudit(s.insAudit, a);
    });
  }

  async init(): Promise<void> {}

  async close(): Promise<void> {
    if (this.db.open) {
      this.flush();
      // The checkpoint thread's connection first: closing the last connection checkpoints and removes the WAL.
      await this.stopCheckpointer();
      this.db.close();
    }
  }

  private horizon(): number {
    const v = this.stmt.getMeta.get('horizon');
    return v ? Number(v.value) : 0;
  }

  async get(collection: Collection, id: string): Promise<StoredEntity | undefined> {
    const r = this.stmt.get.get(collection, id);
    return r ? toEntity(r) : undefined;
  }

  async list(collection: Collection, q: ListQuery): Promise<StoredEntity[]> {
    const where = ['collection = ?', 'deleted = 0'];
    const args: (string | number)[] = [collection];
    const keyParts: string[] = [];
    if (q.afterId !== undefined) {
      where.push('id > ?');
      args.push(q.afterId);
      keyParts.push('a');
    }
    if (q.sourceAgency !== undefined) {
      where.push('source_agency = ?');
      args.push(q.sourceAgency);
      keyParts.push('s');
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      args.push(q.status);
      keyParts.push('t');
    }
    if (q.updatedSince !== undefined) {
      where.push('updated_at >= ?');
      args.push(q.updatedSince);
      keyParts.push('u');
    }
    const key = keyParts.join('');
    let st = this.listCache.get(key);
    if (!st) {
      st = this.db.prepare(`SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`);
      this.listCache.set(key, st);
    }
    return (st.all(...args, q.limit) as EntityRow[]).map(toEntity);
  }

  async head(): Promise<number> {
    return Math.max(this.stmt.head.get()?.head ?? 0, this.horizon());
  }

  async changes(since: number, limit: number, collections: readonly Collection[]): Promise<{ horizon: number; rows: ChangeRow[] }> {
    const read = this.db.transaction(() => {
      const horizon = this.horizon();
      const rows: ChangeRow[] = [];
      let after = since;
      // Filtering by collection in JS keeps one prepared statement; loop until `limit` rows or the end.
      for (;;) {
        const batch = this.stmt.changes.all(after, limit);
        for (const r of batch) {
          after = r.seq;
          if (!collections.includes(r.collection)) continue;
          const row: ChangeRow = { seq: r.seq, collection: r.collection, id: r.id, op: r.op };
          if (r.op === 'upsert' && r.data !== undefined && r.data !== null) {
            row.entity = toEntity({ collection: r.collection, id: r.id, version: r.version!, source_agency: r.source_agency!, updated_at: r.updated_at!, deleted: r.deleted!, data: r.data });
          }
          rows.push(row);
          if (rows.length >= limit) return { horizon, rows };
        }
        if (batch.length < limit) return { horizon, rows };
      }
    });
    return read();
  }

  async findIdempotent(subject: string, key: string): Promise<IdempotencyRecord | undefined> {
    const hit = this.stmt.getIdem.get(subject, key);
    return hit ? idemRecord(hit) : undefined;
  }

  /** Resolves once the write is committed (with the others queued in the same event-loop turn). */
  write(request: WriteRequest): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queued.push({ request, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const group = this.queued;
    this.queued = [];
    if (group.length === 0) return;
    let outcomes: Array<{ ok: WriteOutcome } | { error: unknown }>;
    try {
      // BEGIN IMMEDIATE: the write lock is taken before the first read. A deferred transaction that reads (the
      // idempotency check) and then writes fails at once with SQLITE_BUSY when another process sharing the file
      // committed in between (a 500); immediate ones wait for the lock (busy_timeout) instead.
      outcomes = group.length === 1 ? [{ ok: this.writeTx.immediate(group[0]!.request) }] : this.groupTx.immediate(group);
    } catch (error) {
      // The commit itself failed: nothing of the group is stored.
      for (const q of group) q.reject(error);
      return;
    }
    group.forEach((q, i) => {
      const o = outcomes[i]!;
      if ('ok' in o) q.resolve(o.ok);
      else q.reject(o.error);
    });
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<void> {
    if (entries.length) this.auditTx(entries);
  }

  async listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const where = ['1 = 1'];
    const args: (string | number)[] = [];
    if (q.afterSeq !== undefined) {
      where.push('seq > ?');
      args.push(q.afterSeq);
    }
    if (q.entityId !== undefined) {
      where.push('entity_id = ?');
      args.push(q.entityId);
    }
    if (q.userId !== undefined) {
      where.push('user_id = ?');
      args.push(q.userId);
    }
    if (q.agency !== undefined) {
      where.push('agency = ?');
      args.push(q.agency);
    }
    if (q.action !== undefined) {
      where.push('action = ?');
      args.push(q.action);
    }
    const rows = this.db.prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...args, q.limit) as AuditRow[];
    return rows.map(toAudit);
  }

  async prune(now: number, retention: RetentionOptions): Promise<number> {
    const r = { ...DEFAULT_RETENTION, ...retention };
    const tx = this.db.transaction(() => {
      let cut = this.stmt.pruneAge.get(now - r.maxAgeMs)?.seq ?? 0;
      const byRows = this.stmt.pruneRows.get(r.maxRows)?.seq ?? 0;
      cut = Math.max(cut, byRows);
      let horizon = this.horizon();
      if (cut > 0) {
        this.stmt.deleteChanges.run(cut);
        if (cut > horizon) {
          horizon = cut;
          this.stmt.setMeta.run('horizon', String(horizon));
        }
      }
      this.stmt.pruneIdem.run(now - r.idempotencyTtlMs);
      return horizon;
    });
    return tx.immediate(); // reads then writes: take the write lock first (see flush)
  }
}

interface Queued {
  request: WriteRequest;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

function idemRecord(hit: { fingerprint: string; status: number; body: string; etag: string | null; location: string | null }): IdempotencyRecord {
  const response: IdempotencyRecord['response'] = { status: hit.status, body: hit.body };
  if (hit.etag !== null) response.etag = hit.etag;
  if (hit.location !== null) response.location = hit.location;
  return { fingerprint: hit.fingerprint, response };
}

function insertAudit(st: Database.Statement, a: AuditInput): void {
  st.run(a.at, a.userId, a.agency, a.role, a.action, a.collection, a.entityId, JSON.stringify(a.fields));
}
