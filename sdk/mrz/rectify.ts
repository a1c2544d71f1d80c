/**
 * Rectification: bilinear sampling of a rotated rectangle (optionally a perspective quad, through a
 * homography) of the frame into an axis-aligned float image, plus the mapping back to frame
 * coordinates (for the overlay corners).
 *
 * Session 15: a frame converted on demand (the engine's, see `toGrayLevels`) is readied in the box
 * around the window's four corner samples before sampling (`readySource`). Tried and dropped: a
 * loop of its own for clamped rows and for full resolution (the branches are loop-invariant;
 * Chromium: 1.01x on 31 captured perspective windows, 1.03x on 41 rotated ones).
 *
 * Session 19: a source in the frame memory of simd.ts (the engine's grey frame, see `frameBuffer`)
 * is sampled by its row kernels (`simdRect`: two pixels per pass in f64x2 lanes, the loops' exact
 * operations, clamped rows too); the loops below remain for other sources and where WebAssembly
 * SIMD cannot compile. 158 captured bench windows: 0.63-0.71x of the loops' time (Node), the same
 * floats; engine paired bench 0.949x Chromium, 0.971x Node.
 *
 * Session 34, tried and dropped: samples more than half a pixel off the frame set to the window's
 * paper level (its 90th percentile) or to black (which the desk fill then fills) instead of
 * clamped. A clamped border repeats its pixels along the row: a window past the frame's edge
 * shows stripes there (bench 70134, pitch 27 px: stripes and a noisy margin joined its three lines
 * into one). Bench 284/320 with the paper level (black: 283), held-out 90000 269 -> 270 (black:
 * 269), real 22/23 (black); but the bench frames cut so that the MRZ starts or ends half a
 * character from the frame's edge (a document held close; 640 reads, bench/mrz/edge.ts) 561 -> 550
 * with a false accept (paper level): the clamped border continues the paper beside the text, a
 * fill puts an edge there. 70134 read neither way (lines found once `findLines` also measured its
 * threshold above a noise floor, the cut then misplaced).
 * @module
 */

import { downscale, readyGray, type FloatImage, type Gray8 } from './image.ts';
import { float64 } from './scratch.ts';
import { simdRect, type SimdRect } from './simd.ts';
import type { Point } from './types.ts';

/** A rotated rectangle in frame coordinates: origin corner, unit direction, extents. */
export interface RectSpec {
  /** Centre used as the origin of the u/v axes. */
  readonly cx: number;
  readonly cy: number;
  /** Text direction angle (radians). */
  readonly angle: number;
  readonly u0: number;
  readonly u1: number;
  readonly v0: number;
  readonly v1: number;
  /** Output pixels per frame pixel. */
  readonly scale: number;
  /**
   * Optional perspective mapping from rectified pixel coordinates (x, y; pixel corners, so the
   * centre of pixel (i, j) is (i + 0.5, j + 0.5)) to frame coordinates, row-major 3x3 with
   * h[8] = 1. When present it replaces the rotated-rectangle mapping; the output size is still
   * `(u1 - u0) * scale` by `(v1 - v0) * scale`.
   */
  readonly homography?: readonly number[];
}

/** A rectified band with its mapping back to the frame. */
export interface Rectified extends FloatImage {
  readonly spec: RectSpec;
}

/** Maps a point of the rectified image back to frame coordinates. */
export function toFrame(spec: RectSpec, x: number, y: number): Point {
  const m = spec.homography;
  if (m) {
    const d = (m[6] as number) * x + (m[7] as number) * y + (m[8] as number);
    return {
      x: ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / d,
      y: ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / d,
    };
  }
  const u = spec.u0 + x / spec.scale;
  const v = spec.v0 + y / spec.scale;
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  return { x: spec.cx + u * c - v * s, y: spec.cy + u * s + v * c };
}

/**
 * The homography mapping the four points `src` to `dst` (row-major 3x3, h[8] = 1), or null when
 * the points are degenerate.
 */
export function homographyFromPoints(src: readonly Point[], dst: readonly Point[]): number[] | null {
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const s = src[i] as Point;
    const d = dst[i] as Point;
    A.push([s.x, s.y, 1, 0, 0, 0, -d.x * s.x, -d.x * s.y, d.x]);
    A.push([0, 0, 0, s.x, s.y, 1, -d.y * s.x, -d.y * s.y, d.y]);
  }
  const h = solveLinear(A);
  if (!h) return null;
  h.push(1);
  return h.every(Number.isFinite) ? h : null;
}

/**
 * Solves the n x (n + 1) augmented system `rows` (Gauss-Jordan elimination with partial pivoting;
 * `rows` is overwritten). Null when a pivot is (near) zero.
 */
export function solveLinear(rows: number[][]): number[] | null {
  const n = rows.length;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((rows[r] as number[])[c] as number) > Math.abs((rows[piv] as number[])[c] as number)) piv = r;
    const pr = rows[piv] as number[];
    if (Math.abs(pr[c] as number) < 1e-12) return null;
    rows[piv] = rows[c] as number[];
    rows[c] = pr;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = rows[r] as number[];
      const f = (row[c] as number) / (pr[c] as number);
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pr[k] as number);
    }
  }
  const x: number[] = [];
  for (let r = 0; r < n; r++) x.push(((rows[r] as number[])[n] as number) / ((rows[r] as number[])[r] as number));
  return x;
}

/**
 * Bilinear sample of `sd` (row length `sw`, last column `sw1`, last row `sh1`) at (fx, fy), borders
 * clamped. The two interpolated rows are mixed as `top + (bottom - top) ty` (`lerpRows`, the
 * perspective path) or `top (1 - ty) + bottom ty` (the rotated path): each path keeps the
 * arithmetic it was written with, so its output stays bit-identical.
 */
function sampleAt(sd: Uint8Array, sw: number, sw1: number, sh1: number, fx: number, fy: number, lerpRows: boolean): number {
  if (fx < 0) fx = 0;
  else if (fx > sw1) fx = sw1;
  if (fy < 0) fy = 0;
  else if (fy > sh1) fy = sh1;
  // fx, fy >= 0 (or NaN): truncation is Math.floor.
  const x0 = fx | 0;
  const y0 = fy | 0;
  const tx = fx - x0;
  const ty = fy - y0;
  const i0 = y0 * sw + x0;
  const dx = x0 < sw1 ? 1 : 0;
  const dy = y0 < sh1 ? sw : 0;
  const a = sd[i0] as number;
  const b = sd[i0 + dx] as number;
  const c = sd[i0 + dy] as number;
  const e = sd[i0 + dy + dx] as number;
  const top = a + (b - a) * tx;
  const bottom = c + (e - c) * tx;
  return lerpRows ? top + (bottom - top) * ty : top * (1 - ty) + bottom * ty;
}

/** True when (fx, fy) lies at least one pixel inside a source whose last column and row are `sw1`, `sh1`. */
function inside(fx: number, fy: number, sw1: number, sh1: number): boolean {
  return fx >= 1 && fx <= sw1 - 1 && fy >= 1 && fy <= sh1 - 1;
}

/**
 * Makes the source pixels the sampling of `spec` (a `W` x `H` output from the source at factor `f`)
 * can read valid in a frame converted on demand (see `readyGray`): the box around the output's four
 * corner samples, one pixel wider each side than the bilinear reads (the per-pixel sums round a
 * little differently), clamped as the samples are. Every sample lies in the corners' hull (an
 * affine map, or a projective one whose denominator keeps its sign over the window); otherwise, or
 * with non-finite corners, the whole frame.
 */
function readySource(src: Gray8, spec: RectSpec, W: number, H: number, f: number): void {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const m = spec.homography;
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  for (let k = 0; k < 4; k++) {
    const x = k & 1 ? W - 0.5 : 0.5;
    const y = k & 2 ? H - 0.5 : 0.5;
    let fx: number;
    let fy: number;
    if (m) {
      const d = (m[6] as number) * x + (m[7] as number) * y + (m[8] as number);
      if (!(d > 0)) {
        readyGray(src);
        return;
      }
      fx = ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / d / f - 0.5;
      fy = ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / d / f - 0.5;
    } else {
      const u = spec.u0 + x / spec.scale;
      const v = spec.v0 + y / spec.scale;
      fx = (spec.cx + u * c - v * s) / f - 0.5;
      fy = (spec.cy + u * s + v * c) / f - 0.5;
    }
    if (!(Number.isFinite(fx) && Number.isFinite(fy))) {
      readyGray(src);
      return;
    }
    if (fx < xMin) xMin = fx;
    if (fx > xMax) xMax = fx;
    if (fy < yMin) yMin = fy;
    if (fy > yMax) yMax = fy;
  }
  const sw1 = src.width - 1;
  const sh1 = src.height - 1;
  const clamp = (v: number, hi: number): number => (v < 0 ? 0 : v > hi ? hi : v);
  readyGray(src, clamp(Math.floor(xMin) - 1, sw1), clamp(Math.floor(yMin) - 1, sh1), clamp(Math.floor(xMax) + 2, sw1), clamp(Math.floor(yMax) + 2, sh1));
}

/** Largest rectified image (pixels); larger requests give null. */
export const RECT_MAX_PIXELS = 600_000;

/**
 * Samples the rectangle `spec` of `gray` into a float image (values 0-255). When the output is much
 * smaller than the source region, a downscaled copy of the source is sampled (cached per factor)
 * so that bilinear sampling does not alias. With `into` (at least as long as the output), the
 * pixels are written there (a scratch buffer the caller reuses; every pixel is written) instead of
 * into a new buffer. With `inPlace`, pixels the SIMD kernels sampled stay in their window (simd.ts
 * `simdRect`, not copied out): valid until the next `rectify` or `frameBuffer` call.
 */
export function rectify(gray: Gray8, spec: RectSpec, pyramid?: Map<number, Gray8>, into?: Float32Array, inPlace = false): Rectified | null {
  const W = Math.round((spec.u1 - spec.u0) * spec.scale);
  const H = Math.round((spec.v1 - spec.v0) * spec.scale);
  if (!(W >= 8 && H >= 8) || W * H > RECT_MAX_PIXELS) return null;
  let src = gray;
  let f = 1;
  if (spec.scale < 0.6) {
    f = Math.max(1, Math.floor(1 / spec.scale / 1.2));
    if (f > 1) {
      const cached = pyramid?.get(f);
      src = cached ?? downscale(gray, f);
      if (!cached && pyramid) pyramid.set(f, src);
    }
  }
  const target = into && into.length >= W * H ? into.subarray(0, W * H) : new Float32Array(W * H);
  if (src.ready) readySource(src, spec, W, H, f);
  // A source in the frame memory (the engine's grey frame and its 2x2 level): every row by the SIMD
  // kernels, into their window (copied out at the end unless `inPlace`); else the loops below.
  const k = simdRect(src.data, src.width, src.height, W * H, W);
  const out = k ? k.window : target;
  const sw = src.width;
  const sw1 = sw - 1;
  const sh1 = src.height - 1;
  const sd = src.data;
  // Unclamped samples read a pixel and its right neighbour as one little-endian 16-bit load (the
  // same bytes; Chromium 0.93x, Node 0.90x of four byte loads on 31 captured perspective windows).
  const pairs = new DataView(sd.buffer, sd.byteOffset, sd.byteLength);
  const m = spec.homography;
  if (m) {
    // Projective mapping: numerators and denominator are linear along a row.
    const invF = 1 / f;
    for (let y = 0; y < H; y++) {
      const yc = y + 0.5;
      let nx = (m[0] as number) * 0.5 + (m[1] as number) * yc + (m[2] as number);
      let ny = (m[3] as number) * 0.5 + (m[4] as number) * yc + (m[5] as number);
      let dd = (m[6] as number) * 0.5 + (m[7] as number) * yc + (m[8] as number);
      const ax = m[0] as number;
      const ay = m[3] as number;
      const ad = m[6] as number;
      const o = y * W;
      // The row's samples lie on the segment between its end samples (the denominator keeps its
      // sign along the row): when both ends are a pixel inside the source, no sample is clamped.
      const de = dd + ad * (W - 1);
      const unclamped = dd > 0 && de > 0 && inside((nx * invF) / dd - 0.5, (ny * invF) / dd - 0.5, sw1, sh1) && inside(((nx + ax * (W - 1)) * invF) / de - 0.5, ((ny + ay * (W - 1)) * invF) / de - 0.5, sw1, sh1);
      if (k) {
        k.persp(o, W, nx, ny, dd, ax, ay, ad, invF, !unclamped);
        continue;
      }
      for (let x = 0; x < W; x++) {
        const id = invF / dd;
        const fx = nx * id - 0.5;
        const fy = ny * id - 0.5;
        nx += ax;
        ny += ay;
        dd += ad;
        if (!unclamped) {
          out[o + x] = sampleAt(sd, sw, sw1, sh1, fx, fy, true);
          continue;
        }
        // sampleAt without its clamps (never taken here), the same arithmetic; each pixel and its
        // right neighbour read at once (see `pairs`).
        const x0 = fx | 0;
        const y0 = fy | 0;
        const tx = fx - x0;
        const i0 = y0 * sw + x0;
        const ab = pairs.getUint16(i0, true);
        const ce = pairs.getUint16(i0 + sw, true);
        const a = ab & 255;
        const c = ce & 255;
        const top = a + ((ab >> 8) - a) * tx;
        const bottom = c + ((ce >> 8) - c) * tx;
        out[o + x] = top + (bottom - top) * (fy - y0);
      }
    }
    return done(out, inPlace ? null : target, k, spec, W, H);
  }
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  const inv = 1 / spec.scale;
  const { cx, cy, u0, v0 } = spec;
  // cx + u * c and cy + u * s per column, computed once (the same operations as per pixel).
  const ax = k ? k.ax : float64(W);
  const ay = k ? k.ay : float64(W);
  for (let x = 0; x < W; x++) {
    const u = u0 + (x + 0.5) * inv;
    ax[x] = cx + u * c;
    ay[x] = cy + u * s;
  }
  for (let y = 0; y < H; y++) {
    const v = v0 + (y + 0.5) * inv;
    const vs = v * s;
    const vc = v * c;
    const o = y * W;
    // A row is a straight segment of the source: when both ends are a pixel inside, no sample is clamped.
    const unclamped = inside(((ax[0] as number) - vs) / f - 0.5, ((ay[0] as number) + vc) / f - 0.5, sw1, sh1) && inside(((ax[W - 1] as number) - vs) / f - 0.5, ((ay[W - 1] as number) + vc) / f - 0.5, sw1, sh1);
    if (k) {
      k.rot(o, W, vs, vc, f, !unclamped);
      continue;
    }
    for (let x = 0; x < W; x++) {
      // No division at full resolution (x / 1 is x).
      const fx = f === 1 ? (ax[x] as number) - vs - 0.5 : ((ax[x] as number) - vs) / f - 0.5;
      const fy = f === 1 ? (ay[x] as number) + vc - 0.5 : ((ay[x] as number) + vc) / f - 0.5;
      if (!unclamped) {
        out[o + x] = sampleAt(sd, sw, sw1, sh1, fx, fy, false);
        continue;
      }
      // sampleAt without its clamps (never taken here), the same arithmetic; each pixel and its
      // right neighbour read at once (see `pairs`).
      const x0 = fx | 0;
      const y0 = fy | 0;
      const tx = fx - x0;
      const ty = fy - y0;
      const i0 = y0 * sw + x0;
      const ab = pairs.getUint16(i0, true);
      const ce = pairs.getUint16(i0 + sw, true);
      const a = ab & 255;
      const c = ce & 255;
      out[o + x] = (a + ((ab >> 8) - a) * tx) * (1 - ty) + (c + ((ce >> 8) - c) * tx) * ty;
    }
  }
  return done(out, inPlace ? null : target, k, spec, W, H);
}

/**
 * The rectified image: `out` (the kernels' window, or the JavaScript loops' target), copied into
 * `target` when the kernels wrote it and a target is given.
 */
function done(out: Float32Array, target: Float32Array | null, k: SimdRect | null, spec: RectSpec, W: number, H: number): Rectified {
  if (!k) return { width: W, height: H, data: out, spec };
  const data = out.subarray(0, W * H);
  if (!target) return { width: W, height: H, data, spec };
  target.set(data);
  return { width: W, height: H, data: target, spec };
}
