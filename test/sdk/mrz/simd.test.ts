// The WebAssembly SIMD kernels (simd.ts) in headless Chromium, where the scanner's engine runs: they
// compile there, and give the JavaScript passes' exact values (simd.node.test.ts covers the edge
// cases at length in Node).
import { expect } from '@open-wc/testing';
import { blackHat8Words, blockMaxReference, rectFilterScalar } from '../../../sdk/mrz/image.ts';
import { simdBlackHat, simdBlockMax4, simdInk, simdLayer, simdMaxFilter } from '../../../sdk/mrz/simd.ts';
import { firstLayerMismatch, inkMapMismatch } from './simd-check.ts';
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
