/**
 * bench/scanner/trace.ts: attributes the page's main-thread long tasks during a live scan with a
 * Chromium performance trace (the Long Animation Frames attribution in `run.ts` names scripts only;
 * a task without script time needs the trace to say what the renderer did).
 *
 * Each run opens the scanner page (same fake camera clip and page as `run.ts`), starts tracing,
 * calls `start()` (right after load: `cold`, or `SCANNER_TRACE_IDLE_MS` later), waits for the read,
 * stops tracing and prints every top-level task over 50 ms on the page's main thread with the trace
 * events inside it, grouped by name with their total time (self time of the deepest level shown).
 *
 * `node --import tsx bench/scanner/trace.ts` (env: SCANNER_TRACE_RUNS=3, SCANNER_TRACE_MODE=track|video,
 * SCANNER_TRACE_IDLE_MS=0, SCANNER_TRACE_MIN_MS=50)
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScannerClip } from '../../test/e2e/scanner-clip.ts';
import { launchBrowser, startPageServer } from '../../test/e2e/scanner-harness.ts';

const RUNS = Number(process.env['SCANNER_TRACE_RUNS'] ?? 3);
const MODE = process.env['SCANNER_TRACE_MODE'] ?? 'track';
const IDLE_MS = Number(process.env['SCANNER_TRACE_IDLE_MS'] ?? 0);
const MIN_MS = Number(process.env['SCANNER_TRACE_MIN_MS'] ?? 50);

const CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'blink',
  'blink.user_timing',
  'media',
  'renderer.scheduler',
  'loading',
  'ipc',
  'mojom',
  // JS sampling profile of every thread (ProfileChunk events): names the functions inside a task.
  'disabled-by-default-v8.cpu_profiler',
];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event, µs: far below `dur` when the OS did not run the thread. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { name?: string; data?: Record<string, unknown> };
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber: number };
}

/** JS samples of one thread from the trace's ProfileChunk events: [time (trace µs), stack leaf→root as names]. */
function jsSamples(events: TraceEvent[], pid: number, tid: number): { ts: number; stack: string[] }[] {
  const profiles = events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  const out: { ts: number; stack: string[] }[] = [];
  for (const profile of profiles) {
    const nodes = new Map<number, ProfileNode>();
    let t = Number((profile.args?.data as { startTime?: number } | undefined)?.startTime ?? 0);
    for (const chunk of events.filter((e) => e.name === 'ProfileChunk' && e.id === profile.id && e.pid === pid)) {
      const data = chunk.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
      for (const n of data?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
      const samples = data?.cpuProfile?.samples ?? [];
      const deltas = data?.timeDeltas ?? [];
      samples.forEach((id, i) => {
        t += deltas[i] ?? 0;
        const stack: string[] = [];
        for (let n = nodes.get(id); n; n = n.parent !== undefined ? nodes.get(n.parent) : undefined) {
          const url = (n.callFrame.url ?? '').replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
          stack.push(`${n.callFrame.functionName || '(anonymous)'}${url ? ` ${url}:${n.callFrame.lineNumber + 1}` : ''}`);
        }
        out.push({ ts: t, stack });
      });
    }
  }
  return out;
}

/** The JS samples inside a task: self time by leaf, and inclusive time by the kit's own functions. */
function describeJs(task: TraceEvent, samples: { ts: number; stack: string[] }[]): string[] {
  const end = task.ts + (task.dur ?? 0);
  const inside = samples.filter((s) => s.ts >= task.ts && s.ts <= end);
  const real = inside.filter((s) => s.stack[0] !== '(idle)' && s.stack[0] !== '(root)' && s.stack[0] !== '(program)');
  if (real.length === 0) return inside.length ? [`JS samples: ${inside.length}, none in JS`] : [];
  const self = new Map<string, number>();
  const own = new Map<string, number>();
  for (const s of real) {
    const leaf = s.stack[0] as string;
    self.set(leaf, (self.get(leaf) ?? 0) + 1);
    // Inclusive: each of the kit's functions once per sample (not node_modules or vite internals).
    for (const f of new Set(s.stack.filter((x) => / \/(sdk|components|test)\//.test(x)))) own.set(f, (own.get(f) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, n: number): string =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v}`).join('; ');
  return [
    `JS samples: ${real.length} of ${inside.length} in JS`,
    `  self (leaf): ${top(self, 8)}`,
    `  inclusive (kit code): ${top(own, 10)}`,
  ];
}

/** Events inside [ts, ts+dur] on the thread, nested by time: `depth` levels of children as `name total`. */
function describeTask(task: TraceEvent, events: TraceEvent[]): string[] {
  const end = task.ts + (task.dur ?? 0);
  const inside = events.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end + 1);
  // Totals per event name (inclusive) and the longest instance, largest first.
  const byName = new Map<string, { total: number; count: number; longest: number; detail: string }>();
  for (const e of inside) {
    const d = (e.dur ?? 0) / 1000;
    if (d < 1) continue;
    const data = e.args?.data ?? {};
    const fn = typeof data['functionName'] === 'string' ? String(data['functionName']) : '';
    const url = typeof data['url'] === 'string' ? String(data['url']).replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '') : '';
    const type = typeof data['type'] === 'string' ? String(data['type']) : '';
    const key = [e.name, type, fn, url].filter(Boolean).join(' ');
    const slot = byName.get(key) ?? { total: 0, count: 0, longest: 0, detail: '' };
    slot.total += d;
    slot.count++;
    slot.longest = Math.max(slot.longest, d);
    byName.set(key, slot);
  }
  return [...byName.entries()]
    .sort((a, b) => b[1].total - a[1].total)
    .slice(0, 14)
    .map(([k, v]) => `${k}: ${v.total.toFixed(1)} ms in ${v.count} (longest ${v.longest.toFixed(1)})`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'timpora-scanner-trace-'));
  const clip = await makeScannerClip(join(dir, 'passport.y4m'));
  const server = await startPageServer();
  const browser = await launchBrowser({ clip: clip.path });
  console.log(`load average: ${loadavg().map((v) => v.toFixed(1)).join(' ')}; mode ${MODE}, start() ${IDLE_MS} ms after load`);
  try {
    {
      const page = await browser.newPage();
      await page.goto(server.pageUrl(), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      await page.close();
    }
    const cpuSummary: { tasks: number; over10: number; over20: number; max: number }[] = [];
    const readCpu: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const page = await browser.newPage();
      await page.tracing.start({ categories: CATEGORIES });
      await page.goto(server.pageUrl(MODE === 'video' ? 'pump=video' : ''), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      if (IDLE_MS > 0) await new Promise((r) => setTimeout(r, IDLE_MS));
      const marks = await page.evaluate(async () => {
        const probe = (window as unknown as { __probe: { el: { start(): Promise<void>; stop(): void }; events: { t: number }[] } }).__probe;
        const t0 = performance.now();
        performance.mark('scan-start');
        void probe.el.start().catch(() => undefined);
        while (probe.events.length === 0 && performance.now() < t0 + 30_000) await new Promise((r) => setTimeout(r, 20));
        performance.mark('scan-read');
        await new Promise((r) => setTimeout(r, 500));
        return { read: probe.events.length > 0 };
      });
      const buffer = await page.tracing.stop();
      await page.close();
      if (!buffer) continue;
      const trace = JSON.parse(Buffer.from(buffer).toString('utf8')) as { traceEvents: TraceEvent[] };
      const events = trace.traceEvents;
      // The page's main thread: the renderer whose thread carries our user-timing marks.
      const mark = events.find((e) => e.name === 'scan-start');
      const readMark = events.find((e) => e.name === 'scan-read');
      if (!mark) {
        console.log(`run ${run}: no scan-start mark in the trace`);
        continue;
      }
      const thread = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X');
      const tasks = thread.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
      // Outermost tasks only (a RunTask may sit inside another).
      const outer = tasks.filter((t) => !tasks.some((o) => o !== t && o.ts <= t.ts && o.ts + (o.dur ?? 0) >= t.ts + (t.dur ?? 0) && (o.dur ?? 0) > (t.dur ?? 0)));
      const long = outer.filter((t) => (t.dur ?? 0) / 1000 > MIN_MS && t.ts >= mark.ts - 1000);
      const samples = jsSamples(events, mark.pid, mark.tid);
      const rel = (ts: number): string => {
        const ms = (ts - (readMark?.ts ?? mark.ts)) / 1000;
        return `${ms >= 0 ? '+' : ''}${ms.toFixed(0)} ms from the read`;
      };
      console.log(`run ${run}: ${marks.read ? 'read' : 'no read'}; start() at ${rel(mark.ts)}; ${long.length} main-thread tasks over ${MIN_MS} ms`);
      // Load-independent view: the main thread's CPU per task from start() to 500 ms after the read.
      const window = outer.filter((t) => t.ts >= mark.ts && t.ts <= (readMark?.ts ?? mark.ts) + 500_000 && t.tdur !== undefined);
      const byCpu = [...window].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0));
      const cpuOver = (ms: number): number => window.filter((t) => (t.tdur ?? 0) / 1000 > ms).length;
      const top = byCpu.slice(0, 3).map((t) => `${((t.tdur ?? 0) / 1000).toFixed(1)} (wall ${((t.dur ?? 0) / 1000).toFixed(0)}) at ${rel(t.ts)}`);
      console.log(`  main-thread CPU per task: ${window.length} tasks, ${cpuOver(10)} over 10 ms, ${cpuOver(20)} over 20 ms; largest: ${top.join(', ')}`);
      // The task that delivered the read event (worker answer -> vote -> camera release -> event).
      const dispatch = thread.find((e) => e.name === 'EventDispatch' && (e.args?.data as { type?: string } | undefined)?.type === 'timpora-mrz-read');
      const readTask = dispatch ? outer.find((t) => t.ts <= dispatch.ts && t.ts + (t.dur ?? 0) >= dispatch.ts) : undefined;
      if (readTask) console.log(`  the task delivering the read: CPU ${((readTask.tdur ?? 0) / 1000).toFixed(1)} ms, wall ${((readTask.dur ?? 0) / 1000).toFixed(1)} ms`);
      if (readTask?.tdur !== undefined) readCpu.push(readTask.tdur / 1000);
      cpuSummary.push({ tasks: window.length, over10: cpuOver(10), over20: cpuOver(20), max: (byCpu[0]?.tdur ?? 0) / 1000 });
      for (const t of long) {
        const cpu = t.tdur !== undefined ? `, on the CPU ${(t.tdur / 1000).toFixed(1)} ms` : '';
        console.log(`  task ${((t.dur ?? 0) / 1000).toFixed(1)} ms${cpu} at ${rel(t.ts)}`);
        for (const line of describeTask(t, thread)) console.log(`    ${line}`);
        for (const line of describeJs(t, samples)) console.log(`    ${line}`);
      }
    }
    const sum = (pick: (x: (typeof cpuSummary)[number]) => number): number => cpuSummary.reduce((n, x) => n + pick(x), 0);
    const maxes = cpuSummary.map((x) => x.max).sort((a, b) => a - b);
    console.log(
      `summary (${cpuSummary.length} runs, start() -> read + 500 ms): main-thread tasks with over 10 ms CPU ${sum((x) => x.over10)}, over 20 ms ${sum((x) => x.over20)};` +
        ` largest task CPU per run: median ${(maxes[Math.floor(maxes.length / 2)] ?? 0).toFixed(1)} ms, max ${(maxes[maxes.length - 1] ?? 0).toFixed(1)} ms;` +
        ` CPU of the task delivering the read: ${readCpu.map((v) => v.toFixed(1)).join(', ')} ms`,
    );
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
