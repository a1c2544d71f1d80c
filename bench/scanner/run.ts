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
 * Two scenarios, each `SCANNER_BENCH_RUNS` times on a fresh page:
 * - `idle`: start() a few seconds after the page loaded (the usual case: the officer opens the page,
 *   then presses "Mulai kamera"); the element has started and warmed the engine worker meanwhile;
 * - `cold`: start() right after load, so worker start-up and engine warm-up overlap the scan.
 *
 * No peer library runs here: no open-source in-browser camera MRZ scanner is installed to compare
 * against, so the figures are absolute.
 *
 * `npm run bench:scanner` (env: SCANNER_BENCH_RUNS=5, SCANNER_BENCH_TIMEOUT_MS=30000, SCANNER_BENCH_IDLE_MS=4000)
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScannerClip } from '../../test/e2e/scanner-clip.ts';
import { launchBrowser, startPageServer } from '../../test/e2e/scanner-harness.ts';

const RUNS = Number(process.env['SCANNER_BENCH_RUNS'] ?? 5);
const IDLE_MS = Number(process.env['SCANNER_BENCH_IDLE_MS'] ?? 4000);
const TIMEOUT_MS = Number(process.env['SCANNER_BENCH_TIMEOUT_MS'] ?? 30_000);

interface RunFigures {
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
  /** Worker-side mean per processed frame: frame → pixels, and the engine. */
  decodeMsPerFrame: number;
  engineMsPerFrame: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const fmt = (v: number | null, digits = 0): string => (v === null ? 'n/a' : v.toFixed(digits));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'timpora-scanner-bench-'));
  const clip = await makeScannerClip(join(dir, 'passport.y4m'));
  const server = await startPageServer();
  const browser = await launchBrowser({ clip: clip.path });
  const runs: (RunFigures & { scenario: 'idle' | 'cold' })[] = [];
  try {
    // Warm-up: compile the page and worker modules once (not measured).
    {
      const page = await browser.newPage();
      await page.goto(server.pageUrl(), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      await page.close();
    }
    for (const scenario of ['idle', 'cold'] as const) for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      await page.goto(server.pageUrl(), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      if (scenario === 'idle') await new Promise((r) => setTimeout(r, IDLE_MS));
      const measured = await page.evaluate(async (timeoutMs: number, expected: string) => {
        type Probe = {
          el: HTMLElement & {
            start(): Promise<void>;
            stop(): void;
            scanStats: { processed: number; skipped: number; firstFrameAt: number | null; decodeMs: number; engineMs: number } | null;
          };
          events: { type: string; t: number; lines?: string[] }[];
          longTasks: { start: number; duration: number }[];
        };
        const probe = (window as unknown as { __probe: Probe }).__probe;
        const t0 = performance.now();
        void probe.el.start().catch(() => undefined);
        const deadline = t0 + timeoutMs;
        while (probe.events.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const event = probe.events[0];
        const tEnd = event ? event.t : performance.now();
        probe.el.stop();
        const stats = probe.el.scanStats;
        const first = stats?.firstFrameAt ?? null;
        const split = first ?? tEnd;
        const startup = probe.longTasks.filter((t) => t.start >= t0 && t.start < split);
        const tasks = probe.longTasks.filter((t) => t.start >= split && t.start <= tEnd);
        const processed = stats?.processed ?? 0;
        const span = first !== null ? tEnd - first : 0;
        return {
          read: event?.type === 'read',
          correct: event?.type === 'read' && (event.lines ?? []).join('\n') === expected,
          startToReadMs: event?.type === 'read' ? tEnd - t0 : null,
          firstFrameToReadMs: event?.type === 'read' && first !== null ? tEnd - first : null,
          startToFirstFrameMs: first !== null ? first - t0 : null,
          processed,
          skipped: stats?.skipped ?? 0,
          framesPerSecond: span > 0 ? (processed / span) * 1000 : 0,
          startupLongTasks: startup.length,
          startupLongestMs: startup.reduce((m, t) => Math.max(m, t.duration), 0),
          longTasks: tasks.length,
          longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
          decodeMsPerFrame: processed > 0 ? (stats?.decodeMs ?? 0) / processed : 0,
          engineMsPerFrame: processed > 0 ? (stats?.engineMs ?? 0) / processed : 0,
        };
      }, TIMEOUT_MS, clip.lines.join('\n'));
      const figures: RunFigures & { scenario: 'idle' | 'cold' } = { ...measured, scenario };
      runs.push(figures);
      console.log(
        `${scenario} run ${i + 1}: ${figures.read ? (figures.correct ? 'read (correct)' : 'read (WRONG text)') : `no read within ${TIMEOUT_MS} ms`}` +
          ` | start->read ${fmt(figures.startToReadMs)} ms | first frame->read ${fmt(figures.firstFrameToReadMs)} ms` +
          ` | start->first frame ${fmt(figures.startToFirstFrameMs)} ms | processed ${figures.processed} (skipped ${figures.skipped})` +
          ` | ${fmt(figures.framesPerSecond, 2)} frames/s | long tasks while scanning ${figures.longTasks}, longest ${fmt(figures.longestTaskMs)} ms` +
          ` | at start-up ${figures.startupLongTasks}, longest ${fmt(figures.startupLongestMs)} ms` +
          ` | worker per frame: pixels ${fmt(figures.decodeMsPerFrame)} ms, engine ${fmt(figures.engineMsPerFrame)} ms`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(`clip: ${clip.width}x${clip.height} ${clip.format}, ${clip.frames} frames at 30 fps (looped); ${RUNS} runs per scenario`);
  for (const scenario of ['idle', 'cold'] as const) {
    const all = runs.filter((r) => r.scenario === scenario);
    const reads = all.filter((r) => r.read);
    console.log('');
    console.log(
      scenario === 'idle'
        ? `idle: start() ${IDLE_MS} ms after page load (engine worker started and warmed up meanwhile)`
        : 'cold: start() right after page load (worker start and warm-up overlap the scan)',
    );
    console.log(`  reads: ${reads.length}/${all.length} (correct ${all.filter((r) => r.correct).length}, wrong ${reads.filter((r) => !r.correct).length})`);
    console.log(`  median start() -> read event:       ${fmt(median(reads.map((r) => r.startToReadMs as number)))} ms`);
    console.log(`  median first frame -> read event:   ${fmt(median(reads.map((r) => r.firstFrameToReadMs as number)))} ms (aim <= 1000)`);
    console.log(`  median start() -> first frame:      ${fmt(median(all.map((r) => r.startToFirstFrameMs ?? NaN).filter((v) => !Number.isNaN(v))))} ms`);
    console.log(`  median frames processed per second: ${fmt(median(all.map((r) => r.framesPerSecond)), 2)} (frames per read: median ${fmt(median(reads.map((r) => r.processed)))})`);
    console.log(`  worker per frame (median of run means): pixels ${fmt(median(all.map((r) => r.decodeMsPerFrame)), 1)} ms, engine ${fmt(median(all.map((r) => r.engineMsPerFrame)))} ms`);
    console.log(`  main-thread long tasks while scanning (first frame -> read): median count ${fmt(median(all.map((r) => r.longTasks)))}, longest ${fmt(Math.max(0, ...all.map((r) => r.longestTaskMs)))} ms (aim: none over 50 ms)`);
    console.log(`  main-thread long tasks at start-up (start() -> first frame): median count ${fmt(median(all.map((r) => r.startupLongTasks)))}, longest ${fmt(Math.max(0, ...all.map((r) => r.startupLongestMs)))} ms`);
  }
  console.log(`load average at the end: ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${cpus().length} cores (figures are wall-clock: a loaded machine inflates them)`);
}

await main();
