// bench/store: the same synthetic records through the Timpora IndexedDB store and through Dexie, in ONE
// headless Chromium run (puppeteer-core, Debian's /usr/bin/chromium). Prints medians and ratios.
//   npm run bench:store            (10,000 and 100,000 records)
//   npm run bench:store -- --sizes=10000 --lookups=100
//   npm run bench:store -- --sizes=100000 --big-insert-reps=1 --big-client-reps=0   (quicker on a loaded machine)
// A benchmark, not a test: it prints figures, it asserts nothing about time.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { serveBenchPage } from '../page-server.ts';
import { cpus, loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
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
/** Repetitions of the bulk inserts for 100,000 records (each is a fresh database per library). */
const bigInsertReps = Number(arg('big-insert-reps', '3'));
const bigClientReps = Number(arg('big-client-reps', '1'));

/** User+system CPU seconds of `root` and all its descendant processes (Linux /proc). */
function treeCpuSeconds(root: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(rest[1]));
      ticks.set(Number(d), Number(rest[11]) + Number(rest[12]));
    } catch {
      /* process ended */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) sum += t;
  return sum / 100; // USER_HZ
}

async function main(): Promise<void> {
  const served = await serveBenchPage(resolve(here, 'page.ts'));
  const browser = await puppeteer.launch({ executablePath: chromiumPath() as string, headless: true, args: chromiumArgs as string[], protocolTimeout: 0 });
  const lines: Line[] = [];
  const cpuByOp = new Map<string, number[]>();
  try {
    const page = await browser.newPage();
    const rootPid = browser.process()?.pid;
    const marks = new Map<string, number>();
    await page.exposeFunction('benchCpuMark', (label: string) => {
      if (!rootPid) return;
      const now = treeCpuSeconds(rootPid);
      const [what, edge] = label.split(':');
      if (edge === 'start') marks.set(what as string, now);
      else {
        const d = now - (marks.get(what as string) ?? now);
        const list = cpuByOp.get(what as string) ?? [];
        list.push(d);
        cpuByOp.set(what as string, list);
      }
    });
    page.on('pageerror', (e) => console.error('page error:', e));
    if (process.argv.includes('--verbose')) page.on('console', (m) => console.log('  ' + m.text()));
    await page.goto(served.url);
    await page.waitForFunction(() => 'timporaBench' in window);
    const version = await browser.version();
    console.log(`machine: ${cpus().length} CPUs, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`bench/store: ${version}, Dexie ${await page.evaluate(() => (window as unknown as { Dexie?: { version?: string } }).Dexie?.version ?? '4.x')}, sizes ${sizes.join(', ')}, ${lookups} samples per lookup`);
    for (const n of sizes) {
      const t0 = Date.now();
      const res = (await page.evaluate(
        (n: number, lookups: number, big: number, bigClient: number) =>
          window.timporaBench.runSize(n, { insert: n >= 100_000 ? big : 5, clientInsert: n >= 100_000 ? bigClient : 3, lookups }),
        n,
        lookups,
        bigInsertReps,
        bigClientReps,
      )) as Line[];
      lines.push(...res);
      console.log(`  ${n.toLocaleString('en')} records done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
    served.close();
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
  if (cpuByOp.size) {
    console.log('');
    console.log('CPU seconds used by this Chromium (all its processes) per bulk insert, median (wall time above is inflated by other load):');
    for (const [what, xs] of cpuByOp) {
      const s = [...xs].sort((a, b) => a - b);
      const med = s.length % 2 ? (s[s.length >> 1] as number) : ((s[(s.length >> 1) - 1] as number) + (s[s.length >> 1] as number)) / 2;
      console.log(`  ${what.padEnd(14)} ${med.toFixed(2)} s cpu (n=${xs.length})`);
    }
  }
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
