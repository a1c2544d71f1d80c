// Shared by the SIMD kernels' Node and browser tests: the first layer's bit-for-bit check.
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
