/**
 * Server throughput benchmark: the reference server (server/main.ts, in a child process) under 50 concurrent
 * autocannon clients, SQLite and PostgreSQL side by side in one run.
 *
 * - writes: `POST /records` with a unique Idempotency-Key per request (full validation, audit, change feed)
 * - reads:  `GET /records/{id}` of records written in the write phase (audit row per read)
 * - batch:  `POST /batch` with 20 creates per request (each item with its own Idempotency-Key, validated,
 *           audited); its req/s are counted in writes (items), shown as `batch×20 writes/s`
 *
 * PostgreSQL: uses TIMPORA_PG_URL, or starts a throwaway cluster with scripts/postgres.mjs (the repo's one starter).
 * Run: `node --import tsx bench/sync/server.ts [--duration 10] [--connections 50]`
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const argOf = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const DURATION = argOf('duration', 10);
const CONNECTIONS = argOf('connections', 50);
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
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
}

async function startServer(db: string, port: number, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
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

/** CPU ticks (user + system) of a process and its threads, from /proc. */
function cpuTicks(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function run(opts: autocannon.Options, pid?: number): Promise<Figures> {
  const t0 = cpuTicks(pid);
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => {
      if (err) return reject(err);
      resolve({
        cpuUs: ((cpuTicks(pid) - t0) * TICK_US) / Math.max(1, r['2xx']),
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
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
}

const BATCH = 20;
const RECORD_OBJ = JSON.parse(RECORD) as unknown;

async function benchEngine(name: string, db: string, port: number, env: Record<string, string> = {}): Promise<EngineFigures> {
  const child = await startServer(db, port, env);
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
    const baseline = await run({ url: `${base}/health`, connections: CONNECTIONS, duration: Math.max(2, Math.round(DURATION / 2)) }, pid);
    await run(writeOpts(2)); // warm-up (JIT, caches, WAL)
    const writes = await run(writeOpts(DURATION), pid);
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
    }, pid);
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
        },
      ],
    }, pid);
    process.stdout.write(`  ${name}: done\n`);
    return { baseline, writes, reads, batch };
  } finally {
    await stopServer(child);
  }
}

async function main(): Promise<void> {
  process.stdout.write(`server bench: ${CONNECTIONS} connections, ${DURATION} s per phase, Node ${process.version}, ${cpus().length} CPUs\n`);
  const dir = mkdtempSync(join(tmpdir(), 'timpora-bench-'));
  const results: [string, EngineFigures | string][] = [];
  const load0 = loadavg()[0]!;
  try {
    results.push(['sqlite', await benchEngine('sqlite', `sqlite:${join(dir, 'bench.db')}`, 18787)]);
  } catch (e) {
    results.push(['sqlite', `failed: ${e instanceof Error ? e.message : String(e)}`]);
  }
  let pgUrl = process.env['TIMPORA_PG_URL'];
  let stopPg: (() => void) | undefined;
  if (!pgUrl) {
    try {
      const { startThrowawayPostgres } = await import('../../scripts/postgres.mjs');
      const started = await startThrowawayPostgres();
      pgUrl = started.url;
      stopPg = started.stop;
    } catch {
      pgUrl = undefined;
    }
  }
  if (pgUrl) {
    const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    try {
      results.push(['postgres', await benchEngine('postgres', pgUrl, 18788, { TIMPORA_PG_SCHEMA: schema, TIMPORA_PG_POOL: '20' })]);
    } catch (e) {
      results.push(['postgres', `failed: ${e instanceof Error ? e.message : String(e)}`]);
    } finally {
      if (stopPg) {
        stopPg();
      } else {
        try {
          const pg = (await import('pg')).default;
          const c = new pg.Client({ connectionString: pgUrl });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        } catch {
          // best effort
        }
      }
    }
  } else {
    results.push(['postgres', 'skipped: no TIMPORA_PG_URL and scripts/postgres.mjs could not start a cluster']);
  }
  rmSync(dir, { recursive: true, force: true });

  const f = (x: number): string => x.toFixed(0).padStart(8);
  process.stdout.write('\nengine     phase    req/s   p50 ms   p99 ms      2xx   non2xx   errors  srv-CPU µs/req  (=> req/s per core)\n');
  for (const [engine, r] of results) {
    if (typeof r === 'string') {
      process.stdout.write(`${engine.padEnd(10)} ${r}\n`);
      continue;
    }
    for (const [phase, x] of [['health', r.baseline], ['writes', r.writes], ['reads', r.reads]] as const) {
      process.stdout.write(`${engine.padEnd(10)} ${phase.padEnd(6)} ${f(x.rps)} ${f(x.p50)} ${f(x.p99)} ${f(x.ok)} ${f(x.non2xx)} ${f(x.errors)} ${f(x.cpuUs)}        (${f(1e6 / x.cpuUs)})\n`);
    }
    const b = r.batch;
    process.stdout.write(`${engine.padEnd(10)} batch  ${f(b.rps)} ${f(b.p50)} ${f(b.p99)} ${f(b.ok)} ${f(b.non2xx)} ${f(b.errors)} ${f(b.cpuUs / BATCH)}/write  => batch×${BATCH} writes/s ${b.rps * BATCH >= 0 ? (b.rps * BATCH).toFixed(0) : '-'}\n`);
  }
  process.stdout.write(`\n1-min load average: ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (machine shared; 'health' = no-auth, no-storage ceiling)\n`);
  const sq = results.find(([e]) => e === 'sqlite')?.[1];
  const pgr = results.find(([e]) => e === 'postgres')?.[1];
  if (sq && typeof sq !== 'string' && pgr && typeof pgr !== 'string') {
    process.stdout.write(`\nratio sqlite/postgres: writes ${(sq.writes.rps / pgr.writes.rps).toFixed(2)}x, reads ${(sq.reads.rps / pgr.reads.rps).toFixed(2)}x\n`);
  }
  if (sq && typeof sq !== 'string') {
    process.stdout.write(`aim: > 2000 writes/s on SQLite -> ${sq.writes.rps >= 2000 ? 'met' : 'NOT met'} (${sq.writes.rps.toFixed(0)} writes/s)\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
