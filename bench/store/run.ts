// bench/store: the same synthetic records through the Timpora IndexedDB store and through Dexie, in ONE
// headless Chromium run (puppeteer-core, Debian's /usr/bin/chromium). Prints medians and ratios.
//   npm run bench:store            (10,000 and 100,000 records)
//   npm run bench:store -- --sizes=10000 --lookups=100
// A benchmark, not a test: it prints figures, it asserts nothing about time.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { cpus, loadavg } from 'node:os';
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';

interface Line {
  n: number;
  op: string;
  ours: number;
  dexie: number;
  samples: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const sizes = arg('sizes', '10000,100000').split(',').map(Number);
const lookups = Number(arg('lookups', '200'));

async function main(): Promise<void> {
  const bundle = await build({
    entryPoints: [resolve(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const browser = await puppeteer.launch({ executablePath: chromiumPath() as string, headless: true, args: chromiumArgs as string[], protocolTimeout: 0 });
  const lines: Line[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    if (process.argv.includes('--verbose')) page.on('console', (m) => console.log('  ' + m.text()));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'timporaBench' in window);
    const version = await browser.version();
    console.log(`machine: ${cpus().length} CPUs, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`bench/store: ${version}, Dexie ${await page.evaluate(() => (window as unknown as { Dexie?: { version?: string } }).Dexie?.version ?? '4.x')}, sizes ${sizes.join(', ')}, ${lookups} samples per lookup`);
    for (const n of sizes) {
      const t0 = Date.now();
      const res = (await page.evaluate(
        (n: number, lookups: number) => window.timporaBench.runSize(n, { insert: n >= 100_000 ? 3 : 5, clientInsert: n >= 100_000 ? 1 : 3, lookups }),
        n,
        lookups,
      )) as Line[];
      lines.push(...res);
      console.log(`  ${n.toLocaleString('en')} records done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  const pad = (s: string, w: number): string => s.padEnd(w);
  const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));
  console.log('');
  console.log(`${pad('records', 9)}${pad('operation', 48)}${pad('timpora ms', 12)}${pad('dexie ms', 12)}${pad('ratio', 8)}samples`);
  for (const l of lines) {
    const ratio = l.ours / l.dexie;
    console.log(`${pad(l.n.toLocaleString('en'), 9)}${pad(l.op, 48)}${pad(fmt(l.ours), 12)}${pad(fmt(l.dexie), 12)}${pad(ratio.toFixed(2), 8)}${l.samples}`);
  }
  console.log('');
  console.log('ratio = timpora / dexie (median); below 1.00 means the Timpora store is faster.');
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
