// Baseline page of bench/form: the very DOM and CSS the element renders (captured once from the element),
// inserted as static HTML into a shadow root, with no Lit and no form logic. Same measurements as page.ts.

const moduleStart = performance.now();
let lastLongTaskEnd = 0;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) lastLongTaskEnd = Math.max(lastLongTaskEnd, e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // longtask not supported.
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

async function runStatic(markup: string): Promise<void> {
  const t0 = performance.now();
  const host = document.createElement('div');
  host.attachShadow({ mode: 'open' }).innerHTML = markup;
  document.body.append(host);
  host.getBoundingClientRect();
  const firstRender = performance.now();
  const input = host.shadowRoot!.querySelector<HTMLInputElement>('#f-identity-surname')!;
  const i0 = performance.now();
  input.value = 'SMITH';
  input.dispatchEvent(new Event('input'));
  host.getBoundingClientRect();
  const inputDone = performance.now();
  const steady: number[] = [];
  for (let k = 0; k < 20; k++) {
    const s0 = performance.now();
    input.value = `SMITH${k}`;
    input.dispatchEvent(new Event('input'));
    host.getBoundingClientRect();
    steady.push(performance.now() - s0);
  }
  steady.sort((a, b) => a - b);
  await frame();
  await quiet();
  const fcp = await fcpEntry();
  window.__benchResult = {
    mode: 'static',
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

void fetch('/static.html').then((r) => r.text()).then(runStatic);
