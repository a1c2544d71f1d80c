/**
 * Small, allocation-conscious image helpers for the MRZ engine: greyscale conversion, area
 * downscaling, quarter-turn rotation, separable min/max filters (van Herk / Gil-Werman; the 8-bit
 * black-hat four pixels per 32-bit word), box blur and Otsu thresholds. Pure TypeScript, no DOM:
 * runs in Web Workers and in Node.
 *
 * Speed (session 11): blackHat8 about 0.45-0.5x of d1ddd69's time in Node and Chromium (SWAR byte
 * maxima), toGray one multiply less per pixel; same bytes. Tried and dropped: a blockMax
 * specialised for 4x4 blocks (about 0.9x of a 4% share). Session 12: the grey frame and the
 * locate pass's two levels made in one pass (Chromium 0.8x of toGray + downscaleTwo); a
 * loop over each 3x3 block's nine pixels was slower in Chromium than the two calls, row loops with
 * per-column block sums faster; pooled arrays in that loop cost about 10% against fixed module ones.
 * Session 15: the engine's frame is converted on demand (`toGrayLevels`, `Gray8.ready`): only the
 * levels for every pixel, the grey pixels where the band windows read them (about 15% of a bench
 * frame; session 12's one pass, which also stored every grey pixel, is gone). blockMax compares
 * the floats' bit patterns with int32 Math.max (a cmov in Chromium). Session 16: `blockMeans`
 * has a path of its own for factor 2 (still images of 600-850 pixels locate at level 2): each
 * block's four pixels summed at once, the mean by a shift; downscale by 2 of a 600x420 image 0.37x
 * (Node), the same bytes. Session 18: blackHat8 runs as simd.ts's WebAssembly SIMD kernels where
 * they compile (16 pixels per byte-wise max over the whole window, zero padding; the same bytes):
 * 0.06x of the word passes on a 426x240 level (Node), engine paired-bench median 0.921x Chromium,
 * 0.923x Node; the word passes (`blackHat8Words`) remain for a CSP without `'wasm-unsafe-eval'`.
 * The ink map background's max filter (`rectFilter(.., true)` over non-negative floats) runs as
 * simd.ts's `simdMaxFilter` (i32x4 maxima of the bit patterns, the same values): 0.15x of the JS
 * passes on a 241x25 image, k 5-13 (Node); engine paired bench 0.985x Chromium, 0.971x Node.
 * blockMax with 4x4 blocks runs as `simdBlockMax4` (0.16x in Node on 963x100, the copy into
 * WebAssembly memory included); both kernels: paired bench 0.972x Chromium, 0.966x Node.
 * Session 19: a grey buffer in simd.ts' frame memory (the engine's, see `frameBuffer`) is filled
 * whole by SIMD (`simdGray`: 16 lumas per pass, the 3x3 block sums by column sums), so rectify's
 * kernels sample it in place and nothing is converted on demand: engine paired bench (with the
 * rectify kernels) 0.870x Chromium, 0.884x Node. `downscale(frame, 2)` there by SIMD too
 * (`simdHalf`; 0.03x of the JavaScript on 1280x720, Node).
 * Session 19: boxBlur's vertical pass keeps every column's running sum and walks the rows (the
 * same additions per column in the same order; 0.8x of the blur on the ink background's images).
 * @module
 */

import { float32, float64, uint32, uint8 } from './scratch.ts';
import { simdBlackHat, simdBlockMax4, simdGray, simdHalf, simdMaxFilter } from './simd.ts';
import type { GrayImage, RgbaImage } from './types.ts';

/** A greyscale image owned by the engine (always a plain `Uint8Array`). */
export interface Gray8 {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /**
   * Set on a frame converted on demand (see {@link toGrayLevels}): `data` holds its pixels only
   * where `ready` was called for (pixels `x0..x1` of rows `y0..y1`, inclusive, clamped to the
   * image); elsewhere it holds anything. A reader of `data` calls {@link readyGray} first.
   */
  readonly ready?: (x0: number, y0: number, x1: number, y1: number) => void;
}

/**
 * Makes the pixels `x0..x1` of rows `y0..y1` (inclusive; default the whole image) of `g` valid in
 * `g.data`: a no-op unless `g` is converted on demand (see {@link toGrayLevels}).
 */
export function readyGray(g: Gray8, x0 = 0, y0 = 0, x1 = g.width - 1, y1 = g.height - 1): void {
  if (g.ready) g.ready(x0, y0, x1, y1);
}

/** A float image (one channel), row-major. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Converts an RGBA or greyscale image to an engine greyscale image. The layout is inferred from
 * the buffer length (`4 * width * height` means RGBA). Returns null for malformed input. An RGBA
 * image is converted into `into` when that holds at least `width * height` bytes (a buffer the
 * caller reuses between frames), else into a new buffer.
 */
export function toGray(image: RgbaImage | GrayImage, into?: Uint8Array): Gray8 | null {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return null;
  const n = width * height;
  if (!data || typeof data.length !== 'number') return null;
  if (data.length >= n * 4) {
    const out = into && into.length >= n ? into.subarray(0, n) : new Uint8Array(n);
    // Into the SIMD kernels' memory (the engine's frame): by SIMD, the same bytes (0.14x of the
    // word loop on 1600x1200, Node).
    const k = simdGray(out, width, height);
    if (k) {
      k.luma(new Uint8Array(data.buffer, data.byteOffset, 4 * n), 0, height);
      return { width, height, data: out };
    }
    if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
      // One 32-bit load per pixel (R in the low byte): the same integer luma as below.
      const px = new Int32Array(data.buffer, data.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = lumaOfWord(px[i] as number);
      return { width, height, data: out };
    }
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      // ITU-R BT.601 luma, integer arithmetic.
      out[i] = ((data[j] as number) * 77 + (data[j + 1] as number) * 150 + (data[j + 2] as number) * 29) >> 8;
    }
    return { width, height, data: out };
  }
  if (data.length >= n) {
    const out = data instanceof Uint8Array ? data.subarray(0, n) : new Uint8Array(data.buffer, data.byteOffset, n);
    return { width, height, data: out };
  }
  return null;
}

/**
 * BT.601 integer luma `(77 R + 150 G + 29 B) >> 8` of a pixel read as one little-endian 32-bit word
 * (R in the low byte), in two multiplies: `(R + B 2^16) (29 + 77 2^16)` holds 77 R + 29 B in bits
 * 16-31 over 29 R in bits 0-15 (no carry; the B 77 2^32 term falls off), `(G 2^8) (150 2^8)` adds
 * 150 G there, the sum (at most 65280) does not overflow bit 31, and bits 24-31 are the luma.
 */
function lumaOfWord(v: number): number {
  return (Math.imul(v & 0xff00ff, 0x4d001d) + Math.imul(v & 0xff00, 0x9600)) >>> 24;
}

/**
 * True when {@link toGrayLevels} takes its one pass over RGBA words: factor
 * `f` 3, a well-formed RGBA image whose rows fit the block sums, 32-bit aligned, little-endian.
 */
function fusedFactorThree(image: RgbaImage | GrayImage, f: number): boolean {
  const { width: W, height: H, data } = image;
  return (
    f === 3 && W <= 3 * BLOCK_SUMS.length && LITTLE_ENDIAN && Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0 &&
    !!data && typeof data.length === 'number' && data.length >= W * H * 4 && data.byteOffset % 4 === 0
  );
}

/**
 * Block sums of one row of blocks (and of two blocks side by side) in {@link toGrayLevels}: fixed
 * module arrays, whose accesses the JIT compiles tighter than a pooled array's (1280x720 frames:
 * about 0.9x of the time in Chromium).
 */
const BLOCK_SUMS = new Uint32Array(1024);
const PAIR_SUMS = new Uint32Array(512);

/** The rounded mean of a 3x3 block's sum `s` stored at `out[i]`: floor((s + 4) / 9) as a multiply and shift (exact for s <= 2295). */
function out3(out: Uint8Array, i: number, s: number): void {
  out[i] = ((s + 4) * 7282) >>> 16;
}

/**
 * The engine's grey frame and the locate pass's two levels: the same pixels as {@link toGray}
 * `(image, into)` and {@link downscaleTwo}`(gray, factor)`. For the usual case (factor 3, RGBA
 * words) the grey frame is converted on demand (see `Gray8.ready`): a reading frame's band windows,
 * all the engine reads at full resolution, are about 15% of a bench frame, so the levels are made
 * in one pass from each pixel's luma without storing it (0.72x of session 12's fused grey frame
 * and levels in Chromium, 1280x720 bench frames) and rows are converted where rectification asks.
 * Other cases give the eager frame and `downscaleTwo` of it.
 */
export function toGrayLevels(image: RgbaImage | GrayImage, factor: number, into?: Uint8Array): { gray: Gray8; levels: [Gray8, Gray8] } | null {
  const { width: W, height: H, data } = image;
  const n = W * H;
  if (!fusedFactorThree(image, Math.floor(factor))) {
    const gray = toGray(image, into);
    return gray ? { gray, levels: downscaleTwo(gray, factor) } : null;
  }
  const out = into && into.length >= n ? into.subarray(0, n) : new Uint8Array(n);
  const px = new Int32Array(data.buffer, data.byteOffset, n);
  // Row by row, each pixel's luma added to its block's column sum (faster in Chromium and Node than
  // a loop over each block's nine pixels); the luma written out by hand: Chromium did not inline
  // lumaOfWord here.
  const w = Math.floor(W / 3);
  const h = Math.floor(H / 3);
  const w2 = Math.floor(W / 6);
  const h2 = Math.floor(H / 6);
  const fine = uint8(w * h);
  const coarse = uint8(w2 * h2);
  const levels: [Gray8, Gray8] = [{ width: w, height: h, data: fine }, { width: w2, height: h2, data: coarse }];
  // A grey buffer in the SIMD kernels' memory: every grey pixel converted and the block sums made
  // there (simd.ts `simdGray`), the coarse level from those sums as below.
  const k = simdGray(out, W, H);
  if (k) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, 4 * n);
    for (let by = 0; by < h; by++) {
      k.luma(bytes, 3 * by, 3 * by + 3);
      coarseRow(k.blocks(by, w, fine, by * w), by, coarse, w2, h2);
    }
    k.luma(bytes, 3 * h, H);
    return { gray: { width: W, height: H, data: out }, levels };
  }
  const acc = BLOCK_SUMS;
  for (let by = 0; by < h; by++) {
    // The block row's first pixel row sets the column sums (no zeroing pass: 0.96x in Chromium and Node).
    for (let x = 0, i = 3 * by * W; x < w; x++, i += 3) {
      const a = px[i] as number;
      const b = px[i + 1] as number;
      const c = px[i + 2] as number;
      acc[x] =
        ((Math.imul(a & 0xff00ff, 0x4d001d) + Math.imul(a & 0xff00, 0x9600)) >>> 24) +
        ((Math.imul(b & 0xff00ff, 0x4d001d) + Math.imul(b & 0xff00, 0x9600)) >>> 24) +
        ((Math.imul(c & 0xff00ff, 0x4d001d) + Math.imul(c & 0xff00, 0x9600)) >>> 24);
    }
    for (let dy = 1; dy < 3; dy++) {
      for (let x = 0, i = (3 * by + dy) * W; x < w; x++, i += 3) {
        const a = px[i] as number;
        const b = px[i + 1] as number;
        const c = px[i + 2] as number;
        acc[x] =
          (acc[x] as number) +
          ((Math.imul(a & 0xff00ff, 0x4d001d) + Math.imul(a & 0xff00, 0x9600)) >>> 24) +
          ((Math.imul(b & 0xff00ff, 0x4d001d) + Math.imul(b & 0xff00, 0x9600)) >>> 24) +
          ((Math.imul(c & 0xff00ff, 0x4d001d) + Math.imul(c & 0xff00, 0x9600)) >>> 24);
      }
    }
    const o = by * w;
    // out3 written out (Chromium called it here).
    for (let x = 0; x < w; x++) fine[o + x] = (((acc[x] as number) + 4) * 7282) >>> 16;
    coarseRow(acc, by, coarse, w2, h2);
  }
  return { gray: new GrayOnDemand(W, H, out, px), levels };
}

/**
 * The coarse level's share of {@link toGrayLevels}' block row `by` (3x3 block sums `acc`): an even
 * row's pairs of sums kept, an odd row's 6x6 rounded means stored in row `by >> 1` of `coarse`.
 */
function coarseRow(acc: Uint32Array, by: number, coarse: Uint8Array, w2: number, h2: number): void {
  const acc2 = PAIR_SUMS;
  const y2 = by >> 1;
  if (y2 >= h2) return;
  if ((by & 1) === 0) for (let x = 0; x < w2; x++) acc2[x] = (acc[2 * x] as number) + (acc[2 * x + 1] as number);
  else {
    const o2 = y2 * w2;
    for (let x = 0; x < w2; x++) coarse[o2 + x] = ((acc2[x] as number) + (acc[2 * x] as number) + (acc[2 * x + 1] as number) + 18) / 36;
  }
}

/**
 * Per row, the first and one past the last pixel of {@link GrayOnDemand}'s one converted stretch
 * (empty when equal), for the frame numbered `readyFrame` (module arrays: one frame is read at a time).
 */
let readyFrom = new Int32Array(0);
let readyTo = new Int32Array(0);
let readyFrame = 0;
let framesMade = 0;

/**
 * A grey frame converted from its RGBA words on demand, a stretch of each row at a time: each row
 * keeps one converted stretch, widened to cover every request (the gap between two requests is
 * converted too). The row state is shared by all such frames and belongs to the last one readied:
 * readying another frame starts its state afresh (its pixels converted again, as another frame
 * may have written the same buffer).
 */
class GrayOnDemand implements Gray8 {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  private readonly px: Int32Array;
  private readonly frame = ++framesMade;

  constructor(width: number, height: number, data: Uint8Array, px: Int32Array) {
    this.width = width;
    this.height = height;
    this.data = data;
    this.px = px;
    this.own();
  }

  /** Makes the row state this frame's, with no row converted. */
  private own(): void {
    const height = this.height;
    readyFrame = this.frame;
    if (readyFrom.length < height) {
      readyFrom = new Int32Array(height);
      readyTo = new Int32Array(height);
    } else {
      readyFrom.fill(0, 0, height);
      readyTo.fill(0, 0, height);
    }
  }

  ready(x0: number, y0: number, x1: number, y1: number): void {
    const { width: w, height: h } = this;
    // Clamped, integer bounds (NaN: the whole image).
    const xa = x0 >= 0 ? Math.floor(x0) : 0;
    const xb = x1 <= w - 1 ? Math.ceil(x1) : w - 1;
    const ya = y0 >= 0 ? Math.floor(y0) : 0;
    const yb = y1 <= h - 1 ? Math.ceil(y1) : h - 1;
    if (xa > xb) return;
    if (readyFrame !== this.frame) this.own();
    const from = readyFrom;
    const to = readyTo;
    for (let y = ya; y <= yb; y++) {
      const a = from[y] as number;
      const b = to[y] as number;
      if (a >= b) {
        this.convert(y, xa, xb + 1);
        from[y] = xa;
        to[y] = xb + 1;
        continue;
      }
      if (xa < a) {
        this.convert(y, xa, a);
        from[y] = xa;
      }
      if (xb + 1 > b) {
        this.convert(y, b, xb + 1);
        to[y] = xb + 1;
      }
    }
  }

  /** Converts pixels `x0` to `x1 - 1` of row `y`. */
  private convert(y: number, x0: number, x1: number): void {
    const out = this.data;
    const px = this.px;
    for (let i = y * this.width + x0, e = y * this.width + x1; i < e; i++) out[i] = lumaOfWord(px[i] as number);
  }
}

/** Downscales by an integer factor using area (box) averaging. Factor 1 returns the input. */
export function downscale(src: Gray8, factor: number): Gray8 {
  const f = Math.max(1, Math.floor(factor));
  return f === 1 ? src : (blockMeans(src, f, false)[0] as Gray8);
}

/**
 * Downscales by `factor` and by `2 * factor` in one pass over the source: the same pixels as
 * `downscale(src, factor)` and `downscale(src, 2 * factor)` (the coarse level sums the exact block
 * sums of the fine one).
 */
export function downscaleTwo(src: Gray8, factor: number): [Gray8, Gray8] {
  const f = Math.max(1, Math.floor(factor));
  const [fine, coarse] = blockMeans(src, f, true);
  return [f === 1 ? src : fine, coarse as Gray8];
}

/** Block means of `src` over f x f blocks and, with `coarse`, over 2f x 2f blocks. */
function blockMeans(src: Gray8, f: number, coarse: boolean): [Gray8, Gray8 | null] {
  readyGray(src);
  const w = Math.floor(src.width / f);
  const h = Math.floor(src.height / f);
  // The engine's frame by 2 (finer locate pass, small bands' windows, the fast levels of 960-pixel
  // camera frames): by SIMD into the kernels' memory, where rectify samples it too (simd.ts
  // `simdHalf`; the same bytes), and the 4x4 level by summed blocks (with it, 0.5x of the one pass
  // below on 960x540, Node).
  const half = f === 2 ? simdHalf(src.data, src.width, src.height) : null;
  if (half) return [{ width: w, height: h, data: half }, coarse ? blockMeans(src, 4, false)[0] : null];
  const w2 = coarse ? Math.floor(src.width / (2 * f)) : 0;
  const h2 = coarse ? Math.floor(src.height / (2 * f)) : 0;
  // Every element is written before it is read (pooled buffers are not zeroed).
  const out = uint8(w * h);
  const out2 = uint8(w2 * h2);
  const acc = uint32(w);
  const acc2 = uint32(w2);
  const sw = src.width;
  const area = f * f;
  const area2 = 4 * area;
  const d = src.data;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    if (f === 3) {
      // The engine's usual factor (1280-pixel frames): each block's nine pixels summed at once,
      // no accumulation over rows.
      const r0 = 3 * y * sw;
      const r1 = r0 + sw;
      const r2 = r1 + sw;
      for (let x = 0, sx = 0; x < w; x++, sx += 3) {
        const s =
          (d[r0 + sx] as number) + (d[r0 + sx + 1] as number) + (d[r0 + sx + 2] as number) +
          (d[r1 + sx] as number) + (d[r1 + sx + 1] as number) + (d[r1 + sx + 2] as number) +
          (d[r2 + sx] as number) + (d[r2 + sx + 1] as number) + (d[r2 + sx + 2] as number);
        acc[x] = s;
        out3(out, o + x, s);
      }
    } else if (f === 2) {
      // Still images of about 600-850 pixels (fast locate level 2): each block's four pixels summed
      // at once, the rounded mean by a shift (the integer part of (s + 2) / 4, as stored).
      const r0 = 2 * y * sw;
      const r1 = r0 + sw;
      for (let x = 0, sx = 0; x < w; x++, sx += 2) {
        const s = (d[r0 + sx] as number) + (d[r0 + sx + 1] as number) + (d[r1 + sx] as number) + (d[r1 + sx + 1] as number);
        acc[x] = s;
        out[o + x] = (s + 2) >> 2;
      }
    } else if (f === 4) {
      // Frames of about 1500-1900 pixels (1080p video, photos): each block's 16 pixels summed at
      // once (0.4x of the general loop below, Node), the rounded mean by a shift.
      const r0 = 4 * y * sw;
      const r1 = r0 + sw;
      const r2 = r1 + sw;
      const r3 = r2 + sw;
      for (let x = 0, sx = 0; x < w; x++, sx += 4) {
        const s =
          (d[r0 + sx] as number) + (d[r0 + sx + 1] as number) + (d[r0 + sx + 2] as number) + (d[r0 + sx + 3] as number) +
          (d[r1 + sx] as number) + (d[r1 + sx + 1] as number) + (d[r1 + sx + 2] as number) + (d[r1 + sx + 3] as number) +
          (d[r2 + sx] as number) + (d[r2 + sx + 1] as number) + (d[r2 + sx + 2] as number) + (d[r2 + sx + 3] as number) +
          (d[r3 + sx] as number) + (d[r3 + sx + 1] as number) + (d[r3 + sx + 2] as number) + (d[r3 + sx + 3] as number);
        acc[x] = s;
        out[o + x] = (s + 8) >> 4;
      }
    } else {
      acc.fill(0);
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * sw;
        for (let x = 0, sx = row; x < w; x++) {
          let s = 0;
          for (let dx = 0; dx < f; dx++) s += d[sx++] as number;
          acc[x] = (acc[x] as number) + s;
        }
      }
      for (let x = 0; x < w; x++) out[o + x] = ((acc[x] as number) + (area >> 1)) / area;
    }
    const y2 = y >> 1;
    if (y2 >= h2) continue;
    if ((y & 1) === 0) for (let x = 0; x < w2; x++) acc2[x] = (acc[2 * x] as number) + (acc[2 * x + 1] as number);
    else {
      const o2 = y2 * w2;
      for (let x = 0; x < w2; x++) out2[o2 + x] = ((acc2[x] as number) + (acc[2 * x] as number) + (acc[2 * x + 1] as number) + (area2 >> 1)) / area2;
    }
  }
  return [{ width: w, height: h, data: out }, coarse ? { width: w2, height: h2, data: out2 } : null];
}

/** Rotates a greyscale image clockwise by `quarterTurns` x 90 degrees. */
export function rotateQuarter(src: Gray8, quarterTurns: number): Gray8 {
  const q = ((quarterTurns % 4) + 4) % 4;
  if (q === 0) return src;
  readyGray(src);
  const { width: w, height: h, data: d } = src;
  const ow = q === 2 ? w : h;
  const oh = q === 2 ? h : w;
  const out = uint8(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = d[y * w + x] as number;
      let nx: number;
      let ny: number;
      if (q === 1) {
        nx = h - 1 - y;
        ny = x;
      } else if (q === 2) {
        nx = w - 1 - x;
        ny = h - 1 - y;
      } else {
        nx = y;
        ny = w - 1 - x;
      }
      out[ny * ow + nx] = v;
    }
  }
  return { width: ow, height: oh, data: out };
}

/**
 * Maps a point of an image rotated clockwise by `quarterTurns` back to the original image
 * (of size `w` x `h`).
 */
export function unrotatePoint(x: number, y: number, quarterTurns: number, w: number, h: number): { x: number; y: number } {
  const q = ((quarterTurns % 4) + 4) % 4;
  if (q === 1) return { x: y, y: h - 1 - x };
  if (q === 2) return { x: w - 1 - x, y: h - 1 - y };
  if (q === 3) return { x: w - 1 - y, y: x };
  return { x, y };
}

/**
 * In place, over `n` rows of `w` values (w = 1: one line of values): every value of row i, for i
 * up to n - k, becomes the maximum (or minimum) of its column over rows i to i + k - 1. The
 * window doubles pass by pass (1, 2, 4, ...), then one pass closes the gap to k. A pass reads
 * only values it has not moved yet, so its elements are independent (no chain of compares along
 * the line, as in van Herk's running extremum) and rows are read contiguously (no strided walks).
 */
function windowExtrema(g: Float32Array, n: number, w: number, k: number, isMax: boolean): void {
  let span = 1;
  while (span < k) {
    const s = 2 * span <= k ? span : k - span;
    const end = (n - s) * w;
    const d = s * w;
    if (isMax) {
      for (let i = 0; i < end; i++) {
        const a = g[i] as number;
        const b = g[i + d] as number;
        g[i] = b > a ? b : a;
      }
    } else {
      for (let i = 0; i < end; i++) {
        const a = g[i] as number;
        const b = g[i + d] as number;
        g[i] = b < a ? b : a;
      }
    }
    span += s;
  }
}

/**
 * Maxima of `img` over `bs` x `bs` blocks (the last row and column of blocks clipped to the
 * image): a `ceil(width / bs)` x `ceil(height / bs)` image from the frame's pools. Values must be
 * >= 0 (an empty block would be 0).
 *
 * The same values as comparing the floats (`if (v > m) m = v` from m = 0; see
 * {@link blockMaxReference}), on their bit patterns: a non-negative float's pattern, read as an
 * int32, orders like its value, and negative values (negative ints) lose to 0 as they do there.
 * Int32 `Math.max` has no data-dependent branch in Chromium (the float compare mispredicted on
 * pixels; 0.5x of the float loop in Chromium on 120 captured band images). Session 18: each block
 * is reduced on its own into one register (no per-column maxima stored and read back per row),
 * four rows a column at a time when a block has four (the ink map's background blocks): about
 * 0.7x of the column-first loop on captured band images, in Node and in Chromium.
 * A positive NaN's pattern exceeds every number's: a block whose maximum is one (NaN, which the
 * float compare skips) is done again with the float compare. Blocks of 4 (the ink map's) run as
 * simd.ts's `simdBlockMax4` where the kernels compile (the same int32 maxima, zero-padded).
 */
export function blockMax(img: FloatImage, bs: number): FloatImage {
  const { width: w, height: h, data } = img;
  const bw = Math.max(1, Math.ceil(w / bs));
  const bh = Math.max(1, Math.ceil(h / bs));
  // Every block is written below (a degenerate image has none: zeros).
  const out = float32(bw * bh, !(w > 0 && h > 0));
  if (!(w > 0 && h > 0)) return { width: bw, height: bh, data: out };
  // A short buffer (never the engine's): the float compares, which skip the missing values.
  if (data.length < w * h) return blockMaxReference(img, bs);
  const bits = new Int32Array(data.buffer, data.byteOffset, w * h);
  const outBits = new Int32Array(out.buffer, out.byteOffset, bw * bh);
  // The SIMD kernel for blocks of four (the ink map's background), else the int32 loops.
  if (!(bs === 4 && simdBlockMax4(bits, w, h, outBits))) blockMaxScalar(bits, w, h, bs, outBits, bw, bh);
  let nan = false;
  for (let i = 0; i < bw * bh; i++) if ((outBits[i] as number) > FLOAT_INFINITY_BITS) nan = true;
  if (nan) {
    for (let i = 0; i < bw * bh; i++) {
      if ((outBits[i] as number) <= FLOAT_INFINITY_BITS) continue;
      const bx = i % bw;
      const by = (i - bx) / bw;
      let m = 0;
      for (let y = by * bs; y < Math.min(h, by * bs + bs); y++) {
        for (let x = bx * bs; x < Math.min(w, bx * bs + bs); x++) {
          const v = data[y * w + x] as number;
          if (v > m) m = v;
        }
      }
      out[i] = m;
    }
  }
  return { width: bw, height: bh, data: out };
}

/** blockMax's int32 loops (`bits`: the image's float patterns), into `outBits`. */
function blockMaxScalar(bits: Int32Array, w: number, h: number, bs: number, outBits: Int32Array, bw: number, bh: number): void {
  for (let by = 0; by < bh; by++) {
    const y0 = by * bs;
    const y1 = y0 + bs < h ? y0 + bs : h;
    const bo = by * bw;
    if (y1 - y0 === 4) {
      // Four rows (the ink map's background blocks): each column's four at once.
      const o0 = y0 * w;
      const o1 = o0 + w;
      const o2 = o1 + w;
      const o3 = o2 + w;
      for (let bx = 0, x0 = 0; bx < bw; bx++, x0 += bs) {
        const x1 = x0 + bs < w ? x0 + bs : w;
        let m = 0;
        for (let x = x0; x < x1; x++) m = Math.max(m, Math.max(Math.max(bits[o0 + x] as number, bits[o1 + x] as number), Math.max(bits[o2 + x] as number, bits[o3 + x] as number)));
        outBits[bo + bx] = m;
      }
      continue;
    }
    for (let bx = 0, x0 = 0; bx < bw; bx++, x0 += bs) {
      const x1 = x0 + bs < w ? x0 + bs : w;
      // From 0: negative patterns (negative values, -0, negative NaNs) lose to it.
      let m = 0;
      for (let y = y0; y < y1; y++) {
        const o = y * w;
        for (let i = o + x0, e = o + x1; i < e; i++) m = Math.max(m, bits[i] as number);
      }
      outBits[bo + bx] = m;
    }
  }
}

/** The bit pattern of a float32 +Infinity (larger patterns, up to 2^31 - 1, are positive NaNs). */
const FLOAT_INFINITY_BITS = 0x7f800000;

/**
 * {@link blockMax} as plain float compares, the reference its bit-pattern loop must match (the
 * implementation before session 15); blockMax itself uses it only for a buffer shorter than its
 * image.
 * @internal
 */
export function blockMaxReference(img: FloatImage, bs: number): FloatImage {
  const { width: w, height: h, data } = img;
  const bw = Math.max(1, Math.ceil(w / bs));
  const bh = Math.max(1, Math.ceil(h / bs));
  const out = new Float32Array(bw * bh);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const bo = ((y / bs) | 0) * bw;
    for (let bx = 0, x = 0; bx < bw; bx++) {
      let m = out[bo + bx] as number;
      const xe = x + bs < w ? x + bs : w;
      for (; x < xe; x++) {
        const v = data[o + x] as number;
        if (v > m) m = v;
      }
      out[bo + bx] = m;
    }
  }
  return { width: bw, height: bh, data: out };
}

/**
 * Separable rectangular max (dilation) or min (erosion) filter with an odd kernel `kx` x `ky`,
 * windows clamped at the edges. Session 18: windows doubled pass by pass over padded rows (see
 * `windowExtrema`), all rows in one pass along x, instead of van Herk's running extremum per row
 * and per (strided) column: the same values for inputs without NaN (its own reference test).
 * The max filter of values that are all +0 or positive, not NaN (the ink map's background) runs as
 * simd.ts's `simdMaxFilter` where the kernels compile: the same values (simd.node.test.ts).
 */
export function rectFilter(src: FloatImage, kx: number, ky: number, isMax: boolean): FloatImage {
  const { width: w, height: h, data } = src;
  const out = float32(w * h);
  if (isMax && simdMaxFilter(data, w, h, kx, ky, out)) return { width: w, height: h, data: out };
  return rectFilterScalar(src, kx, ky, isMax, out);
}

/**
 * {@link rectFilter} in JavaScript into `out` (the SIMD path's fallback and its reference).
 * @internal
 */
export function rectFilterScalar(src: FloatImage, kx: number, ky: number, isMax: boolean, out = float32(src.width * src.height)): FloatImage {
  const { width: w, height: h, data } = src;
  const fill = isMax ? -Infinity : Infinity;
  const rx = kx >> 1;
  const ry = ky >> 1;
  // Rows padded by rx values of `fill` left and right and by ry rows of `fill` above and below.
  // The horizontal passes run over all image rows at once (a window of a valid column never leaves
  // its row's pads; columns w and on of a row end up holding anything, and are never read); then
  // row y, column x of the output is the extremum of column x over padded rows y to y + ky - 1.
  const pw = w + 2 * rx;
  const rows = float32((h + 2 * ry) * pw);
  rows.fill(fill, 0, ry * pw);
  rows.fill(fill, (ry + h) * pw, (h + 2 * ry) * pw);
  for (let y = 0; y < h; y++) {
    const o = (ry + y) * pw;
    rows.fill(fill, o, o + rx);
    rows.set(data.subarray(y * w, y * w + w), o + rx);
    rows.fill(fill, o + rx + w, o + pw);
  }
  if (kx > 1) windowExtrema(rows.subarray(ry * pw, (ry + h) * pw), h * pw, 1, kx, isMax);
  if (ky > 1) windowExtrema(rows, h + 2 * ry, pw, ky, isMax);
  for (let y = 0; y < h; y++) out.set(rows.subarray(y * pw, y * pw + w), y * w);
  return { width: w, height: h, data: out };
}

/** Separable box blur with radius `rx`, `ry` (edges clamped), using running sums. */
export function boxBlur(src: FloatImage, rx: number, ry: number): FloatImage {
  const { width: w, height: h, data } = src;
  const tmp = float32(w * h);
  const out = float32(w * h);
  if (rx > 0) {
    for (let y = 0; y < h; y++) {
      const o = y * w;
      let s = 0;
      for (let i = -rx; i <= rx; i++) s += data[o + Math.min(w - 1, Math.max(0, i))] as number;
      for (let x = 0; x < w; x++) {
        tmp[o + x] = s / (2 * rx + 1);
        s += (data[o + Math.min(w - 1, x + rx + 1)] as number) - (data[o + Math.max(0, x - rx)] as number);
      }
    }
  } else tmp.set(data);
  if (ry > 0) {
    // Every column's running sum, a row at a time (the same additions per column, in its order).
    const col = float64(w, true);
    for (let i = -ry; i <= ry; i++) {
      const r = Math.min(h - 1, Math.max(0, i)) * w;
      for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (tmp[r + x] as number);
    }
    for (let y = 0; y < h; y++) {
      const o = y * w;
      const add = Math.min(h - 1, y + ry + 1) * w;
      const sub = Math.max(0, y - ry) * w;
      for (let x = 0; x < w; x++) {
        const s = col[x] as number;
        out[o + x] = s / (2 * ry + 1);
        col[x] = s + ((tmp[add + x] as number) - (tmp[sub + x] as number));
      }
    }
  } else out.set(tmp);
  return { width: w, height: h, data: out };
}

/** Converts an 8-bit image to float. */
export function toFloat(src: Gray8): FloatImage {
  readyGray(src);
  const out = float32(src.width * src.height);
  const d = src.data;
  for (let i = 0; i < out.length; i++) out[i] = d[i] as number;
  return { width: src.width, height: src.height, data: out };
}

/** The bin that maximises the between-class variance of a 256-bin histogram of `n` values (128 when flat). */
function otsuBin(hist: ArrayLike<number>, n: number): number {
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * (hist[i] as number);
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestT = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t] as number;
    if (wB === 0) continue;
    const wF = n - wB;
    if (wF === 0) break;
    sumB += t * (hist[t] as number);
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      bestT = t;
    }
  }
  return bestT;
}

/**
 * `Math.round(x)` (halves towards +Infinity; NaN and infinities pass through), up to the sign of a
 * zero result. V8's Math.round branches on the data (up to 4x slower on noisy values); here the
 * only branch is almost never taken. `x + 0.5` is exact except just below 0.5
 * (0.49999999999999994 + 0.5 rounds to 1), which that branch corrects. Use the result as an array
 * index only after `| 0` (it is a double).
 */
export function roundHalfUp(x: number): number {
  const r = Math.floor(x + 0.5);
  return r - 0.5 > x ? r - 1 : r;
}

/**
 * The 256-bin histogram bin of `v` (`Math.round((v - lo) * sc)` clamped to 0-255), or -1 for NaN.
 * Shared by {@link otsu}, {@link percentile} and callers that build those histograms on the fly
 * (see {@link otsuOfHistogram}, {@link percentileOfHistogram}).
 */
export function bin256(v: number, lo: number, sc: number): number {
  const r = roundHalfUp((v - lo) * sc);
  // Integer bin index (a double key takes the slow element path).
  if (r !== r) return -1;
  return r < 0 ? 0 : r > 255 ? 255 : r | 0;
}

/**
 * Adds every value's bin (see {@link bin256}; NaN counts but bins nowhere) to the 256-bin `hist`;
 * only values whose `mask` entry is set. Returns the count.
 */
function histogram256(values: Float32Array, lo: number, sc: number, hist: Uint32Array, mask?: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    n++;
    const b = bin256(values[i] as number, lo, sc);
    if (b >= 0) hist[b] = (hist[b] as number) + 1;
  }
  return n;
}

/**
 * Otsu's threshold over values in [0, maxValue] (256 bins). Returns the threshold in value units.
 */
export function otsu(values: Float32Array, maxValue: number, mask?: Uint8Array): number {
  const hist = uint32(256, true);
  const n = histogram256(values, 0, 255 / (maxValue || 1), hist, mask);
  return otsuOfHistogram(hist, n, maxValue);
}

/**
 * What {@link otsu} returns for `n` values in [0, maxValue] whose bins (`bin256(v, 0, 255 /
 * (maxValue || 1))`) are counted in `hist`.
 */
export function otsuOfHistogram(hist: Uint32Array, n: number, maxValue: number): number {
  if (n === 0) return maxValue / 2;
  return (otsuBin(hist, n) + 0.5) / (255 / (maxValue || 1));
}

/** Percentile (0-1) of a float array via a 256-bin histogram over [lo, hi]. */
export function percentile(values: Float32Array, p: number, lo: number, hi: number): number {
  const hist = uint32(256, true);
  histogram256(values, lo, 255 / (hi - lo || 1), hist);
  return percentileOfHistogram(hist, values.length, p, lo, hi);
}

/**
 * What {@link percentile} returns for `n` values whose bins (`bin256(v, lo, 255 / (hi - lo || 1))`)
 * are counted in `hist`.
 */
export function percentileOfHistogram(hist: Uint32Array, n: number, p: number, lo: number, hi: number): number {
  const sc = 255 / (hi - lo || 1);
  const target = p * n;
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i] as number;
    if (acc >= target) return lo + i / sc;
  }
  return hi;
}

/**
 * The `k`-th smallest value of `a` (0-based), as `a.slice().sort()[k]` gives it for finite values,
 * found by quickselect in O(n): `a` is reordered in place (pass a scratch copy). A typed array's
 * `sort()` costs several times as much in Chromium (it sorts every element to read one).
 */
export function selectKth(a: Float32Array | Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot, then Hoare's partition.
    const mid = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi]; values strictly between j and i equal the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Scratch buffers reused across calls (the engine is single-threaded per worker). */
let scratchA: Uint8Array = new Uint8Array(0);
let scratchB: Uint8Array = new Uint8Array(0);
let lineG: Uint8Array = new Uint8Array(0);
let scratchC: Uint8Array = new Uint8Array(0);
let rowWords = new Int32Array(0);
let midWords = new Int32Array(0);

/** A byte buffer of at least `n` bytes (`n` a multiple of 4, so 32-bit views cover it). */
function grow(buf: Uint8Array, n: number): Uint8Array {
  return buf.length >= n ? buf : new Uint8Array(Math.max(n, buf.length * 2));
}

/** The 32-bit words of a scratch buffer's first `n` bytes. */
function words(buf: Uint8Array, n: number): Int32Array {
  return new Int32Array(buf.buffer, buf.byteOffset, n >> 2);
}

/** Larger of two small integers, without a branch (a data-dependent branch mispredicts on pixels). */
function max8(a: number, b: number): number {
  const d = a - b;
  return a - (d & (d >> 31));
}

const HIGH_BITS = 0x80808080 | 0;
const LOW_BITS = 0x7f7f7f7f;

/**
 * Byte-wise maximum of two words holding four unsigned bytes each (SWAR, no branch). Per byte:
 * `(a | 0x80) - (b & 0x7f)` never borrows from the next byte and has its high bit set exactly when
 * a's low seven bits are >= b's; the high bits decide the rest (a's set and b's clear: a >= b; both
 * the same: the low bits decide). The resulting a >= b flags are widened to whole-byte masks that
 * pick a's bytes.
 */
function max4x8(a: number, b: number): number {
  const nb = ~b;
  const t = ((a | HIGH_BITS) - (b & LOW_BITS)) | 0;
  const ge = ((a & nb) | ((a | nb) & t)) & HIGH_BITS;
  const mask = Math.imul(ge >>> 7, 255);
  return b ^ ((a ^ b) & mask);
}

/**
 * Running max over a centred window of `2^m + 1` pixels (1 <= m <= 3) along x, borders clamped,
 * in two passes: the max over 3 pixels, then the max of three of those at offsets -d, 0 and +d
 * (d = 2^(m-1) - 1, so the three cover the window without gaps). The clamped ends of a row are
 * loops of their own, so the interior runs without per-pixel index tests. Rows are `ss` bytes
 * apart in `src`, `ds` in `dst` and `tmp` (only the first `w` bytes of a row are read or written).
 */
function rowMax8(src: Uint8Array, ss: number, dst: Uint8Array, ds: number, tmp: Uint8Array, w: number, h: number, m: number): void {
  const d = (1 << (m - 1)) - 1;
  for (let y = 0; y < h; y++) {
    const so = y * ss;
    const se = so + w - 1;
    const o = y * ds;
    const e = o + w - 1;
    // Max over i - 1 .. i + 1: the two ends clamped, then the interior.
    tmp[o] = max8(src[so] as number, src[so < se ? so + 1 : se] as number);
    for (let i = o + 1, si = so + 1; i < e; i++, si++) tmp[i] = max8(max8(src[si - 1] as number, src[si] as number), src[si + 1] as number);
    if (e > o) tmp[e] = max8(src[se - 1] as number, src[se] as number);
    // Max of tmp at i - d, i, i + d (indices clamped to the row): left end, interior, right end.
    const a = Math.min(o + d, e + 1);
    const b = Math.max(a, e - d + 1);
    for (let i = o; i < a; i++) dst[i] = max8(max8(tmp[o] as number, tmp[i] as number), tmp[i + d < e ? i + d : e] as number);
    for (let i = a; i < b; i++) dst[i] = max8(max8(tmp[i - d] as number, tmp[i] as number), tmp[i + d] as number);
    for (let i = b; i <= e; i++) dst[i] = max8(max8(tmp[i - d > o ? i - d : o] as number, tmp[i] as number), tmp[e] as number);
  }
}

/**
 * {@link rowMax8} four pixels per 32-bit word ({@link max4x8}; little-endian: a word's low byte is
 * its leftmost pixel). Rows of `wr` words: a zero word, the row's pixels (`w` bytes), then zero
 * bytes up to a whole word and a zero word. The padding is never read: each row is copied to `row`
 * with zeros there, whatever `src` holds. Zeros beyond the ends give the clamped window's maximum
 * (pixels are >= 0, and the window always holds the end pixel it was clamped to). Writes the
 * pixels' words of `dst` only; `row` and `mid` hold at least `wr + 1` words.
 */
function rowMax4x8(src: Int32Array, dst: Int32Array, row: Int32Array, mid: Int32Array, w: number, wr: number, h: number, m: number): void {
  const d = (1 << (m - 1)) - 1;
  const k = wr - 2;
  // The last pixel word's bytes beyond the row's end.
  const tail = (w & 3) === 0 ? -1 : (1 << (8 * (w & 3))) - 1;
  const shl = 8 * d;
  const shr = 32 - shl;
  row[0] = 0;
  row[k + 1] = 0;
  row[k + 2] = 0;
  for (let y = 0; y < h; y++) {
    const r = y * wr;
    for (let j = 1; j < k; j++) row[j] = src[r + j] as number;
    row[k] = (src[r + k] as number) & tail;
    // Max over x - 1 .. x + 1: each word with its neighbours' adjacent bytes shifted in.
    let prev = 0;
    let cur = 0;
    for (let j = 0; j <= k + 1; j++) {
      const next = row[j + 1] as number;
      const left = (cur << 8) | (prev >>> 24);
      const right = (cur >>> 8) | (next << 24);
      mid[j] = max4x8(max4x8(left, cur), right);
      prev = cur;
      cur = next;
    }
    if (d === 0) {
      for (let j = 1; j <= k; j++) dst[r + j] = mid[j] as number;
      continue;
    }
    // Max of those at x - d, x, x + d (d = 1 or 3 bytes).
    for (let j = 1; j <= k; j++) {
      const c = mid[j] as number;
      const left = (c << shl) | ((mid[j - 1] as number) >>> shr);
      const right = (c >>> shl) | ((mid[j + 1] as number) << shr);
      dst[r + j] = max4x8(max4x8(left, c), right);
    }
  }
}

/**
 * {@link rowMax8} along y, four pixels per 32-bit word ({@link max4x8}): rows of `wr` words, `h`
 * rows, rows clamped at the top and bottom. With `flip`, writes 255 minus the max instead (every
 * byte inverted): a running min is 255 minus the running max of the inverted image.
 */
function columnMax8(src: Int32Array, dst: Int32Array, tmp: Int32Array, wr: number, h: number, m: number, flip: boolean): void {
  const d = (1 << (m - 1)) - 1;
  for (let y = 0; y < h; y++) {
    const o = y * wr;
    const oa = (y > 0 ? y - 1 : 0) * wr;
    const ob = (y < h - 1 ? y + 1 : y) * wr;
    for (let x = 0; x < wr; x++) tmp[o + x] = max4x8(max4x8(src[oa + x] as number, src[o + x] as number), src[ob + x] as number);
  }
  const inv = flip ? -1 : 0;
  for (let y = 0; y < h; y++) {
    const o = y * wr;
    const oa = (y > d ? y - d : 0) * wr;
    const ob = (y < h - 1 - d ? y + d : h - 1) * wr;
    for (let x = 0; x < wr; x++) dst[o + x] = max4x8(max4x8(tmp[oa + x] as number, tmp[o + x] as number), tmp[ob + x] as number) ^ inv;
  }
}

/**
 * Morphological black-hat of an 8-bit image with a square of `2^m + 1` pixels, m = 1, 2 or 3 (closing minus
 * image): dark strokes thinner than the kernel light up. Writes into `out` (length >= width *
 * height) and returns it. Internal buffers are reused between calls.
 *
 * Every pass takes four pixels per 32-bit word ({@link max4x8}): the intermediate images have rows
 * of whole words (a zero word each side). Along y the padding is filtered too but never read back
 * into a pixel; along x ({@link rowMax4x8}) it is replaced by zeros. Same bytes as the pixel-wise
 * passes (the reference test compares with the float closing); big-endian platforms keep the
 * pixel-wise pass along x.
 */
export function blackHat8(src: Gray8, m: number, out: Uint8Array): Uint8Array {
  if (!(m >= 1 && m <= 3)) throw new RangeError('blackHat8: m must be 1, 2 or 3');
  readyGray(src);
  // The same bytes by WebAssembly SIMD where it compiles (simd.ts), else the word passes below.
  if (simdBlackHat(src.data, src.width, src.height, m, out)) return out;
  return blackHat8Words(src, m, out);
}

/** {@link blackHat8} by the JavaScript passes, four pixels per 32-bit word (`src` readied). */
export function blackHat8Words(src: Gray8, m: number, out: Uint8Array): Uint8Array {
  if (!(m >= 1 && m <= 3)) throw new RangeError('blackHat8: m must be 1, 2 or 3');
  const { width: w, height: h, data } = src;
  // Rows of whole words: a zero word, the pixels, zeros to the word's end, a zero word.
  const wr = ((w + 3) >> 2) + 2;
  const stride = 4 * wr;
  const n = stride * h;
  scratchA = grow(scratchA, n);
  scratchB = grow(scratchB, n);
  lineG = grow(lineG, n);
  rowWords = rowWords.length >= wr + 1 ? rowWords : new Int32Array(2 * wr + 1);
  midWords = midWords.length >= wr + 1 ? midWords : new Int32Array(2 * wr + 1);
  const a = scratchA;
  const b = scratchB;
  const t = lineG;
  const a32 = words(a, n);
  const b32 = words(b, n);
  const t32 = words(t, n);
  scratchC = grow(scratchC, n);
  const c = scratchC;
  const c32 = words(c, n);
  // The image in the same layout (only the pixels; the padding is never read along x).
  for (let y = 0; y < h; y++) c.set(data.subarray(y * w, y * w + w), y * stride + 4);
  // Closing = erosion of the dilation; the erosion as 255 minus the dilation of the inverse (the
  // inversions folded into the y passes).
  if (LITTLE_ENDIAN) rowMax4x8(c32, a32, rowWords, midWords, w, wr, h, m);
  else rowMax8(c.subarray(4), stride, a.subarray(4), stride, t.subarray(4), w, h, m);
  columnMax8(a32, b32, t32, wr, h, m, true);
  if (LITTLE_ENDIAN) rowMax4x8(b32, a32, rowWords, midWords, w, wr, h, m);
  else rowMax8(b.subarray(4), stride, a.subarray(4), stride, t.subarray(4), w, h, m);
  columnMax8(a32, b32, t32, wr, h, m, true);
  // Closing minus image, a word at a time: the closing is never below the image, so no pixel
  // byte borrows (bytes past the row's end lie above its pixels in the last word), then the rows
  // copied out.
  for (let y = 0; y < h; y++) {
    const r = y * wr;
    for (let j = r + 1; j < r + wr - 1; j++) a32[j] = ((b32[j] as number) - (c32[j] as number)) | 0;
    out.set(a.subarray(y * stride + 4, y * stride + 4 + w), y * w);
  }
  return out;
}

/** Otsu's threshold of 8-bit values (the first `n`); returns the threshold value (strictly above is foreground). */
export function otsu8(values: Uint8Array, n: number): number {
  const hist = uint32(256, true);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    hist[v] = (hist[v] as number) + 1;
  }
  return otsu8OfHistogram(hist, n);
}

/** What {@link otsu8} returns for `n` 8-bit values counted in the 256-bin `hist`. */
export function otsu8OfHistogram(hist: Uint32Array, n: number): number {
  return otsuBin(hist, n);
}
