// The engine's per-frame buffer pools (sdk/mrz/scratch.ts): reuse between frames, never within one,
// and no pooled buffer read before it is written (a frame read after the pools were filled with
// garbage gives the same hypotheses as one read on zeroed pools).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMrz, recognizeMrz } from '../../../sdk/mrz/engine.ts';
import { fillPools, float32, float64, uint8, withFramePool } from '../../../sdk/mrz/scratch.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';

test('pooled buffers: distinct within a frame, reused by the next frame, zeroed on request, fresh outside a frame', () => {
  const first = withFramePool(() => {
    const a = float32(1000);
    const b = float32(1000);
    assert.notEqual(a.buffer, b.buffer);
    a.fill(7);
    b.fill(9);
    return [a.buffer, b.buffer];
  });
  withFramePool(() => {
    const a = float32(900);
    assert.equal(a.length, 900);
    assert.ok(first.includes(a.buffer), 'the next frame reuses a buffer of this one');
    assert.ok(a[0] === 7 || a[0] === 9, 'not zeroed unless asked');
    const b = float32(1000, true);
    assert.ok(first.includes(b.buffer) && b.buffer !== a.buffer);
    assert.ok(b.every((v) => v === 0), 'zeroed on request');
    // Nested scopes run inside the outer frame: no buffer is handed out twice.
    const c = withFramePool(() => float32(1000));
    assert.ok(c.buffer !== a.buffer && c.buffer !== b.buffer);
  });
  const outside = float64(16);
  assert.ok(outside.every((v) => v === 0));
  assert.notEqual(outside.buffer, float64(16).buffer, 'outside a frame every request is a new array');
  assert.ok(uint8(8).every((v) => v === 0));
});

test('readMrz and recognizeMrz give the same results whatever the pools held before the frame', () => {
  for (const [seed, preset] of [[70003, 'normal'], [70011, 'hard'], [70020, 'normal']] as const) {
    const img = decodeGray(renderSynthetic(seed, { preset, encoding: 'jpeg' }).image);
    const runs = [0, 0xff, 0x7f, 0x3c].map((byte) => {
      // Size the pools for this frame, then fill them: zeros as fresh memory holds, or garbage.
      recognizeMrz(img);
      fillPools(byte);
      const rec = recognizeMrz(img);
      fillPools(byte);
      const read = readMrz(img);
      return JSON.stringify({ c: rec.candidates, r: read && { lines: read.lines, valid: read.valid, confidence: read.confidence, corners: read.corners } });
    });
    assert.ok(JSON.parse(runs[0] as string).c.length > 0, `seed ${seed}: hypotheses found`);
    for (const r of runs.slice(1)) assert.equal(r, runs[0], `seed ${seed}`);
  }
});
