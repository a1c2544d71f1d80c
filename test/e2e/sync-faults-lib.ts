// Shared machinery of the sync fault tests and bench/sync: bundle the reference server and the browser harness
// with esbuild, run the server as a child process that can be SIGKILLed and restarted on the same database,
// and drive headless Chromium through puppeteer-core. Every process started here is killed on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startFaultProxy, type FaultProxy } from './sync-faults-proxy.ts';
import type { SyncHarness } from './sync-faults-harness.ts';

const chromium = (await import(new URL('../../scripts/chromium.mjs', import.meta.url).href)) as {
  chromiumPath(): string;
  chromiumArgs: readonly string[];
};

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bundles live at depth 1 under the repo (`.cache/`, git-ignored) so the server finds `../docs/openapi.yaml`. */
const CACHE = `${ROOT}.cache`;
export const JWT_SECRET = 'sync-faults-secret-0123456789abcdef';

/** Bundle the server entry (`server/main.ts`, dependencies external) and the browser harness. */
/** One browser module (ESM, es2022) bundled in memory from `entry`: a harness page's script. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const out = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'warning' });
  const js = out.outputFiles[0]?.text;
  if (!js) throw new Error(`browser bundle of ${entry} is empty`);
  return js;
}

export async function buildBundles(): Promise<{ serverEntry: string; harnessJs: string }> {
  mkdirSync(CACHE, { recursive: true });
  // One file per process: a benchmark and a test running side by side never read a half-written bundle.
  const serverEntry = `${CACHE}/sync-faults-server-${process.pid}.mjs`;
  bundles.add(serverEntry);
  await build({
    entryPoints: [`${ROOT}server/main.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: serverEntry,
    logLevel: 'warning',
  });
  const harnessJs = await bundleForBrowser(`${ROOT}test/e2e/sync-faults-harness.ts`);
  return { serverEntry, harnessJs };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
const bundles = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const file of bundles) rmSync(file, { force: true });
});

/** The reference server as a child process on a fixed port and database, killable at any moment. */
export class ServerProcess {
  child: ChildProcess | null = null;
  /** Listening (started and not killed since). */
  ready = false;
  starts = 0;
  kills = 0;
  constructor(
    readonly entry: string,
    readonly port: number,
    readonly db: string,
    readonly extraEnv: Record<string, string> = {},
  ) {}

  /** Start and wait until it listens (generous timeout: CI machines can be slow). */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.child) throw new Error('already running');
    const child = spawn(process.execPath, [this.entry], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        TIMPORA_DB: this.db,
        TIMPORA_JWT_SECRET: JWT_SECRET,
        TIMPORA_DEV_AUTH: '1',
        TIMPORA_CORS_ORIGIN: '',
        NODE_ENV: 'test',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    this.child = child;
    this.starts += 1;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      let out = '';
      let settled = false;
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (!settled && out.includes('listening')) {
          settled = true;
          clearTimeout(timer);
          if (this.child === child) this.ready = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.ready = false;
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`server exited before listening (${code ?? signal}): ${stderr}`));
      });
    });
  }

  /** SIGKILL: no shutdown hooks, in-flight requests die mid-way. */
  kill(): void {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    this.child = null;
    this.ready = false;
    this.kills += 1;
  }

  /** Graceful stop (SIGTERM), waiting for exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.ready = false;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

/** A dev token from the server's `/auth/token` (through the proxy origin, faults off for `/auth`). */
export async function devToken(origin: string, agency: string, role: string, sub = `${agency}-user`): Promise<string> {
  const res = await fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, agency, role, ttlSeconds: 86_400 }),
  });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Proxy serving the harness page and forwarding to `server`. */
export async function harnessProxy(port: () => number, harnessJs: string): Promise<FaultProxy> {
  const html = '<!doctype html><meta charset="utf-8"><title>sync harness</title><script type="module" src="/__harness/harness.js"></script>';
  return startFaultProxy(
    port,
    new Map([
      ['index.html', { type: 'text/html; charset=utf-8', body: html }],
      ['harness.js', { type: 'text/javascript; charset=utf-8', body: harnessJs }],
    ]),
  );
}

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromium.chromiumPath(),
    headless: true,
    args: [...chromium.chromiumArgs, '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
    protocolTimeout: 600_000,
  });
}

/**
 * Open the harness page in a fresh browser context, once its script has set `globalThis[ready]` (the sync
 * harness, or another page script served by {@link harnessProxy}, such as the sync profiler).
 */
export async function openHarness(browser: Browser, origin: string, ready = 'syncHarness'): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[page] ${String(e)}\n`));
  await page.goto(`${origin}/__harness/index.html`);
  await page.waitForFunction((name) => name in globalThis, { timeout: 60_000 }, ready);
  return page;
}

/** Call a harness method in the page. */
export async function call<K extends keyof SyncHarness>(
  page: Page,
  method: K,
  ...args: Parameters<SyncHarness[K]>
): Promise<Awaited<ReturnType<SyncHarness[K]>>> {
  return page.evaluate(
    (m, a) => {
      const h = (globalThis as unknown as { syncHarness: Record<string, (...x: unknown[]) => unknown> }).syncHarness;
      return h[m]!(...a);
    },
    method as string,
    args as unknown[],
  ) as Promise<Awaited<ReturnType<SyncHarness[K]>>>;
}

/** Poll until the page's outbox is empty and sync idle (or throw after `timeoutMs`). */
export async function waitDrained(page: Page, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [count, status] = await Promise.all([call(page, 'outboxCount'), call(page, 'status')]);
    if (count === 0 && status && !status.syncing) return;
    if (Date.now() > end) throw new Error(`outbox not drained: ${count} left, status ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function tempDir(name: string): string {
  const dir = `${CACHE}/${name}-${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
