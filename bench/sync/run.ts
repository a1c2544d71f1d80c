/**
 * Sync benchmark (client side, real browser + real server): initial pull of 10,000 records into IndexedDB and
 * push of 1,000 offline writes, against the reference server on SQLite and (when TIMPORA_PG_URL is set) on
 * PostgreSQL. Then runs the server throughput benchmark (bench/sync/server.ts) unless `--client-only`.
 *
 * The page and the API share one origin through a pass-through proxy (as behind a portal's reverse proxy),
 * so there are no CORS preflights. There is no peer library for this job installed here; the ratio printed
 * compares the engine's default (writes batched through `POST /batch`, 100 per request) with one request per
 * write (6 in flight, the browser's connection limit per origin).
 *
 * Run: `npm run bench:sync` (options: `--records 10000 --writes 1000 --runs 3 --client-only --sqlite-only`).
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import type { Page } from 'puppeteer-core';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  ROOT,
  ServerProcess,
  buildBundles,
  call,
  devToken,
  freePort,
  harnessProxy,
  launchChromium,
  openHarness,
  removeDir,
  tempDir,
} from '../../test/e2e/sync-faults-lib.ts';
import type { FaultProxy } from '../../test/e2e/sync-faults-proxy.ts';

const args = process.argv.slice(2);
const argOf = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
};
const RECORDS = argOf('records', 10_000);
const WRITES = argOf('writes', 1000);
const RUNS = argOf('runs', 3);
const CLIENT_ONLY = args.includes('--client-only');
const SQLITE_ONLY = args.includes('--sqlite-only');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function record(i: number): string {
  return JSON.stringify({
    identity: { surname: `BENCH${i}`, givenNames: 'PULL', sex: i % 2 ? 'M' : 'F', birthDate: '1980-05-17', nationality: 'GBR' },
    document: { type: 'passport', issuingState: 'GBR', number: String(200000000 + i), expiryDate: '2031-01-01' },
    permit: { type: 'ITAS', number: `ITAS-2024-${i}`, validFrom: '2024-01-01', validUntil: '2027-01-01' },
    address: { street: 'Jl. Pantai Kuta No. 1', region: { province: '51' } },
    status: 'active',
    findings: [],
    notes: 'Bench record',
  });
}

/** Seed `n` records over HTTP (`POST /batch`, 100 per request, 4 requests in flight). */
async function seed(origin: string, token: string, n: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const items = [];
      for (let k = 0; k < 100 && next < n; k++) {
        const i = next++;
        items.push({ method: 'PUT', collection: 'records', id: crypto.randomUUID(), idempotencyKey: crypto.randomUUID(), body: JSON.parse(record(i)) as unknown });
      }
      const res = await fetch(`${origin}/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      const body = (await res.json()) as { results?: { status: number }[] };
      if (res.status !== 200 || !body.results?.every((r) => r.status === 201)) throw new Error(`seed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return performance.now() - t0;
}

interface EngineFigures {
  engine: string;
  seedMs: number;
  pull: number[];
  pulled: number;
  pushDrained: number[];
  pushCycle: number[];
  pushSingle: number[];
}

async function benchEngine(label: string, dbSpec: string, serverEntry: string, harnessJs: string): Promise<EngineFigures> {
  const server = new ServerProcess(serverEntry, await freePort(), dbSpec);
  await server.start();
  const proxy: FaultProxy = await harnessProxy(() => server.port, harnessJs);
  const browser = await launchChromium();
  try {
    const token = await devToken(proxy.origin, 'imi-jakut', 'officer', `bench-${Date.now()}`);
    process.stdout.write(`[${label}] seeding ${RECORDS} records over HTTP...\n`);
    const seedMs = await seed(proxy.origin, token, RECORDS);
    const figures: EngineFigures = { engine: label, seedMs, pull: [], pulled: 0, pushDrained: [], pushCycle: [], pushSingle: [] };
    for (let run = 0; run < RUNS; run++) {
      const page: Page = await openHarness(browser, proxy.origin);
      await call(page, 'init', { dbName: `bench-pull-${run}-${Date.now()}`, agencyId: 'imi-jakut', token });
      await call(page, 'startLeading');
      const pulled = await call(page, 'timedSync');
      figures.pull.push(pulled.ms);
      figures.pulled = pulled.records;
      await call(page, 'close');
      await page.browserContext().close();
      process.stdout.write(`[${label}] pull run ${run + 1}: ${pulled.records} records in ${fmt(pulled.ms)}\n`);
    }
    for (const [batchSize, sink] of [
      [100, figures.pushDrained],
      [1, figures.pushSingle],
    ] as const) {
      for (let run = 0; run < RUNS; run++) {
        const page: Page = await openHarness(browser, proxy.origin);
        await call(page, 'init', { dbName: `bench-push-${batchSize}-${run}-${Date.now()}`, agencyId: 'imi-jakut', token, concurrency: 6, batchSize });
        await call(page, 'writeOffline', WRITES, 0, 'bench');
        const pushed = await call(page, 'timedPush');
        sink.push(pushed.drainedMs);
        if (batchSize > 1) figures.pushCycle.push(pushed.cycleMs);
        await call(page, 'close');
        await page.browserContext().close();
        process.stdout.write(
          `[${label}] push run ${run + 1} (${batchSize > 1 ? `batches of ${batchSize}` : 'one request per write'}, 6 in flight): ${WRITES} writes acknowledged in ${fmt(pushed.drainedMs)} (cycle incl. pull-back ${fmt(pushed.cycleMs)})\n`,
        );
      }
    }
    return figures;
  } finally {
    await browser.close().catch(() => undefined);
    await proxy.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`bench/sync: headless Chromium + reference server; ${RECORDS} records pulled, ${WRITES} offline writes pushed, ${RUNS} runs each (median)\n`);
  const { serverEntry, harnessJs } = await buildBundles();
  const dir = tempDir('bench-sync');
  const results: EngineFigures[] = [];
  try {
    results.push(await benchEngine('sqlite', `sqlite:${dir}/bench.db`, serverEntry, harnessJs));
    let pg = SQLITE_ONLY ? undefined : process.env['TIMPORA_PG_URL'];
    if (!pg && !SQLITE_ONLY) {
      // A throwaway cluster (scripts/postgres.mjs, the one PostgreSQL starter of the repo), shared with the
      // server benchmark below and stopped at the end.
      try {
        const { startThrowawayPostgres } = await import('../../scripts/postgres.mjs');
        const started = await startThrowawayPostgres();
        process.once('exit', () => started.stop());
        pg = started.url;
        process.env['TIMPORA_PG_URL'] = pg;
      } catch (e) {
        process.stdout.write(`PostgreSQL: skipped (${e instanceof Error ? e.message : String(e)})\n`);
      }
    }
    if (pg) results.push(await benchEngine('postgres', pg, serverEntry, harnessJs));
  } finally {
    removeDir(dir);
  }
  process.stdout.write('\nengine    | initial pull (median)        | push, all acked (median) | push cycle incl. pull-back | push, 1 request/write | ratio single/batched\n');
  for (const r of results) {
    const pull = median(r.pull);
    const push = median(r.pushDrained);
    const seq = median(r.pushSingle);
    process.stdout.write(
      `${r.engine.padEnd(9)} | ${fmt(pull)} for ${r.pulled} records (aim < 3 s) | ${fmt(push)} (aim < 2 s)      | ${fmt(median(r.pushCycle))}                     | ${fmt(seq)}         | ${(seq / push).toFixed(2)}x\n`,
    );
  }
  if (!CLIENT_ONLY) {
    const serverBench = `${ROOT}bench/sync/server.ts`;
    if (existsSync(serverBench)) {
      process.stdout.write('\n--- server throughput (bench/sync/server.ts) ---\n');
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', serverBench], { cwd: ROOT, stdio: 'inherit' });
        child.once('exit', () => resolve());
      });
    }
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:sync failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
