// Browser side of bench/form (element mode): mounts <timpora-foreigner-form> and reports when it first rendered and when it became
// interactive. `performance.now()` counts from navigation start, so the figures include fetching, parsing
// and evaluating the bundle.
import '../../components/foreigner-form/define.ts';
import type { TimporaForeignerForm } from '../../components/foreigner-form/foreigner-form.ts';

export interface Result {
  mode: string;
  /** Module evaluated (bundle fetched, parsed, run up to here). */
  moduleStart: number;
  /** Element upgraded and its first render committed, layout forced. */
  firstRender: number;
  /** createElement -> first render committed (the component's own cost). */
  mountMs: number;
  /** First keystroke dispatched after first render -> re-render committed. */
  inputMs: number;
  /** Median of 20 further keystrokes -> re-render committed. */
  steadyInputMs: number;
  /** End of the last long task (> 50 ms) seen before the page went quiet, or 0. */
  lastLongTaskEnd: number;
  /** max(first render + first input handled, last long task end). */
  interactive: number;
  fcp: number;
}

declare global {
  interface Window {
    __benchResult?: Result;
    __benchCapture?: string;
  }
}

const moduleStart = performance.now();
let lastLongTaskEnd = 0;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) lastLongTaskEnd = Math.max(lastLongTaskEnd, e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // longtask not supported: lastLongTaskEnd stays 0.
}

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const quiet = (): Promise<void> => new Promise((r) => setTimeout(r, 300));
/** First contentful paint, waiting for it up to 5 s (it can come late on a busy machine); 0 if none. */
const fcpEntry = (): Promise<number> =>
  new Promise((resolve) => {
    const have = performance.getEntriesByName('first-contentful-paint')[0];
    if (have) return resolve(have.startTime);
    const timer = setTimeout(() => resolve(0), 5000);
    new PerformanceObserver((list, obs) => {
      const e = list.getEntriesByName('first-contentful-paint')[0];
      if (e) {
        clearTimeout(timer);
        obs.disconnect();
        resolve(e.startTime);
      }
    }).observe({ type: 'paint', buffered: true });
  });

async function runElement(): Promise<void> {
  const t0 = performance.now();
  const el = document.createElement('timpora-foreigner-form') as TimporaForeignerForm;
  document.body.append(el);
  await el.updateComplete;
  el.getBoundingClientRect();
  const firstRender = performance.now();
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('#f-identity-surname')!;
  const i0 = performance.now();
  input.value = 'SMITH';
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
  el.getBoundingClientRect();
  const inputDone = performance.now();
  const steady: number[] = [];
  for (let k = 0; k < 20; k++) {
    const s0 = performance.now();
    input.value = `SMITH${k}`;
    input.dispatchEvent(new Event('input'));
    await el.updateComplete;
    el.getBoundingClientRect();
    steady.push(performance.now() - s0);
  }
  steady.sort((a, b) => a - b);
  await frame();
  await quiet();
  const fcp = await fcpEntry();
  window.__benchResult = {
    mode: 'element',
    moduleStart,
    firstRender,
    mountMs: firstRender - t0,
    inputMs: inputDone - i0,
    steadyInputMs: steady[10]!,
    lastLongTaskEnd,
    interactive: Math.max(inputDone, lastLongTaskEnd),
    fcp,
  };
}

async function capture(): Promise<void> {
  const el = document.createElement('timpora-foreigner-form') as TimporaForeignerForm;
  document.body.append(el);
  await el.updateComplete;
  const css = (el.shadowRoot!.adoptedStyleSheets ?? []).map((s) => [...s.cssRules].map((r) => r.cssText).join('\n')).join('\n');
  // Lit's comment markers are harmless in static HTML; keep the DOM identical.
  window.__benchCapture = `<style>${css}</style>${el.shadowRoot!.innerHTML}`;
}

const mode = new URLSearchParams(location.search).get('mode') ?? 'element';
if (mode === 'capture') void capture();
else void runElement();
