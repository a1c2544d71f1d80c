/**
 * Glyph data for the classifier training scripts (train.ts: the MLP; train-cnn.ts: the
 * convolutional second opinion), shared so both read the same files, split them the same way and
 * see the same on-line augmentation: records `[label byte][GLYPH_SIZE raster bytes]` written by
 * train-data*.ts, loaded into one buffer; a seeded shuffle holds out whole records for validation
 * and temperature fitting; each training glyph gets ink gain, sensor noise, one-pixel shifts and
 * (for a share `blur`) a defocus blur, then the engine's contrast normalisation (classify.ts
 * `normaliseGlyph`, which must match run time). All randomness comes from the caller's seeded
 * generator, in a fixed order, so a run is reproducible.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { normaliseGlyph } from '../../sdk/mrz/classify.ts';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { GLYPH_H, GLYPH_SIZE, GLYPH_W } from '../../sdk/mrz/segment.ts';
import type { Rng } from './random-mrz.ts';
import { generate } from './train-data.ts';
import { writeGlyphFile } from './train-io.ts';

/** Look-alike pairs seen in rejected reads (session 10 failure analysis) and the classic O/0 ones: the MLP trainer's `--pair-weight` list. */
export const CONFUSABLE: readonly (readonly [string, string])[] = [
  ['H', 'M'], ['I', 'Z'], ['T', 'I'], ['E', 'K'], ['O', '0'], ['D', '0'], ['O', 'D'], ['O', 'Q'], ['B', '8'], ['S', '5'], ['I', '1'], ['Z', '2'], ['G', '6'], ['N', 'H'], ['M', 'N'], ['E', 'F'], ['C', 'G'], ['U', 'V'],
];

/** Class indices of every class's look-alikes in `pairs` (for hard-negative weighting). */
export function lookAlikePartners(pairs: readonly (readonly [string, string])[]): number[][] {
  const partners: number[][] = [...CLASSES].map(() => []);
  for (const [a, b] of pairs) {
    const ia = CLASSES.indexOf(a);
    const ib = CLASSES.indexOf(b);
    if (ia < 0 || ib < 0) throw new Error(`unknown class in pair ${a}/${b}`);
    (partners[ia] as number[]).push(ib);
    (partners[ib] as number[]).push(ia);
  }
  return partners;
}

/** Bytes per record: the label, then the raster. */
export const GLYPH_RECORD = GLYPH_SIZE + 1;

/** Glyph records of several files in one buffer. */
export interface GlyphSet {
  /** The files' records, concatenated. */
  readonly all: Buffer;
  /** Number of records. */
  readonly n: number;
  /** Records per file, in the order given. */
  readonly perFile: readonly number[];
}

/** Reads glyph files (a missing one is generated first: 500 synthetic documents from seed 1000). */
export async function readGlyphFiles(files: readonly string[]): Promise<GlyphSet> {
  const bufs: Buffer[] = [];
  for (const f of files) {
    if (!existsSync(f)) {
      process.stderr.write(`${f} missing: generating (500 synthetic documents)...\n`);
      await writeGlyphFile(f, 500, 1000, 25, generate, () => f);
    }
    bufs.push(readFileSync(f));
  }
  const all = Buffer.concat(bufs);
  return { all, n: Math.floor(all.length / GLYPH_RECORD), perFile: bufs.map((b) => Math.floor(b.length / GLYPH_RECORD)) };
}

/** Record indices 0..n-1 in a seeded random order (Fisher-Yates, `rng` drawn n-1 times). */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}

/** Fisher-Yates shuffle of `a` in place. */
export function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

/** Loss weight per class: sqrt(mean count / class count), at most 3 (rare classes count more). */
export function classWeights(all: Buffer, trainIdx: Int32Array): { weights: Float32Array; counts: Float64Array } {
  const C = CLASSES.length;
  const counts = new Float64Array(C);
  for (const i of trainIdx) counts[all[i * GLYPH_RECORD] as number]! += 1;
  const meanCount = trainIdx.length / C;
  const weights = new Float32Array(C);
  for (let c = 0; c < C; c++) weights[c] = Math.min(3, Math.sqrt(meanCount / Math.max(1, counts[c] as number)));
  return { weights, counts };
}

/**
 * Loads record `idx` into `x` (GLYPH_SIZE floats, contrast-normalised as at run time) and returns
 * its label; with `augment`, the raster is first augmented (see the module doc; `blur`: share of
 * glyphs given a defocus blur, 0 none).
 */
export type GlyphLoader = (idx: number, augment: boolean) => number;

/** A {@link GlyphLoader} over `all` writing into `x`, drawing its augmentation from `rng`. */
export function glyphLoader(all: Buffer, x: Float32Array, rng: Rng, blur: number): GlyphLoader {
  const blurTmp = new Float32Array(GLYPH_SIZE);
  /** Separable 3-tap blur `[a, 1 - 2a, a]` of the raster `x` in place (edges clamped). */
  const blur3 = (a: number): void => {
    const c = 1 - 2 * a;
    for (let yy = 0; yy < GLYPH_H; yy++) {
      const o = yy * GLYPH_W;
      for (let xx = 0; xx < GLYPH_W; xx++) {
        const l = x[o + Math.max(0, xx - 1)] as number;
        const r = x[o + Math.min(GLYPH_W - 1, xx + 1)] as number;
        blurTmp[o + xx] = a * (l + r) + c * (x[o + xx] as number);
      }
    }
    for (let yy = 0; yy < GLYPH_H; yy++) {
      const up = Math.max(0, yy - 1) * GLYPH_W;
      const dn = Math.min(GLYPH_H - 1, yy + 1) * GLYPH_W;
      const o = yy * GLYPH_W;
      for (let xx = 0; xx < GLYPH_W; xx++) x[o + xx] = a * ((blurTmp[up + xx] as number) + (blurTmp[dn + xx] as number)) + c * (blurTmp[o + xx] as number);
    }
  };
  return (idx, augment) => {
    const off = idx * GLYPH_RECORD;
    const label = all[off] as number;
    if (!augment) {
      for (let p = 0; p < GLYPH_SIZE; p++) x[p] = (all[off + 1 + p] as number) / 255;
      normaliseGlyph(x, 0, x);
      return label;
    }
    const gain = 0.75 + 0.5 * rng();
    const noise = rng() * 0.08;
    const sx = rng() < 0.15 ? (rng() < 0.5 ? -1 : 1) : 0;
    const sy = rng() < 0.15 ? (rng() < 0.5 ? -1 : 1) : 0;
    for (let yy = 0; yy < GLYPH_H; yy++) {
      for (let xx = 0; xx < GLYPH_W; xx++) {
        const X = Math.min(GLYPH_W - 1, Math.max(0, xx + sx));
        const Y = Math.min(GLYPH_H - 1, Math.max(0, yy + sy));
        x[yy * GLYPH_W + xx] = ((all[off + 1 + Y * GLYPH_W + X] as number) / 255) * gain;
      }
    }
    // Defocus: one or two passes of a 3-tap blur (before the sensor noise), for a share of glyphs.
    if (blur > 0 && rng() < blur) {
      const passes = rng() < 0.5 ? 1 : 2;
      const a = 0.15 + 0.18 * rng();
      for (let k = 0; k < passes; k++) blur3(a);
    }
    for (let p = 0; p < GLYPH_SIZE; p++) {
      const v = (x[p] as number) + (rng() - 0.5) * 2 * noise;
      x[p] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    // The engine normalises each glyph's contrast before the network (classify.ts): so does training.
    normaliseGlyph(x, 0, x);
    return label;
  };
}

/**
 * Adam (beta 0.9 / 0.999) over `[weights, biases, weights, biases, ...]`, with weight decay 1e-4 on
 * the weights: each call takes one step from the gradients summed over `batch` glyphs and clears them.
 */
export function adamOptimiser(params: readonly Float32Array[], grads: readonly Float32Array[]): (lr: number, batch: number) => void {
  const m1 = params.map((p) => new Float32Array(p.length));
  const m2 = params.map((p) => new Float32Array(p.length));
  let step = 0;
  return (lr, batch) => {
    step++;
    const b1c = 1 - Math.pow(0.9, step);
    const b2c = 1 - Math.pow(0.999, step);
    for (let p = 0; p < params.length; p++) {
      const P = params[p] as Float32Array;
      const G = grads[p] as Float32Array;
      const M = m1[p] as Float32Array;
      const V = m2[p] as Float32Array;
      const decay = p % 2 === 0 ? 1e-4 : 0;
      for (let i = 0; i < P.length; i++) {
        const g = (G[i] as number) / batch + decay * (P[i] as number);
        const m = 0.9 * (M[i] as number) + 0.1 * g;
        const v = 0.999 * (V[i] as number) + 0.001 * g * g;
        M[i] = m;
        V[i] = v;
        P[i] = (P[i] as number) - (lr * (m / b1c)) / (Math.sqrt(v / b2c) + 1e-8);
      }
      G.fill(0);
    }
  };
}

/** A layer's activations or deltas (the MLP trainer works in float32, the CNN trainer in float64). */
type Vec = Float32Array | Float64Array;

/**
 * Forward pass of a dense layer `w` (`nOut` x `nIn`, row-major) with biases `b` on the input `a`:
 * writes `out`, through a ReLU when `relu` (hidden layers; the output layer gives logits).
 */
export function denseForward(a: Vec, nIn: number, w: Float32Array, b: Float32Array, nOut: number, out: Vec, relu: boolean): void {
  for (let j = 0; j < nOut; j++) {
    let s = b[j] as number;
    const off = j * nIn;
    for (let i = 0; i < nIn; i++) s += (w[off + i] as number) * (a[i] as number);
    out[j] = relu ? (s > 0 ? s : 0) : s;
  }
}

/**
 * Backward pass of a dense layer `w` (`nOut` x `nIn`, row-major) on its input `a`: adds `d * a` to
 * the weight gradients and `d` to the bias gradients for each output delta `d`, and, when `dIn` is
 * given, sets it to the input deltas through the ReLU that made `a` (none where `a <= 0`).
 */
export function denseBackward(dOut: Vec, nOut: number, a: Vec, nIn: number, w: Float32Array, gw: Float32Array, gb: Float32Array, dIn: Vec | null): void {
  dIn?.fill(0);
  for (let j = 0; j < nOut; j++) {
    const d = dOut[j] as number;
    if (d === 0) continue;
    gb[j] = (gb[j] as number) + d;
    const off = j * nIn;
    for (let i = 0; i < nIn; i++) {
      gw[off + i] = (gw[off + i] as number) + d * (a[i] as number);
      if (dIn) dIn[i] = (dIn[i] as number) + d * (w[off + i] as number);
    }
  }
  if (dIn) for (let i = 0; i < nIn; i++) if ((a[i] as number) <= 0) dIn[i] = 0;
}
