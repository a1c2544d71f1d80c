/**
 * Image I/O helpers for the MRZ training, inspection and benchmark scripts (Node only):
 * decode JPEG/PNG with @napi-rs/canvas into RGBA, and write greyscale/float images as PNG.
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RgbaImage } from '../../sdk/mrz/types.ts';

/** Decodes an image file or buffer to RGBA. */
export async function loadRgba(src: string | Buffer): Promise<RgbaImage> {
  const img = await loadImage(src);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height);
  return { width: d.width, height: d.height, data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength) };
}

/** Writes a one-channel image (values mapped by `map`) as PNG. */
export function writeGrayPng(path: string, width: number, height: number, get: (i: number) => number): void {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  const id = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.max(0, Math.min(255, Math.round(get(i))));
    id.data[i * 4] = v;
    id.data[i * 4 + 1] = v;
    id.data[i * 4 + 2] = v;
    id.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(id, 0, 0);
  writeFileSync(path, c.toBuffer('image/png'));
}

/** Command-line flags of the MRZ scripts: `--name value` options and bare `--name` switches. */
export interface CliArgs {
  /** Value after `--name`, or `fallback` when the flag is absent. */
  get(name: string, fallback: string): string;
  /** Whether `--name` is present. */
  has(name: string): boolean;
}

/** Parses `argv` (default: this process's arguments after the script). */
export function cliArgs(argv: readonly string[] = process.argv.slice(2)): CliArgs {
  return {
    get: (name, fallback) => {
      const i = argv.indexOf(`--${name}`);
      return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
    },
    has: (name) => argv.includes(`--${name}`),
  };
}

/** Receives one labelled glyph raster (GLYPH_SIZE bytes of ink 0-255). */
export type GlyphSink = (label: number, raster: Uint8Array) => void;

/** One training record: `[label byte][raster bytes]` (the format train.ts reads). */
export function glyphRecord(label: number, raster: Uint8Array): Buffer {
  const rec = Buffer.alloc(1 + raster.length);
  rec[0] = label;
  rec.set(raster, 1);
  return rec;
}

/** Counts a glyph generator reports for the documents it made (summed over the chunks). */
export type GlyphCounts = Record<string, number>;

/**
 * A glyph generator a child process can load: the function exported as `name` by the module at
 * `module` (a file URL: the module's own `import.meta.url`), called as `fn(n, seed, sink, options)`
 * for documents `seed .. seed + n - 1`, returning its counts. `options` crosses as JSON.
 */
export interface GlyphSource {
  readonly module: string;
  readonly name: string;
  readonly options?: unknown;
}

/**
 * Writes the records of `count` seeded documents to `out` (created or emptied first), `chunk`
 * documents to a child process (scripts/mrz/glyph-chunk.ts), each chunk appended as it is made and
 * the summed counts printed after it. A process per chunk because @napi-rs/canvas 1.1.1 never frees
 * what `getImageData` returns nor a canvas once encoded or drawn from: one process grew by about
 * 35 MB a document, so the 500- and 625-document files of the shipped weights' recipe did not fit.
 * Returns the summed counts.
 */
export function writeGlyphFile(out: string, count: number, seed: number, chunk: number, source: GlyphSource): GlyphCounts {
  const t0 = Date.now();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, Buffer.alloc(0));
  const part = `${out}.part`;
  const totals: GlyphCounts = {};
  const child = join(import.meta.dirname, 'glyph-chunk.ts');
  try {
    for (let c = 0; c < count; c += chunk) {
      const n = Math.min(chunk, count - c);
      const run = spawnSync(process.execPath, ['--import', 'tsx', child, source.module, source.name, String(n), String(seed + c), JSON.stringify(source.options ?? null), part], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`glyph generation failed for documents ${seed + c}..${seed + c + n - 1} (exit ${run.status})`);
      for (const [k, v] of Object.entries(JSON.parse(run.stdout) as GlyphCounts)) totals[k] = (totals[k] ?? 0) + v;
      appendFileSync(out, readFileSync(part));
      process.stderr.write(`${JSON.stringify(totals)} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    rmSync(part, { force: true });
  }
  process.stderr.write(`-> ${out}\n`);
  return totals;
}
