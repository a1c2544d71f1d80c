// Shared by the SIMD kernels' Node and browser tests: the first layer's, rectification's and the ink map's bit-for-bit checks.
import type { FloatImage } from '../../../sdk/mrz/image.ts';
import { RECT_MAX_PIXELS, rectify, type RectSpec } from '../../../sdk/mrz/rectify.ts';
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
 * Random rectification windows over a `w` x `h` source (rotated rectangles and homographies; some
 * reach outside the source, some sample exactly on its borders, a few degenerate), for
 * {@link rectifyMismatch}.
 */
export function rectSpecs(r: () => number, w: number, h: number, count: number): RectSpec[] {
  const specs: RectSpec[] = [];
  // Exactly on the pixel grid: sample (x, y) at source (x + dx, y + dy), the last column and row included.
  for (const [dx, dy] of [[0, 0], [-2, -3], [w - 8, h - 8], [1, 1]] as const) specs.push({ cx: dx, cy: dy, angle: 0, u0: 0.5, u1: w + 0.5, v0: 0.5, v1: h + 0.5, scale: 1 });
  // Denominators exactly zero (0 / 0 and x / 0 samples: NaN and infinite coordinates), and -0 ones.
  const box = { cx: 0, cy: 0, angle: 0, u0: 0, u1: 12, v0: 0, v1: 9, scale: 1 };
  specs.push({ ...box, homography: [0, 0, 0, 0, 0, 0, 0, 0, 0] });
  specs.push({ ...box, homography: [0, 0, 0, 1, 0, 0, 1, 0, -2.5] });
  specs.push({ ...box, homography: [1, 0, 0, 0, 1, 0, 0, 0, -0] });
  for (let i = 0; i < count; i++) {
    const W = 8 + Math.floor(r() * Math.min(300, 3 * w));
    const H = 8 + Math.floor(r() * Math.min(60, 3 * h));
    const scale = [1, 0.5, 0.75, 1.7, 0.61, 0.3][i % 6] as number;
    const cx = -4 + r() * (w + 8);
    const cy = -4 + r() * (h + 8);
    const angle = (r() - 0.5) * (i % 5 === 0 ? 6.3 : 0.7);
    const spec: RectSpec = { cx, cy, angle, u0: -W / scale / 2, u1: W / scale / 2, v0: -H / scale / 2, v1: H / scale / 2, scale };
    if (i % 2 === 0) {
      specs.push(spec);
      continue;
    }
    // A homography from the rectangle's own mapping with perspective terms (large ones make the
    // denominator vanish or change sign inside the window).
    const c = Math.cos(angle) / scale;
    const s = Math.sin(angle) / scale;
    const p = i % 7 === 1 ? 0.02 : 1e-4;
    const hm = [c, -s, cx - c * W / 2 + s * H / 2, s, c, cy - s * W / 2 - c * H / 2, (r() - 0.5) * p, (r() - 0.5) * p, 1];
    specs.push({ ...spec, homography: hm });
  }
  return specs;
}

/**
 * Rectifies `spec` of the `w` x `h` pixels `data` twice: from `inKernelMemory` (the same pixels
 * where the SIMD kernels sample them) and from a plain copy (the JavaScript loops). The first
 * differing float (bits, NaN included), or null when every one matches.
 */
export function rectifyMismatch(data: Uint8Array, inKernelMemory: Uint8Array, w: number, h: number, spec: RectSpec): string | null {
  inKernelMemory.set(data);
  const js = rectify({ width: w, height: h, data: data.slice() }, spec);
  const simd = rectify({ width: w, height: h, data: inKernelMemory }, spec, undefined, new Float32Array(RECT_MAX_PIXELS).fill(-3));
  if (!js || !simd) return js === simd ? null : `${w}x${h}: one of the two is null`;
  if (js.width !== simd.width || js.height !== simd.height) return `${w}x${h}: sizes differ`;
  const a = new Uint32Array(js.data.buffer, js.data.byteOffset, js.data.length);
  const b = new Uint32Array(simd.data.buffer, simd.data.byteOffset, js.data.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${w}x${h} ${JSON.stringify(spec)}: pixel ${i % js.width},${Math.floor(i / js.width)}: ${js.data[i]} vs ${simd.data[i]}`;
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
