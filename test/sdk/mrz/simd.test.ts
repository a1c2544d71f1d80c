// The WebAssembly SIMD kernels (simd.ts) in headless Chromium, where the scanner's engine runs: they
// compile there, and give the JavaScript passes' exact values (simd.node.test.ts covers the edge
// cases at length in Node).
import { expect } from '@open-wc/testing';
import { blackHat8Words, blockMaxReference, downscale, downscaleTwo, rectFilterScalar, toGray, toGrayLevels } from '../../../sdk/mrz/image.ts';
import { RECT_MAX_PIXELS } from '../../../sdk/mrz/rectify.ts';
import { frameBuffer, simdBlackHat, simdBlockMax4, simdInk, simdLayer, simdMaxFilter } from '../../../sdk/mrz/simd.ts';
import { GLYPH_H, GLYPH_W } from '../../../sdk/mrz/segment.ts';
import { cnnGlyphs, cnnMismatch, firstLayerMismatch, inkMapMismatch, randomCnn, rectifyMismatch, rectSpecs } from './simd-check.ts';
import { rng } from './seeded.ts';

describe('MRZ SIMD kernels in Chromium', () => {
  it('the first layer gives the JavaScript sums bit for bit', () => {
    const r = rng(5);
    const [hidden, inputs] = [16, 320];
    const w = new Float32Array(hidden * inputs).map(() => Math.fround(r() - 0.5));
    const b = new Float32Array(hidden).map(() => Math.fround(r() - 0.5));
    const simd = simdLayer(w, b, hidden, inputs);
    expect(simd, 'Chromium compiles the kernel').to.not.equal(null);
    if (!simd) return;
    const xs = Array.from({ length: 4 }, () => new Float32Array(inputs).map(() => (r() < 0.3 ? 0 : Math.fround(r()))));
    expect(firstLayerMismatch(simd, w, b, xs, hidden, inputs)).to.equal(null);
  });

  it('the black-hat, max filter and 4x4 block maxima give the JavaScript passes\' values', () => {
    const r = rng(7);
    for (const [w, h] of [[1, 9], [17, 3], [241, 25], [963, 100]] as const) {
      const bytes = new Uint8Array(w * h).map(() => Math.floor(r() * 256));
      for (const m of [1, 2, 3]) {
        const got = new Uint8Array(w * h);
        expect(simdBlackHat(bytes, w, h, m, got), 'Chromium compiles the kernels').to.equal(true);
        expect([...got]).to.deep.equal([...blackHat8Words({ width: w, height: h, data: bytes }, m, new Uint8Array(w * h))]);
      }
      const data = new Float32Array(w * h).map(() => (r() < 0.1 ? 0 : r() * 255));
      const img = { width: w, height: h, data };
      for (const [kx, ky] of [[3, 3], [9, 5]] as const) {
        const got = new Float32Array(w * h);
        expect(simdMaxFilter(data, w, h, kx, ky, got)).to.equal(true);
        expect([...new Uint32Array(got.buffer)]).to.deep.equal([...new Uint32Array(rectFilterScalar(img, kx, ky, true, new Float32Array(w * h)).data.buffer)]);
      }
      const bw = Math.ceil(w / 4);
      const got = new Int32Array(bw * Math.ceil(h / 4));
      expect(simdBlockMax4(new Int32Array(data.buffer), w, h, got)).to.equal(true);
      expect([...got]).to.deep.equal([...new Int32Array(blockMaxReference(img, 4).data.slice().buffer)]);
    }
  });

  it('the grey frame, its 3x3 levels and its 2x2 level made by SIMD in the frame memory give the JavaScript bytes', () => {
    const r = rng(21);
    for (const [w, h] of [[16, 1], [17, 5], [47, 7], [1280, 720]] as const) {
      const image = { width: w, height: h, data: new Uint8Array(4 * w * h).map(() => (r() < 0.05 ? 255 : Math.floor(r() * 256))) };
      const want = toGray(image);
      const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
      expect(mem, 'Chromium compiles the kernels').to.not.equal(null);
      if (!mem || !want) return;
      const got = toGrayLevels(image, 3, mem);
      expect(got && got.gray.data.buffer === mem.buffer && !got.gray.ready, 'by SIMD').to.equal(true);
      if (!got) return;
      expect([...got.gray.data]).to.deep.equal([...want.data]);
      expect(got.levels.map((l) => [...l.data])).to.deep.equal(downscaleTwo(want, 3).map((l) => [...l.data]));
      const half = downscale(got.gray, 2);
      expect(half.data.buffer === mem.buffer || h < 2, 'downscale by SIMD').to.equal(true);
      expect([...half.data]).to.deep.equal([...downscale({ width: w, height: h, data: want.data.slice() }, 2).data]);
    }
  });

  it('rectification rows sampled by SIMD from the frame memory give the JavaScript rows\' floats', () => {
    const r = rng(19);
    for (const [w, h] of [[1, 30], [30, 1], [3, 3], [41, 17], [1280, 720]] as const) {
      const mem = frameBuffer(w * h, RECT_MAX_PIXELS);
      expect(mem, 'Chromium compiles the kernels').to.not.equal(null);
      if (!mem) return;
      const data = new Uint8Array(w * h).map(() => Math.floor(r() * 256));
      for (const spec of rectSpecs(r, w, h, 12)) expect(rectifyMismatch(data, mem, w, h, spec)).to.equal(null);
    }
  });

  it('the CNN kernel gives the forward pass\'s logits bit for bit (the shipped shape and odd ones; edge inputs)', () => {
    const r = rng(41);
    for (const [width, height, conv1, conv2, dense, outputs] of [[GLYPH_W, GLYPH_H, 8, 16, 64, 37], [17, 21, 5, 6, 9, 10], [4, 4, 1, 1, 1, 1]] as const) {
      const shape = { width, height, conv1, conv2, dense, outputs };
      const { w, b } = randomCnn(r, shape);
      for (const edges of [false, true]) expect(cnnMismatch(shape, w, b, cnnGlyphs(r, width * height, 4, edges))).to.equal(null);
    }
  });

  it('the ink map gives the same ink, mask and threshold with its kernels as in JavaScript', () => {
    expect(simdInk(4, 4, 1, 1), 'Chromium compiles the kernels').to.not.equal(null);
    const r = rng(31);
    for (const [w, h, charSize] of [[1, 7, 5], [9, 1, 5], [203, 61, 21], [963, 91, 30]] as const) {
      const data = new Float32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        // Paper, glyph-like blocks and a long rule.
        const dark = (x % 11 < 6 && y % 17 > 4 && y % 17 < 14) || (y === h - 3 && x > w / 3);
        data[y * w + x] = dark ? 40 + 30 * r() : 150 + (80 * x) / w + 10 * r();
      }
      expect(inkMapMismatch({ width: w, height: h, data }, charSize)).to.equal(null);
    }
  });
});
