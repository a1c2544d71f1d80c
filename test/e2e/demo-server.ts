// The demo as `npm start` runs it, for e2e tests: the reference server (SQLite, sample agencies) on a free port,
// the demo built against it and served under its CSP, and a headless Chromium.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { launchChromium, serveStatic, type StaticServer } from './static-browser.ts';
import { timporaCsp } from '../../demo/csp.js';
import { createServer } from '../../server/app.ts';
import { openStore } from '../../server/store/open.ts';
import { seedDemoAgencies } from '../../scripts/seed-demo-server.ts';

/** A running demo with its reference server. */
export interface DemoWithServer {
  /** Origin of the built demo (`http://127.0.0.1:<port>`). */
  web: StaticServer;
  browser: Browser;
  /** Stops the browser and both servers and removes the temporary files. */
  close(): Promise<void>;
}

/** Starts the server first: its origin is baked into the demo build. */
export async function startDemoWithServer(name: string): Promise<DemoWithServer> {
  const dir = mkdtempSync(join(tmpdir(), `timpora-${name}-`));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    const api = await createServer({ store: openStore(`sqlite:${join(dir, 'demo.sqlite')}`), jwtSecret: `${name}-test-secret-0123456789`, corsOrigins: ['*'] });
    cleanups.push(() => api.close());
    const apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
    await seedDemoAgencies(apiUrl);
    const outDir = join(dir, 'demo');
    const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'demo/vite.config.js', '--outDir', outDir, '--logLevel', 'error'], {
      stdio: 'inherit',
      env: { ...process.env, VITE_TIMPORA_SERVER: apiUrl },
    });
    assert.equal(built.status, 0, 'demo builds');
    const web = await serveStatic(outDir, { 'Content-Security-Policy': timporaCsp({ apiOrigins: [apiUrl] }) });
    cleanups.push(() => web.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    return { web, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
