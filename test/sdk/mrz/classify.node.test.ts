// decodeModel against a straightforward reference: every number read through a DataView, as the
// packed layout describes it (scripts/mrz/train.ts writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModel, type Mlp, type PackedMlp } from '../../../sdk/mrz/classify.ts';
import { MODEL } from '../../../sdk/mrz/weights.ts';

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
