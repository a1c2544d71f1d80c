/**
 * CPU accounting of one scan from a Chromium trace (`bench/scanner/run.ts` with `SCANNER_BENCH_CPU=1`):
 * thread time, not wall time, so the figures hold on a loaded machine where wall times swell.
 * Between the page's `timpora-bench-start` and `timpora-bench-end` marks (start() and the read):
 * - `worker`: the MRZ worker's own thread (warm-up, frame reads, its garbage collection and the
 *   parts of compilation V8 does there);
 * - `jit`: V8's optimising compilers on the renderer's background threads (Turbofan and Maglev
 *   jobs, for the worker and the page alike), which compete with the worker for the cores;
 * - `main`: the page's main thread.
 * @module
 */

/** Trace categories the accounting needs (light enough to leave the figures comparable). */
export const CPU_TRACE_CATEGORIES = ['-*', 'toplevel', 'v8', 'disabled-by-default-v8.compile', 'blink.user_timing', '__metadata'];

/** Milliseconds of CPU per part of the scan. */
export interface ScanCpu {
  /** The MRZ worker thread. */
  readonly worker: number;
  /** Turbofan and Maglev jobs on the renderer's thread pool. */
  readonly jit: number;
  /** The page's main thread. */
  readonly main: number;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

/** Thread time (ms) of the outermost complete events of one thread inside `[from, to]` (µs). */
function threadCpu(events: readonly TraceEvent[], from: number, to: number): number {
  const inside = events.filter((e) => e.ph === 'X' && e.ts >= from && e.ts <= to).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let end = -Infinity;
  let cpu = 0;
  for (const e of inside) {
    if (e.ts < end) continue; // nested in the previous outer event
    end = e.ts + (e.dur ?? 0);
    cpu += e.tdur ?? 0;
  }
  return cpu / 1000;
}

/**
 * The scan's CPU split from a trace's JSON (`page.tracing.stop()`), or null when the marks or the
 * threads are missing.
 */
export function scanCpu(trace: Uint8Array): ScanCpu | null {
  const events = (JSON.parse(Buffer.from(trace).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const start = events.find((e) => e.name === 'timpora-bench-start');
  const end = events.find((e) => e.name === 'timpora-bench-end');
  if (!start || !end) return null;
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === start.pid);
  const byThread = new Map<number, TraceEvent[]>();
  for (const e of events) if (e.pid === start.pid) (byThread.get(e.tid) ?? byThread.set(e.tid, []).get(e.tid) ?? []).push(e);
  const sum = (match: (threadName: string) => boolean, pick: (e: TraceEvent) => boolean = () => true): number =>
    names.filter((n) => match(n.args?.name ?? '')).reduce((n, t) => n + threadCpu((byThread.get(t.tid) ?? []).filter(pick), start.ts, end.ts), 0);
  const worker = names.find((n) => (n.args?.name ?? '').startsWith('DedicatedWorker'));
  if (!worker) return null;
  return {
    worker: sum((n) => n.startsWith('DedicatedWorker')),
    jit: sum((n) => n.startsWith('ThreadPoolForegroundWorker'), (e) => e.name === 'V8.TurbofanTask' || e.name === 'V8.MaglevTask'),
    main: sum((n) => n === 'CrRendererMain'),
  };
}
