/**
 * Server throughput benchmark: the reference server (server/main.ts, in a child process) under 50 concurrent
 * autocannon clients, SQLite and PostgreSQL side by side in one run.
 *
 * - writes: `POST /records` with a unique Idempotency-Key per request (full validation, audit, change feed)
 * - reads:  `GET /records/{id}` of records written in the write phase (audit row per read)
 * - batch:  `POST /batch` with 20 creates per request (each item with its own Idempotency-Key, validated,
 *           audited); its req/s are counted in writes (items), shown as `batch×20 writes/s`
 *
 * Honesty checks printed per engine: every write answered 2xx (batch items: 201 each), and afterwards the
 * database holds as many created records (entity rows, `create` audit rows, idempotency answers) as were answered
 * 201, and no more than were sent (a request in flight when autocannon stops may still be committed).
 *
 * PostgreSQL: uses TIMPORA_PG_URL, or starts a throwaway cluster with scripts/postgres.mjs (the repo's one starter).
 * Tests run that cluster with `fsync=off`; the bench starts it with fsync on (`--pg-fsync on`, the default) so
 * its commits are flushed like a real deployment's, and prints fsync/synchronous_commit beside the figures.
 * `--baseline <dir>`: also benches the server of another checkout (e.g. `git worktree`/`git archive` of the
 * commit before a change, with node_modules linked) in the same run, as `sqlite@base` / `postgres@base`.
 * `--sqlite-only` / `--pg-only`: one engine (shorter runs). `--base-first`: bench the baseline before this tree
 * (run both orders: the variant that runs first on a fresh cluster may also pay for warming it up).
 * CPU per request: `srv-CPU` is the server process; `db-CPU` the PostgreSQL cluster on the URL's local port
 * (postmaster, its live processes and the reaped ones, from /proc), since a PostgreSQL write costs CPU there too.
 * It is rough: a backend that exits during a phase brings its whole life's CPU into that phase, and autovacuum
 * runs when it runs.
 * Run: `node --import tsx bench/sync/server.ts [--duration 10] [--connections 50] [--baseline dir] [--pg-fsync on|off]
 * [--sqlite-only|--pg-only] [--base-first]`
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SQLITE_SYNCHRONOUS } from '../../server/store/sqlite.ts';

const args = process.argv.slice(2);
const argOf = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const DURATION = argOf('duration', 10);
const strArg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const BASELINE = strArg('baseline');
const PG_FSYNC = strArg('pg-fsync') ?? 'on';
const CONNECTIONS = argOf('connections', 50);
const SQLITE_ONLY = args.includes('--sqlite-only');
const PG_ONLY = args.includes('--pg-only');
const SECRET = 'bench-secret-0123456789abcdef';
const ROOT = new URL('../../', import.meta.url).pathname;

const RECORD = JSON.stringify({
  identity: { surname: 'SMITH', givenNames: 'JOHN PAUL', sex: 'M', birthDate: '1980-05-17', nationality: 'GBR' },
  document: { type: 'passport', issuingState: 'GBR', number: '123456789', expiryDate: '2031-01-01' },
  permit: { type: 'ITAS', number: 'ITAS-2024-0001', validFrom: '2024-01-01', validUntil: '2027-01-01' },
  address: { street: 'Jl. Pantai Kuta No. 1', region: { province: '51' } },
  status: 'active',
  findings: [],
  notes: 'Bench record',
});

interface Figures {
  /** Server process CPU time (user + system) per 2xx answer, µs (Linux /proc; NaN elsewhere). */
  cpuUs: number;
  /** Database cluster CPU time per 2xx answer, µs (PostgreSQL on a local port; NaN otherwise). */
  dbCpuUs: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests handed to the connections (an upper bound of what the server may have committed). */
  sent: number;
}

async function startServer(root: string, db: string, port: number, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), TIMPORA_DB: db, TIMPORA_JWT_SECRET: SECRET, TIMPORA_LOG: '0', NODE_ENV: 'development', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000).unref();
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function token(base: string): Promise<string> {
  const r = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'bench', agency: 'imi-bench', role: 'officer' }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** Fields of /proc/<pid>/stat after the command name (index 0 = state, 1 = ppid, 11/12 = utime/stime, 13/14 = reaped children's). */
function procStat(pid: number | string | undefined): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

/** CPU ticks (user + system) of a process and its threads, from /proc. */
function cpuTicks(pid: number | undefined): number {
  const f = procStat(pid);
  return f ? Number(f[11]) + Number(f[12]) : NaN;
}

/** The postmaster of the local PostgreSQL cluster listening on `port` (its command line names the port), or undefined. */
function postmasterOf(port: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith('/postgres')) && argv.join(' ').includes(`-p ${port}`)) return Number(d);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

/** CPU ticks of a cluster: the postmaster, the backends it reaped, and its live processes. */
function clusterTicks(postmaster: number | undefined): number {
  const f = postmaster === undefined ? undefined : procStat(postmaster);
  if (!f) return NaN;
  let t = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const c = procStat(d);
    if (c && Number(c[1]) === postmaster) t += Number(c[11]) + Number(c[12]);
  }
  return t;
}
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function run(opts: autocannon.Options, pid?: number, postmaster?: number): Promise<Figures> {
  const t0 = cpuTicks(pid);
  const d0 = clusterTicks(postmaster);
  let sent = 0;
  const counted: autocannon.Options = {
    ...opts,
    requests: (opts.requests ?? [{}]).map((r) => ({
      ...r,
      setupRequest: (req, ctx) => {
        sent++;
        return r.setupRequest ? r.setupRequest(req, ctx) : req;
      },
    })),
  };
  return new Promise((resolve, reject) => {
    autocannon(counted, (err, r) => {
      if (err) return reject(err);
      resolve({
        cpuUs: ((cpuTicks(pid) - t0) * TICK_US) / Math.max(1, r['2xx']),
        dbCpuUs: ((clusterTicks(postmaster) - d0) * TICK_US) / Math.max(1, r['2xx']),
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        sent,
      });
    });
  });
}

interface EngineFigures {
  /** `GET /health` (no auth, no storage): what the machine gives the HTTP stack right now. */
  baseline: Figures;
  writes: Figures;
  reads: Figures;
  /** `POST /batch` of {@link BATCH} creates; figures per request (writes/s = rps × BATCH). */
  batch: Figures;
  /** Batch items answered 201 / otherwise (a batch request is 200 even when items fail). */
  batchItems: { created: number; other: number };
  /** Creates answered 201 over all write phases (warm-up, writes, batch items) and requested (upper bound). */
  created: { answered: number; sent: number };
  /** Rows in the database afterwards. */
  rows: RowCounts;
  /** Durability settings in force (engine pragmas / settings). */
  durability: string;
}

/** Created records as the database holds them after a run. */
interface RowCounts {
  entities: number;
  createAudit: number;
  idempotency: number;
}

/** How an engine is reached: where its server runs from, and how to count its rows afterwards. */
interface EngineSetup {
  name: string;
  root: string;
  db: string;
  port: number;
  env?: Record<string, string>;
  /** PostgreSQL: the cluster's postmaster, for its CPU time. */
  postmaster?: number;
  /** Counts rows and reads the durability settings (after the server stopped, or before the schema is dropped). */
  inspect(): Promise<{ rows: RowCounts; durability: string }>;
}

const BATCH = 20;
const RECORD_OBJ = JSON.parse(RECORD) as unknown;

async function benchEngine(e: EngineSetup): Promise<EngineFigures> {
  const { name, port } = e;
  const child = await startServer(e.root, e.db, port, e.env ?? {});
  let figures: Omit<EngineFigures, 'rows' | 'durability'>;
  try {
    const base = `http://127.0.0.1:${port}`;
    const tok = await token(base);
    const headers = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
    const writeOpts = (duration: number): autocannon.Options => ({
      url: base,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'POST',
          path: '/records',
          headers,
          body: RECORD,
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
        },
      ],
    });
    const pid = child.pid;
    const pm = e.postmaster;
    const baseline = await run({ url: `${base}/health`, connections: CONNECTIONS, duration: Math.max(2, Math.round(DURATION / 2)) }, pid, pm);
    const warm = await run(writeOpts(2)); // warm-up (JIT, caches, WAL)
    const writes = await run(writeOpts(DURATION), pid, pm);
    // Ids for the read phase.
    const ids: string[] = [];
    let pageToken: string | undefined;
    while (ids.length < 2000) {
      const r = await fetch(`${base}/records?limit=500${pageToken ? `&pageToken=${pageToken}` : ''}`, { headers });
      const j = (await r.json()) as { items: { id: string }[]; nextPageToken?: string };
      ids.push(...j.items.map((x) => x.id));
      if (!j.nextPageToken) break;
      pageToken = j.nextPageToken;
    }
    let n = 0;
    const reads = await run({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [{ method: 'GET', path: '/records/x', headers, setupRequest: (req) => ({ ...req, path: `/records/${ids[n++ % ids.length]}` }) }],
    }, pid, pm);
    const batchItems = { created: 0, other: 0 };
    const batch = await run({
      url: base,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          path: '/batch',
          headers,
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              items: Array.from({ length: BATCH }, () => ({ method: 'PUT', collection: 'records', id: randomUUID(), idempotencyKey: randomUUID(), body: RECORD_OBJ })),
            }),
          }),
          onResponse: (status, body) => {
            if (status !== 200) return;
            for (const item of (JSON.parse(body) as { results: { status: number }[] }).results) {
              if (item.status === 201) batchItems.created++;
              else batchItems.other++;
            }
          },
        },
      ],
    }, pid, pm);
    const created = { answered: warm.ok + writes.ok + batchItems.created, sent: warm.sent + writes.sent + batch.sent * BATCH };
    figures = { baseline, writes, reads, batch, batchItems, created };
  } finally {
    await stopServer(child);
  }
  const { rows, durability } = await e.inspect();
  process.stdout.write(`  ${name}: done\n`);
  return { ...figures, rows, durability };
}

/** Row counts and settings of a SQLite bench database (the server has stopped). */
async function inspectSqlite(file: string): Promise<{ rows: RowCounts; durability: string }> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return {
      rows: {
        entities: n("SELECT COUNT(*) AS n FROM entities WHERE collection = 'records'"),
        createAudit: n("SELECT COUNT(*) AS n FROM audit WHERE action = 'create'"),
        idempotency: n('SELECT COUNT(*) AS n FROM idempotency'),
      },
      durability: `journal_mode=${String(db.pragma('journal_mode', { simple: true }))}, synchronous=${SQLITE_SYNCHRONOUS} (set per connection by server/store/sqlite.ts)`,
    };
  } finally {
    db.close();
  }
}

/** Row counts of a PostgreSQL bench schema and the cluster's durability settings. */
async function inspectPostgres(url: string, schema: string): Promise<{ rows: RowCounts; durability: string }> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const n = async (sql: string): Promise<number> => Number((await c.query<{ n: string }>(sql)).rows[0]?.n ?? NaN);
    const show = async (k: string): Promise<string> => String((await c.query<Record<string, string>>(`SHOW ${k}`)).rows[0]?.[k]);
    return {
      rows: {
        entities: await n(`SELECT COUNT(*) AS n FROM ${schema}.entities WHERE collection = 'records'`),
        createAudit: await n(`SELECT COUNT(*) AS n FROM ${schema}.audit WHERE action = 'create'`),
        idempotency: await n(`SELECT COUNT(*) AS n FROM ${schema}.idempotency`),
      },
      durability: `fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}, full_page_writes=${await show('full_page_writes')}`,
    };
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`server bench: ${CONNECTIONS} connections, ${DURATION} s per phase, Node ${process.version}, ${cpus().length} CPUs\n`);
  const dir = mkdtempSync(join(tmpdir(), 'timpora-bench-'));
  const results: [string, EngineFigures | string][] = [];
  const load0 = loadavg()[0]!;
  const variants: [suffix: string, root: string][] = [['', ROOT]];
  if (BASELINE) variants.push(['@base', BASELINE]);
  if (args.includes('--base-first')) variants.reverse();
  const attempt = async (name: string, setup: EngineSetup): Promise<void> => {
    try {
      results.push([name, await benchEngine(setup)]);
    } catch (e) {
      results.push([name, `failed: ${e instanceof Error ? e.message : String(e)}`]);
    }
  };
  let port = 18787;
  for (const [suffix, root] of PG_ONLY ? [] : variants) {
    const file = join(dir, `bench${suffix.replace('@', '-')}.db`);
    await attempt(`sqlite${suffix}`, { name: `sqlite${suffix}`, root, db: `sqlite:${file}`, port: port++, inspect: () => inspectSqlite(file) });
  }
  let pgUrl = SQLITE_ONLY ? undefined : process.env['TIMPORA_PG_URL'];
  let stopPg: (() => void) | undefined;
  if (!pgUrl && !SQLITE_ONLY) {
    try {
      const { startThrowawayPostgres } = await import('../../scripts/postgres.mjs');
      // Tests run the throwaway cluster with fsync=off; a throughput figure without flushes would flatter.
      const started = await startThrowawayPostgres({ fsync: PG_FSYNC !== 'off' });
      pgUrl = started.url;
      stopPg = started.stop;
    } catch {
      pgUrl = undefined;
    }
  }
  if (pgUrl) {
    const url = pgUrl;
    const postmaster = postmasterOf(new URL(url).port || '5432');
    const schemas: string[] = [];
    try {
      for (const [suffix, root] of variants) {
        const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        schemas.push(schema);
        await attempt(`postgres${suffix}`, {
          name: `postgres${suffix}`,
          root,
          db: url,
          port: port++,
          env: { TIMPORA_PG_SCHEMA: schema, TIMPORA_PG_POOL: '20' },
          ...(postmaster !== undefined ? { postmaster } : {}),
          inspect: () => inspectPostgres(url, schema),
        });
      }
    } finally {
      if (stopPg) {
        stopPg();
      } else {
        try {
          const pg = (await import('pg')).default;
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        } catch {
          // best effort
        }
      }
    }
  } else if (!SQLITE_ONLY) {
    results.push(['postgres', 'skipped: no TIMPORA_PG_URL and scripts/postgres.mjs could not start a cluster']);
  }
  rmSync(dir, { recursive: true, force: true });

  const f = (x: number): string => x.toFixed(0).padStart(8);
  const db = (x: Figures, per = 1): string => (Number.isNaN(x.dbCpuUs) ? '       -' : f(x.dbCpuUs / per));
  process.stdout.write('\nengine         phase    req/s   p50 ms   p99 ms      2xx   non2xx   errors  srv-CPU µs/req  (=> req/s per core)  db-CPU µs/req\n');
  for (const [engine, r] of results) {
    if (typeof r === 'string') {
      process.stdout.write(`${engine.padEnd(14)} ${r}\n`);
      continue;
    }
    for (const [phase, x] of [['health', r.baseline], ['writes', r.writes], ['reads', r.reads]] as const) {
      process.stdout.write(`${engine.padEnd(14)} ${phase.padEnd(6)} ${f(x.rps)} ${f(x.p50)} ${f(x.p99)} ${f(x.ok)} ${f(x.non2xx)} ${f(x.errors)} ${f(x.cpuUs)}        (${f(1e6 / x.cpuUs)})  ${db(x)}\n`);
    }
    const b = r.batch;
    process.stdout.write(
      `${engine.padEnd(14)} batch  ${f(b.rps)} ${f(b.p50)} ${f(b.p99)} ${f(b.ok)} ${f(b.non2xx)} ${f(b.errors)} ${f(b.cpuUs / BATCH)}/write  => batch×${BATCH} writes/s ${(b.rps * BATCH).toFixed(0)}  ${db(b, BATCH)}${Number.isNaN(b.dbCpuUs) ? '' : '/write'}\n`,
    );
  }
  process.stdout.write('\nhonesty: creates answered 201 (warm-up + writes + batch items) <= rows in the database <= creates sent\n');
  for (const [engine, r] of results) {
    if (typeof r === 'string') continue;
    const { answered, sent } = r.created;
    const counts = [r.rows.entities, r.rows.createAudit, r.rows.idempotency];
    const ok = r.writes.non2xx === 0 && r.writes.errors === 0 && r.batch.non2xx === 0 && r.batchItems.other === 0 && counts.every((n) => n >= answered && n <= sent);
    process.stdout.write(
      `${engine.padEnd(14)} ${ok ? 'ok      ' : 'MISMATCH'} answered ${answered}, sent ${sent}; rows: records ${r.rows.entities}, create audit ${r.rows.createAudit}, idempotency ${r.rows.idempotency}; ` +
        `batch items non-201 ${r.batchItems.other}; ${r.durability}\n`,
    );
  }
  process.stdout.write(`\n1-min load average: ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (machine shared; 'health' = no-auth, no-storage ceiling)\n`);
  const figures = (name: string): EngineFigures | undefined => {
    const r = results.find(([e]) => e === name)?.[1];
    return r && typeof r !== 'string' ? r : undefined;
  };
  const sq = figures('sqlite');
  const pgr = figures('postgres');
  if (sq && pgr) {
    process.stdout.write(`\nratio sqlite/postgres: writes ${(sq.writes.rps / pgr.writes.rps).toFixed(2)}x, reads ${(sq.reads.rps / pgr.reads.rps).toFixed(2)}x\n`);
  }
  for (const engine of ['sqlite', 'postgres']) {
    const now = figures(engine);
    const base = figures(`${engine}@base`);
    if (now && base) {
      process.stdout.write(
        `ratio ${engine} this/base: writes/s ${(now.writes.rps / base.writes.rps).toFixed(2)}x, srv-CPU per write ${(now.writes.cpuUs / base.writes.cpuUs).toFixed(2)}x` +
          `${Number.isNaN(now.writes.dbCpuUs) ? '' : `, db-CPU per write ${(now.writes.dbCpuUs / base.writes.dbCpuUs).toFixed(2)}x`}, batch writes/s ${(now.batch.rps / base.batch.rps).toFixed(2)}x\n`,
      );
    }
  }
  if (sq) {
    process.stdout.write(`aim: > 2000 writes/s on SQLite -> ${sq.writes.rps >= 2000 ? 'met' : 'NOT met'} (${sq.writes.rps.toFixed(0)} writes/s)\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
