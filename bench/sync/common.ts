/**
 * Shared by the sync benchmarks (`run.ts`, `profile.ts`, `idb-pull-apply.ts`): command-line numbers, the
 * median, a blank page on a real origin in headless Chromium (IndexedDB micro-benchmarks), and the bench
 * records created on the server over HTTP through `POST /batch`.
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

/** `--name <number>` from the command line, or `dflt`. */
export function argOf(name: string, dflt: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : dflt;
}

/** Median of `xs`. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * CPU time (user + system, ms) used so far by process `root` and its descendants, by kind: Chromium's
 * `--type=` (renderer, utility, gpu-process ...; `webui-renderer` for the renderers of the browser's own UI,
 * `--top-chrome-webui`), `main` for the root itself. Linux `/proc` only (empty elsewhere).
 * Two readings around a step give what the step cost each process, whatever the machine's load.
 */
export function processTreeCpu(root: number): Map<string, number> {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return new Map();
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), pid]);
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out = new Map<string, number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    let kind = 'main';
    if (pid !== root) {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        kind = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'other';
        // The browser's own UI (e.g. the omnibox popup a new window preloads) runs in renderers of its own.
        if (kind === 'renderer' && cmdline.includes('--top-chrome-webui')) kind = 'webui-renderer';
      } catch {
        kind = 'other';
      }
    }
    // Clock ticks are 10 ms on Linux (USER_HZ 100).
    out.set(kind, (out.get(kind) ?? 0) + (ticks.get(pid) ?? 0) * 10);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Waits until process `root` and its descendants are idle: less than `busyMs` of CPU in a `windowMs` window (at
 * most `maxMs`). A window that was just created preloads the browser's own UI (Chromium 156: the omnibox popup
 * WebUI, about 1 s of CPU) for a few seconds; a timed step that starts at once shares the machine's cores with it.
 * Returns the time waited (ms).
 */
export async function settle(root: number, { windowMs = 500, busyMs = 50, maxMs = 15_000 } = {}): Promise<number> {
  const t0 = performance.now();
  const total = (): number => [...processTreeCpu(root).values()].reduce((a, b) => a + b, 0);
  let before = total();
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = total();
    if (now - before < busyMs) break;
    before = now;
  }
  return performance.now() - t0;
}

/**
 * CPU time (ms, all cores, user + system) the whole machine has used since boot (`/proc/stat`; 0 elsewhere). Two
 * readings around a step, minus the processes measured apart, give what other processes (e.g. a PostgreSQL
 * cluster, which is not a child of the server) spent meanwhile.
 */
export function machineCpu(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user, nice, system, (idle, iowait), irq, softirq, steal; 10 ms clock ticks.
    return [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? 0), 0) * 10;
  } catch {
    return 0;
  }
}

/** CPU used per kind between two {@link processTreeCpu} readings. */
export function cpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([kind, ms]) => [kind, ms - (before.get(kind) ?? 0)]));
}

/**
 * Headless Chromium with an on-disk profile and one page on a real loopback origin (IndexedDB is not
 * available on about:blank or data: URLs). `close()` stops the browser and the server and removes the profile.
 */
export async function blankOriginPage(title: string): Promise<{ browser: Browser; page: Page; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>${title}</title>`);
  }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'bench-sync-idb-'));
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true, userDataDir: profile });
  const close = async (): Promise<void> => {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The body of bench record `i` as the benchmarks create it. */
export function record(i: number): string {
  return JSON.stringify({
    identity: { surname: `BENCH${i}`, givenNames: 'PULL', sex: i % 2 ? 'M' : 'F', birthDate: '1980-05-17', nationality: 'GBR' },
    document: { type: 'passport', issuingState: 'GBR', number: String(200000000 + i), expiryDate: '2031-01-01' },
    permit: { type: 'ITAS', number: `ITAS-2024-${i}`, validFrom: '2024-01-01', validUntil: '2027-01-01' },
    address: { street: 'Jl. Pantai Kuta No. 1', region: { province: '51' } },
    status: 'active',
    findings: [],
    notes: 'Bench record',
  });
}

/** Seed `n` records over HTTP (`POST /batch`, 100 per request, 4 requests in flight). */
export async function seed(origin: string, token: string, n: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const items = [];
      for (let k = 0; k < 100 && next < n; k++) {
        const i = next++;
        items.push({ method: 'PUT', collection: 'records', id: crypto.randomUUID(), idempotencyKey: crypto.randomUUID(), body: JSON.parse(record(i)) as unknown });
      }
      const res = await fetch(`${origin}/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      const body = (await res.json()) as { results?: { status: number }[] };
      if (res.status !== 200 || !body.results?.every((r) => r.status === 201)) throw new Error(`seed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return performance.now() - t0;
}

