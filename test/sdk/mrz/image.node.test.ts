// Speed-oriented rewrites of the MRZ engine's hot loops must compute exactly what the plain
// formulas compute: each test checks one against a straightforward reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyGlyphs, forward, shippedModel, CLASSES, type Mlp } from '../../../sdk/mrz/classify.ts';
import { RECT_MAX_PIXELS } from '../../../sdk/mrz/rectify.ts';
import { frameBuffer } from '../../../sdk/mrz/simd.ts';
import { blackHat8, blockMax, blockMaxReference, boxBlur, downscale, downscaleTwo, otsu, otsu8, percentile, rectFilter, roundHalfUp, readyGray, rotateQuarter, selectKth, toFloat, toGray, toGrayLevels, type FloatImage, type Gray8 } from '../../../sdk/mrz/image.ts';
import { rectify, type RectSpec } from '../../../sdk/mrz/rectify.ts';
import { GLYPH_SIZE, inkMap } from '../../../sdk/mrz/segment.ts';
import { rng } from './seeded.ts';

function randomGray(w: number, h: number, seed: number): Gray8 {
  const r = rng(seed);
  const data = new Uint8Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  return { width: w, height: h, data };
}

test('roundHalfUp equals Math.round, also next to halves and just below 0.5', () => {
  const edge = [0.49999999999999994, -0.49999999999999994, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, -2.5000000000000004, 1.4999999999999998, 255.49999999999997, 4503599627370495.5, -4503599627370495.5, 1e-300, -1e-300, 0, 1e20, -1e20];
  const r = rng(7);
  for (let i = 0; i < 20000; i++) edge.push((r() - 0.5) * 1000, Math.floor((r() - 0.5) * 1000) + 0.5, (r() - 0.5) * 2 ** -(r() * 60));
  for (const x of edge) assert.ok(roundHalfUp(x) === Math.round(x), `x = ${x}`);
  assert.ok(Number.isNaN(roundHalfUp(Number.NaN)));
  assert.equal(roundHalfUp(Infinity), Infinity);
  assert.equal(roundHalfUp(-Infinity), -Infinity);
});

test('otsu and percentile bin values as Math.round does (reference histogram)', () => {
  const r = rng(11);
  const v = new Float32Array(5000);
  for (let i = 0; i < v.length; i++) v[i] = i % 3 === 0 ? r() * 0.1 : r();
  // Values on bin edges (k + 0.5) / 255 in float32.
  for (let k = 0; k < 255; k++) v[k] = (k + 0.5) / 255;
  // The Math.round bins as bytes: otsu8 over them is the reference threshold.
  const bins = new Uint8Array(v.length);
  const hist = new Float64Array(256);
  v.forEach((x, i) => {
    const b = Math.min(255, Math.max(0, Math.round(x * 255)));
    bins[i] = b;
    hist[b] = (hist[b] as number) + 1;
  });
  assert.equal(otsu(v, 1), (otsu8(bins, bins.length) + 0.5) / 255);
  let acc = 0;
  let p90 = 1;
  for (let i = 0; i < 256; i++) {
    acc += hist[i] as number;
    if (acc >= 0.9 * v.length) {
      p90 = i / 255;
      break;
    }
  }
  assert.equal(percentile(v, 0.9, 0, 1), p90);
});

/** The rounded mean of each f x f block, straight from the definition. */
function referenceDownscale(g: Gray8, f: number): Gray8 {
  const ow = Math.floor(g.width / f);
  const oh = Math.floor(g.height / f);
  const data = new Uint8Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += g.data[(y * f + dy) * g.width + x * f + dx] as number;
      data[y * ow + x] = Math.floor((s + ((f * f) >> 1)) / (f * f));
    }
  }
  return { width: ow, height: oh, data };
}

test('downscale and downscaleTwo give the rounded block means (plain reference), odd sizes included', () => {
  for (const [w, h, f] of [
    [37, 23, 1],
    [37, 23, 2],
    [101, 57, 3],
    [8, 7, 3],
    [64, 48, 2],
    [50, 41, 4],
    [26, 11, 5],
  ] as const) {
    const g = randomGray(w, h, 7 * w + f);
    const flat = (i: Gray8): [number, number, number[]] => [i.width, i.height, [...i.data]];
    const want = flat(referenceDownscale(g, f));
    assert.deepEqual(flat(downscale(g, f)), want, `downscale ${w}x${h} f ${f}`);
    const [a, b] = downscaleTwo(g, f);
    assert.deepEqual(flat(a), want, `downscaleTwo fine ${w}x${h} f ${f}`);
    assert.deepEqual(flat(b), flat(referenceDownscale(g, 2 * f)), `downscaleTwo coarse ${w}x${h} f ${f}`);
  }
  // Factor 2's own path at its extremes: every pixel 255 (sums at the top of the byte's range), 0, and 1-3 (rounding).
  for (const v of [255, 0, 1, 2, 3]) {
    const g: Gray8 = { width: 9, height: 5, data: new Uint8Array(45).fill(v) };
    assert.deepEqual([...downscale(g, 2).data], [...referenceDownscale(g, 2).data], `all ${v}`);
  }
});

test('blockMax (bit patterns, columns first) equals the float compares: block sizes 1-9, clipped edges, ties, -0, negatives, infinities and NaNs', () => {
  const r = rng(23);
  const same = (a: FloatImage, b: FloatImage, what: string): void => {
    assert.equal(a.width, b.width, what);
    assert.equal(a.height, b.height, what);
    for (let i = 0; i < b.data.length; i++) assert.ok(Object.is(a.data[i], b.data[i]), `${what}: block ${i}: ${a.data[i]} vs ${b.data[i]}`);
  };
  for (let t = 0; t < 400; t++) {
    const w = 1 + Math.floor(r() * 70);
    const h = 1 + Math.floor(r() * 40);
    const bs = 1 + (t % 9);
    const data = new Float32Array(w * h);
    const mode = t % 4;
    for (let i = 0; i < data.length; i++) {
      const u = r();
      // Pixels (mode 0), few distinct values (ties), tiny values next to 0, and odd values.
      data[i] = mode === 0 ? u * 255 : mode === 1 ? Math.floor(u * 3) : mode === 2 ? u * 1e-40 : 0;
      if (mode === 3) {
        const odd = [-0, -1, -Infinity, Infinity, NaN, -NaN, 3.5, 1e-45, 255];
        data[i] = u < 0.5 ? u * 100 : (odd[Math.floor(r() * odd.length)] as number);
      }
    }
    const img = { width: w, height: h, data };
    same(blockMax(img, bs), blockMaxReference(img, bs), `${w}x${h} bs ${bs} mode ${mode}`);
  }
  // A NaN is skipped: the block's other values (or 0) give its maximum; a negative NaN's pattern too.
  const nanBits = new Int32Array([0x7fc00000, 0x7fffffff, -1]);
  const nans = new Float32Array(nanBits.buffer);
  const img = { width: 4, height: 2, data: new Float32Array([nans[0] as number, 2, nans[1] as number, nans[2] as number, 1, 0.5, -3, -0]) };
  assert.deepEqual([...blockMax(img, 2).data], [2, 0]);
  // A buffer shorter than the image (never the engine's) is read as the float compares read it.
  const short = { width: 5, height: 3, data: new Float32Array([1, 2, 3, 4, 5, 6, 7]) };
  same(blockMax(short, 2), blockMaxReference(short, 2), 'short buffer');
  // No pixels: one empty block.
  assert.deepEqual([...blockMax({ width: 0, height: 0, data: new Float32Array(0) }, 4).data], [0]);
});

test('selectKth gives the element a sorted copy holds at k: ties, runs, constant, sorted and reversed input', () => {
  const r = rng(11);
  for (let t = 0; t < 4000; t++) {
    const n = 1 + Math.floor(r() * 300);
    const a = t % 2 ? new Float32Array(n) : new Float64Array(n);
    const mode = t % 5;
    for (let i = 0; i < n; i++) a[i] = mode === 0 ? Math.floor(r() * 4) : mode === 1 ? 0.25 : mode === 2 ? i : mode === 3 ? n - i : r() * 100;
    const k = Math.floor(r() * n);
    const want = a.slice().sort()[k];
    assert.equal(selectKth(a.slice(), k), want, `n = ${n}, k = ${k}, mode ${mode}`);
  }
});

test('toGray gives the BT.601 integer luma for every red and blue pair, any green and alpha', () => {
  // 65536 pixels: every (R, B), G and alpha varying with them (alpha above 127 makes the word negative).
  const n = 65536;
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = i & 255;
    rgba[4 * i + 1] = (i * 7 + (i >> 8)) & 255;
    rgba[4 * i + 2] = i >> 8;
    rgba[4 * i + 3] = (i * 13) & 255;
  }
  const got = toGray({ width: 256, height: 256, data: rgba })?.data ?? new Uint8Array(0);
  for (let i = 0; i < n; i++) {
    const want = ((rgba[4 * i] as number) * 77 + (rgba[4 * i + 1] as number) * 150 + (rgba[4 * i + 2] as number) * 29) >> 8;
    assert.equal(got[i], want, `pixel ${i}`);
  }
});

test('toGray converts into a given buffer when it is large enough, else into a new one', () => {
  const w = 9;
  const h = 5;
  const r = rng(3);
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = Math.floor(r() * 256);
  const fresh = toGray({ width: w, height: h, data: rgba });
  const buf = new Uint8Array(w * h + 10).fill(7);
  const into = toGray({ width: w, height: h, data: rgba }, buf);
  assert.ok(fresh && into);
  assert.equal(into.data.buffer, buf.buffer);
  assert.equal(into.data.length, w * h);
  assert.deepEqual([...into.data], [...fresh.data]);
  for (let i = 0; i < w * h; i++) {
    const j = 4 * i;
    assert.equal(into.data[i], ((rgba[j] as number) * 77 + (rgba[j + 1] as number) * 150 + (rgba[j + 2] as number) * 29) >> 8);
  }
  const small = new Uint8Array(3);
  const other = toGray({ width: w, height: h, data: rgba }, small);
  assert.notEqual(other?.data.buffer, small.buffer);
  // An unaligned RGBA view takes the byte-wise path with the same result.
  const shifted = new Uint8Array(rgba.length + 1);
  shifted.set(rgba, 1);
  assert.deepEqual([...(toGray({ width: w, height: h, data: shifted.subarray(1) })?.data ?? [])], [...fresh.data]);
});

test('toGray and downscaleTwo in the SIMD kernels\' frame memory give the same bytes as from plain buffers, odd sizes included', () => {
  for (const [w, h] of [[16, 1], [17, 5], [33, 33], [1001, 7], [640, 481]] as const) {
    const r = rng(w * h);
    const rgba = new Uint8Array(4 * w * h);
    for (let i = 0; i < rgba.length; i++) rgba[i] = Math.floor(r() * 256);
    const plain = toGray({ width: w, height: h, data: rgba });
    const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
    assert.ok(plain && mem, 'the SIMD kernels compile in Node');
    mem.fill(7);
    const simd = toGray({ width: w, height: h, data: rgba }, mem);
    assert.ok(simd);
    assert.equal(simd.data.buffer, mem.buffer);
    assert.deepEqual([...simd.data], [...plain.data], `${w}x${h}`);
    // Its 2x2 level by SIMD there too, with the 4x4 one: as from a plain buffer.
    const flat = (i: Gray8): [number, number, number[]] => [i.width, i.height, [...i.data]];
    const [fine, coarse] = downscaleTwo(simd, 2);
    if (h >= 2) assert.equal(fine.data.buffer, mem.buffer, `${w}x${h}: the 2x2 level made by SIMD`);
    const [plainFine, plainCoarse] = downscaleTwo(plain, 2).map(flat);
    assert.deepEqual(flat(fine), plainFine, `${w}x${h} 2x2`);
    assert.deepEqual(flat(coarse), plainCoarse, `${w}x${h} 4x4`);
  }
});

/** RGBA of random pixels and the frame toGray makes of it. */
function randomRgba(w: number, h: number, seed: number): { image: { width: number; height: number; data: Uint8Array }; gray: Gray8 } {
  const r = rng(seed);
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
  const image = { width: w, height: h, data };
  const gray = toGray(image);
  assert.ok(gray);
  return { image, gray: { width: w, height: h, data: gray.data.slice() } };
}

/** toGrayLevels' frame converted on demand, into a buffer full of a stale value (a previous frame's pixels). */
function onDemand(image: { width: number; height: number; data: Uint8Array }, stale = 0xab): Gray8 {
  const got = toGrayLevels(image, 3, new Uint8Array(image.width * image.height).fill(stale));
  assert.ok(got?.gray.ready, 'converted on demand');
  return got.gray;
}

test('toGrayLevels gives toGray and downscaleTwo of it; its frame is converted on demand for factor 3 RGBA words, else eager', () => {
  const flat = (i: Gray8): [number, number, number[]] => [i.width, i.height, [...i.data]];
  for (const [w, h, f] of [
    [1280, 20, 3],
    [37, 23, 3],
    [38, 25, 3],
    [6, 6, 3],
    [5, 4, 3],
    [2, 2, 3],
    [50, 41, 4],
    [37, 23, 2],
    [37, 23, 1],
    // Wider than the one pass's block sums hold (3072): toGray and downscaleTwo.
    [3100, 4, 3],
  ] as const) {
    const { image, gray } = randomRgba(w, h, w + h + f);
    const [fine, coarse] = downscaleTwo(gray, f);
    const into = new Uint8Array(w * h + 3).fill(7);
    for (const got of [toGrayLevels(image, f), toGrayLevels(image, f, into)]) {
      assert.ok(got, `${w}x${h} f ${f}`);
      assert.deepEqual(flat(got.levels[0]), flat(fine), `fine ${w}x${h} f ${f}`);
      assert.deepEqual(flat(got.levels[1]), flat(coarse), `coarse ${w}x${h} f ${f}`);
      const lazy = f === 3 && w <= 3072;
      assert.equal(!!got.gray.ready, lazy, `${w}x${h} f ${f}: on demand`);
      readyGray(got.gray);
      assert.deepEqual(flat(got.gray), flat(gray), `grey ${w}x${h} f ${f}`);
    }
    assert.equal(toGrayLevels(image, f, into)?.gray.data.buffer, into.buffer);
  }
  // Unaligned RGBA (byte-wise path) and grey input: the eager frame; malformed input: null.
  const { image, gray } = randomRgba(30, 12, 3);
  const shifted = new Uint8Array(image.data.length + 1);
  shifted.set(image.data, 1);
  const un = toGrayLevels({ width: 30, height: 12, data: shifted.subarray(1) }, 3);
  assert.ok(un && !un.gray.ready);
  assert.deepEqual([...un.gray.data], [...gray.data]);
  assert.deepEqual(un.levels.map(flat), downscaleTwo(gray, 3).map(flat));
  const fromGray = toGrayLevels(gray, 3);
  assert.equal(fromGray?.gray.ready, undefined);
  assert.deepEqual(fromGray && flat(fromGray.gray), flat(gray));
  assert.equal(toGrayLevels({ width: 10, height: 10, data: new Uint8Array(7) }, 3), null);
  assert.equal(toGrayLevels({ width: 0, height: 10, data: new Uint8Array(0) }, 3), null);
  assert.equal(toGrayLevels({ width: 2.5, height: 10, data: new Uint8Array(100) }, 3), null);
});

test('a frame converted on demand holds toGray\'s pixels where asked (row stretches widened, gaps filled), the rest untouched', () => {
  const r = rng(31);
  for (let t = 0; t < 60; t++) {
    const w = 3 + Math.floor(r() * 60);
    const h = 3 + Math.floor(r() * 30);
    const { image, gray } = randomRgba(w, h, 100 + t);
    const g = onDemand(image, 0xab);
    // Which pixels must be valid: per row, the span from the first to the last pixel asked for.
    const lo = new Array<number>(h).fill(Infinity);
    const hi = new Array<number>(h).fill(-Infinity);
    for (let k = 0; k < 1 + (t % 5); k++) {
      // Some requests reach outside the image or are fractional, empty or NaN (clamped; NaN: the whole extent).
      const x0 = Math.floor(r() * (w + 10)) - 5 + (k === 2 ? 0.4 : 0);
      const x1 = x0 + Math.floor(r() * w) - (k === 3 ? w : 0);
      const y0 = Math.floor(r() * (h + 6)) - 3;
      const y1 = k === 4 ? NaN : y0 + Math.floor(r() * h);
      readyGray(g, x0, y0, x1, y1);
      const xa = Math.max(0, Math.floor(x0));
      const xb = Math.min(w - 1, Math.ceil(x1));
      const ya = Math.max(0, Math.floor(y0));
      const yb = Number.isNaN(y1) ? h - 1 : Math.min(h - 1, Math.ceil(y1));
      if (xa > xb) continue;
      for (let y = ya; y <= yb; y++) {
        lo[y] = Math.min(lo[y] as number, xa);
        hi[y] = Math.max(hi[y] as number, xb);
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const want = x >= (lo[y] as number) && x <= (hi[y] as number) ? gray.data[i] : 0xab;
        assert.equal(g.data[i], want, `case ${t}: ${w}x${h} pixel ${x},${y}`);
      }
    }
  }
});

test('two frames converted on demand, alive at once and readied in turn, each hold their own pixels', () => {
  const a = randomRgba(40, 20, 51);
  const b = randomRgba(40, 20, 52);
  const ga = onDemand(a.image);
  const gb = onDemand(b.image);
  for (let turn = 0; turn < 3; turn++) {
    readyGray(ga, 0, 0, 19, 9);
    readyGray(gb);
    readyGray(ga);
    assert.deepEqual([...ga.data], [...a.gray.data], `turn ${turn}: first frame`);
    assert.deepEqual([...gb.data], [...b.gray.data], `turn ${turn}: second frame`);
  }
});

test('rectify, downscale, rotateQuarter, toFloat and blackHat8 read a frame converted on demand as the whole frame (windows in, across and off the borders)', () => {
  const r = rng(37);
  const { image, gray } = randomRgba(161, 97, 41);
  for (let t = 0; t < 300; t++) {
    // A fresh frame each time, over stale pixels that differ from every grey value's neighbours.
    const g = onDemand(image, t & 255);
    const scale = t % 7 === 0 ? 0.3 + r() * 0.3 : 0.6 + r() * 1.2;
    const len = 20 + r() * 150;
    const hgt = 8 + r() * 40;
    let spec: RectSpec = { cx: -30 + r() * 220, cy: -20 + r() * 140, angle: (r() - 0.5) * 1.2, u0: -len / 2, u1: len / 2, v0: -hgt / 2, v1: hgt / 2, scale };
    if (t % 2) {
      // A perspective window: a mild projective map of the output pixel grid; every tenth one has a
      // denominator that changes sign over the window (read whole).
      const W = Math.round(len * scale);
      const H = Math.round(hgt * scale);
      const p = t % 10 === 1 ? -2 / W : (r() - 0.5) * 0.004;
      const a = Math.cos(spec.angle) / scale;
      const b = Math.sin(spec.angle) / scale;
      spec = { ...spec, homography: [a, -b, spec.cx - 40, b, a, spec.cy - 10, p, (r() - 0.5) * 0.004, 1] };
      assert.ok(W >= 1 && H >= 1);
    }
    const want = rectify(gray, spec);
    const got = rectify(g, spec);
    assert.equal(got === null, want === null, `case ${t}`);
    if (got && want) assert.deepEqual([...got.data], [...want.data], `case ${t}: ${JSON.stringify(spec)}`);
  }
  const flat = (i: Gray8): [number, number, number[]] => [i.width, i.height, [...i.data]];
  assert.deepEqual(flat(downscale(onDemand(image), 2)), flat(downscale(gray, 2)));
  assert.deepEqual(flat(downscaleTwo(onDemand(image), 3)[1]), flat(downscaleTwo(gray, 3)[1]));
  assert.deepEqual(flat(rotateQuarter(onDemand(image), 1)), flat(rotateQuarter(gray, 1)));
  assert.deepEqual([...toFloat(onDemand(image)).data], [...toFloat(gray).data]);
  const n = 161 * 97;
  assert.deepEqual([...blackHat8(onDemand(image), 3, new Uint8Array(n))], [...blackHat8(gray, 3, new Uint8Array(n))]);
});

test('blackHat8 equals closing minus image for m = 1, 2, 3 and rejects other sizes', () => {
  for (const m of [1, 2, 3]) {
    for (const [w, h] of [
      [1, 1],
      [2, 7],
      [17, 3],
      [40, 29],
      // Rows shorter than the window and than its clamped ends (d = 3 for m = 3).
      [4, 9],
      [7, 5],
      [9, 2],
    ] as const) {
      const img = randomGray(w, h, 100 * m + w);
      const got = blackHat8(img, m, new Uint8Array(w * h));
      const k = (1 << m) + 1;
      const closed = rectFilter(rectFilter(toFloat(img), k, k, true), k, k, false).data;
      for (let i = 0; i < w * h; i++) assert.equal(got[i], (closed[i] as number) - (img.data[i] as number), `m ${m} ${w}x${h} pixel ${i}`);
    }
  }
  assert.throws(() => blackHat8(randomGray(8, 8, 1), 4, new Uint8Array(64)), RangeError);
});

test('blackHat8 (four pixels per word) matches the closing on every row length mod 4 and on byte extremes', () => {
  // Values around the high bit and the ends of a byte: the word-wise maximum's edge cases.
  const extremes = [0, 1, 126, 127, 128, 129, 254, 255];
  const r = rng(77);
  for (const m of [1, 2, 3]) {
    for (const [w, h] of [
      [3, 4],
      [5, 6],
      [12, 5],
      [13, 11],
      [14, 3],
      [31, 9],
      [64, 10],
      [426, 12],
    ] as const) {
      const data = new Uint8Array(w * h);
      for (let i = 0; i < data.length; i++) data[i] = extremes[Math.floor(r() * extremes.length)] as number;
      const img = { width: w, height: h, data };
      // Written into a longer, dirty buffer and from a frame reused at another size: no stale bytes leak in.
      blackHat8(randomGray(w + 5, h + 3, w), m, new Uint8Array((w + 5) * (h + 3)));
      const out = new Uint8Array(w * h + 7).fill(99);
      const got = blackHat8(img, m, out);
      const k = (1 << m) + 1;
      const closed = rectFilter(rectFilter(toFloat(img), k, k, true), k, k, false).data;
      for (let i = 0; i < w * h; i++) assert.equal(got[i], (closed[i] as number) - (data[i] as number), `m ${m} ${w}x${h} pixel ${i}`);
      assert.equal(out[w * h], 99, 'nothing written past the image');
    }
  }
});

/** Bilinear sample of `g` at (x, y), borders clamped: (a + (b - a) tx) (1 - ty) + (c + (d - c) tx) ty. */
function referenceBilinear(g: Gray8, x: number, y: number): number {
  x = Math.min(g.width - 1, Math.max(0, x));
  y = Math.min(g.height - 1, Math.max(0, y));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(g.width - 1, x0 + 1);
  const y1 = Math.min(g.height - 1, y0 + 1);
  const tx = x - x0;
  const ty = y - y0;
  const p = (xx: number, yy: number): number => g.data[yy * g.width + xx] as number;
  return (p(x0, y0) + (p(x1, y0) - p(x0, y0)) * tx) * (1 - ty) + (p(x0, y1) + (p(x1, y1) - p(x0, y1)) * tx) * ty;
}

test('rotated-rectangle rectify samples bilinearly at the mapped pixel centres, bit-exact to the plain formula, borders clamped, at full and reduced resolution', () => {
  const g = randomGray(150, 90, 11);
  for (const spec of [
    // Full resolution, inside the frame.
    { cx: 60.3, cy: 41.7, angle: 0.31, u0: -70, u1: 65, v0: -12, v1: 30, scale: 0.9 },
    // Full resolution, the window partly outside the frame (clamped borders on every side).
    { cx: 20.4, cy: 70.9, angle: -0.42, u0: -60, u1: 75, v0: -30, v1: 35, scale: 0.95 },
    // scale < 0.6: sampled on a 2x and a 3x downscaled copy (f = floor(1 / scale / 1.2)).
    { cx: 75.2, cy: 44.1, angle: 0.2, u0: -80, u1: 80, v0: -40, v1: 40, scale: 0.4 },
    { cx: 70.7, cy: 40.3, angle: 1.1, u0: -90, u1: 90, v0: -45, v1: 45, scale: 0.27 },
    // Downscaled copy, every row inside it (the unclamped row loop only).
    { cx: 75.1, cy: 45.2, angle: 0.15, u0: -50, u1: 50, v0: -15, v1: 15, scale: 0.45 },
  ] satisfies RectSpec[]) {
    const f = spec.scale < 0.6 ? Math.max(1, Math.floor(1 / spec.scale / 1.2)) : 1;
    const src = downscale(g, f);
    const out = rectify(g, spec, new Map());
    assert.ok(out);
    const c = Math.cos(spec.angle);
    const s = Math.sin(spec.angle);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        const u = spec.u0 + (x + 0.5) / spec.scale;
        const v = spec.v0 + (y + 0.5) / spec.scale;
        const want = Math.fround(referenceBilinear(src, (spec.cx + u * c - v * s) / f - 0.5, (spec.cy + u * s + v * c) / f - 0.5));
        assert.equal(out.data[y * out.width + x], want, `scale ${spec.scale} pixel ${x},${y}`);
      }
    }
  }
});

test('rectFilter (windows doubled over padded rows) equals the plain clamped window max and min for odd kernels 1-31 along x and y, images 1xN and Nx1 too', () => {
  for (const [w, h, seed] of [[1, 1, 3], [7, 5, 4], [23, 17, 5], [40, 9, 6], [1, 13, 7], [13, 1, 8], [241, 25, 9]] as const) {
    const g = randomGray(w, h, seed);
    const img = toFloat(g);
    for (const [kx, ky] of [[1, 1], [3, 1], [1, 5], [7, 3], [9, 9], [15, 11], [13, 15], [31, 5], [5, 31]] as const) {
      for (const isMax of [true, false]) {
        const out = rectFilter(img, kx, ky, isMax).data;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            let want = isMax ? -Infinity : Infinity;
            for (let yy = Math.max(0, y - (ky >> 1)); yy <= Math.min(h - 1, y + (ky >> 1)); yy++) {
              for (let xx = Math.max(0, x - (kx >> 1)); xx <= Math.min(w - 1, x + (kx >> 1)); xx++) {
                const v = img.data[yy * w + xx] as number;
                want = isMax ? Math.max(want, v) : Math.min(want, v);
              }
            }
            assert.equal(out[y * w + x], want, `${w}x${h} k ${kx}x${ky} ${isMax ? 'max' : 'min'} at ${x},${y}`);
          }
        }
      }
    }
  }
});

test('boxBlur gives the running sums of its first form bit for bit (column sums a row at a time; radii 0-3, 1xN and Nx1, tiny values where the order of additions shows, -0, infinities)', () => {
  // The first form: along x per row, then along y one column at a time, the sums clamped at the edges.
  const reference = (src: FloatImage, rx: number, ry: number): Float32Array => {
    const { width: w, height: h, data } = src;
    const tmp = new Float32Array(w * h);
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      let s = 0;
      for (let i = -rx; i <= rx; i++) s += data[y * w + Math.min(w - 1, Math.max(0, i))] as number;
      for (let x = 0; x < w; x++) {
        tmp[y * w + x] = rx > 0 ? s / (2 * rx + 1) : (data[y * w + x] as number);
        s += (data[y * w + Math.min(w - 1, x + rx + 1)] as number) - (data[y * w + Math.max(0, x - rx)] as number);
      }
    }
    // A radius of 0 copies (-0 stays -0).
    if (ry === 0) return tmp;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -ry; i <= ry; i++) s += tmp[Math.min(h - 1, Math.max(0, i)) * w + x] as number;
      for (let y = 0; y < h; y++) {
        out[y * w + x] = s / (2 * ry + 1);
        s += (tmp[Math.min(h - 1, y + ry + 1) * w + x] as number) - (tmp[Math.max(0, y - ry) * w + x] as number);
      }
    }
    return out;
  };
  const r = rng(53);
  const special = [0, -0, 1e-30, 3e-8, 255, Infinity, -Infinity];
  for (const [w, h] of [[1, 1], [1, 9], [9, 1], [2, 2], [17, 5], [241, 25]] as const) {
    const data = new Float32Array(w * h).map(() => (r() < 0.25 ? (special[Math.floor(r() * special.length)] as number) : r() * 255));
    const img = { width: w, height: h, data };
    for (const [rx, ry] of [[0, 0], [1, 1], [0, 2], [3, 0], [2, 3]] as const) {
      assert.deepEqual(new Uint32Array(boxBlur(img, rx, ry).data.slice().buffer), new Uint32Array(reference(img, rx, ry).buffer), `${w}x${h} r ${rx},${ry}`);
    }
  }
});

test('perspective rectify samples bilinearly at the mapped pixel centres, bit-exact to the plain clamped formula, rows inside and across the borders', () => {
  const g = randomGray(160, 100, 13);
  // Rectified (x, y) -> frame: a mild perspective whose rows lie inside the frame, then one whose
  // window runs over the frame's borders; full resolution and a 2x downscaled source.
  for (const [m, scale] of [
    [[0.9, 0.05, 20.3, -0.04, 0.95, 15.7, 0.0004, 0.0002, 1], 1],
    [[1.3, 0.2, -25.1, 0.1, 1.4, -12.2, 0.001, -0.0007, 1], 1],
    [[0.9, 0.05, 20.3, -0.04, 0.95, 15.7, 0.0004, 0.0002, 1], 0.4],
  ] as const) {
    const spec: RectSpec = { cx: 0, cy: 0, angle: 0, u0: 0, u1: 120 / scale, v0: 0, v1: 70 / scale, scale, homography: m };
    const f = scale < 0.6 ? Math.max(1, Math.floor(1 / scale / 1.2)) : 1;
    const src = downscale(g, f);
    const out = rectify(g, spec, new Map());
    assert.ok(out);
    let inside = 0;
    let clamped = 0;
    for (let y = 0; y < out.height; y++) {
      // The numerators and the denominator stepped along the row, as the engine steps them.
      let nx = m[0] * 0.5 + m[1] * (y + 0.5) + m[2];
      let ny = m[3] * 0.5 + m[4] * (y + 0.5) + m[5];
      let dd = m[6] * 0.5 + m[7] * (y + 0.5) + m[8];
      for (let x = 0; x < out.width; x++) {
        const fx = nx * ((1 / f) / dd) - 0.5;
        const fy = ny * ((1 / f) / dd) - 0.5;
        nx += m[0];
        ny += m[3];
        dd += m[6];
        if (fx >= 0 && fx <= src.width - 1 && fy >= 0 && fy <= src.height - 1) inside++;
        else clamped++;
        const cx = Math.min(src.width - 1, Math.max(0, fx));
        const cy = Math.min(src.height - 1, Math.max(0, fy));
        const x0 = Math.floor(cx);
        const y0 = Math.floor(cy);
        const x1 = Math.min(src.width - 1, x0 + 1);
        const y1 = Math.min(src.height - 1, y0 + 1);
        const p = (xx: number, yy: number): number => src.data[yy * src.width + xx] as number;
        const top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * (cx - x0);
        const bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * (cx - x0);
        assert.equal(out.data[y * out.width + x], Math.fround(top + (bottom - top) * (cy - y0)), `scale ${scale} pixel ${x},${y}`);
      }
    }
    assert.ok(inside > 0);
    if (m[2] < 0) assert.ok(clamped > 0);
  }
});

test('rectify reads a frame that is a view into a larger buffer (pixel pairs read at its offset) as a copy of it', () => {
  const g = randomGray(120, 80, 14);
  const big = new Uint8Array(g.data.length + 7).fill(255);
  big.set(g.data, 3);
  const view = { width: 120, height: 80, data: big.subarray(3, 3 + g.data.length) };
  for (const spec of [
    { cx: 60, cy: 40, angle: 0.12, u0: -50, u1: 50, v0: -20, v1: 20, scale: 1.1 },
    { cx: 60, cy: 40, angle: 0, u0: -40, u1: 40, v0: -15, v1: 15, scale: 1, homography: [1, 0.02, 20, -0.01, 1, 25, 0.0003, 0.0001, 1] },
  ] satisfies RectSpec[]) {
    const want = rectify(g, spec);
    const got = rectify(view, spec);
    assert.ok(want && got);
    assert.deepEqual([...got.data], [...want.data]);
  }
});

test('rectify writes into a given buffer when it is long enough (the same pixels), else into a new one', () => {
  const g = randomGray(120, 80, 12);
  const spec: RectSpec = { cx: 60, cy: 40, angle: 0.12, u0: -50, u1: 50, v0: -20, v1: 20, scale: 1.1 };
  const fresh = rectify(g, spec);
  assert.ok(fresh);
  const buf = new Float32Array(fresh.width * fresh.height + 50).fill(-1);
  const into = rectify(g, spec, undefined, buf);
  assert.ok(into);
  assert.equal(into.data.buffer, buf.buffer);
  assert.deepEqual([...into.data], [...fresh.data]);
  const short = new Float32Array(10);
  const other = rectify(g, spec, undefined, short);
  assert.ok(other);
  assert.notEqual(other.data.buffer, short.buffer);
  assert.deepEqual([...other.data], [...fresh.data]);
});

/**
 * inkMap as first written: background (4x block max, max filter, blur, direct bilinear upsampling
 * into a Float32Array), ink, otsu over the ink, percentile over an array of the stroke values, mask,
 * then long horizontal runs dropped in a pass of their own.
 */
function referenceInkMap(img: FloatImage, charSize: number): { ink: Float32Array; bin: Uint8Array } {
  const { width: w, height: h, data } = img;
  const B = 4;
  const sw = Math.max(1, Math.ceil(w / B));
  const sh = Math.max(1, Math.ceil(h / B));
  const small = new Float32Array(sw * sh);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const si = Math.floor(y / B) * sw + Math.floor(x / B);
    small[si] = Math.max(small[si] as number, data[y * w + x] as number);
  }
  const k = Math.max(3, Math.round((charSize * 1.6) / B) | 1);
  const f = boxBlur(rectFilter({ width: sw, height: sh, data: small }, k, k, true), 1, 1).data;
  const bg = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / B - 0.5));
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / B - 0.5));
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const x1 = Math.min(sw - 1, x0 + 1);
    const y1 = Math.min(sh - 1, y0 + 1);
    const tx = fx - x0;
    const ty = fy - y0;
    const p = (xx: number, yy: number): number => f[yy * sw + xx] as number;
    bg[y * w + x] = (p(x0, y0) + (p(x1, y0) - p(x0, y0)) * tx) * (1 - ty) + (p(x0, y1) + (p(x1, y1) - p(x0, y1)) * tx) * ty;
  }
  const n = w * h;
  const ink = new Float32Array(n);
  for (let i = 0; i < n; i++) ink[i] = Math.max(0, ((bg[i] as number) - (data[i] as number)) / Math.max(24, bg[i] as number));
  const t0 = Math.max(0.12, otsu(ink, 1));
  const strokes = Float32Array.from(ink.filter((v) => v > t0));
  const level = strokes.length > 10 ? Math.max(0.2, percentile(strokes, 0.9, 0, 1)) : 1;
  const t = Math.min(0.6, Math.max(0.25, t0 / level));
  const bin = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, (ink[i] as number) / level);
    ink[i] = v;
    bin[i] = v > t ? 1 : 0;
  }
  const maxRun = Math.max(8, Math.round(2 * charSize));
  for (let y = 0; y < h; y++) {
    let start = -1;
    for (let x = 0; x <= w; x++) {
      const on = x < w && bin[y * w + x] === 1;
      if (on && start < 0) start = x;
      else if (!on && start >= 0) {
        if (x - start > maxRun) bin.fill(0, y * w + start, y * w + x);
        start = -1;
      }
    }
  }
  return { ink, bin };
}

test('inkMap computes exactly what the plain background / otsu / percentile / run-filter passes compute', () => {
  for (const [w, h, charSize, seed] of [
    [203, 61, 21, 1],
    [97, 30, 10.5, 2],
    [9, 9, 4, 3],
  ] as const) {
    const r = rng(seed);
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // Lit paper (a gradient), glyph-like dark blocks, a long dark rule touching the right edge, noise.
        let v = 150 + (80 * x) / w + 10 * r();
        if ((x % 11 < 6 && y % 17 > 4 && y % 17 < 14) || (y === h - 3 && x > w / 3)) v = 40 + 30 * r();
        data[y * w + x] = v;
      }
    }
    const img = { width: w, height: h, data };
    const want = referenceInkMap(img, charSize);
    // With the SIMD kernels (Node compiles them) and in JavaScript.
    for (const simd of [true, false]) {
      const got = inkMap(img, charSize, undefined, simd);
      assert.deepEqual([...got.data], [...want.ink], `${w}x${h} ink, simd ${simd}`);
      assert.deepEqual([...got.bin], [...want.bin], `${w}x${h} mask, simd ${simd}`);
    }
    assert.ok(want.bin.some((b) => b === 1), 'some ink survives');
  }
});

test('inkMap matches the plain passes over faint, mid and dark strokes (stroke level at, near and far above the threshold)', () => {
  const r = rng(44);
  for (let trial = 0; trial < 40; trial++) {
    const w = 60 + Math.floor(r() * 90);
    const h = 20 + Math.floor(r() * 30);
    // Stroke darkness from barely visible to black; stroke share from sparse to dense.
    const depth = 0.05 + r() * 0.9;
    const spread = r() * 0.3;
    const dense = 3 + Math.floor(r() * 8);
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const paper = 200 + 20 * r();
      const stroke = x % 11 < dense && y % 13 > 3 && y % 13 < 11;
      data[y * w + x] = stroke ? paper * (1 - depth * (1 - spread * r())) : paper;
    }
    if (trial < 4) {
      // Faint strokes whose ink straddles the 0.12 floor of the threshold (both sides of its
      // histogram bin), a few dark ones: the stroke level's bin depends on how much of the
      // threshold's bin lies above it.
      for (let i = 0; i < w * h; i++) {
        const x = i % w;
        const y = (i / w) | 0;
        data[i] = x % 9 < 4 && y % 11 > 2 && y % 11 < 9 ? (x % 23 === 0 ? 100 : 200 * (1 - (trial & 1 ? 0.1205 : 0.1195) - 0.002 * ((x + y) % 3))) : 200;
      }
    }
    const img = { width: w, height: h, data };
    const charSize = 8 + r() * 10;
    const want = referenceInkMap(img, charSize);
    for (const simd of [true, false]) {
      const got = inkMap(img, charSize, undefined, simd);
      assert.deepEqual([...got.data], [...want.ink], `trial ${trial} ink, simd ${simd}`);
      assert.deepEqual([...got.bin], [...want.bin], `trial ${trial} mask, simd ${simd}`);
    }
  }
});

/** The network one hidden unit at a time, as written in the model's definition. */
function referenceForward(net: Mlp, x: Float32Array, offset: number): Float32Array {
  const h = new Float32Array(net.hidden);
  for (let j = 0; j < net.hidden; j++) {
    let s = net.b1[j] as number;
    for (let i = 0; i < net.inputs; i++) s += (net.w1[j * net.inputs + i] as number) * (x[offset + i] as number);
    h[j] = Math.max(0, s);
  }
  const p = new Float32Array(net.outputs);
  let max = -Infinity;
  for (let k = 0; k < net.outputs; k++) {
    let s = net.b2[k] as number;
    for (let j = 0; j < net.hidden; j++) s += (net.w2[k * net.hidden + j] as number) * (h[j] as number);
    p[k] = s / net.temperature;
    max = Math.max(max, p[k] as number);
  }
  let z = 0;
  for (let k = 0; k < net.outputs; k++) {
    p[k] = Math.exp((p[k] as number) - max);
    z += p[k] as number;
  }
  for (let k = 0; k < net.outputs; k++) p[k] = (p[k] as number) / z;
  return p;
}

test('forward computes the same probabilities as one hidden unit at a time', () => {
  const net = shippedModel();
  const r = rng(9);
  const x = new Float32Array(GLYPH_SIZE * 6);
  for (let i = 0; i < x.length; i++) x[i] = r() < 0.6 ? r() * 0.1 : r();
  const probs = new Float32Array(net.outputs);
  for (let g = 0; g < 6; g++) {
    forward(net, x, g * GLYPH_SIZE, probs);
    const want = referenceForward(net, x, g * GLYPH_SIZE);
    for (let k = 0; k < net.outputs; k++) assert.ok(Math.abs((probs[k] as number) - (want[k] as number)) <= 1e-6 * Math.max(1e-30, want[k] as number) + 1e-12, `glyph ${g} class ${k}`);
  }
});

test('classifyGlyphs lists the top alternatives by probability, ties in class order', () => {
  // A network whose output ignores the input: classes 3, 1 and 2 tie on top, class 0 below.
  const outputs = CLASSES.length;
  const net: Mlp = {
    inputs: GLYPH_SIZE,
    hidden: 8,
    outputs,
    w1: new Float32Array(8 * GLYPH_SIZE),
    b1: new Float32Array(8),
    w2: new Float32Array(outputs * 8),
    b2: new Float32Array(outputs).map((_, k) => (k >= 1 && k <= 3 ? 5 : k === 0 ? 4 : -20)),
    temperature: 1,
  };
  const line = classifyGlyphs(new Float32Array(GLYPH_SIZE), 1, 4, 0.002, net);
  const alts = line[0] ?? [];
  assert.deepEqual(alts.map((a) => a.ch), [CLASSES[1], CLASSES[2], CLASSES[3], CLASSES[0]]);
  assert.ok((alts[0]?.p ?? 0) > (alts[3]?.p ?? 1));
  // Alternatives below minP are dropped, the first one always stays.
  const strict = classifyGlyphs(new Float32Array(GLYPH_SIZE), 1, 4, 0.99, net)[0] ?? [];
  assert.deepEqual(strict.map((a) => a.ch), [CLASSES[1]]);
});

test('toGrayLevels into the SIMD kernels\' memory converts the whole frame there by SIMD: toGray\'s bytes and downscaleTwo\'s levels (widths around the 16-pixel passes, 1-4 rows, channel extremes)', () => {
  const flat = (i: Gray8): [number, number, number[]] => [i.width, i.height, [...i.data]];
  for (const [w, h] of [[16, 1], [16, 3], [17, 2], [31, 4], [32, 6], [47, 7], [48, 9], [100, 13], [1280, 24], [3072, 3]] as const) {
    const { image } = randomRgba(w, h, 3 * w + h);
    // Channel extremes: white, black, and each channel alone at 255.
    for (let i = 0; i < Math.min(w * h, 12); i++) image.data.set([[255, 255, 255, 255], [0, 0, 0, 0], [255, 0, 0, 255], [0, 255, 0, 0], [0, 0, 255, 255], [255, 255, 0, 0]][i % 6] as number[], 4 * ((i * 7919) % (w * h)));
    const want = toGray(image);
    assert.ok(want);
    const into = frameBuffer(w * h, RECT_MAX_PIXELS);
    assert.ok(into, 'Node compiles the kernels');
    into.fill(0xab);
    const got = toGrayLevels(image, 3, into);
    assert.ok(got && !got.gray.ready, `${w}x${h}: eager`);
    assert.equal(got.gray.data.buffer, into.buffer);
    assert.deepEqual(flat(got.gray), flat(want), `grey ${w}x${h}`);
    assert.deepEqual(got.levels.map(flat), downscaleTwo(want, 3).map(flat), `levels ${w}x${h}`);
  }
  // Under 16 pixels wide: the JavaScript pass (converted on demand).
  const { image } = randomRgba(15, 6, 1);
  assert.ok(toGrayLevels(image, 3, frameBuffer(90, RECT_MAX_PIXELS) ?? undefined)?.gray.ready);
});

test('downscale by 2 of the frame in the SIMD kernels\' memory gives the JavaScript means (widths around the 8-block passes, 2-3 rows, byte extremes), and leaves other images to the JavaScript', () => {
  const r = rng(29);
  for (const [w, h] of [[16, 2], [17, 3], [18, 2], [31, 5], [32, 4], [34, 7], [100, 9], [1280, 720], [1281, 31]] as const) {
    const data = new Uint8Array(w * h).map(() => (r() < 0.1 ? 255 : r() < 0.1 ? 0 : Math.floor(r() * 256)));
    const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
    assert.ok(mem, 'Node compiles the kernels');
    mem.set(data);
    const want = downscale({ width: w, height: h, data }, 2);
    const got = downscale({ width: w, height: h, data: mem }, 2);
    assert.equal(got.data.buffer, mem.buffer, `${w}x${h}: by SIMD`);
    assert.deepEqual([got.width, got.height, [...got.data]], [want.width, want.height, [...want.data]], `${w}x${h}`);
    assert.equal(mem.subarray(0, w * h).every((v, i) => v === data[i]), true, 'the frame is left as it was');
  }
  // Too narrow a level, and a source elsewhere in the memory (the level itself): JavaScript.
  const mem = frameBuffer(15 * 4, RECT_MAX_PIXELS);
  assert.ok(mem);
  assert.notEqual(downscale({ width: 15, height: 4, data: mem }, 2).data.buffer, mem.buffer);
  const big = frameBuffer(64 * 8, RECT_MAX_PIXELS);
  assert.ok(big);
  const level = downscale({ width: 64, height: 8, data: big }, 2);
  assert.notEqual(downscale(level, 2).data.buffer, big.buffer);
});
