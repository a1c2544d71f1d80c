/**
 * bench/scanner: live scanning with Chromium's fake camera playing a y4m clip of a synthetic
 * passport page, the real MRZ engine in its Web Worker and <timpora-mrz-scanner> on a page.
 *
 * Prints per run and as medians: time from `start()` to the `timpora-mrz-read` event, time from the
 * first frame handed to the worker to the read, frames processed per second (worker throughput),
 * frames skipped by back-pressure, and main-thread long tasks (PerformanceObserver 'longtask')
 * between start() and the read (or the end of the run). Aim: read within 1 s of the first frame,
 * no main-thread task over 50 ms.
 *
 * Two ways to serve the page (`SCANNER_BENCH_SERVE`, both by default):
 * - `build`: a production build (`vite build` of the test page: the page one bundled module, the MRZ
 *   worker one bundled module), served statically: what users get;
 * - `dev`: the Vite dev server, which hands out every module (the worker's ~20) one request at a
 *   time, untransformed until asked for: a slower worker start than any real deployment.
 *
 * `SCANNER_BENCH_BASELINE=<dir>` adds `base`: a production build of another checkout (e.g. `git archive`
 * of an older commit with node_modules linked), run interleaved with `build` for a before/after pair
 * (the order of the serve modes flips every round).
 *
 * Two scenarios, each `SCANNER_BENCH_RUNS` times on a fresh page:
 * - `idle`: start() a few seconds after the page loaded (the usual case: the officer opens the page,
 *   then presses "Mulai kamera"); the element has started and warmed the engine worker meanwhile;
 * - `cold`: start() right after load, so worker start-up and engine warm-up overlap the scan.
 * each with both frame paths, runs interleaved so machine load hits them alike:
 * - `track`: the worker reads the camera track (MediaStreamTrackProcessor stream transferred to it);
 * - `video`: the fallback, VideoFrames grabbed from the preview on the main thread and posted
 *   (the page hides MediaStreamTrackProcessor: `?pump=video`).
 *
 * Start-up split (medians): start() -> camera open (getUserMedia resolved) -> first frame requested
 * -> the worker takes it up (the gap is worker start-up, module compile or a warm-up run in
 * progress) -> waits for a camera frame (track mode) -> reads it -> remaining frames until the vote
 * settles and the read event fires.
 *
 * No peer library runs here: no open-source in-browser camera MRZ scanner is installed to compare
 * against, so the figures are absolute.
 *
 * `npm run bench:scanner` (env: SCANNER_BENCH_RUNS=5, SCANNER_BENCH_TIMEOUT_MS=30000, SCANNER_BENCH_IDLE_MS=4000,
 * SCANNER_BENCH_MODES=track,video, SCANNER_BENCH_SCENARIOS=idle,cold, SCANNER_BENCH_SERVE=build,dev,
 * SCANNER_BENCH_SETTLE=12: the clip starts with the document sliding into place for that many
 * frames (motion-blurred, `makeScannerClip`'s `settle`; its still part then lasts 4 s instead of 1 s),
 * the case a per-frame time budget is for (sdk/camera/scanner.ts `frameBudgetMs`),
 * SCANNER_BENCH_DOC=hard:0.5:4265: the clip's document in that synth.ts preset, at that share of the
 * frame's width, from that seed (default clean:0.85:4242; a small hard-preset page reads slowly, the
 * case the time budget may cost), SCANNER_BENCH_CPU=1: trace each run and add its CPU split from
 * start() to the read, `cpu.ts`: on a shared 2-core machine a cold scan is bound by V8's optimising
 * compilers as much as by the worker)
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScannerClip } from '../../test/e2e/scanner-clip.ts';
import type { Browser } from 'puppeteer-core';
import type { LongFrame } from '../../test/e2e/scanner-page.ts';
import { buildScannerPage, launchBrowser, startBuiltPageServer, startPageServer, type PageServer } from '../../test/e2e/scanner-harness.ts';
import { CPU_TRACE_CATEGORIES, scanCpu, type ScanCpu } from './cpu.ts';

const RUNS = Number(process.env['SCANNER_BENCH_RUNS'] ?? 5);
const IDLE_MS = Number(process.env['SCANNER_BENCH_IDLE_MS'] ?? 4000);
const TIMEOUT_MS = Number(process.env['SCANNER_BENCH_TIMEOUT_MS'] ?? 30_000);
const MODES = (process.env['SCANNER_BENCH_MODES'] ?? 'track,video').split(',') as Mode[];
const SCENARIOS = (process.env['SCANNER_BENCH_SCENARIOS'] ?? 'idle,cold').split(',') as Scenario[];
const BASELINE = process.env['SCANNER_BENCH_BASELINE'];
const CPU = process.env['SCANNER_BENCH_CPU'] === '1';
const SETTLE = Number(process.env['SCANNER_BENCH_SETTLE'] ?? 0);
const [DOC_PRESET, DOC_SCALE, DOC_SEED] = (process.env['SCANNER_BENCH_DOC'] ?? 'clean:0.85:4242').split(':') as ['clean' | 'normal' | 'hard', string, string];
const SERVES = [...(BASELINE ? ['base'] : []), ...(process.env['SCANNER_BENCH_SERVE'] ?? 'build,dev').split(',')] as Serve[];

type Mode = 'track' | 'video';
type Scenario = 'idle' | 'cold';
type Serve = 'base' | 'build' | 'dev';

interface RunFigures {
  serve: Serve;
  scenario: Scenario;
  /** Frame path asked for. */
  mode: Mode;
  /** Frame path the pump used. */
  usedMode: string | null;
  read: boolean;
  correct: boolean;
  startToReadMs: number | null;
  firstFrameToReadMs: number | null;
  startToFirstFrameMs: number | null;
  processed: number;
  skipped: number;
  framesPerSecond: number;
  /** Long tasks between start() and the first frame (getUserMedia, video start). */
  startupLongTasks: number;
  startupLongestMs: number;
  /** Long tasks between the first frame and the read (or the end of the run): the scanning itself. */
  longTasks: number;
  longestTaskMs: number;
  /** Each of those long tasks as `duration@start`, start in ms before the read event (or the end of the run). */
  longTaskList: string[];
  /** Long tasks in the 500 ms after the read event (releasing the camera, rendering the result). */
  afterReadTasks: number;
  afterReadLongestMs: number;
  /** What ran in each long task from start() to 500 ms after the read (Long Animation Frames attribution). */
  attribution: string[];
  /** Worker-side mean per processed frame: frame → pixels, and the engine. */
  decodeMsPerFrame: number;
  engineMsPerFrame: number;
  /** `SCANNER_BENCH_CPU=1`: CPU (thread time) from start() to the read, from a trace of the run. */
  cpu: ScanCpu | null;
  /** Start-up split (ms), null where unknown. */
  split: {
    camera: number | null;
    toRequest: number | null;
    workerBusy: number | null;
    frameWait: number | null;
    firstFrame: number | null;
    rest: number | null;
  };
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  if (p === 50) {
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  }
  // Nearest rank.
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}
const median = (values: number[]): number | null => percentile(values, 50);
const known = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null && !Number.isNaN(v));

const fmt = (v: number | null, digits = 0): string => (v === null ? 'n/a' : v.toFixed(digits));

async function runOnce(browser: Browser, server: PageServer, serve: Serve, scenario: Scenario, mode: Mode, expected: string): Promise<RunFigures> {
  const page = await browser.newPage();
  if (CPU) await page.tracing.start({ categories: CPU_TRACE_CATEGORIES });
  await page.goto(server.pageUrl(mode === 'video' ? 'pump=video' : ''), { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  if (scenario === 'idle') await new Promise((r) => setTimeout(r, IDLE_MS));
  const measured = await page.evaluate(async (timeoutMs: number, expectedLines: string) => {
    type Probe = {
      el: HTMLElement & {
        start(): Promise<void>;
        stop(): void;
        scanStats: {
          mode: string | null;
          processed: number;
          skipped: number;
          firstFrameAt: number | null;
          first: { requestedAt: number; answeredAt: number; timings: { decode: number; engine: number; total: number; wait?: number } } | null;
          decodeMs: number;
          engineMs: number;
        } | null;
      };
      events: { type: string; t: number; lines?: string[] }[];
      longTasks: { start: number; duration: number }[];
      longFrames: LongFrame[];
      cameraTimes: { requested: number; resolved: number }[];
    };
    const probe = (window as unknown as { __probe: Probe }).__probe;
    const t0 = performance.now();
    performance.mark('timpora-bench-start');
    void probe.el.start().catch(() => undefined);
    const deadline = t0 + timeoutMs;
    while (probe.events.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const event = probe.events[0];
    const tEnd = event ? event.t : performance.now();
    // (For SCANNER_BENCH_CPU: the end of the accounting window in the trace.)
    performance.mark('timpora-bench-end', { startTime: tEnd });
    probe.el.stop();
    const stats = probe.el.scanStats;
    const first = stats?.firstFrameAt ?? null;
    const split = first ?? tEnd;
    const startup = probe.longTasks.filter((t) => t.start >= t0 && t.start < split);
    const tasks = probe.longTasks.filter((t) => t.start >= split && t.start <= tEnd);
    // Let the tasks after the read (camera release, result rendering) finish and be reported.
    await new Promise((r) => setTimeout(r, 500));
    const after = probe.longTasks.filter((t) => t.start > tEnd && t.start <= tEnd + 500);
    // (No named function declarations in here: tsx would wrap them in a `__name` helper the page lacks.)
    const attribution = [...probe.longTasks.filter((t) => t.start >= t0 && t.start <= tEnd + 500)].map((t) => {
      // The long animation frame holding this task (LoAF entries span the task plus any rendering).
      const f = probe.longFrames.find((x) => x.start <= t.start + 1 && x.start + x.duration >= t.start + t.duration - 1);
      const rel = Math.round(t.start - tEnd);
      const phase = t.start < split ? 'start-up' : t.start <= tEnd ? 'scanning' : 'after read';
      const head = `${phase} task ${Math.round(t.duration)} ms at ${rel >= 0 ? '+' : ''}${rel} ms from the read`;
      if (!f) return `${head}: no long-animation-frame entry`;
      const scripts = f.scripts
        .filter((s) => s.duration >= 3)
        .map((s) => `${s.type} ${s.invoker} -> ${s.source} ${Math.round(s.duration)} ms${s.forcedLayout >= 1 ? ` (forced layout ${Math.round(s.forcedLayout)} ms)` : ''}`);
      const other = Math.round(t.duration - f.scripts.reduce((n, s) => n + s.duration, 0));
      return `${head}: frame ${Math.round(f.duration)} ms, scripts [${scripts.join('; ') || 'none >= 3 ms'}], not in scripts ~${other} ms` +
        (f.renderAt !== null ? `, rendering from +${Math.round(f.renderAt)} ms (style+layout ${Math.round(f.styleLayout)} ms)` : ', no rendering');
    });
    const processed = stats?.processed ?? 0;
    const span = first !== null ? tEnd - first : 0;
    const cam = probe.cameraTimes.find((c) => c.requested >= t0);
    const f = stats?.first ?? null;
    const read = event?.type === 'read';
    return {
      usedMode: stats?.mode ?? null,
      read,
      correct: read && (event.lines ?? []).join('\n') === expectedLines,
      startToReadMs: read ? tEnd - t0 : null,
      firstFrameToReadMs: read && first !== null ? tEnd - first : null,
      startToFirstFrameMs: first !== null ? first - t0 : null,
      processed,
      skipped: stats?.skipped ?? 0,
      framesPerSecond: span > 0 ? (processed / span) * 1000 : 0,
      startupLongTasks: startup.length,
      startupLongestMs: startup.reduce((m, t) => Math.max(m, t.duration), 0),
      longTasks: tasks.length,
      longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
      longTaskList: tasks.map((t) => `${Math.round(t.duration)}@-${Math.round(tEnd - t.start)}`),
      afterReadTasks: after.length,
      afterReadLongestMs: after.reduce((m, t) => Math.max(m, t.duration), 0),
      attribution,
      decodeMsPerFrame: processed > 0 ? (stats?.decodeMs ?? 0) / processed : 0,
      engineMsPerFrame: processed > 0 ? (stats?.engineMs ?? 0) / processed : 0,
      split: {
        camera: cam ? cam.resolved - t0 : null,
        toRequest: cam && f ? f.requestedAt - cam.resolved : null,
        workerBusy: f ? f.answeredAt - f.requestedAt - f.timings.total : null,
        frameWait: f ? (f.timings.wait ?? 0) : null,
        firstFrame: f ? f.timings.total - (f.timings.wait ?? 0) : null,
        rest: f && read ? tEnd - f.answeredAt : null,
      },
    };
  }, TIMEOUT_MS, expected);
  const trace = CPU ? await page.tracing.stop() : undefined;
  await page.close();
  return { ...measured, cpu: trace ? scanCpu(trace) : null, serve, scenario, mode };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'timpora-scanner-bench-'));
  const scale = Number(DOC_SCALE);
  const clip = await makeScannerClip(join(dir, 'passport.y4m'), {
    seed: Number(DOC_SEED),
    preset: DOC_PRESET,
    docScale: [scale, scale + 0.05],
    ...(SETTLE > 0 ? { settle: SETTLE, repeat: 20 } : {}),
  });
  const servers = new Map<Serve, PageServer>();
  for (const serve of SERVES) {
    if (serve !== 'dev') {
      const out = join(dir, serve);
      const files = await buildScannerPage(out, serve === 'base' ? BASELINE : undefined);
      console.log(`production build${serve === 'base' ? ` of ${BASELINE}` : ''}: ${files.join(', ')}`);
      servers.set(serve, await startBuiltPageServer(out));
    } else servers.set(serve, await startPageServer());
  }
  const browser = await launchBrowser({ clip: clip.path });
  const runs: RunFigures[] = [];
  console.log(`load average at the start: ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  try {
    // Warm-up: load the page and worker once per server (HTTP cache, dev-server transforms; not measured).
    for (const server of servers.values()) {
      const page = await browser.newPage();
      await page.goto(server.pageUrl(), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      await page.close();
    }
    // Every other round runs the serve modes in reverse, so neither side of a before/after pair always
    // goes first (machine load drifts within a round).
    const order = [...servers];
    for (let i = 0; i < RUNS; i++) for (const [serve, server] of i % 2 ? [...order].reverse() : order) for (const scenario of SCENARIOS) for (const mode of MODES) {
      const r = await runOnce(browser, server, serve, scenario, mode, clip.lines.join('\n'));
      runs.push(r);
      console.log(
        `${serve}/${scenario}/${mode} run ${i + 1}: ${r.read ? (r.correct ? 'read (correct)' : 'read (WRONG text)') : `no read within ${TIMEOUT_MS} ms`}` +
          ` | pump ${r.usedMode ?? 'n/a'} | start->read ${fmt(r.startToReadMs)} ms | first frame->read ${fmt(r.firstFrameToReadMs)} ms` +
          ` | start->first frame ${fmt(r.startToFirstFrameMs)} ms | worker busy before the first frame ${fmt(r.split.workerBusy)} ms, its read ${fmt(r.split.firstFrame)} ms` +
          ` | processed ${r.processed} (skipped ${r.skipped})` +
          ` | ${fmt(r.framesPerSecond, 2)} frames/s | long tasks while scanning ${r.longTasks}, longest ${fmt(r.longestTaskMs)} ms` +
          (r.longTaskList.length ? ` (ms@ms before the read: ${r.longTaskList.join(' ')})` : '') +
          ` | at start-up ${r.startupLongTasks}, longest ${fmt(r.startupLongestMs)} ms` +
          ` | after the read ${r.afterReadTasks}, longest ${fmt(r.afterReadLongestMs)} ms` +
          ` | worker per frame: pixels ${fmt(r.decodeMsPerFrame)} ms, engine ${fmt(r.engineMsPerFrame)} ms` +
          (r.cpu ? ` | CPU start->read: worker ${fmt(r.cpu.worker)} ms, JIT ${fmt(r.cpu.jit)} ms, page main ${fmt(r.cpu.main)} ms` : ''),
      );
      for (const line of r.attribution) console.log(`    long task: ${line}`);
    }
  } finally {
    await browser.close();
    for (const server of servers.values()) await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(`clip: ${clip.width}x${clip.height} ${clip.format}, ${clip.frames} frames at 30 fps (looped); ${RUNS} runs per scenario and frame path`);
  for (const serve of SERVES) for (const scenario of SCENARIOS) for (const mode of MODES) {
    const all = runs.filter((r) => r.serve === serve && r.scenario === scenario && r.mode === mode);
    const reads = all.filter((r) => r.read);
    const col = (pick: (r: RunFigures) => number | null, from = all): number[] => known(from.map(pick));
    console.log('');
    console.log(
      `${serve}/${scenario}/${mode}: ` +
        (serve === 'build' ? 'production build; ' : serve === 'base' ? `production build of ${BASELINE}; ` : 'Vite dev server; ') +
        (scenario === 'idle'
          ? `start() ${IDLE_MS} ms after page load (engine worker started and warmed up meanwhile)`
          : 'start() right after page load (worker start and warm-up overlap the scan)') +
        (mode === 'track' ? '; frames read in the worker from the track' : '; frames posted from the preview (fallback)') +
        ` [pump used: ${[...new Set(all.map((r) => r.usedMode))].join(', ')}]`,
    );
    console.log(`  reads: ${reads.length}/${all.length} (correct ${all.filter((r) => r.correct).length}, wrong ${reads.filter((r) => !r.correct).length})`);
    const startToRead = col((r) => r.startToReadMs, reads);
    const firstToRead = col((r) => r.firstFrameToReadMs, reads);
    console.log(`  start() -> read event:       median ${fmt(median(startToRead))} ms, p95 ${fmt(percentile(startToRead, 95))} ms`);
    console.log(`  first frame -> read event:   median ${fmt(median(firstToRead))} ms, p95 ${fmt(percentile(firstToRead, 95))} ms (aim <= 1000)`);
    console.log(`  start() -> first frame:      median ${fmt(median(col((r) => r.startToFirstFrameMs)))} ms`);
    const s = (pick: (x: RunFigures['split']) => number | null): string => fmt(median(col((r) => pick(r.split))));
    console.log(
      `  start-up split (medians): camera open ${s((x) => x.camera)} ms | -> first request ${s((x) => x.toRequest)} ms` +
        ` | worker busy before taking it ${s((x) => x.workerBusy)} ms | waiting for a camera frame ${s((x) => x.frameWait)} ms` +
        ` | first frame read ${s((x) => x.firstFrame)} ms | further frames until the read ${s((x) => x.rest)} ms`,
    );
    console.log(`  frames processed per second: median ${fmt(median(col((r) => r.framesPerSecond)), 2)} (frames per read: median ${fmt(median(col((r) => r.processed, reads)))}; skipped by back-pressure: median ${fmt(median(col((r) => r.skipped)))})`);
    console.log(`  worker per frame (median of run means): pixels ${fmt(median(col((r) => r.decodeMsPerFrame)), 1)} ms, engine ${fmt(median(col((r) => r.engineMsPerFrame)))} ms`);
    if (CPU) {
      const c = (pick: (x: ScanCpu) => number): string => fmt(median(col((r) => (r.cpu ? pick(r.cpu) : null))));
      console.log(`  CPU from start() to the read (medians, thread time): MRZ worker ${c((x) => x.worker)} ms | V8 optimising compilers (Turbofan + Maglev jobs) ${c((x) => x.jit)} ms | page main thread ${c((x) => x.main)} ms`);
    }
    const scanTasks = all.reduce((n, r) => n + r.longTasks, 0);
    console.log(
      `  main-thread long tasks while scanning (first frame -> read): ${scanTasks} in ${all.length} runs (median ${fmt(median(col((r) => r.longTasks)))}),` +
        ` longest ${fmt(Math.max(0, ...all.map((r) => r.longestTaskMs)))} ms (aim: none over 50 ms)`,
    );
    console.log(
      `  main-thread long tasks at start-up (start() -> first frame): ${all.reduce((n, r) => n + r.startupLongTasks, 0)} in ${all.length} runs,` +
        ` longest ${fmt(Math.max(0, ...all.map((r) => r.startupLongestMs)))} ms`,
    );
    console.log(
      `  main-thread long tasks in the 500 ms after the read: ${all.reduce((n, r) => n + r.afterReadTasks, 0)} in ${all.length} runs,` +
        ` longest ${fmt(Math.max(0, ...all.map((r) => r.afterReadLongestMs)))} ms`,
    );
  }
  console.log(`load average at the end: ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${cpus().length} cores (figures are wall-clock: a loaded machine inflates them)`);
}

await main();
