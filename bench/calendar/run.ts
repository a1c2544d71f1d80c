// bench/calendar: the same operations rendered by <timpora-operation-calendar> and by FullCalendar 6
// (daygrid month with dayMaxEvents 3, list year) in ONE headless Chromium run (puppeteer-core, Debian's
// /usr/bin/chromium). Prints medians and ratios. A benchmark, not a test: it asserts nothing about time.
//   npm run bench:calendar
//   npm run bench:calendar -- --runs=9 --agenda-runs=3
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { serveBenchPage } from '../page-server.ts';
import puppeteer from 'puppeteer-core';
import { chromiumPath, chromiumArgs } from '../../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const runs = Number(arg('runs', '7'));
const agendaRuns = Number(arg('agenda-runs', '3'));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface MonthResult { ms: number; switchMs: number[]; events: number }
interface AgendaResult { ms: number; rows: number; total: number }
interface BenchApi {
  prepare(): { month: number; agenda: number };
  oursMonth(): Promise<MonthResult>;
  fcMonth(): MonthResult;
  oursAgenda(): Promise<AgendaResult>;
  fcAgenda(): AgendaResult;
}
type W = { calendarBench: BenchApi };

async function main(): Promise<void> {
  const served = await serveBenchPage(resolve(here, 'page.ts'), {
    define: { 'process.env.NODE_ENV': '"production"' },
    html: '<!doctype html><html lang="id"><meta charset="utf-8"><title>bench</title><body style="margin:0"><script type="module" src="/bench.js"></script></body></html>',
  });
  const browser = await puppeteer.launch({
    executablePath: chromiumPath() as string,
    headless: true,
    args: [...(chromiumArgs as string[]), '--window-size=1280,900'],
    protocolTimeout: 0,
    env: { ...process.env, TZ: 'Asia/Jakarta' },
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.emulateTimezone('Asia/Jakarta');
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(served.url);
    await page.waitForFunction(() => 'calendarBench' in window);
    const sizes = await page.evaluate(() => (window as unknown as W).calendarBench.prepare());
    const fcVersion = JSON.parse(readFileSync(resolve(here, '../../node_modules/@fullcalendar/core/package.json'), 'utf8')).version as string;
    console.log(`bench/calendar: ${await browser.version()}, FullCalendar ${fcVersion}; viewer zone Asia/Jakarta; ` +
      `month data ${sizes.month} operations (2,000 per month Feb-Apr 2026, WIB/WITA/WIT mixed), agenda ${sizes.agenda} operations over 2026`);
    console.log(`runs: month ${runs} (+1 warm-up each, 6 switches per run), agenda ${agendaRuns} (+1 warm-up each), interleaved`);

    const om: MonthResult[] = [];
    const fm: MonthResult[] = [];
    for (let i = 0; i <= runs; i++) {
      const o = await page.evaluate(() => (window as unknown as W).calendarBench.oursMonth());
      const f = await page.evaluate(() => (window as unknown as W).calendarBench.fcMonth());
      if (i > 0) {
        om.push(o);
        fm.push(f);
      }
    }
    const oa: AgendaResult[] = [];
    const fa: AgendaResult[] = [];
    for (let i = 0; i <= agendaRuns; i++) {
      const o = await page.evaluate(() => (window as unknown as W).calendarBench.oursAgenda());
      const f = await page.evaluate(() => (window as unknown as W).calendarBench.fcAgenda());
      if (i > 0) {
        oa.push(o);
        fa.push(f);
      }
    }
    const rows: [string, number, number][] = [
      ['month first render, 2,000 ops', median(om.map((r) => r.ms)), median(fm.map((r) => r.ms))],
      ['switch month (2,000 ops/month)', median(om.flatMap((r) => r.switchMs)), median(fm.flatMap((r) => r.switchMs))],
      ['agenda first render, 20,000 ops', median(oa.map((r) => r.ms)), median(fa.map((r) => r.ms))],
    ];
    const pad = (s: string, n: number): string => s.padEnd(n);
    console.log('');
    console.log(`${pad('case', 34)}${pad('timpora ms', 12)}${pad('FullCalendar ms', 17)}ratio (FC/timpora)`);
    for (const [name, ours, fc] of rows) {
      console.log(`${pad(name, 34)}${pad(ours.toFixed(1), 12)}${pad(fc.toFixed(1), 17)}${(fc / ours).toFixed(1)}x`);
    }
    console.log('');
    console.log(`month DOM: timpora ${om[0]?.events} event chips (3 per day + "more"), FullCalendar ${fm[0]?.events} .fc-event elements (dayMaxEvents 3)`);
    console.log(`agenda DOM: timpora ${oa[0]?.rows} rows rendered of ${oa[0]?.total} (virtualised), FullCalendar ${fa[0]?.rows} list rows`);
  } finally {
    await browser.close();
    served.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
