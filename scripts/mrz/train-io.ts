/**
 * Image I/O helpers for the MRZ training, inspection and benchmark scripts (Node only):
 * decode JPEG/PNG with @napi-rs/canvas into RGBA, and write greyscale/float images as PNG.
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Writes the records of `count` seeded documents to `out` (created or emptied first), generating
 * them `chunk` documents at a time and appending each chunk as it is made, with a turn of the event
 * loop after each ({@link nextTask}; without it the loop grew by about 35 MB a document,
 * train-data.ts --count 100 to 4.0 GB). `generate(n, seed, sink)` makes the records of documents
 * `seed .. seed + n - 1`; `progress()` is printed after each chunk.
 */
export async function writeGlyphFile(out: string, count: number, seed: number, chunk: number, generate: (n: number, seed: number, sink: GlyphSink) => void, progress: () => string): Promise<void> {
  const t0 = Date.now();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, Buffer.alloc(0));
  for (let c = 0; c < count; c += chunk) {
    const recs: Buffer[] = [];
    generate(Math.min(chunk, count - c), seed + c, (label, raster) => recs.push(glyphRecord(label, raster)));
    appendFileSync(out, Buffer.concat(recs));
    process.stderr.write(`${progress()} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    await nextTask();
  }
  process.stderr.write(`-> ${out}\n`);
}

/**
 * Resolves from a later task of the event loop. @napi-rs/canvas frees its pixel buffers (an
 * ImageData's, a canvas encoded or drawn from) in finalizers that run only there: a synchronous loop
 * over many images holds them all.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
