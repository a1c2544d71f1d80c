// The WebAssembly SIMD kernels (simd.ts) against the JavaScript passes: the MLP's first layer bit for bit, the black-hat byte for byte, the max filter, the 4x4 block maxima, rectification's rows and the ink map and the CNN bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bin256, blackHat8Words, blockMax, blockMaxReference, rectFilter, rectFilterScalar } from '../../../sdk/mrz/image.ts';
import { RECT_MAX_PIXELS, rectify } from '../../../sdk/mrz/rectify.ts';
import { frameBuffer, simdBlackHat, simdBlockMax4, simdCnn, simdInk, simdLayer, simdMaxFilter, simdRect } from '../../../sdk/mrz/simd.ts';
import { cnnLogitsReference, shippedCnn } from '../../../sdk/mrz/cnn.ts';
import { normaliseGlyph } from '../../../sdk/mrz/classify.ts';
import { GLYPH_H, GLYPH_SIZE, GLYPH_W } from '../../../sdk/mrz/segment.ts';
import type * as SimdModule from '../../../sdk/mrz/simd.ts';
import { cnnGlyphs, cnnMismatch, firstLayerMismatch, inkMapMismatch, randomCnn, rectifyMismatch, rectSpecs } from './simd-check.ts';
import { rng } from './seeded.ts';

test('simdLayer refuses a hidden layer that is not a multiple of four, or an empty one', () => {
  assert.equal(simdLayer([], [], 6, 10), null);
  assert.equal(simdLayer([], [], 0, 10), null);
  assert.equal(simdLayer([], [], 4, 0), null);
});

test('the SIMD first layer gives the JavaScript sums bit for bit (random nets; zero, -0 and non-finite inputs)', () => {
  const r = rng(3);
  for (const [hidden, inputs] of [
    [4, 1],
    [8, 7],
    [12, 320],
    [128, 320],
  ] as const) {
    const w = new Float32Array(hidden * inputs).map(() => Math.fround(r() - 0.5));
    const b = new Float32Array(hidden).map((_, j) => (j === 0 ? -0 : Math.fround(r() - 0.5)));
    const simd = simdLayer(w, b, hidden, inputs);
    assert.ok(simd, 'Node compiles the kernel');
    const special = [0, -0, Infinity, NaN];
    const xs = Array.from({ length: 4 }, (_, g) =>
      new Float32Array(inputs).map((_, i) => (g === 3 && i < special.length ? (special[i] as number) : r() < 0.3 ? 0 : Math.fround(r()))),
    );
    assert.equal(firstLayerMismatch(simd, w, b, xs, hidden, inputs), null);
  }
});

test('simdBlackHat gives blackHat8Words\' bytes (every m, row lengths around the 16-byte runs, one-pixel images, byte extremes)', () => {
  const r = rng(9);
  for (const [w, h] of [
    [1, 1],
    [1, 9],
    [7, 1],
    [15, 5],
    [16, 16],
    [17, 3],
    [33, 20],
    [426, 240],
  ] as const) {
    for (const m of [1, 2, 3]) {
      const data = new Uint8Array(w * h).map(() => (r() < 0.1 ? 0 : r() < 0.1 ? 255 : Math.floor(r() * 256)));
      const want = blackHat8Words({ width: w, height: h, data }, m, new Uint8Array(w * h));
      const got = new Uint8Array(w * h).fill(7);
      assert.ok(simdBlackHat(data, w, h, m, got), 'Node compiles the kernels');
      assert.deepEqual([...got], [...want], `${w}x${h}, m ${m}`);
    }
  }
});

test('simdMaxFilter gives rectFilterScalar\'s max filter bit for bit (random sizes incl. 1xN and Nx1, kernels 1-31, zeros, ties, huge values, +Infinity)', () => {
  const r = rng(11);
  const sizes: [number, number][] = [[1, 1], [1, 17], [23, 1], [3, 2], [4, 4], [5, 7], [241, 25], [250, 26]];
  for (let i = 0; i < 24; i++) sizes.push([1 + Math.floor(r() * 300), 1 + Math.floor(r() * 40)]);
  for (const [w, h] of sizes) {
    const data = new Float32Array(w * h).map(() => {
      const u = r();
      return u < 0.1 ? 0 : u < 0.15 ? 255 : u < 0.17 ? 3.4e38 : u < 0.18 ? Infinity : u < 0.2 ? 1e-45 : r() * 255;
    });
    for (const [kx, ky] of [[1, 1], [3, 1], [1, 3], [3, 3], [9, 9], [7, 11], [31, 5], [5, 31], [2 * Math.floor(r() * 16) + 1, 2 * Math.floor(r() * 16) + 1]] as const) {
      const img = { width: w, height: h, data };
      const want = rectFilterScalar(img, kx, ky, true, new Float32Array(w * h)).data;
      const got = new Float32Array(w * h).fill(-7);
      assert.ok(simdMaxFilter(data, w, h, kx, ky, got), 'Node compiles the kernels');
      assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${w}x${h} k ${kx}x${ky}`);
      assert.deepEqual(new Uint32Array(rectFilter(img, kx, ky, true).data.slice().buffer), new Uint32Array(want.buffer), `rectFilter ${w}x${h} k ${kx}x${ky}`);
    }
  }
});

test('simdMaxFilter refuses negative values, -0 and NaN (rectFilter keeps its JavaScript values there) and an empty image', () => {
  for (const bad of [-1, -0, NaN, -Infinity]) {
    const data = new Float32Array([1, 2, bad, 4, 5, 6]);
    const got = new Float32Array(6).fill(9);
    assert.equal(simdMaxFilter(data, 3, 2, 3, 3, got), false, String(bad));
    assert.deepEqual([...got], [9, 9, 9, 9, 9, 9]);
    const img = { width: 3, height: 2, data };
    assert.deepEqual([...rectFilter(img, 3, 3, true).data], [...rectFilterScalar(img, 3, 3, true, new Float32Array(6)).data]);
  }
  assert.equal(simdMaxFilter(new Float32Array(0), 0, 0, 3, 3, new Float32Array(0)), false);
});

test('simdBlockMax4 gives the int32 maxima (from 0) of every 4x4 block, and blockMax the float reference\'s bits (random sizes incl. 1xN and Nx1; negatives, -0, NaN, Infinity)', () => {
  const r = rng(13);
  const sizes: [number, number][] = [[1, 1], [1, 23], [19, 1], [4, 4], [5, 5], [8, 3], [963, 100], [962, 99]];
  for (let i = 0; i < 30; i++) sizes.push([1 + Math.floor(r() * 200), 1 + Math.floor(r() * 60)]);
  for (const [w, h] of sizes) {
    for (const special of [false, true]) {
      const data = new Float32Array(w * h).map(() => {
        const u = r();
        if (!special) return u < 0.1 ? 0 : r() * 255;
        return u < 0.05 ? NaN : u < 0.1 ? -0 : u < 0.2 ? -r() * 9 : u < 0.22 ? Infinity : u < 0.24 ? -Infinity : r() * 255;
      });
      const bits = new Int32Array(data.buffer);
      const bw = Math.ceil(w / 4);
      const bh = Math.ceil(h / 4);
      const want = new Int32Array(bw * bh);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const j = (y >> 2) * bw + (x >> 2);
        want[j] = Math.max(want[j] as number, bits[y * w + x] as number);
      }
      const got = new Int32Array(bw * bh).fill(-5);
      assert.ok(simdBlockMax4(bits, w, h, got), 'Node compiles the kernels');
      assert.deepEqual(got, want, `${w}x${h}`);
      const img = { width: w, height: h, data };
      assert.deepEqual(new Uint32Array(blockMax(img, 4).data.slice().buffer), new Uint32Array(blockMaxReference(img, 4).data.buffer), `blockMax ${w}x${h}`);
    }
  }
  assert.equal(simdBlockMax4(new Int32Array(0), 0, 0, new Int32Array(0)), false);
  assert.equal(simdBlockMax4(new Int32Array(3), 2, 2, new Int32Array(1)), false, 'a buffer shorter than the image');
});

test('rectify gives the same floats from the frame memory (SIMD rows) as from a plain buffer (JavaScript rows): random and border-exact windows, partly outside, degenerate homographies, sources 1xN, Nx1, 3x3 and up', () => {
  const r = rng(17);
  const sizes: [number, number][] = [[1, 1], [1, 40], [40, 1], [2, 9], [3, 3], [4, 3], [9, 2], [16, 16], [33, 7], [7, 33], [160, 90], [427, 240], [1280, 720]];
  for (let i = 0; i < 8; i++) sizes.push([1 + Math.floor(r() * 200), 1 + Math.floor(r() * 120)]);
  for (const [w, h] of sizes) {
    const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
    assert.ok(mem, 'Node compiles the kernels');
    const data = new Uint8Array(w * h).map(() => (r() < 0.1 ? 0 : r() < 0.1 ? 255 : Math.floor(r() * 256)));
    for (const spec of rectSpecs(r, w, h, w * h > 1e5 ? 6 : 30)) assert.equal(rectifyMismatch(data, mem, w, h, spec), null);
  }
});

test('simdRect takes only a source lying in the frame memory, at least 3x3, whose window fits', () => {
  const mem = frameBuffer(100, 1000);
  assert.ok(mem);
  assert.ok(simdRect(mem, 10, 10, 1000, 100));
  assert.equal(simdRect(new Uint8Array(100), 10, 10, 1000, 100), null, 'a plain buffer');
  assert.equal(simdRect(mem.subarray(0, 20), 10, 2, 100, 10), null, 'two rows');
  assert.equal(simdRect(mem.subarray(0, 20), 2, 10, 100, 10), null, 'two columns');
  assert.equal(simdRect(mem, 10, 11, 100, 10), null, 'a source longer than its buffer');
  assert.equal(simdRect(mem, 10, 10, 1e9, 100), null, 'a window larger than the memory holds');
  assert.equal(frameBuffer(-1, 10), null);
});

test('rectify in place leaves the SIMD rows in the kernels\' window (the same floats), and writes a plain source\'s rows into `into`', () => {
  const r = rng(23);
  const [w, h] = [120, 70];
  const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
  assert.ok(mem);
  const data = new Uint8Array(w * h).map(() => Math.floor(r() * 256));
  mem.set(data);
  const spec = { cx: 60, cy: 35, angle: 0.2, u0: -40, u1: 40, v0: -10, v1: 10, scale: 1.3 };
  const into = new Float32Array(RECT_MAX_PIXELS);
  const want = rectify({ width: w, height: h, data }, spec);
  const kept = rectify({ width: w, height: h, data: mem }, spec, undefined, into, true);
  assert.ok(want && kept);
  assert.equal(kept.data.buffer, mem.buffer, 'left in the kernels\' memory');
  assert.deepEqual(new Uint32Array(kept.data.slice().buffer), new Uint32Array(want.data.buffer));
  const plain = rectify({ width: w, height: h, data }, spec, undefined, into, true);
  assert.equal(plain?.data.buffer, into.buffer, 'a plain source: into');
  assert.deepEqual(new Uint32Array(plain.data.slice().buffer), new Uint32Array(want.data.buffer));
});

/** Float bits of `a` as an array (NaN payloads included), for deepEqual. */
const bitsOf = (a: Float32Array): number[] => [...new Uint32Array(a.slice().buffer)];

test('simdInk\'s first pass gives the JavaScript ink bit for bit (sizes incl. 1x1, 1xN and Nx1; -0, NaN, infinities, a background of exactly 24, ink of exactly 0)', () => {
  const r = rng(17);
  const sizes: [number, number][] = [[1, 1], [1, 9], [9, 1], [3, 2], [4, 4], [5, 3], [7, 13], [963, 91]];
  for (let i = 0; i < 20; i++) sizes.push([1 + Math.floor(r() * 120), 1 + Math.floor(r() * 40)]);
  const special = [0, -0, 24, 24.000001, 23.999999, 255, NaN, Infinity, -Infinity, 1e-45, 3.4e38, -5];
  const pick = (scale: number): number => (r() < 0.15 ? (special[Math.floor(r() * special.length)] as number) : r() * scale);
  for (const [w, h] of sizes) {
    const sh = Math.ceil(h / 4);
    const k = simdInk(w, h, 1, sh);
    assert.ok(k, 'Node compiles the kernels');
    for (let i = 0; i < sh * w; i++) k.hrows[i] = pick(300);
    for (let i = 0; i < w * h; i++) k.data[i] = r() < 0.05 ? (k.hrows[i % (sh * w)] as number) : pick(255);
    const want = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      const y0 = Math.floor(r() * sh);
      const y1 = Math.min(sh - 1, y0 + 1);
      const ty = r() < 0.2 ? [0, 0.125, 0.375, 0.625, 0.875][Math.floor(r() * 5)]! : r();
      const uy = 1 - ty;
      k.row(y, y0, y1, uy, ty);
      for (let x = 0; x < w; x++) {
        const b = Math.fround(k.hrows[y0 * w + x]! * uy + k.hrows[y1 * w + x]! * ty);
        const v = (b - k.data[y * w + x]!) / (b > 24 ? b : 24);
        want[y * w + x] = Math.fround(v > 0 ? v : 0);
      }
    }
    assert.deepEqual(bitsOf(k.ink), bitsOf(want), `${w}x${h}`);
  }
});

test('simdInk\'s histogram counts bin256(v, 0, 255) of every ink value (bin edges exactly and a few ulps off, tiny values, 0, -0, 1; every length mod 4), and refuses ink above 1', () => {
  const r = rng(19);
  const edges: number[] = [0, -0, 1, 1e-45, Math.fround(0.5 / 255), Math.fround(254.5 / 255)];
  // Each bin's edge and the floats up to 3 ulps either side of it; floats about 2^-20 and below.
  const near = new Float32Array(1);
  const bits = new Uint32Array(near.buffer);
  for (let b = 0; b < 255; b++) {
    near[0] = (b + 0.5) / 255;
    const at = bits[0]!;
    for (let d = -3; d <= 3; d++) {
      bits[0] = at + d;
      edges.push(near[0]!);
    }
    edges.push(Math.fround(b / 255));
  }
  for (let e = 15; e <= 30; e++) edges.push(2 ** -e, Math.fround(3 * 2 ** -e));
  for (const [w, h] of [[1, 1], [2, 1], [3, 1], [1, 5], [7, 3], [600, 80], [963, 91]] as const) {
    const k = simdInk(w, h, 1, Math.ceil(h / 4));
    assert.ok(k, 'Node compiles the kernels');
    for (let i = 0; i < w * h; i++) k.ink[i] = r() < 0.3 ? 0 : r() < 0.3 ? (edges[Math.floor(r() * edges.length)] as number) : r();
    const want = new Uint32Array(256);
    for (const v of k.ink) want[bin256(v, 0, 255)]! += 1;
    const got = new Uint32Array(256).fill(7);
    assert.equal(k.histogram(got), true);
    assert.deepEqual([...got], [...want], `${w}x${h}`);
    k.ink[Math.floor(r() * w * h)] = 1.0000001;
    const untouched = new Uint32Array(256).fill(7);
    assert.equal(k.histogram(untouched), false, `${w}x${h}: ink above 1`);
    assert.deepEqual([...untouched], [...new Uint32Array(256).fill(7)]);
  }
});

test('simdInk\'s second pass gives the JavaScript normalised ink and mask (values exactly at the threshold and at 1, every length mod 4)', () => {
  const r = rng(23);
  for (const [w, h] of [[1, 1], [2, 1], [3, 1], [1, 6], [5, 5], [401, 37]] as const) {
    for (const [level, t] of [[0.5, 0.25], [0.2, 0.6], [1, 0.3], [0.7312, 0.4411]] as const) {
      const k = simdInk(w, h, 1, Math.ceil(h / 4));
      assert.ok(k, 'Node compiles the kernels');
      const exact = [0, level * t, level, Math.fround(level * t), Math.fround(level * 1.5), 1, 1e-45];
      for (let i = 0; i < w * h; i++) k.ink[i] = r() < 0.3 ? (exact[Math.floor(r() * exact.length)] as number) : r() < 0.3 ? 0 : r();
      const ink = new Float32Array(w * h);
      const bin = new Uint8Array(w * h);
      for (let i = 0; i < w * h; i++) {
        let v = k.ink[i]! / level;
        if (v > 1) v = 1;
        ink[i] = v;
        bin[i] = v > t ? 1 : 0;
      }
      k.normalise(level, t);
      assert.deepEqual(bitsOf(k.ink), bitsOf(ink), `${w}x${h} level ${level}`);
      assert.deepEqual([...k.bin], [...bin], `${w}x${h} level ${level} mask`);
    }
  }
});

test('simdInk counts the ink values above a threshold as JavaScript\'s `f > t` (values at t, just below and above it as floats; every length mod 4)', () => {
  const r = rng(37);
  for (const [w, h] of [[1, 1], [2, 1], [3, 1], [1, 7], [6, 5], [963, 91]] as const) {
    for (const t of [0.12, 0.3, Math.fround(0.3), 0.5, 1]) {
      const k = simdInk(w, h, 1, Math.ceil(h / 4));
      assert.ok(k, 'Node compiles the kernels');
      const near = [t, Math.fround(t), 0, 1, Math.fround(t * (1 + 2 ** -23)), Math.fround(t * (1 - 2 ** -23))];
      for (let i = 0; i < w * h; i++) k.ink[i] = r() < 0.4 ? (near[Math.floor(r() * near.length)] as number) : r();
      let want = 0;
      for (const v of k.ink) want += v > t ? 1 : 0;
      assert.equal(k.countAbove(t), want, `${w}x${h} t ${t}`);
    }
  }
});

test('simdInk\'s background rows give the JavaScript a + (b - a) tx bit for bit (random columns and weights; -0, NaN, infinities; 1xN and Nx1)', () => {
  const r = rng(41);
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4e38, 255];
  for (const [w, sw, sh] of [[1, 1, 1], [1, 1, 5], [9, 3, 1], [17, 5, 4], [963, 241, 23]] as const) {
    const k = simdInk(w, 4 * sh, sw, sh);
    assert.ok(k, 'Node compiles the kernels');
    const bg = new Float32Array(sw * sh).map(() => (r() < 0.2 ? (special[Math.floor(r() * special.length)] as number) : r() * 255));
    const cx0 = new Int32Array(w).map(() => Math.floor(r() * sw));
    const cx1 = new Int32Array(w).map(() => Math.floor(r() * sw));
    const ctx = new Float64Array(w).map(() => (r() < 0.2 ? [0, -0, 0.125, 0.625, 1][Math.floor(r() * 5)]! : r()));
    k.backgroundRows(bg, cx0, cx1, ctx);
    const want = new Float64Array(sh * w);
    for (let y = 0; y < sh; y++) for (let x = 0; x < w; x++) {
      const a = bg[y * sw + cx0[x]!]!;
      want[y * w + x] = a + (bg[y * sw + cx1[x]!]! - a) * ctx[x]!;
    }
    assert.deepEqual([...new BigUint64Array(k.hrows.slice().buffer)], [...new BigUint64Array(want.buffer)], `${w} from ${sw}x${sh}`);
  }
});

test('simdInk refuses an empty band, one over 2^24 pixels and a background larger than the band (inkMap then runs in JavaScript)', () => {
  assert.equal(simdInk(0, 5, 1, 2), null);
  assert.equal(simdInk(5, 0, 1, 1), null);
  assert.equal(simdInk(4097, 4096, 1025, 1024), null);
  assert.equal(simdInk(4, 4, 1, 5), null);
  assert.equal(simdInk(4, 4, 5, 4), null);
});

test('inkMap gives the same ink, mask and threshold with its SIMD kernels as in JavaScript (random bands incl. 1xN and Nx1, long rules around the run limit, negative, -0 and NaN pixels)', () => {
  const r = rng(29);
  const sizes: [number, number][] = [[1, 1], [1, 40], [50, 1], [2, 3], [9, 9], [203, 61], [963, 91]];
  for (let i = 0; i < 24; i++) sizes.push([1 + Math.floor(r() * 400), 1 + Math.floor(r() * 90)]);
  for (const [trial, [w, h]] of sizes.entries()) {
    const charSize = 4 + r() * 20;
    const maxRun = Math.max(8, Math.round(2 * charSize));
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      // A dark rule of about the run limit's length on some rows (longer, equal, shorter), glyph-like blocks elsewhere.
      const rule = y % 7 === 3 ? maxRun + Math.floor(r() * 5) - 2 : 0;
      const at = Math.floor(r() * w);
      for (let x = 0; x < w; x++) {
        let v = 150 + (80 * x) / w + 10 * r();
        if ((x % 11 < 6 && y % 17 > 4 && y % 17 < 14) || (x >= at && x < at + rule)) v = 40 + 30 * r();
        data[y * w + x] = v;
      }
    }
    if (trial % 4 === 1) for (let i = 0; i < 5; i++) data[Math.floor(r() * w * h)] = [-0, NaN, -20, 0, 255][i]!;
    const img = { width: w, height: h, data };
    assert.equal(inkMapMismatch(img, charSize), null, `trial ${trial}`);
  }
});

test('where the first kernel module is refused (a CSP without \'wasm-unsafe-eval\'), no other module is tried: one refused compile per worker, and every kernel declines', async () => {
  const Real = WebAssembly.Module;
  let tries = 0;
  (WebAssembly as { Module: unknown }).Module = function refused(): never {
    tries++;
    throw new WebAssembly.CompileError('refused by the page\'s CSP');
  };
  try {
    // A fresh instance of simd.ts (its compiled modules are cached per module instance).
    const fresh = (await import(new URL('../../../sdk/mrz/simd.ts?refused', import.meta.url).href)) as typeof SimdModule;
    assert.equal(fresh.simdLayer(new Float64Array(8), new Float64Array(4), 4, 2), null);
    assert.equal(fresh.simdBlackHat(new Uint8Array(64), 8, 8, 1, new Uint8Array(64)), false);
    assert.equal(fresh.frameBuffer(100, 100), null);
    assert.equal(fresh.simdInk(4, 4, 1, 1), null);
    assert.equal(fresh.simdCnn({ width: 16, height: 20, conv1: 1, conv2: 1, dense: 1, outputs: 1 }, [[0], [0], [0], [0]], [[0], [0], [0], [0]]), null);
    assert.equal(tries, 1);
  } finally {
    (WebAssembly as { Module: unknown }).Module = Real;
  }
});

test('simdCnn gives the forward pass\'s logits bit for bit: random nets of every channel count mod 4 and 8, plane sizes even, odd and minimal; zero, -0, tiny, huge and non-finite inputs', () => {
  const r = rng(41);
  for (const [width, height, conv1, conv2, dense, outputs] of [
    [GLYPH_W, GLYPH_H, 8, 16, 64, 37],
    [GLYPH_W, GLYPH_H, 3, 5, 7, 37],
    [GLYPH_W, GLYPH_H, 1, 1, 1, 1],
    [GLYPH_W, GLYPH_H, 16, 32, 128, 37],
    [17, 21, 5, 6, 9, 10],
    [4, 4, 2, 3, 8, 8],
    [7, 5, 1, 2, 3, 9],
    [24, 20, 8, 16, 64, 37],
  ] as const) {
    const shape = { width, height, conv1, conv2, dense, outputs };
    const { w, b } = randomCnn(r, shape);
    for (const edges of [false, true]) assert.equal(cnnMismatch(shape, w, b, cnnGlyphs(r, width * height, 5, edges)), null);
  }
});

test('simdCnn on the shipped net gives cnnLogitsReference\'s bits on normalised glyphs, a line at a time as its memory grows and shrinks', () => {
  const net = shippedCnn();
  const k = simdCnn({ width: GLYPH_W, height: GLYPH_H, conv1: net.conv1, conv2: net.conv2, dense: net.dense, outputs: net.outputs }, net.w, net.b);
  assert.ok(k, 'Node compiles the kernel');
  const r = rng(43);
  const want = new Float64Array(net.outputs);
  for (const n of [1, 44, 90, 3, 0]) {
    const raw = cnnGlyphs(r, GLYPH_SIZE, n, false);
    const xs = k.glyphs(n);
    assert.ok(xs);
    assert.equal(xs.length, n * GLYPH_SIZE);
    for (let g = 0; g < n; g++) normaliseGlyph(raw, g * GLYPH_SIZE, xs.subarray(g * GLYPH_SIZE));
    const copy = xs.slice();
    const got = k.run(n);
    for (let g = 0; g < n; g++) {
      cnnLogitsReference(net, copy, g * GLYPH_SIZE, want);
      for (let c = 0; c < net.outputs; c++) assert.ok(Object.is(got[g * k.stride + c], want[c]), `n ${n}, glyph ${g}, logit ${c}`);
    }
  }
});

test('simdCnn refuses a plane that pools to nothing, an empty layer and missing layers', () => {
  const w = [[0], [0], [0], [0]];
  assert.equal(simdCnn({ width: 3, height: 20, conv1: 1, conv2: 1, dense: 1, outputs: 1 }, w, w), null);
  assert.equal(simdCnn({ width: 16, height: 2, conv1: 1, conv2: 1, dense: 1, outputs: 1 }, w, w), null);
  assert.equal(simdCnn({ width: 16, height: 20, conv1: 1, conv2: 0, dense: 1, outputs: 1 }, w, w), null);
  assert.equal(simdCnn({ width: 16, height: 20, conv1: 1, conv2: 1, dense: 1, outputs: 1 }, w.slice(1), w), null);
});
