// printBlur: the edge width of a band's print, in characters' pitch, on drawn prints whose blur is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MRZ_BLURRED, printBlur } from '../../../sdk/mrz/region.ts';
import type { Gray8 } from '../../../sdk/mrz/image.ts';
import type { Point } from '../../../sdk/mrz/types.ts';

const PITCH = 12;
const CHARS = 30;
/** The band: 30 cells of 12 pixels from x = 20, rows 10..50, in a 400 x 60 frame. */
const BAND: [Point, Point, Point, Point] = [{ x: 20, y: 10 }, { x: 20 + CHARS * PITCH, y: 10 }, { x: 20 + CHARS * PITCH, y: 50 }, { x: 20, y: 50 }];

/**
 * Paper (220), `height` rows, with in every cell of the band a 6-pixel-wide dark (40) stroke and a
 * crossbar (sharp edges both ways); with `below`, the same print again under the band (rows 60..90).
 */
function print(height = 60, below = false): Gray8 {
  const width = 400;
  const data = new Uint8Array(width * height).fill(220);
  for (const dy of below ? [0, 50] : [0])
    for (let k = 0; k < CHARS; k++) {
      const x0 = 20 + k * PITCH + 3;
      for (let y = 16 + dy; y < 44 + dy; y++) for (let x = x0; x < x0 + 6; x++) data[y * width + x] = 40;
      for (let y = 27 + dy; y < 33 + dy; y++) for (let x = x0 - 2; x < x0 + 8; x++) data[y * width + x] = 40;
    }
  return { width, height, data };
}

/** `g` box-blurred over `w` pixels (odd) along its rows: a hand shake sideways. */
function shaken(g: Gray8, w: number): Gray8 {
  const data = new Uint8Array(g.data.length);
  const h = (w - 1) / 2;
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) {
      let s = 0;
      for (let d = -h; d <= h; d++) s += g.data[y * g.width + Math.min(g.width - 1, Math.max(0, x + d))] as number;
      data[y * g.width + x] = Math.round(s / w);
    }
  return { width: g.width, height: g.height, data };
}

test('printBlur: a sharp print measures its two-pixel edge, a print shaken over w pixels about w, in pitches', () => {
  const sharp = printBlur(print(), BAND, CHARS);
  // A step read by central differences rises over two pixels.
  assert.ok(Math.abs(sharp - 2 / PITCH) < 0.02, `sharp ${sharp}`);
  assert.ok(sharp < MRZ_BLURRED);
  for (const w of [5, 7]) {
    const blur = printBlur(shaken(print(), w), BAND, CHARS);
    assert.ok(Math.abs(blur - w / PITCH) < 0.1, `box ${w}: ${blur}`);
    assert.ok(blur >= MRZ_BLURRED, `box ${w}: blurred`);
  }
});

test('printBlur: only the band counts (sharp print beside it does not), and what cannot be measured is 0, never NaN', () => {
  // The band shaken, sharp print under it: only the band counts.
  const g = shaken(print(100), 7);
  const sharp = print(100, true);
  for (let i = 55 * 400; i < g.data.length; i++) g.data[i] = sharp.data[i] as number;
  assert.ok(printBlur(g, BAND, CHARS) >= MRZ_BLURRED);
  assert.ok(printBlur(g, [{ x: 20, y: 60 }, { x: 380, y: 60 }, { x: 380, y: 100 }, { x: 20, y: 100 }], CHARS) < MRZ_BLURRED);
  // Blank paper: no contrast.
  assert.equal(printBlur({ width: 400, height: 60, data: new Uint8Array(400 * 60).fill(200) }, BAND, CHARS), 0);
  // A band outside the frame, a band of no size, a tiny frame.
  const off: [Point, Point, Point, Point] = [{ x: 500, y: 100 }, { x: 860, y: 100 }, { x: 860, y: 140 }, { x: 500, y: 140 }];
  assert.equal(printBlur(print(), off, CHARS), 0);
  const dot: [Point, Point, Point, Point] = [{ x: 50, y: 30 }, { x: 50, y: 30 }, { x: 50, y: 30 }, { x: 50, y: 30 }];
  assert.equal(printBlur(print(), dot, CHARS), 0);
  assert.equal(printBlur({ width: 2, height: 2, data: new Uint8Array(4) }, BAND, CHARS), 0);
  // A tilted band (a quadrilateral, not a box) still measures the print inside it.
  const tilted: [Point, Point, Point, Point] = [{ x: 20, y: 12 }, { x: 380, y: 8 }, { x: 380, y: 48 }, { x: 20, y: 52 }];
  assert.ok(printBlur(print(), tilted, CHARS) < MRZ_BLURRED);
});
