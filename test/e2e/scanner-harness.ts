/**
 * Shared set-up of the scanner e2e test and bench/scanner: the scanner test page from a Vite dev server
 * over the repository (TypeScript, module workers, one request per module) or as a production build
 * (`vite build`: the page and the worker each one bundled module, served statically), and Debian
 * Chromium driven by puppeteer-core, optionally with the fake camera fed from a y4m clip.
 * @module
 */
import { build, createServer, type ViteDevServer } from 'vite';
import puppeteer, { type Browser, type KeyInput, type Page } from 'puppeteer-core';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-browser.ts';

// scripts/chromium.mjs is plain JS without typings: load it by URL and type the two exports here.
const chromium = (await import(new URL('../../scripts/chromium.mjs', import.meta.url).href)) as {
  chromiumPath(): string;
  chromiumArgs: readonly string[];
};
const { chromiumArgs, chromiumPath } = chromium;

const root = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = 'test/e2e/scanner-page.html';

/** A running dev server. */
export interface PageServer {
  readonly origin: string;
  /** URL of the scanner test page with `query`. */
  pageUrl(query?: string): string;
  close(): Promise<void>;
}

/** Starts Vite on a free localhost port (a secure context, so getUserMedia works). */
export async function startPageServer(): Promise<PageServer> {
  const server: ViteDevServer = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    // No WebSocket (ws: false): Vite's client reloads the page when an open socket closes, which a
    // frozen page's does (Chromium puts it in the back-forward cache), and the hidden-page test then
    // lost its page to a reload in about one run of six.
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false, watch: null },
    optimizeDeps: { entries: [PAGE], include: ['lit', 'lit/directives/class-map.js'] },
    worker: { format: 'es' },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  const origin = `http://localhost:${address.port}`;
  return {
    origin,
    pageUrl: (query = '') => `${origin}/${PAGE}${query ? `?${query}` : ''}`,
    close: () => server.close(),
  };
}

/**
 * Builds the scanner test page for production into `outDir` (what users get: minified, the page one
 * module and the MRZ worker one module) and lists the JavaScript files written. `from`: the checkout
 * to build (default this one; another tree, e.g. a `git archive` of an older commit, for before/after).
 */
export async function buildScannerPage(outDir: string, from = root): Promise<string[]> {
  const output = await build({
    root: from,
    configFile: false,
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false, rollupOptions: { input: { page: PAGE } } },
    worker: { format: 'es' },
  });
  const results = Array.isArray(output) ? output : [output];
  const files: string[] = [];
  for (const r of results) if ('output' in r) for (const o of r.output) if (o.fileName.endsWith('.js')) files.push(o.fileName);
  return files;
}

/** Serves a production build made by {@link buildScannerPage} on 127.0.0.1 (a secure context). */
export async function startBuiltPageServer(outDir: string): Promise<PageServer> {
  const server = await serveStatic(outDir);
  return {
    origin: server.origin,
    pageUrl: (query = '') => `${server.origin}/${PAGE}${query ? `?${query}` : ''}`,
    close: () => server.close(),
  };
}

/** Options of {@link launchBrowser}. */
export interface LaunchOptions {
  /** y4m clip for the fake camera. */
  clip?: string;
  /** Add Chromium's fake camera (default true). Without it a headless server has no camera at all. */
  fakeCamera?: boolean;
  /**
   * Auto-accept camera prompts (default true). Set false to let permission overrides decide: the
   * fake-UI flag accepts even when the origin's permission is `denied`.
   */
  fakeUi?: boolean;
}

/** Launches headless Debian Chromium with the house flags. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...chromiumArgs, '--autoplay-policy=no-user-gesture-required'];
  if (options.fakeCamera !== false) {
    args.push('--use-fake-device-for-media-stream');
    if (options.fakeUi !== false) args.push('--use-fake-ui-for-media-stream');
    if (options.clip) args.push(`--use-file-for-fake-video-capture=${options.clip}`);
  }
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args,
    protocolTimeout: 120_000,
  });
}

/**
 * Types `text` as real key events (CDP `Input.dispatchKeyEvent`) the way a desk MRZ reader does: all
 * keys sent back to back without waiting for each round trip, so they arrive a few ms apart.
 */
export async function typeBurst(page: Page, text: string): Promise<void> {
  const keys = [...text].map((ch) => (ch === '\n' ? 'Enter' : ch));
  await Promise.all(keys.map((key) => page.keyboard.press(key as KeyInput)));
}
