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
 * Run: `npm run bench:sync` (options: `--records 10000 --writes 1000 --runs 3 --client-only --sqlite-only
 * --pg-only --no-single --no-settle --compare <dir> --compare-server`; `--no-single` skips the one-request-per-write push, for short runs;
 * `--no-settle` starts each pull as soon as its page is ready instead of once the browser is idle;
 * `--compare <dir>` also measures the browser harness (and so the sdk) of another checkout, e.g. an export of
 * the commit before a change, alternating with this tree's run by run against the same server; with
 * `--compare-server` that checkout's client talks to that checkout's own server, a second process on the same
 * database, so server changes are compared too).
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import type { Page } from 'puppeteer-core';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import {
  ROOT,
  ServerProcess,
  buildBundles,
  bundleForBrowser,
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
import { argOf, cpuSince, machineCpu, median, processTreeCpu, seed, settle } from './common.ts';

const args = process.argv.slice(2);
const RECORDS = argOf('records', 10_000);
const WRITES = argOf('writes', 1000);
const RUNS = argOf('runs', 3);
const CLIENT_ONLY = args.includes('--client-only');
const SQLITE_ONLY = args.includes('--sqlite-only');
const PG_ONLY = args.includes('--pg-only');
const NO_SINGLE = args.includes('--no-single');
/** `--no-settle`: time the pull right after the page opened, while the new window's own UI still loads. */
const SETTLE = !args.includes('--no-settle');

const fmt = (ms: number): string => (Number.isNaN(ms) ? "-" : `${(ms / 1000).toFixed(2)} s`);

interface EngineFigures {
  engine: string;
  seedMs: number;
  pull: number[];
  /**
   * CPU during each pull (ms): Chromium's browser process (IndexedDB backend), the page's renderer, the renderers of
   * the browser's own UI (WebUI), and the server.
   */
  pullCpu: { browser: number[]; renderer: number[]; webui: number[]; server: number[] };
  pulled: number;
  pushDrained: number[];
  pushCycle: number[];
  pushSingle: number[];
}

/** A client build to measure: this tree's harness, or with `--compare <dir>` also the one of another tree. */
interface ClientBuild {
  name: string;
  harnessJs: string;
  /** The server bundle its client talks to (`--compare-server`: the compared tree's own; else this tree's). */
  serverEntry: string;
}

async function benchEngine(label: string, dbSpec: string, clients: ClientBuild[]): Promise<EngineFigures[]> {
  // One server process per server bundle, all on the same database; the first one seeds it.
  const servers = new Map<string, ServerProcess>();
  for (const c of clients) {
    if (servers.has(c.serverEntry)) continue;
    const s = new ServerProcess(c.serverEntry, await freePort(), dbSpec);
    await s.start();
    servers.set(c.serverEntry, s);
  }
  const serverOf = (k: number): ServerProcess => servers.get(clients[k]!.serverEntry)!;
  // One proxy (origin) per client build, in front of that build's server.
  const proxies: FaultProxy[] = [];
  for (const [k, c] of clients.entries()) proxies.push(await harnessProxy(() => serverOf(k).port, c.harnessJs));
  const browser = await launchChromium();
  // CPU of Chromium's processes per pull (robust to machine load, unlike the wall time; Linux /proc only).
  const root = browser.process()?.pid ?? 0;
  try {
    const token = await devToken(proxies[0]!.origin, 'imi-jakut', 'officer', `bench-${Date.now()}`);
    process.stdout.write(`[${label}] seeding ${RECORDS} records over HTTP...\n`);
    const seedMs = await seed(proxies[0]!.origin, token, RECORDS);
    const figures: EngineFigures[] = clients.map((c) => ({ engine: clients.length > 1 ? `${label} ${c.name}` : label, seedMs, pull: [], pullCpu: { browser: [], renderer: [], webui: [], server: [] }, pulled: 0, pushDrained: [], pushCycle: [], pushSingle: [] }));
    // Client builds alternate within each run (rotating order), so load on the machine hits them alike.
    const rotation = (run: number): number[] => clients.map((_, i) => (i + run) % clients.length);
    for (let run = 0; run < RUNS; run++) {
      for (const k of rotation(run)) {
        const page: Page = await openHarness(browser, proxies[k]!.origin);
        await call(page, 'init', { dbName: `bench-pull-${run}-${Date.now()}`, agencyId: 'imi-jakut', token });
        // The new window's own UI loads for a few seconds after it opened: the pull (which leading starts) waits
        // until the browser is idle.
        const settledMs = SETTLE ? await settle(root) : 0;
        await call(page, 'startLeading');
        const serverPid = serverOf(k).child?.pid ?? 0;
        const cpuBefore = processTreeCpu(root);
        const serverBefore = processTreeCpu(serverPid);
        const machineBefore = machineCpu();
        const pulled = await call(page, 'timedSync');
        const cpu = cpuSince(cpuBefore, processTreeCpu(root));
        const serverCpu = cpuSince(serverBefore, processTreeCpu(serverPid)).get('main') ?? 0;
        // Everything else the machine ran meanwhile: the database cluster for PostgreSQL, the harness, other jobs.
        const otherCpu = Math.max(0, machineCpu() - machineBefore - serverCpu - [...cpu.values()].reduce((a, b) => a + b, 0));
        figures[k]!.pull.push(pulled.ms);
        figures[k]!.pullCpu.browser.push(cpu.get('main') ?? 0);
        figures[k]!.pullCpu.renderer.push(cpu.get('renderer') ?? 0);
        figures[k]!.pullCpu.webui.push(cpu.get('webui-renderer') ?? 0);
        figures[k]!.pullCpu.server.push(serverCpu);
        figures[k]!.pulled = pulled.records;
        await call(page, 'close');
        await page.browserContext().close();
        process.stdout.write(
          `[${figures[k]!.engine}] pull run ${run + 1}: ${pulled.records} records in ${fmt(pulled.ms)} (CPU browser process ${fmt(cpu.get('main') ?? 0)}, renderer ${fmt(cpu.get('renderer') ?? 0)}, browser UI renderers ${fmt(cpu.get('webui-renderer') ?? 0)}, server ${fmt(serverCpu)}, other processes ${fmt(otherCpu)}; waited ${fmt(settledMs)} for an idle browser)\n`,
        );
      }
    }
    for (const batchSize of NO_SINGLE ? [100] : [100, 1]) {
      for (let run = 0; run < RUNS; run++) {
        for (const k of rotation(run)) {
          const page: Page = await openHarness(browser, proxies[k]!.origin);
          await call(page, 'init', { dbName: `bench-push-${batchSize}-${run}-${Date.now()}`, agencyId: 'imi-jakut', token, concurrency: 6, batchSize });
          await call(page, 'writeOffline', WRITES, 0, 'bench');
          if (SETTLE) await settle(root);
          const pushed = await call(page, 'timedPush');
          if (batchSize > 1) {
            figures[k]!.pushDrained.push(pushed.drainedMs);
            figures[k]!.pushCycle.push(pushed.cycleMs);
          } else figures[k]!.pushSingle.push(pushed.drainedMs);
          await call(page, 'close');
          await page.browserContext().close();
          process.stdout.write(
            `[${figures[k]!.engine}] push run ${run + 1} (${batchSize > 1 ? `batches of ${batchSize}` : 'one request per write'}, 6 in flight): ${WRITES} writes acknowledged in ${fmt(pushed.drainedMs)} (cycle incl. pull-back ${fmt(pushed.cycleMs)})\n`,
          );
        }
      }
    }
    return figures;
  } finally {
    await browser.close().catch(() => undefined);
    for (const proxy of proxies) await proxy.close();
    for (const s of servers.values()) await s.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`bench/sync: headless Chromium + reference server; ${RECORDS} records pulled, ${WRITES} offline writes pushed, ${RUNS} runs each (median)\n`);
  const { serverEntry, harnessJs } = await buildBundles();
  const clients: ClientBuild[] = [{ name: 'this tree', harnessJs, serverEntry }];
  const compare = args[args.indexOf('--compare') + 1];
  let compareServer: string | undefined;
  if (args.includes('--compare') && compare) {
    // The browser harness of another checkout (e.g. an export of the commit before a change), bundled
    // with that tree's sdk; the server stays this tree's unless --compare-server.
    if (args.includes('--compare-server')) {
      mkdirSync(`${ROOT}.tmp`, { recursive: true });
      compareServer = `${ROOT}.tmp/bench-sync-compare-server-${process.pid}.mjs`;
      await build({ entryPoints: [resolve(compare, 'server/main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: compareServer, logLevel: 'warning' });
    }
    clients.push({ name: `(${compare})`, harnessJs: await bundleForBrowser(resolve(compare, 'test/e2e/sync-faults-harness.ts')), serverEntry: compareServer ?? serverEntry });
  }
  const dir = tempDir('bench-sync');
  const results: EngineFigures[] = [];
  try {
    if (!PG_ONLY) results.push(...(await benchEngine('sqlite', `sqlite:${dir}/bench.db`, clients)));
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
    if (pg) results.push(...(await benchEngine('postgres', pg, clients)));
  } finally {
    removeDir(dir);
    if (compareServer) rmSync(compareServer, { force: true });
  }
  process.stdout.write('\nengine    | initial pull (median)        | pull CPU browser / renderer / UI renderers / server | push, all acked (median) | push cycle incl. pull-back | push, 1 request/write | ratio single/batched\n');
  for (const r of results) {
    const pull = median(r.pull);
    const push = median(r.pushDrained);
    const seq = r.pushSingle.length > 0 ? median(r.pushSingle) : Number.NaN;
    process.stdout.write(
      `${r.engine.padEnd(9)} | ${fmt(pull)} for ${r.pulled} records (aim < 3 s) | ${fmt(median(r.pullCpu.browser))} / ${fmt(median(r.pullCpu.renderer))} / ${fmt(median(r.pullCpu.webui))} / ${fmt(median(r.pullCpu.server))} | ${fmt(push)} (aim < 2 s)      | ${fmt(median(r.pushCycle))}                     | ${fmt(seq)}         | ${Number.isNaN(seq) ? '-' : `${(seq / push).toFixed(2)}x`}\n`,
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
