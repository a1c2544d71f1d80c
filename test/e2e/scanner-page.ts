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
