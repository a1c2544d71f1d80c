// bench/store/encryption.ts: overhead of encryption at rest on the store benchmark. The same synthetic
// records (bench/store/page.ts makeRecords) through Dexie (the peer), the Timpora store without and with
// `encryption`, in ONE headless Chromium page. Prints medians and the ratios encrypted / plain and
// encrypted / Dexie.
//   node --import tsx bench/store/encryption.ts [--sizes=10000] [--lookups=200] [--insert-reps=3] [--verbose]
//   node --import tsx bench/store/encryption.ts --sync [--sizes=2000] [--sync-reps=3]   (sync pull/push, plain vs encrypted)
// A benchmark, not a test: it prints figures, it asserts nothing about time.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { serveBenchPage } from '../page-server.ts';
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';
import type { EncLine } from './encryption-page.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const sizes = arg('sizes', '10000').split(',').map(Number);
const lookups = Number(arg('lookups', '200'));
const insertReps = Number(arg('insert-reps', '3'));

async function main(): Promise<void> {
  const served = await serveBenchPage(resolve(here, 'encryption-page.ts'));
  const browser = await puppeteer.launch({ executablePath: chromiumPath() as string, headless: true, args: chromiumArgs as string[], protocolTimeout: 0 });
  const lines: EncLine[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    if (process.argv.includes('--verbose')) page.on('console', (m) => console.log('  ' + m.text()));
    await page.goto(served.url);
    await page.waitForFunction(() => 'timporaEncBench' in window);
    console.log(`machine: ${cpus().length} CPUs, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`bench/store/encryption: ${await browser.version()}, sizes ${sizes.join(', ')}, ${lookups} samples per lookup, ${insertReps} inserts per side`);
    for (const n of sizes) {
      const t0 = Date.now();
      if (process.argv.includes('--sync')) {
        const reps = Number(arg('sync-reps', '3'));
        lines.push(...((await page.evaluate((n: number, reps: number) => window.timporaEncBench.runSync(n, reps), n, reps)) as EncLine[]));
        console.log(`  ${n.toLocaleString('en')} records synced in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        continue;
      }
      lines.push(...((await page.evaluate((n: number, insert: number, lookups: number) => window.timporaEncBench.runEncryption(n, { insert, lookups }), n, insertReps, lookups)) as EncLine[]));
      console.log(`  ${n.toLocaleString('en')} records done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
    served.close();
  }
  const pad = (s: string, w: number): string => s.padEnd(w);
  const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));
  console.log('');
  console.log(`${pad('records', 9)}${pad('operation', 50)}${pad('Dexie ms', 11)}${pad('plain ms', 11)}${pad('encrypted ms', 14)}${pad('enc/plain', 11)}${pad('enc/Dexie', 11)}${pad('plain/Dexie', 13)}samples`);
  for (const l of lines) {
    // No Dexie column for the sync lines (JSON turns the page's NaN into null).
    const dx = typeof l.dexie === 'number' && Number.isFinite(l.dexie) ? l.dexie : null;
    console.log(
      `${pad(l.n.toLocaleString('en'), 9)}${pad(l.op, 50)}${pad(dx ? fmt(dx) : '-', 11)}${pad(fmt(l.plain), 11)}${pad(fmt(l.encrypted), 14)}${pad((l.encrypted / l.plain).toFixed(2), 11)}${pad(dx ? (l.encrypted / dx).toFixed(2) : '-', 11)}${pad(dx ? (l.plain / dx).toFixed(2) : '-', 13)}${l.samples}`,
    );
  }
  console.log('');
  console.log('ratios of medians; enc/plain = overhead of encryption at rest (1.00 = none); x/Dexie < 1 means faster than Dexie.');
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
