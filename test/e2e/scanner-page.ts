// Page script of the scanner e2e test and benchmark: records streams (to check every track ends),
// events, form submits and main-thread long tasks, then mounts the element as the query string says.
import '../../components/mrz-scanner/define.ts';
import type { TimporaMrzScanner } from '../../components/mrz-scanner/mrz-scanner.ts';
import { spyClones } from '../sdk/camera/fixtures.ts';

interface ProbeEvent {
  type: 'read' | 'error';
  t: number;
  lines?: readonly string[];
  valid?: boolean;
  source?: string;
  imageType?: string;
  imageSize?: number;
  code?: string;
}

const streams: MediaStream[] = [];
const md = navigator.mediaDevices;
const original = md.getUserMedia.bind(md);
/** performance.now() when each getUserMedia call was made and when it resolved (benchmark start-up split). */
const cameraTimes: { requested: number; resolved: number }[] = [];
md.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
  const requested = performance.now();
  const stream = await original(constraints);
  cameraTimes.push({ requested, resolved: performance.now() });
  streams.push(stream);
  return stream;
};

// Clones too (the worker reads frames from a clone of the camera track): the camera is only
// released when every clone has ended as well.
const { clones } = spyClones();
// `?pump=video`: a browser without MediaStreamTrackProcessor (frames posted from the preview).
if (new URLSearchParams(location.search).get('pump') === 'video') {
  delete (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
}

const longTasks: { start: number; duration: number }[] = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  /* longtask unsupported */
}

/**
 * Long animation frames (LoAF, Chromium 123+) over 50 ms: what ran in them. Each long task above is
 * inside one, so the bench names its causes: the scripts (entry point and source, their own time and
 * forced layout) and the rendering work (style/layout) at the frame's end.
 */
export interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  /** ms from the frame's start to its rendering phase (null: no rendering). */
  renderAt: number | null;
  /** ms of style and layout at the end of the frame. */
  styleLayout: number;
  scripts: { invoker: string; type: string; source: string; duration: number; forcedLayout: number; at: number }[];
}
const longFrames: LongFrame[] = [];
interface LoafScript {
  invoker: string;
  invokerType: string;
  sourceURL: string;
  sourceFunctionName: string;
  sourceCharPosition: number;
  startTime: number;
  duration: number;
  forcedStyleAndLayoutDuration: number;
}
interface LoafEntry extends PerformanceEntry {
  blockingDuration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: LoafScript[];
}
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as LoafEntry[]) {
      if (e.duration <= 50) continue;
      const end = e.startTime + e.duration;
      longFrames.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration,
        renderAt: e.renderStart > 0 ? e.renderStart - e.startTime : null,
        styleLayout: e.styleAndLayoutStart > 0 ? end - e.styleAndLayoutStart : 0,
        scripts: e.scripts.map((s) => ({
          invoker: s.invoker,
          type: s.invokerType,
          // Module path and function only (no query strings, no page data).
          source: `${s.sourceFunctionName || '?'}@${s.sourceURL.replace(location.origin, '').replace(/\?.*$/, '')}:${s.sourceCharPosition}`,
          duration: s.duration,
          forcedLayout: s.forcedStyleAndLayoutDuration,
          at: s.startTime - e.startTime,
        })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch {
  /* LoAF unsupported */
}

const events: ProbeEvent[] = [];
let submits = 0;
document.getElementById('host-form')?.addEventListener('submit', (e) => {
  submits++;
  e.preventDefault();
});

const params = new URLSearchParams(location.search);
const el = document.createElement('timpora-mrz-scanner') as TimporaMrzScanner;
if (params.get('lang')) el.setAttribute('lang', params.get('lang') ?? '');
if (params.has('continuous')) el.continuous = true;
if (params.has('desk')) el.deskReader = true;
el.addEventListener('timpora-mrz-read', (e) => {
  const d = e.detail;
  events.push({
    type: 'read',
    t: performance.now(),
    lines: d.result.lines,
    valid: d.result.valid,
    source: d.source,
    ...(d.image ? { imageType: d.image.type, imageSize: d.image.size } : {}),
  });
});
el.addEventListener('timpora-mrz-error', (e) => {
  events.push({ type: 'error', t: performance.now(), code: e.detail.error.code });
});
document.getElementById('slot')?.append(el);

const probe = {
  el,
  events,
  longTasks,
  longFrames,
  cameraTimes,
  get submits(): number {
    return submits;
  },
  /** readyState of every camera track: those getUserMedia returned and every clone of them. */
  trackStates(): string[] {
    return [...streams.flatMap((s) => s.getTracks()), ...clones].map((t) => t.readyState);
  },
  cloneCount(): number {
    return clones.length;
  },
  streamCount(): number {
    return streams.length;
  },
  shadowText(selector: string): string {
    return el.shadowRoot?.querySelector(selector)?.textContent?.trim() ?? '';
  },
};
(window as unknown as { __probe: typeof probe }).__probe = probe;
document.body.dataset['ready'] = 'true';
