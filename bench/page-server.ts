/**
 * What the browser benches share: bundle a page module with esbuild (minified, as shipped) and serve it on
 * loopback (a secure context, so IndexedDB, WebCrypto and workers behave as in production).
 * @module
 */
import { createServer } from 'node:http';
import { build } from 'esbuild';

export interface BenchPage {
  /** URL of the page that loads the bundle. */
  readonly url: string;
  close(): void;
}

/** Bundle `entry` and serve it as `/bench.js` under a minimal HTML shell (or `html`). */
export async function serveBenchPage(
  entry: string,
  options: { define?: Record<string, string>; html?: string } = {},
): Promise<BenchPage> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'silent',
    ...(options.define ? { define: options.define } : {}),
  });
  const js = bundle.outputFiles[0]!.text;
  const html = options.html ?? '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const isScript = req.url === '/bench.js';
    res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    res.end(isScript ? js : html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
