/**
 * MRZ engine benchmark (not a test): read rate, character accuracy, false accepts and speed of
 * the Timpora engine vs tesseract.js on the same images, in the same run.
 *
 * Sets:
 * - real: every image of ../shared/mrz-samples with ground truth (still images: rotations on);
 * - real, transcribed here: the harder images the shared ground truth leaves out, with our own
 *   transcriptions (test/fixtures/mrz/samples-transcribed.json), reported apart so the shared set's
 *   figures stay comparable; tesseract.js is not run on them;
 * - synthetic: seeded 1280x720 frames from scripts/mrz/synth.ts (video frames: rotations off),
 *   cached in .cache/mrz-frames/ (first run renders them; preset per bench/mrz/frames.ts), plus
 *   no-MRZ frames (false positives). The synthetic rows are also split by the generator's preset,
 *   by character pitch (frame pixels per character) and by blur, recorded with each cached frame.
 *
 * Speed: the engine runs in headless Chromium (bundled with esbuild, served from a local HTTP
 * server) on the decoded frame; the figure is the engine call alone. It also runs in Node, where
 * tesseract.js (eng traineddata from @tesseract.js-data/eng, whitelist A-Z0-9<, no network) runs on
 * the same files; and tesseract.js runs in Chromium too (its browser build, worker, WASM core and
 * traineddata served by the local server), where the widgets run. The speed ratios are measured in
 * one environment each: each of its images is read by the engine right before or after
 * (alternating), in the same page or process, so both see the same machine load.
 *
 * Warm-up: in every pass, each reader (engine, tesseract.js) first reads all of the pass's images
 * uncounted (`--warm-up N`: only the first N), so the times are steady-state ones, as in a scanner
 * reading camera frames in a warm worker. Chromium's V8 compiles the engine's functions to optimised
 * code much later than Node's: after the old warm-up of five images, a real sample's read took
 * 27.2 ms median in Chromium against 18.2 ms at the median of seven repeated reads (Node 11.5 ms),
 * and passport-td3.jpg 56-96 ms against about 9 ms after 200 reads. The first read after the page
 * opens is what bench/scanner measures (its `cold` scenario).
 *
 * `npm run bench:mrz -- [--synth 320] [--negatives 20] [--tess-synth 40] [--tess-real all|N] [--warm-up all|N] [--no-tess] [--prepare-only]`
 * Writes bench/results/mrz-<timestamp>.json.
 *
 * `--compare <dir>`: paired speed comparison with the engine of another checkout (e.g. a `git archive`
 * of an older commit, node_modules linked): per frame both engines run on the same decoded image,
 * in alternating order, in Chromium and in Node, so machine load hits both alike. Prints medians,
 * p95, read counts and how many frames both read identically; no tesseract.js.
 * @module
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer, { type Page } from 'puppeteer-core';
import { readMrz } from '../../sdk/mrz/engine.ts';
import { safeParseMrz } from '../../sdk/mrz/parse.ts';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { loadRgba } from '../../scripts/mrz/train-io.ts';
import { cachedFrames, framesDir, ROOT, type FrameMeta } from './frames.ts';

const args = process.argv.slice(2);
const get = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const N_SYNTH = Number(get('synth', '320'));
const N_NEG = Number(get('negatives', '20'));
const TESS_SYNTH = Number(get('tess-synth', '40'));
const TESS_REAL = get('tess-real', 'all');
const NO_TESS = args.includes('--no-tess');
const COMPARE = get('compare', '');
const WARM_UP = get('warm-up', 'all');
const SAMPLES = resolve(ROOT, '..', 'shared', 'mrz-samples');
const CACHE = framesDir();

interface Item {
  id: string;
  set: 'real' | 'transcribed' | 'synthetic' | 'negative';
  path: string;
  truth: string[] | null;
  rotations: boolean;
  /** Synthetic frames: how the generator drew them (see {@link FrameMeta}). */
  drawn?: FrameMeta;
}

interface Outcome {
  lines: string[] | null;
  valid: boolean;
  ms: number;
}

function log(s: string): void {
  process.stderr.write(s + '\n');
}

/** How many of a pass's `n` items each reader reads uncounted first (`--warm-up`, all by default). */
function warmUpCount(n: number): number {
  return WARM_UP === 'all' ? n : Math.min(n, Number(WARM_UP));
}

// ---- data sets
function realItems(): Item[] {
  const gt = JSON.parse(readFileSync(join(SAMPLES, 'ground-truth.json'), 'utf8')) as Record<string, unknown>;
  const transcribed = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'mrz', 'samples-transcribed.json'), 'utf8')) as { samples: Record<string, unknown> }).samples;
  const out: Item[] = [];
  for (const [set, truths] of [['real', gt], ['transcribed', transcribed]] as const) {
    for (const [file, v] of Object.entries(truths)) {
      const mrz = (v as { mrz?: unknown } | null)?.mrz;
      if (!Array.isArray(mrz)) continue;
      out.push({ id: `${set}/${file}`, set, path: join(SAMPLES, file), truth: mrz as string[], rotations: true });
    }
  }
  return out;
}

async function synthItems(): Promise<Item[]> {
  mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();
  const progress = (done: number, total: number): void => {
    if (done % 25 === 0 || done === total) log(`  rendered up to ${done}/${total} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  };
  const positives = await cachedFrames(CACHE, Array.from({ length: N_SYNTH }, (_, i) => 70000 + i), {}, progress);
  const negatives = await cachedFrames(CACHE, Array.from({ length: N_NEG }, (_, i) => 90000 + N_SYNTH + i), { noMrz: true }, progress);
  return [
    ...positives.map((f, i): Item => ({ id: `synthetic/${70000 + i}`, set: 'synthetic', path: f.file, truth: f.lines, rotations: false, ...(f.drawn ? { drawn: f.drawn } : {}) })),
    ...negatives.map((f, i): Item => ({ id: `negative/${90000 + N_SYNTH + i}`, set: 'negative', path: f.file, truth: null, rotations: false })),
  ];
}

// ---- scoring
function charAcc(got: string[] | null, truth: string[]): number {
  let ok = 0;
  let tot = 0;
  truth.forEach((t, i) => {
    const g = got?.[i] ?? '';
    for (let k = 0; k < t.length; k++) {
      tot++;
      if (g[k] === t[k]) ok++;
    }
  });
  return tot ? ok / tot : 0;
}

interface Summary {
  images: number;
  exact: number;
  exactValid: number;
  charAccuracy: number;
  falseAccepts: number;
  /** Valid results on frames without MRZ. */
  falsePositives: number;
  medianMs: number;
  p95Ms: number;
}

function summarise(items: Item[], out: Map<string, Outcome>): Summary {
  const pos = items.filter((i) => i.truth && out.has(i.id));
  const neg = items.filter((i) => !i.truth && out.has(i.id));
  let exact = 0;
  let exactValid = 0;
  let acc = 0;
  let fa = 0;
  for (const it of pos) {
    const o = out.get(it.id) as Outcome;
    const same = !!o.lines && o.lines.join('\n') === (it.truth as string[]).join('\n');
    if (same) exact++;
    if (same && o.valid) exactValid++;
    if (!same && o.valid) fa++;
    acc += charAcc(o.lines, it.truth as string[]);
  }
  const fp = neg.filter((it) => (out.get(it.id) as Outcome).valid).length;
  const ms = [...pos, ...neg].map((it) => (out.get(it.id) as Outcome).ms).sort((a, b) => a - b);
  const q = (p: number): number => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
  return { images: pos.length, exact, exactValid, charAccuracy: pos.length ? acc / pos.length : 0, falseAccepts: fa, falsePositives: fp, medianMs: q(0.5), p95Ms: q(0.95) };
}

// ---- engine in Chromium
/** Page script: `__frame(url)` fetches an image and decodes it to ImageData (outside the timed engine call). */
const FRAME_SCRIPT =
  '<script>globalThis.__frame = async function (u) { const bmp = await createImageBitmap(await (await fetch(u)).blob()); const c = new OffscreenCanvas(bmp.width, bmp.height); const ctx = c.getContext("2d"); ctx.drawImage(bmp, 0, 0); return ctx.getImageData(0, 0, bmp.width, bmp.height); };</script>';

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.gz': 'application/gzip', '.wasm': 'application/wasm' };

/**
 * Local HTTP server for a bench page ({@link FRAME_SCRIPT} added): `/` is `html`, `files` by path
 * (text or bytes, typed by extension), `/img/<index>` the items' files.
 */
async function serveBenchPage(items: Item[], html: string, files: Record<string, string | Uint8Array>): Promise<{ server: ReturnType<typeof createServer>; port: number }> {
  const byId = new Map(items.map((it, i) => [String(i), it]));
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const file = files[url];
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html + FRAME_SCRIPT);
    } else if (file !== undefined) {
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(url)] ?? 'application/octet-stream' });
      res.end(file);
    } else if (url.startsWith('/img/')) {
      const it = byId.get(url.slice(5));
      if (!it) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': extname(it.path) === '.png' ? 'image/png' : 'image/jpeg' });
      res.end(readFileSync(it.path));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

/** The bench page's engine bundle (bench/mrz/page-entry.ts: `globalThis.__mrz`). */
async function engineBundle(): Promise<string> {
  const bundle = await build({ entryPoints: [join(ROOT, 'bench/mrz/page-entry.ts')], bundle: true, format: 'iife', minify: true, write: false, platform: 'browser', target: 'es2022' });
  return bundle.outputFiles[0]?.text ?? '';
}

/** The engine's read of the image at `url` in a bench page (decoded first; the engine call alone timed). */
function readInPage(page: Page, url: string, rotations: boolean): Promise<Outcome> {
  return page.evaluate(
    async (u: string, rot: boolean) => {
      const img = await (globalThis as unknown as { __frame: (url: string) => Promise<ImageData> }).__frame(u);
      const eng = (globalThis as unknown as { __mrz: { readMrz: (i: ImageData, o: object) => { lines: string[]; valid: boolean } | null } }).__mrz;
      const t0 = performance.now();
      const r = eng.readMrz(img, { rotations: rot });
      const ms = performance.now() - t0;
      return { lines: r ? [...r.lines] : null, valid: !!r?.valid, ms };
    },
    url,
    rotations,
  );
}

async function runChromium(items: Item[]): Promise<Map<string, Outcome>> {
  const { server, port } = await serveBenchPage(items, '<!doctype html><meta charset="utf-8"><title>mrz bench</title><script src="/engine.js"></script>', { '/engine.js': await engineBundle() });
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  const out = new Map<string, Outcome>();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const readOne = (idx: number, rotations: boolean): Promise<Outcome> => readInPage(page, `http://127.0.0.1:${port}/img/${idx}`, rotations);
    for (let i = 0; i < warmUpCount(items.length); i++) await readOne(i, (items[i] as Item).rotations);
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as Item;
      out.set(it.id, await readOne(i, it.rotations));
      if (i % 50 === 0) log(`  chromium ${i + 1}/${items.length}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

// ---- engine in Node
async function runNode(items: Item[]): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  for (const it of items.slice(0, warmUpCount(items.length))) readMrz(await loadRgba(it.path), { rotations: it.rotations });
  for (const it of items) {
    const img = await loadRgba(it.path);
    const t0 = performance.now();
    const r = readMrz(img, { rotations: it.rotations });
    out.set(it.id, { lines: r ? [...r.lines] : null, valid: !!r?.valid, ms: performance.now() - t0 });
  }
  return out;
}

// ---- tesseract.js in Node
function mrzFromText(text: string, truth: string[] | null): string[] | null {
  const cand = text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ''))
    .filter((l) => l.length >= 20 && /^[A-Z0-9<]+$/.test(l));
  if (cand.length < 2) return null;
  const count = truth?.length ?? (cand.length >= 3 && (cand[cand.length - 1] as string).length <= 32 ? 3 : 2);
  return cand.slice(-count);
}

/**
 * tesseract.js on `items`, each image also read by the engine (Node) right before or after it, in
 * alternating order: the pair sees the same machine load, so the speed ratio is not at the mercy of
 * load that changes between two separate passes.
 */
async function runTesseract(items: Item[]): Promise<{ tess: Map<string, Outcome>; engine: Map<string, Outcome> }> {
  const { createWorker } = await import('tesseract.js');
  // The data package is CommonJS without types: resolve its folder directly.
  const langPath = join(ROOT, 'node_modules', '@tesseract.js-data', 'eng', '4.0.0');
  const worker = await createWorker('eng', 1, { langPath, gzip: true, cacheMethod: 'none' });
  await worker.setParameters({ tessedit_char_whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<' });
  const tess = new Map<string, Outcome>();
  const engine = new Map<string, Outcome>();
  try {
    for (const it of items.slice(0, warmUpCount(items.length))) {
      await worker.recognize(readFileSync(it.path));
      readMrz(await loadRgba(it.path), { rotations: it.rotations });
    }
    let i = 0;
    for (const it of items) {
      const readEngine = async (): Promise<void> => {
        const img = await loadRgba(it.path);
        const t0 = performance.now();
        const r = readMrz(img, { rotations: it.rotations });
        engine.set(it.id, { lines: r ? [...r.lines] : null, valid: !!r?.valid, ms: performance.now() - t0 });
      };
      if (i % 2 === 0) await readEngine();
      const buf = readFileSync(it.path);
      const t0 = performance.now();
      const r = await worker.recognize(buf);
      const ms = performance.now() - t0;
      const lines = mrzFromText(r.data.text, it.truth);
      const parsed = lines ? safeParseMrz(lines) : null;
      tess.set(it.id, { lines, valid: !!(parsed && parsed.ok && parsed.result.valid), ms });
      if (i % 2 === 1) await readEngine();
      if (++i % 10 === 0) log(`  tesseract ${i}/${items.length}`);
    }
  } finally {
    await worker.terminate();
  }
  return { tess, engine };
}

/**
 * tesseract.js in headless Chromium, as a web page would run it: its browser build, worker and
 * WASM core served from node_modules by the local server with the eng traineddata, no network.
 * Paired like {@link runTesseract}: each image is also read by the engine in the same page right
 * before or after it (alternating). Both get the image's file: tesseract.js decodes it itself (a
 * Blob, fetched before the clock starts); the engine gets it decoded, as from a camera frame.
 */
async function runTesseractChromium(items: Item[]): Promise<{ tess: Map<string, Outcome>; engine: Map<string, Outcome> }> {
  const tessDir = join(ROOT, 'node_modules', 'tesseract.js', 'dist');
  const coreDir = join(ROOT, 'node_modules', 'tesseract.js-core');
  const langFile = join(ROOT, 'node_modules', '@tesseract.js-data', 'eng', '4.0.0', 'eng.traineddata.gz');
  const files: Record<string, string | Uint8Array> = {
    '/engine.js': await engineBundle(),
    '/tesseract.min.js': readFileSync(join(tessDir, 'tesseract.min.js')),
    '/worker.min.js': readFileSync(join(tessDir, 'worker.min.js')),
    '/lang/eng.traineddata.gz': readFileSync(langFile),
  };
  // The worker picks the core build (SIMD, relaxed SIMD, LSTM only) by what the browser supports.
  for (const f of readdirSync(coreDir)) if (f.endsWith('.wasm.js')) files[`/core/${f}`] = readFileSync(join(coreDir, f));
  const html = '<!doctype html><meta charset="utf-8"><title>mrz bench: tesseract.js</title><script src="/engine.js"></script><script src="/tesseract.min.js"></script>';
  const { server, port } = await serveBenchPage(items, html, files);
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  const tess = new Map<string, Outcome>();
  const engine = new Map<string, Outcome>();
  try {
    const page = await browser.newPage();
    const origin = `http://127.0.0.1:${port}`;
    await page.goto(`${origin}/`);
    await page.evaluate(async (o: string) => {
      const T = (globalThis as unknown as { Tesseract: { createWorker: (l: string, oem: number, opts: object) => Promise<{ setParameters: (p: object) => Promise<unknown> }> } }).Tesseract;
      const w = await T.createWorker('eng', 1, { workerPath: `${o}/worker.min.js`, corePath: `${o}/core/`, langPath: `${o}/lang`, gzip: true, cacheMethod: 'none' });
      await w.setParameters({ tessedit_char_whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<' });
      (globalThis as unknown as { __tess: unknown }).__tess = w;
    }, origin);
    const readTess = (idx: number): Promise<{ text: string; ms: number }> =>
      page.evaluate(async (u: string) => {
        const blob = await (await fetch(u)).blob();
        const w = (globalThis as unknown as { __tess: { recognize: (b: Blob) => Promise<{ data: { text: string } }> } }).__tess;
        const t0 = performance.now();
        const r = await w.recognize(blob);
        return { text: r.data.text, ms: performance.now() - t0 };
      }, `${origin}/img/${idx}`);
    const readEngine = (idx: number, rotations: boolean): Promise<Outcome> => readInPage(page, `${origin}/img/${idx}`, rotations);
    for (let i = 0; i < warmUpCount(items.length); i++) {
      await readTess(i);
      await readEngine(i, (items[i] as Item).rotations);
    }
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as Item;
      if (i % 2 === 0) engine.set(it.id, await readEngine(i, it.rotations));
      const r = await readTess(i);
      const lines = mrzFromText(r.text, it.truth);
      const parsed = lines ? safeParseMrz(lines) : null;
      tess.set(it.id, { lines, valid: !!(parsed && parsed.ok && parsed.result.valid), ms: r.ms });
      if (i % 2 === 1) engine.set(it.id, await readEngine(i, it.rotations));
      if ((i + 1) % 10 === 0) log(`  tesseract (Chromium) ${i + 1}/${items.length}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return { tess, engine };
}

// ---- bundle size
async function bundleSize(): Promise<{ minBytes: number; gzipBytes: number; weightsGzipBytes: number }> {
  const r = await build({ entryPoints: [join(ROOT, 'sdk/mrz/engine.ts')], bundle: true, format: 'esm', minify: true, write: false, platform: 'browser', target: 'es2022' });
  const code = r.outputFiles[0]?.contents ?? new Uint8Array();
  const w = await build({ entryPoints: [join(ROOT, 'sdk/mrz/weights.ts')], bundle: true, format: 'esm', minify: true, write: false, platform: 'browser', target: 'es2022' });
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, weightsGzipBytes: gzipSync(w.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).length };
}

// ---- paired comparison with another checkout's engine (--compare)
interface Pair {
  a: Outcome;
  b: Outcome;
}

async function compareChromium(items: Item[], otherRoot: string): Promise<Pair[]> {
  const bundleOf = async (root: string): Promise<string> =>
    (await build({ entryPoints: [join(root, 'bench/mrz/page-entry.ts')], bundle: true, format: 'iife', minify: true, write: false, platform: 'browser', target: 'es2022' })).outputFiles[0]?.text ?? '';
  const jsA = await bundleOf(otherRoot);
  const jsB = await bundleOf(ROOT);
  const html = '<!doctype html><meta charset="utf-8"><title>mrz compare</title><script src="/a.js"></script><script>globalThis.__mrzA = globalThis.__mrz;</script><script src="/b.js"></script>';
  const { server, port } = await serveBenchPage(items, html, { '/a.js': jsA, '/b.js': jsB });
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  const out: Pair[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const readPair = (idx: number, rotations: boolean, aFirst: boolean): Promise<Pair> =>
      page.evaluate(
        async (u: string, rot: boolean, first: boolean) => {
          const img = await (globalThis as unknown as { __frame: (url: string) => Promise<ImageData> }).__frame(u);
          type Eng = { readMrz: (i: ImageData, o: object) => { lines: string[]; valid: boolean } | null };
          const g = globalThis as unknown as { __mrz: Eng; __mrzA: Eng };
          // No named helper functions in here: the bundler's name shim does not exist in the page.
          const order = first ? [g.__mrzA, g.__mrz] : [g.__mrz, g.__mrzA];
          const res: { lines: string[] | null; valid: boolean; ms: number }[] = [];
          for (const eng of order) {
            const t0 = performance.now();
            const r = eng.readMrz(img, { rotations: rot });
            const ms = performance.now() - t0;
            res.push({ lines: r ? [...r.lines] : null, valid: !!r?.valid, ms });
          }
          const [x, y] = res as [Outcome, Outcome];
          return first ? { a: x, b: y } : { a: y, b: x };
        },
        `http://127.0.0.1:${port}/img/${idx}`,
        rotations,
        aFirst,
      );
    for (let i = 0; i < warmUpCount(items.length); i++) await readPair(i, (items[i] as Item).rotations, i % 2 === 0);
    for (let i = 0; i < items.length; i++) {
      out.push(await readPair(i, (items[i] as Item).rotations, i % 2 === 0));
      if (i % 50 === 0) log(`  chromium pairs ${i + 1}/${items.length}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

async function compareNode(items: Item[], otherRoot: string): Promise<Pair[]> {
  type ReadFn = typeof readMrz;
  const other = (await import(pathToFileURL(join(otherRoot, 'sdk/mrz/engine.ts')).href)) as { readMrz: ReadFn };
  const run = (fn: ReadFn, img: Awaited<ReturnType<typeof loadRgba>>, rotations: boolean): Outcome => {
    const t0 = performance.now();
    const r = fn(img, { rotations });
    return { lines: r ? [...r.lines] : null, valid: !!r?.valid, ms: performance.now() - t0 };
  };
  for (const it of items.slice(0, warmUpCount(items.length))) {
    const img = await loadRgba(it.path);
    run(other.readMrz, img, it.rotations);
    run(readMrz, img, it.rotations);
  }
  const out: Pair[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as Item;
    const img = await loadRgba(it.path);
    if (i % 2 === 0) {
      const a = run(other.readMrz, img, it.rotations);
      out.push({ a, b: run(readMrz, img, it.rotations) });
    } else {
      const b = run(readMrz, img, it.rotations);
      out.push({ a: run(other.readMrz, img, it.rotations), b });
    }
  }
  return out;
}

async function runCompare(items: Item[], otherRoot: string): Promise<void> {
  log(`paired comparison: A = ${otherRoot}, B = ${ROOT}`);
  const envs: [string, Pair[]][] = [];
  log('Chromium...');
  envs.push(['Chromium', await compareChromium(items, otherRoot)]);
  log('Node...');
  envs.push(['Node', await compareNode(items, otherRoot)]);
  const table = tableHead();
  const notes: string[] = [];
  for (const [env, pairs] of envs) {
    const a = new Map(items.map((it, i) => [it.id, (pairs[i] as Pair).a]));
    const b = new Map(items.map((it, i) => [it.id, (pairs[i] as Pair).b]));
    for (const [name, set] of reportedSets(items)) {
      table.push(row(`A (${env}) ${name}`, summarise(set, a)));
      table.push(row(`B (${env}) ${name}`, summarise(set, b)));
    }
    const same = pairs.filter((p) => JSON.stringify([p.a.lines, p.a.valid]) === JSON.stringify([p.b.lines, p.b.valid])).length;
    const medianRatio = (real: boolean): string => {
      const r = items.flatMap((it, i) => (isSynthetic(it) !== real ? [(pairs[i] as Pair).b.ms / (pairs[i] as Pair).a.ms] : [])).sort((x, y) => x - y);
      return (r[r.length >> 1] ?? NaN).toFixed(3);
    };
    notes.push(`${env}: identical lines and validity on ${same}/${items.length} frames; median per-frame time ratio B/A on synthetic ${medianRatio(false)}, on real ${medianRatio(true)}`);
  }
  process.stdout.write(['', 'MRZ engine paired comparison (A = other checkout, B = this one)', table.join('\n'), ...notes, ''].join('\n'));
}

/** Synthetic frames, with and without an MRZ. */
const isSynthetic = (it: Item): boolean => it.set === 'synthetic' || it.set === 'negative';

/** The sets a table reports: the shared ground truth's photos, ours, the synthetic frames. */
function reportedSets(items: readonly Item[]): [string, Item[]][] {
  return [
    ['real (GT)', items.filter((i) => i.set === 'real')],
    ['real (transcribed here)', items.filter((i) => i.set === 'transcribed')],
    ['synthetic 1280x720', items.filter(isSynthetic)],
  ];
}

// ---- main
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
/** Width of the tables' first column (the longest row name, "timpora (Chromium) real (transcribed here)", fits). */
const NAME_WIDTH = 42;
/** A results table's header rows. */
function tableHead(): string[] {
  return [`| ${'engine / set'.padEnd(NAME_WIDTH)} |  img | exact & valid    | exact any | char acc | FA | FP | median ms |   p95 ms |`, `|${'-'.repeat(NAME_WIDTH + 2)}|------|------------------|-----------|----------|----|----|-----------|----------|`];
}
function row(name: string, s: Summary): string {
  return `| ${name.padEnd(NAME_WIDTH)} | ${String(s.images).padStart(4)} | ${`${s.exactValid}/${s.images} ${pct(s.images ? s.exactValid / s.images : 0)}`.padStart(16)} | ${`${s.exact}/${s.images}`.padStart(9)} | ${pct(s.charAccuracy).padStart(7)} | ${String(s.falseAccepts).padStart(3)} | ${String(s.falsePositives).padStart(3)} | ${s.medianMs.toFixed(1).padStart(8)} | ${s.p95Ms.toFixed(1).padStart(8)} |`;
}

log('preparing data sets...');
const real = realItems();
const synth = await synthItems();
const all = [...real, ...synth];
log(`real ${real.filter((r) => r.set === 'real').length} (+${real.filter((r) => r.set === 'transcribed').length} transcribed here), synthetic ${synth.filter((s) => s.set === 'synthetic').length}, negatives ${synth.filter((s) => s.set === 'negative').length}`);
if (args.includes('--prepare-only')) {
  log('synthetic frames cached; --prepare-only given, stopping here.');
  process.exit(0);
}
if (COMPARE) {
  await runCompare(all, resolve(COMPARE));
  process.exit(0);
}
const size = await bundleSize();
log('engine in Chromium...');
const chrome = await runChromium(all);
log('engine in Node...');
const nodeOut = await runNode(all);
let tessItems: Item[] = [];
let tess = new Map<string, Outcome>();
let paired = new Map<string, Outcome>();
let tessChrome = new Map<string, Outcome>();
let pairedChrome = new Map<string, Outcome>();
if (!NO_TESS) {
  const gtReal = real.filter((r) => r.set === 'real');
  const tr = TESS_REAL === 'all' ? gtReal : gtReal.slice(0, Number(TESS_REAL));
  tessItems = [...tr, ...synth.filter((s) => s.set === 'synthetic').slice(0, TESS_SYNTH)];
  log(`tesseract.js in Chromium on ${tessItems.length} images, each paired with an engine read...`);
  ({ tess: tessChrome, engine: pairedChrome } = await runTesseractChromium(tessItems));
  log(`tesseract.js in Node on ${tessItems.length} images, each paired with an engine read...`);
  ({ tess, engine: paired } = await runTesseract(tessItems));
}

const sets = reportedSets(all);
const table = tableHead();
const results: Record<string, Summary> = {};
for (const [name, items] of sets) {
  const a = summarise(items, chrome);
  const b = summarise(items, nodeOut);
  results[`timpora-chromium ${name}`] = a;
  results[`timpora-node ${name}`] = b;
  table.push(row(`timpora (Chromium) ${name}`, a));
  table.push(row(`timpora (Node) ${name}`, b));
}
// Where the synthetic set's misses lie (Chromium): by preset; by character pitch (frame pixels per
// character along the line); by blur against the pitch: sharp, a hand-shake box, or a Gaussian blur
// of a tenth of a character or more; and by the spread of both blurs together (see blurSpread).
/**
 * Standard deviation of a frame's blur, the Gaussian and the hand-shake box (width L: L / sqrt(12))
 * together, in characters (pixels over the pitch): one measure of how far each character's ink is
 * smeared into its neighbours' cells, whatever blurred it.
 */
const blurSpread = (d: FrameMeta): number => Math.sqrt((d.motionBox * d.motionBox) / 12 + d.blur * d.blur) / d.pitch;
const positives = synth.filter((s) => s.set === 'synthetic');
const slices: [string, (d: FrameMeta) => boolean][] = [
  ['clean', (d) => d.preset === 'clean'],
  ['normal', (d) => d.preset === 'normal'],
  ['hard', (d) => d.preset === 'hard'],
  ['pitch < 9 px', (d) => d.pitch < 9],
  ['pitch 9-12 px', (d) => d.pitch >= 9 && d.pitch < 12],
  ['pitch 12-16 px', (d) => d.pitch >= 12 && d.pitch < 16],
  ['pitch >= 16 px', (d) => d.pitch >= 16],
  ['sharp', (d) => d.motionBox === 0 && d.blur < 0.1 * d.pitch],
  ['blurred', (d) => d.motionBox === 0 && d.blur >= 0.1 * d.pitch],
  ['hand-shake', (d) => d.motionBox > 0],
  ['spread < 0.1 char', (d) => blurSpread(d) < 0.1],
  ['spread 0.1-0.2 char', (d) => blurSpread(d) >= 0.1 && blurSpread(d) < 0.2],
  ['spread >= 0.2 char', (d) => blurSpread(d) >= 0.2],
];
const breakdown = slices.map(([name, inSlice]): [string, Item[]] => [`synthetic ${name}`, positives.filter((s) => s.drawn !== undefined && inSlice(s.drawn))]);
for (const [name, items] of breakdown) {
  const a = summarise(items, chrome);
  results[`timpora-chromium ${name}`] = a;
  table.push(row(`  (Chromium) ${name}`, a));
}
if (!NO_TESS) {
  const tessSets: [string, Item[]][] = [
    ['real (GT)', tessItems.filter((i) => i.set === 'real')],
    ['synthetic subset', tessItems.filter((i) => i.set === 'synthetic')],
  ];
  // Speed ratios from the paired reads: in Chromium (where the widgets run) and in Node (CLI).
  const environments: [string, Map<string, Outcome>, Map<string, Outcome>][] = [
    ['Chromium', tessChrome, pairedChrome],
    ['Node', tess, paired],
  ];
  for (const [name, items] of tessSets) {
    for (const [where, tessOut, engOut] of environments) {
      const t = summarise(items, tessOut);
      const o = summarise(items, engOut);
      results[`tesseract-${where.toLowerCase()} ${name}`] = t;
      results[`timpora-${where.toLowerCase()} paired ${name}`] = o;
      table.push(row(`tesseract.js (${where}) ${name}`, t));
      table.push(row(`timpora (${where}) paired ${name}`, o));
      const perImage = items.map((it) => (tessOut.get(it.id)?.ms ?? NaN) / (engOut.get(it.id)?.ms ?? NaN)).sort((x, y) => x - y);
      table.push(
        `|   ratios ${name}, ${where}: speed tesseract/timpora median = ${(t.medianMs / o.medianMs).toFixed(1)}x (paired; per-image ratios' median ${(perImage[perImage.length >> 1] ?? NaN).toFixed(1)}x); ` +
          `exact&valid ${o.exactValid}/${o.images} vs ${t.exactValid}/${t.images}; exact ${o.exact} vs ${t.exact}`,
      );
    }
  }
}
const out = [
  '',
  'MRZ engine benchmark',
  table.join('\n'),
  '',
  'exact & valid = reported valid and identical to ground truth; exact any = lines identical (valid or not);',
  'FA = false accepts (reported valid but wrong); FP = valid reads on no-MRZ frames.',
  'Synthetic slices: pitch = frame pixels per character; sharp = no hand-shake blur and a Gaussian blur under',
  'a tenth of the pitch; blurred = no hand-shake, Gaussian blur of a tenth of the pitch or more; hand-shake =',
  'a box blur of 3-11 px along the frame rows or columns; spread = standard deviation of both blurs together',
  '(the box of width L counting L / sqrt(12)), in characters.',
  `bundle (esbuild --minify, sdk/mrz/engine.ts with weights, parser and the mrz package): ${(size.minBytes / 1024).toFixed(1)} kB min, ${(size.gzipBytes / 1024).toFixed(1)} kB min+gzip (weights alone ${(size.weightsGzipBytes / 1024).toFixed(1)} kB gzip)`,
].join('\n');
process.stdout.write(out + '\n');
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const perImage = all.map((it) => ({ id: it.id, truth: it.truth, chromium: chrome.get(it.id), node: nodeOut.get(it.id), tesseract: tess.get(it.id) ?? null, nodePaired: paired.get(it.id) ?? null, tesseractChromium: tessChrome.get(it.id) ?? null, chromiumPaired: pairedChrome.get(it.id) ?? null }));
const file = join(ROOT, 'bench', 'results', `mrz-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), results, size, perImage }, null, 1));
log(`wrote ${file}`);
