// The engine reads the likely layout of a band first (likelyLayout): the character pitch of the
// band's heaviest text line tells 30, 36 and 44 characters per line apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseBand, likelyLayout } from '../../../sdk/mrz/engine-band.ts';
import { locateBands } from '../../../sdk/mrz/locate.ts';
import type { InkMap } from '../../../sdk/mrz/segment.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';

test('likelyLayout gives the line length of clean TD1, TD2 and TD3 documents', () => {
  const cases = [
    ['TD1', 30],
    ['TD2', 36],
    ['TD3', 44],
  ] as const;
  for (const [format, n] of cases) {
    for (const seed of [3, 4]) {
      const doc = renderSynthetic(seed, { format, preset: 'clean' });
      const g = decodeGray(doc.image);
      const band = locateBands(g)[0];
      assert.ok(band, `${format} seed ${seed}: a band`);
      const a = analyseBand(g, band);
      assert.ok(a, `${format} seed ${seed}: band analysed`);
      assert.equal(likelyLayout(a, [30, 36, 44]), n, `${format} seed ${seed}`);
      // Restricted to the other layouts, it names the nearest of those, never one outside the list.
      const others = ([30, 36, 44] as const).filter((x) => x !== n);
      assert.ok(others.includes(likelyLayout(a, others) as 30 | 36 | 44));
    }
  }
});

test('likelyLayout is null without a periodic line, without lines or without layouts', () => {
  const w = 400;
  const h = 40;
  const flat: InkMap = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin: new Uint8Array(w * h) };
  const line = { top: 10, bottom: 25, xa: 20, xb: 380, mass: 100 };
  assert.equal(likelyLayout({ ink: flat, lines: [line] }, [30, 36, 44]), null);
  assert.equal(likelyLayout({ ink: flat, lines: [] }, [30, 36, 44]), null);
  // Vertical strokes every 12 px: a clear period, so a layout; none when no layout is allowed.
  const data = new Float32Array(w * h);
  for (let y = 10; y <= 25; y++) for (let x = 20; x <= 380; x++) if (x % 12 < 3) data[y * w + x] = 1;
  const striped: InkMap = { width: w, height: h, data, threshold: 0.5, bin: new Uint8Array(w * h) };
  assert.equal(likelyLayout({ ink: striped, lines: [line] }, [30, 36, 44]), 30);
  assert.equal(likelyLayout({ ink: striped, lines: [line] }, []), null);
});
