// decodeModel against a straightforward reference: every number read through a DataView, as the
// packed layout describes it (scripts/mrz/train.ts writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASSES, classifyGlyphs, decodeModel, forward, forwardGlyphs, normaliseGlyph, shippedModel, type Mlp, type PackedMlp } from '../../../sdk/mrz/classify.ts';
import { GLYPH_SIZE } from '../../../sdk/mrz/segment.ts';
import { MODEL } from '../../../sdk/mrz/weights.ts';
import { rng } from './seeded.ts';

function referenceDecode(m: PackedMlp): Mlp {
  const bin = atob(m.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const dv = new DataView(bytes.buffer);
  let off = 0;
  const floats = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) a[i] = dv.getFloat32(off, true);
    return a;
  };
  const s1 = floats(m.hidden);
  const b1 = floats(m.hidden);
  const s2 = floats(m.outputs);
  const b2 = floats(m.outputs);
  const w1 = new Float32Array(m.hidden * m.inputs);
  for (let i = 0; i < w1.length; i++, off++) w1[i] = dv.getInt8(off) * (s1[Math.floor(i / m.inputs)] as number);
  const w2 = new Float32Array(m.outputs * m.hidden);
  for (let i = 0; i < w2.length; i++, off++) w2[i] = dv.getInt8(off) * (s2[Math.floor(i / m.hidden)] as number);
  assert.equal(off, bytes.length, 'the layout covers every byte');
  return { inputs: m.inputs, hidden: m.hidden, outputs: m.outputs, w1, b1, w2, b2, temperature: m.temperature };
}

function assertSame(got: Mlp, want: Mlp): void {
  assert.deepEqual([got.inputs, got.hidden, got.outputs, got.temperature], [want.inputs, want.hidden, want.outputs, want.temperature]);
  for (const k of ['w1', 'b1', 'w2', 'b2'] as const) {
    assert.equal(got[k].length, want[k].length, k);
    const i = got[k].findIndex((v, j) => !Object.is(v, want[k][j]));
    assert.equal(i, -1, `${k}[${i}]`);
  }
}

test('decodeModel gives the shipped weights bit for bit (atob path)', () => {
  assert.equal(typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64, 'undefined', 'Node 20 has no native base64');
  assertSame(decodeModel(MODEL), referenceDecode(MODEL));
});

test('decodeModel gives the same weights through Uint8Array.fromBase64 where the platform has it', () => {
  const U = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array };
  let calls = 0;
  U.fromBase64 = (s) => {
    calls++;
    return new Uint8Array(Buffer.from(s, 'base64'));
  };
  try {
    assertSame(decodeModel(MODEL), referenceDecode(MODEL));
  } finally {
    delete U.fromBase64;
  }
  assert.equal(calls, 1);
});

test('decodeModel reads a small packed model with negative weights and scales', () => {
  // 2 inputs, 2 hidden, 1 output: s1, b1, s2, b2 as float32 LE, then int8 w1 (2x2), w2 (1x2).
  const buf = new ArrayBuffer(4 * (2 + 2 + 1 + 1) + 4 + 2);
  const dv = new DataView(buf);
  [0.5, -0.25, 1, 2, 0.125, -3].forEach((v, i) => dv.setFloat32(4 * i, v, true));
  [-128, 127, 3, -1, 64, -7].forEach((v, i) => dv.setInt8(24 + i, v));
  const packed: PackedMlp = { inputs: 2, hidden: 2, outputs: 1, temperature: 0.6, data: Buffer.from(buf).toString('base64') };
  const net = decodeModel(packed);
  assert.deepEqual([...net.w1], [-64, 63.5, -0.75, 0.25]);
  assert.deepEqual([...net.b1], [1, 2]);
  assert.deepEqual([...net.w2], [8, -0.875]);
  assert.deepEqual([...net.b2], [-3]);
  assertSame(net, referenceDecode(packed));
});

/**
 * The forward pass as shipped before the float64 and batched first layer (d1ddd69): float32 weights,
 * each hidden unit summed from its bias in input order in doubles, stored as float32.
 */
function float32Forward(net: Mlp, x: Float32Array, offset: number): Float32Array {
  const h = new Float32Array(net.hidden);
  for (let j = 0; j < net.hidden; j++) {
    let s = net.b1[j] as number;
    for (let i = 0; i < net.inputs; i++) s += (net.w1[j * net.inputs + i] as number) * (x[offset + i] as number);
    h[j] = s > 0 ? s : 0;
  }
  const p = new Float32Array(net.outputs);
  let max = -Infinity;
  const invT = 1 / net.temperature;
  for (let k = 0; k < net.outputs; k++) {
    let s = net.b2[k] as number;
    for (let i = 0; i < net.hidden; i++) s += (net.w2[k * net.hidden + i] as number) * (h[i] as number);
    s *= invT;
    p[k] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let k = 0; k < net.outputs; k++) {
    const e = Math.exp((p[k] as number) - max);
    p[k] = e;
    z += e;
  }
  for (let k = 0; k < net.outputs; k++) p[k] = (p[k] as number) / z;
  return p;
}


test('forward and the batched classifyGlyphs give the float32 reference probabilities bit for bit', () => {
  const net = shippedModel();
  const r = rng(11);
  // 7 glyphs: one batch of four and three left over (the one-glyph path); faint ones get normalised.
  const n = 7;
  const glyphs = new Float32Array(GLYPH_SIZE * n);
  for (let i = 0; i < glyphs.length; i++) glyphs[i] = r() < 0.6 ? 0.02 + r() * 0.05 : r() * (i < 2 * GLYPH_SIZE ? 0.4 : 1);
  const line = classifyGlyphs(glyphs, n, CLASSES.length, 0);
  assert.equal(line.length, n);
  const x = new Float32Array(GLYPH_SIZE);
  const probs = new Float32Array(net.outputs);
  for (let g = 0; g < n; g++) {
    normaliseGlyph(glyphs, g * GLYPH_SIZE, x);
    const want = float32Forward(net, x, 0);
    forward(net, x, 0, probs);
    assert.deepEqual([...probs], [...want], `forward, glyph ${g}`);
    const got = line[g] ?? [];
    assert.equal(got.length, net.outputs);
    for (const alt of got) assert.ok(Object.is(alt.p, want[CLASSES.indexOf(alt.ch)]), `classifyGlyphs, glyph ${g}, ${alt.ch}`);
  }
});

/**
 * A random net of float32 weights with `hidden` units: first-layer weights uniform in +-w1Scale/2,
 * hidden unit j's bias `bias1(j)` (default uniform in +-0.5), output weights in +-1, biases in +-0.5.
 */
function randomMlp(r: () => number, hidden: number, w1Scale = 1, bias1 = (_j: number): number => r() - 0.5): Mlp {
  const outputs = CLASSES.length;
  return {
    inputs: GLYPH_SIZE,
    hidden,
    outputs,
    w1: new Float32Array(hidden * GLYPH_SIZE).map(() => Math.fround((r() - 0.5) * w1Scale)),
    b1: new Float32Array(hidden).map((_, j) => Math.fround(bias1(j))),
    w2: new Float32Array(outputs * hidden).map(() => Math.fround(2 * r() - 1)),
    b2: new Float32Array(outputs).map(() => Math.fround(r() - 0.5)),
    temperature: 0.6,
  };
}

test('classifyGlyphs batches a net with an odd hidden layer the same as one glyph at a time', () => {
  const r = rng(5);
  const outputs = CLASSES.length;
  const net = randomMlp(r, 5);
  const n = 5;
  const glyphs = new Float32Array(GLYPH_SIZE * n).map(() => r());
  const line = classifyGlyphs(glyphs, n, outputs, 0, net);
  const x = new Float32Array(GLYPH_SIZE);
  for (let g = 0; g < n; g++) {
    normaliseGlyph(glyphs, g * GLYPH_SIZE, x);
    const want = float32Forward(net, x, 0);
    for (const alt of line[g] ?? []) assert.ok(Object.is(alt.p, want[CLASSES.indexOf(alt.ch)]), `glyph ${g}, ${alt.ch}`);
  }
});

test('forwardGlyphs gives forward\'s probabilities of every glyph bit for bit (batches of four and the rest)', () => {
  const net = shippedModel();
  const r = rng(23);
  for (const n of [1, 3, 4, 6, 9]) {
    const xs = new Float32Array(GLYPH_SIZE * n);
    for (let i = 0; i < xs.length; i++) xs[i] = r() < 0.5 ? 0 : r();
    const got = new Float32Array(n * net.outputs).fill(NaN);
    forwardGlyphs(net, xs, n, got);
    const want = new Float32Array(net.outputs);
    for (let g = 0; g < n; g++) {
      forward(net, xs, g * GLYPH_SIZE, want);
      for (let k = 0; k < net.outputs; k++) assert.ok(Object.is(got[g * net.outputs + k], want[k]), `n ${n}, glyph ${g}, class ${k}`);
    }
  }
});

test('the output layer over the nonzero hidden units only gives the reference bits (a -0 output bias too); a non-finite weight sums every unit', () => {
  const r = rng(41);
  const outputs = CLASSES.length;
  // Hidden biases mostly negative: many ReLU zeros, some glyphs with every hidden unit zero; one
  // output bias +0.
  // 9 hidden units: the JavaScript loops; 12: the WebAssembly SIMD kernels (simd.ts) where they compile.
  for (const hidden of [9, 12]) {
    const base = randomMlp(r, hidden, 0.02, (j) => (j < 3 ? r() - 0.5 : -0.3 - r()));
    base.b2[5] = 0;
    const negZero: Mlp = { ...base, b2: base.b2.map((v, k) => (k === 7 ? -0 : v)) };
    const huge: Mlp = { ...base, w2: base.w2.map((v, i) => (i === 11 ? Infinity : v)) };
    const n = 6;
    const glyphs = new Float32Array(GLYPH_SIZE * n).map((_, i) => (i < GLYPH_SIZE ? 0 : r()));
    for (const [name, net] of [['base', base], ['-0 bias', negZero], ['infinite weight', huge]] as const) {
      const probs = new Float32Array(n * outputs);
      forwardGlyphs(net, glyphs, n, probs);
      for (let g = 0; g < n; g++) {
        const want = float32Forward(net, glyphs, g * GLYPH_SIZE);
        for (let k = 0; k < outputs; k++) assert.ok(Object.is(probs[g * outputs + k], want[k]), `${name}, glyph ${g}, class ${k}`);
      }
    }
  }
});
