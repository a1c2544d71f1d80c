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
  await frame();
  await quiet();
  const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
  window.__benchResult = {
    mode: 'static',
    moduleStart,
    firstRender,
    mountMs: firstRender - t0,
    inputMs: inputDone - i0,
    lastLongTaskEnd,
    interactive: Math.max(inputDone, lastLongTaskEnd),
    fcp,
  };
}

void fetch('/static.html').then((r) => r.text()).then(runStatic);
