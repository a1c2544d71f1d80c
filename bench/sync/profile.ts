/**
 * Where the sync time goes (bench/sync/profile-page.ts in headless Chromium against the reference server on
 * SQLite, or PostgreSQL with `--pg`): the pull of the whole feed and one push of offline writes, split into
 * time to response headers (server + loopback network), body download, JSON + mapping (transport total minus
 * fetch) and IndexedDB transactions (row building included), plus the wall time. Spans overlap (the next
 * page is fetched while one is written; several batches are in flight), so the sums exceed the wall time.
 *
 * Run: `node --import tsx bench/sync/profile.ts [--records 10000] [--writes 1000] [--limit 1000] [--pg] [--cpu]
 * [--top 14] [--timeline]` (`--cpu`: also the renderer's CPU profile of the pull, its `--top` functions by self
 * time; `--timeline`: every span of the pull in time order). `idb write gap` spans: from a commit (or the step's
 * start) to the next transaction's first write, while IndexedDB has nothing to write.
 * Prints figures; asserts nothing.
 */
import type { Page } from 'puppeteer-core';
import {
  ROOT,
  ServerProcess,
  buildBundles,
  bundleForBrowser,
  devToken,
  freePort,
  harnessProxy,
  launchChromium,
  openHarness,
  removeDir,
  tempDir,
} from '../../test/e2e/sync-faults-lib.ts';
import type { SyncProfiler } from './profile-page.ts';
import { argOf, cpuSince, processTreeCpu, seed } from './common.ts';

const args = process.argv.slice(2);
const RECORDS = argOf('records', 10_000);
const WRITES = argOf('writes', 1000);
const LIMIT = argOf('limit', 0);

type Summary = Awaited<ReturnType<SyncProfiler['push']>>;
type Timeline = Awaited<ReturnType<SyncProfiler['pull']>>['timeline'];

function print(title: string, s: Summary): void {
  process.stdout.write(`\n${title}: wall ${s.wall.ms.toFixed(0)} ms\n`);
  for (const [kind, v] of Object.entries(s)) {
    if (kind === 'wall') continue;
    process.stdout.write(`  ${kind.padEnd(52)} ${String(v.count).padStart(4)}x  ${v.ms.toFixed(0).padStart(6)} ms  (${(v.ms / v.count).toFixed(1)} ms each${v.n ? `, n=${v.n}` : ''})\n`);
  }
}

/** `--timeline`: every span of the pull, in start order (ms since the pull's start). */
function printTimeline(timeline: Timeline): void {
  process.stdout.write('  time line (start → end, ms since the pull began):\n');
  for (const t of [...timeline].sort((a, b) => a.start - b.start)) {
    process.stdout.write(`    ${t.start.toFixed(0).padStart(6)} → ${(t.start + t.ms).toFixed(0).padStart(6)}  ${t.kind}\n`);
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}

function printCpu(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const dt = (profile.timeDeltas?.[i] ?? 0) / 1000;
    total += dt;
    const f = byId.get(id)?.callFrame;
    const name = f ? `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}` : '?';
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  process.stdout.write(`  renderer CPU profile: ${total.toFixed(0)} ms sampled; top self time:\n`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, argOf('top', 14))) process.stdout.write(`    ${ms.toFixed(0).padStart(6)} ms  ${name}\n`);
}

async function main(): Promise<void> {
  const { serverEntry } = await buildBundles();
  const pageJs = await bundleForBrowser(`${ROOT}bench/sync/profile-page.ts`);
  const dir = tempDir('bench-sync-profile');
  let dbSpec = `sqlite:${dir}/profile.db`;
  let stopPg: (() => void) | undefined;
  if (args.includes('--pg')) {
    const { startThrowawayPostgres } = await import('../../scripts/postgres.mjs');
    const pg = await startThrowawayPostgres();
    stopPg = () => pg.stop();
    dbSpec = pg.url;
  }
  const server = new ServerProcess(serverEntry, await freePort(), dbSpec);
  await server.start();
  // The profiler page is served where the sync harness would be (same proxy, same origin set-up).
  const proxy = await harnessProxy(() => server.port, pageJs);
  const browser = await launchChromium();
  try {
    const token = await devToken(proxy.origin, 'imi-jakut', 'officer', `profile-${Date.now()}`);
    const seedMs = await seed(proxy.origin, token, RECORDS);
    process.stdout.write(`bench/sync/profile (${args.includes('--pg') ? 'postgres' : 'sqlite'}): seeded ${RECORDS} records in ${seedMs.toFixed(0)} ms\n`);
    const open = (): Promise<Page> => openHarness(browser, proxy.origin, 'syncProfiler');
    const p1 = await open();
    // With --cpu: the renderer's CPU profile of the pull, self time by function (IndexedDB work of the browser
    // process is not in it: what the pull costs the page itself).
    const cdp = args.includes('--cpu') ? await p1.createCDPSession() : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const cpu = (): Map<string, number> => {
      const m = new Map([...processTreeCpu(browser.process()?.pid ?? 0)].map(([k, v]) => [`chromium ${k}`, v]));
      m.set('server', processTreeCpu(server.child?.pid ?? 0).get('main') ?? 0);
      return m;
    };
    const cpu0 = cpu();
    const pulled = (await p1.evaluate(
      (db, t, l) => (globalThis as unknown as { syncProfiler: SyncProfiler }).syncProfiler.pull(db, t, l || undefined),
      `profile-pull-${Date.now()}`,
      token,
      LIMIT,
    )) as Awaited<ReturnType<SyncProfiler['pull']>>;
    const pullCpu = cpuSince(cpu0, cpu());
    print(`pull of ${RECORDS} records`, pulled.summary);
    if (args.includes('--timeline')) printTimeline(pulled.timeline);
    process.stdout.write(`  CPU during the pull (whole processes, includes the post-pull measurements above): ${[...pullCpu].map(([k, v]) => `${k} ${v} ms`).join(', ')}\n`);
    if (cdp) printCpu((await cdp.send('Profiler.stop')).profile);
    const p2 = await open();
    const pushed = (await p2.evaluate(
      (db, t, n) => (globalThis as unknown as { syncProfiler: SyncProfiler }).syncProfiler.push(db, t, n, 6, 100),
      `profile-push-${Date.now()}`,
      token,
      WRITES,
    )) as Summary;
    print(`push of ${WRITES} offline writes (batches of 100, 6 in flight)`, pushed);
  } finally {
    await browser.close().catch(() => undefined);
    await proxy.close();
    await server.stop();
    stopPg?.();
    removeDir(dir);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
