// bench/form: size and time to render of <timpora-foreigner-form>.
//   node --import tsx bench/form/run.ts                 (size, then 15 cold runs per mode in headless Chromium)
//   node --import tsx bench/form/run.ts --runs=30
//   node --import tsx bench/form/run.ts --size-only | --render-only
//
// Size: the element entry (components/foreigner-form/define.ts) bundled and minified with esbuild, gzip -9,
// with lit/@lit/context and the Kemendagri region data listed apart (region chunks are loaded lazily).
// Render: each run is a fresh browser context loading a page that mounts the element (bundle incl. lit,
// minified); the baseline ("static") is the very same DOM and CSS inserted as static HTML, no script logic,
// so the ratio shows what Lit + the form's logic cost over the bare markup. Figures are medians; the static
// baseline's clock includes fetching its markup (static.html) after its tiny script.
// A benchmark, not a test: it prints figures, it asserts nothing about time.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, resolve, basename } from 'node:path';
import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadavg, cpus } from 'node:os';
import { build, type Plugin, type Metafile } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const runs = Number(arg('runs', '15'));
const gz = (s: string | Uint8Array): number => gzipSync(s, { level: 9 }).length;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Marks the region data chunks external so they can be measured on their own. */
const regionsExternal: Plugin = {
  name: 'regions-external',
  setup(b) {
    b.onResolve({ filter: /regions-data\/index\.ts$/ }, (a) => ({ path: a.path, external: true }));
  },
};

async function minified(entry: string, external: string[], plugins: Plugin[] = []): Promise<{ text: string; meta: Metafile }> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    external,
    plugins,
    logLevel: 'silent',
  });
  return { text: out.outputFiles[0]!.text, meta: out.metafile };
}

async function size(): Promise<void> {
  const entry = resolve(root, 'components/foreigner-form/define.ts');
  const lit = ['lit', 'lit/*', '@lit/context'];
  const own = await minified(entry, lit, [regionsExternal]);
  const withLit = await minified(entry, [], [regionsExternal]);
  const regionIndex = await minified(resolve(root, 'sdk/model/regions-data/index.ts'), ['./r/*']);
  const chunkDir = resolve(root, 'sdk/model/regions-data/r');
  const chunks = await Promise.all(
    readdirSync(chunkDir).map(async (f) => {
      const m = await minified(resolve(chunkDir, f), []);
      return { name: basename(f, '.ts'), min: m.text.length, gz: gz(m.text) };
    }),
  );
  const litMin = withLit.text.length - own.text.length;
  const litGz = gz(withLit.text) - gz(own.text);
  console.log('bench/form size (esbuild --bundle --minify, ESM es2022; gzip -9)');
  console.log(`  element entry, lit/@lit/context and region data excluded: ${kb(own.text.length)} min, ${kb(gz(own.text))} min+gzip`);
  console.log(`  lit + @lit/context (difference when bundled in):           ${kb(litMin)} min, ${kb(litGz)} min+gzip`);
  console.log(`  element entry incl. lit, region data excluded:             ${kb(withLit.text.length)} min, ${kb(gz(withLit.text))} min+gzip`);
  console.log(`  region index (38 provinces, 514 regencies, chunk loaders): ${kb(regionIndex.text.length)} min, ${kb(gz(regionIndex.text))} min+gzip (loaded with the element)`);
  const gzs = chunks.map((c) => c.gz);
  console.log(
    `  region chunks (districts+villages), ${chunks.length} lazy files: total ${kb(chunks.reduce((a, c) => a + c.min, 0))} min / ${kb(gzs.reduce((a, b) => a + b, 0))} min+gzip; ` +
      `per regency median ${kb(median(gzs))}, max ${kb(Math.max(...gzs))} min+gzip`,
  );
  const outKey = Object.keys(own.meta.outputs)[0]!;
  const inputs = Object.entries(own.meta.outputs[outKey]!.inputs)
    .map(([p, v]) => ({ p: p.replace(/^.*?(components|sdk)\//, '$1/'), b: v.bytesInOutput }))
    .sort((a, b) => b.b - a.b)
    .slice(0, 8);
  console.log('  largest inputs of the element entry (minified bytes in output):');
  for (const i of inputs) console.log(`    ${i.p.padEnd(48)} ${kb(i.b)}`);
}

async function render(): Promise<void> {
  const bundle = await build({
    entryPoints: [resolve(here, 'page.ts'), resolve(here, 'static-page.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/bench-out',
    logLevel: 'silent',
  });
  const files = new Map(bundle.outputFiles.map((f) => [f.path.replace('/bench-out', ''), f.text]));
  let staticHtml = '';
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    if (url === '/static.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(staticHtml);
    } else if (files.has(url)) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(files.get(url));
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      const script = new URL(req.url ?? '/', 'http://x').searchParams.get('mode') === 'static' ? '/static-page.js' : '/page.js';
      res.end(`<!doctype html><html lang="id"><meta charset="utf-8"><title>bench/form</title><body><script type="module" src="${script}"></script></body></html>`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const browser = await puppeteer.launch({ executablePath: chromiumPath() as string, headless: true, args: chromiumArgs as string[], protocolTimeout: 0 });
  type R = { firstRender: number; interactive: number; mountMs: number; inputMs: number; steadyInputMs: number; moduleStart: number; fcp: number; lastLongTaskEnd: number };
  const collect = async (mode: string): Promise<R> => {
    const ctx = await browser.createBrowserContext();
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('page error:', e));
      await page.goto(`http://127.0.0.1:${port}/?mode=${mode}`);
      if (mode === 'capture') {
        await page.waitForFunction(() => typeof window.__benchCapture === 'string');
        staticHtml = (await page.evaluate(() => window.__benchCapture)) as string;
        return {} as R;
      }
      await page.waitForFunction(() => !!window.__benchResult, { timeout: 60000 });
      return (await page.evaluate(() => window.__benchResult)) as R;
    } finally {
      await ctx.close();
    }
  };
  try {
    await collect('capture');
    const results: Record<string, R[]> = { element: [], static: [] };
    for (let i = 0; i < runs + 1; i++) {
      for (const mode of ['element', 'static']) {
        const r = await collect(mode);
        if (i > 0) results[mode]!.push(r); // first round warms the OS file cache and the browser binary
      }
    }
    const version = await browser.version();
    const pageJs = files.get('/page.js') ?? '';
    console.log(`bench/form render: ${version}, ${runs} cold runs per mode (fresh browser context each), page bundle ${kb(pageJs.length)} min`);
    console.log(`  machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end of the runs`);
    const row = (label: string, key: keyof R): void => {
      const e = median(results['element']!.map((r) => r[key]).filter((v) => v > 0));
      const s = median(results['static']!.map((r) => r[key]).filter((v) => v > 0));
      console.log(`  ${label.padEnd(52)} ${e.toFixed(1).padStart(8)} ms ${s.toFixed(1).padStart(8)} ms ${(e / s).toFixed(2).padStart(7)}`);
    };
    console.log(`  ${'median'.padEnd(52)} ${'element'.padStart(11)} ${'static'.padStart(11)} ${'ratio'.padStart(7)}`);
    row('module evaluated (since navigation start)', 'moduleStart');
    row('first contentful paint', 'fcp');
    row('time to first render (since navigation start)', 'firstRender');
    row('time to interactive (since navigation start)', 'interactive');
    row('mount: createElement -> first render committed', 'mountMs');
    row('first keystroke -> re-render committed', 'inputMs');
    row('later keystrokes -> re-render committed (median of 20)', 'steadyInputMs');
  } finally {
    await browser.close();
    server.close();
  }
}

async function main(): Promise<void> {
  if (!process.argv.includes('--render-only')) await size();
  if (!process.argv.includes('--size-only')) await render();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
