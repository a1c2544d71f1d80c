// Shared by the SIMD kernels' Node and browser tests: the first layer's and the ink map's bit-for-bit checks.
import type { FloatImage } from '../../../sdk/mrz/image.ts';
import { inkMap } from '../../../sdk/mrz/segment.ts';
import type { SimdLayer } from '../../../sdk/mrz/simd.ts';

/**
 * Runs the SIMD first layer on four glyphs' inputs `xs` and compares each sum with JavaScript's
 * `s += w * x` from the bias, bit for bit: the first mismatch, or null when all match.
 */
export function firstLayerMismatch(simd: SimdLayer, w: Float32Array, b: Float32Array, xs: readonly Float32Array[], hidden: number, inputs: number): string | null {
  for (let i = 0; i < inputs; i++) for (let g = 0; g < 4; g++) simd.x[4 * i + g] = xs[g]![i]!;
  simd.run();
  for (let g = 0; g < 4; g++) {
    for (let j = 0; j < hidden; j++) {
      let s = b[j]!;
      for (let i = 0; i < inputs; i++) s += w[j * inputs + i]! * xs[g]![i]!;
      if (!Object.is(simd.out[16 * (j >> 2) + 4 * g + (j & 3)], s)) return `${hidden}x${inputs}: glyph ${g}, unit ${j}`;
    }
  }
  return null;
}

/**
 * inkMap with its SIMD kernels against inkMap in JavaScript on the same band: ink bit for bit, mask
 * and threshold. The first difference, or null when they agree.
 */
export function inkMapMismatch(img: FloatImage, charSize: number): string | null {
  const js = inkMap(img, charSize, undefined, false);
  const ink = new Uint32Array(js.data.slice().buffer);
  const bin = js.bin.slice();
  const threshold = js.threshold;
  const simd = inkMap(img, charSize, undefined, true);
  const tag = `${img.width}x${img.height}`;
  const got = new Uint32Array(simd.data.slice().buffer);
  for (let i = 0; i < ink.length; i++) if (got[i] !== ink[i]) return `${tag}: ink ${i}: ${simd.data[i]} for ${js.data[i]}`;
  for (let i = 0; i < bin.length; i++) if (simd.bin[i] !== bin[i]) return `${tag}: mask ${i}`;
  return Object.is(simd.threshold, threshold) ? null : `${tag}: threshold ${simd.threshold} for ${threshold}`;
}
