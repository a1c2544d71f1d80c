// The WebAssembly SIMD kernels (simd.ts) against the JavaScript passes: the MLP's first layer bit for bit, the black-hat byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blackHat8Words } from '../../../sdk/mrz/image.ts';
import { simdBlackHat, simdLayer } from '../../../sdk/mrz/simd.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

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
    for (let i = 0; i < inputs; i++) for (let g = 0; g < 4; g++) simd.x[4 * i + g] = xs[g]![i]!;
    simd.run();
    for (let g = 0; g < 4; g++) {
      for (let j = 0; j < hidden; j++) {
        let s = b[j]!;
        for (let i = 0; i < inputs; i++) s += w[j * inputs + i]! * xs[g]![i]!;
        assert.ok(Object.is(simd.out[16 * (j >> 2) + 4 * g + (j & 3)], s), `${hidden}x${inputs}: glyph ${g}, unit ${j}`);
      }
    }
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
