// Shared by the SIMD kernels' Node and browser tests: the first layer's, rectification's, the ink map's and the CNN's bit-for-bit checks.
import type { FloatImage } from '../../../sdk/mrz/image.ts';
import { RECT_MAX_PIXELS, rectify, type RectSpec } from '../../../sdk/mrz/rectify.ts';
import { inkMap } from '../../../sdk/mrz/segment.ts';
import { simdCnn, type CnnShape, type SimdLayer } from '../../../sdk/mrz/simd.ts';

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

/**
 * cnn.ts' forward pass for any plane size, as plain loops in the reference's order: each
 * convolution sum from its bias over (input channel, dy, dx) inside the plane (a padding tap adds
 * a signed zero, which leaves a sum that started at a bias other than -0 as it is); ReLU and 2x2
 * max-pool as `Math.max` of the window, then `m > 0 ? m : 0`; each dense sum from its bias over
 * every input in order, the first ReLU'd as `s < 0 ? 0 : s`. Exact for finite weights and no -0
 * bias (the nets simdCnn is used for).
 */
export function cnnOracle(shape: CnnShape, w: readonly Float32Array[], b: readonly Float32Array[], x: Float32Array, at: number): Float64Array {
  const convPool = (src: Float64Array, inCh: number, pw: number, ph: number, k: Float32Array, bias: Float32Array, outCh: number): Float64Array => {
    const ow = pw >> 1;
    const oh = ph >> 1;
    const conv = (oc: number, y: number, xx: number): number => {
      let s = bias[oc]!;
      for (let ic = 0; ic < inCh; ic++) for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) {
        const yy = y + dy - 1;
        const xc = xx + dx - 1;
        if (yy >= 0 && yy < ph && xc >= 0 && xc < pw) s += k[(oc * inCh + ic) * 9 + dy * 3 + dx]! * src[(ic * ph + yy) * pw + xc]!;
      }
      return s;
    };
    const out = new Float64Array(outCh * ow * oh);
    for (let oc = 0; oc < outCh; oc++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      const m = Math.max(conv(oc, 2 * y, 2 * xx), conv(oc, 2 * y, 2 * xx + 1), conv(oc, 2 * y + 1, 2 * xx), conv(oc, 2 * y + 1, 2 * xx + 1));
      out[(oc * oh + y) * ow + xx] = m > 0 ? m : 0;
    }
    return out;
  };
  const dense = (src: Float64Array, k: Float32Array, bias: Float32Array, rows: number, relu: boolean): Float64Array =>
    Float64Array.from({ length: rows }, (_, r) => {
      let s = bias[r]!;
      for (let i = 0; i < src.length; i++) s += k[r * src.length + i]! * src[i]!;
      return relu && s < 0 ? 0 : s;
    });
  const { width, height } = shape;
  const img = Float64Array.from({ length: width * height }, (_, i) => x[at + i]!);
  const p1 = convPool(img, 1, width, height, w[0]!, b[0]!, shape.conv1);
  const p2 = convPool(p1, shape.conv1, width >> 1, height >> 1, w[1]!, b[1]!, shape.conv2);
  return dense(dense(p2, w[2]!, b[2]!, shape.dense, true), w[3]!, b[3]!, shape.outputs, false);
}

/** Random weights and biases (no -0 bias) of a net of `shape`, some weights exactly zero. */
export function randomCnn(r: () => number, shape: CnnShape): { w: Float32Array[]; b: Float32Array[] } {
  const { conv1, conv2, dense, outputs } = shape;
  const feat = conv2 * (shape.width >> 2) * (shape.height >> 2);
  const rows = [conv1, conv2, dense, outputs];
  const cols = [9, 9 * conv1, feat, dense];
  const w = rows.map((n, l) => Float32Array.from({ length: n * cols[l]! }, () => (r() < 0.05 ? 0 : Math.fround((r() - 0.5) * 0.6))));
  const b = rows.map((n) => Float32Array.from({ length: n }, () => (r() < 0.05 ? 0 : Math.fround(r() - 0.5))));
  return { w, b };
}

/**
 * simdCnn of `shape` on `glyphs` (rasters in a row) against {@link cnnOracle}, bit for bit (NaN as
 * NaN): the first mismatch, or null when every logit matches.
 */
export function cnnMismatch(shape: CnnShape, w: readonly Float32Array[], b: readonly Float32Array[], glyphs: Float32Array): string | null {
  const k = simdCnn(shape, w, b);
  if (!k) return 'simdCnn: null';
  const size = shape.width * shape.height;
  const n = glyphs.length / size;
  const room = k.glyphs(n);
  if (!room) return 'simdCnn: no room';
  room.set(glyphs);
  const got = k.run(n);
  const tag = `${shape.width}x${shape.height} ${shape.conv1}/${shape.conv2}/${shape.dense}/${shape.outputs}`;
  for (let g = 0; g < n; g++) {
    const want = cnnOracle(shape, w, b, glyphs, g * size);
    for (let c = 0; c < shape.outputs; c++) if (!Object.is(got[g * k.stride + c], want[c])) return `${tag}: glyph ${g}, logit ${c}: ${got[g * k.stride + c]} for ${want[c]}`;
  }
  return null;
}

/** `n` rasters of `size` floats: ink-like values, zeros, and (when `edges`) -0, tiny, huge and non-finite ones. */
export function cnnGlyphs(r: () => number, size: number, n: number, edges: boolean): Float32Array {
  const special = [0, -0, 1, 1.4e-45, -1.4e-45, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];
  return Float32Array.from({ length: n * size }, (_, i) => {
    const g = Math.floor(i / size);
    if (g === 0) return 0;
    if (g === 1) return 1;
    if (edges && g === 2 && r() < 0.2) return special[Math.floor(r() * special.length)]!;
    return r() < 0.4 ? 0 : Math.fround(r() * 2.5 - 0.5);
  });
}
