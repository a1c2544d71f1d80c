import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { alignedGroups, lineGroups, shiftedGroup, TARGET_LEN, type BandAnalysis } from '../../../sdk/mrz/engine-band.ts';
import { roundHalfUp, toFloat } from '../../../sdk/mrz/image.ts';
import { cutLine, estimateSkew, fitComb, periodicExtent, type CellLine, type Comb, type CombAnchor, type TextLine, findLines, GLYPH_H, GLYPH_SIZE, GLYPH_W, inkMap, linePitchRatio, periodOf, rasterGlyph, remask, unforeshortenedPeriodicity, type InkMap } from '../../../sdk/mrz/segment.ts';
import { readHalf, trueAnalysis, type HalfFrame } from '../../../scripts/mrz/eval-half.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';
import { rng } from './seeded.ts';

const haveFont = existsSync('/usr/share/fonts/opentype/ocr-b/OCRB.otf') || existsSync('/usr/share/fonts/truetype/ocr-b/OCRB.ttf');

/** The analysis of the first located band of a seeded bench frame (JPEG; 'normal' preset unless given). */
async function benchBand(seed: number, preset: 'normal' | 'hard' = 'normal'): Promise<BandAnalysis> {
  const { analyseBand } = await import('../../../sdk/mrz/engine-band.ts');
  const { locateBands } = await import('../../../sdk/mrz/locate.ts');
  const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
  const gray = decodeGray(doc.image);
  const band = locateBands(gray, { maxCandidates: 4 })[0];
  assert.ok(band, `seed ${seed}: a band`);
  const a = analyseBand(gray, band, new Map());
  assert.ok(a, `seed ${seed}: band analysed`);
  return a;
}

/** `readMrz` reads the seeded bench frame ('normal' preset, JPEG) exactly and validly. */
async function assertReadsExactly(seed: number): Promise<void> {
  const { readMrz } = await import('../../../sdk/mrz/engine.ts');
  const doc = renderSynthetic(seed, { preset: 'normal', encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r, `seed ${seed}: read`);
  assert.deepEqual(r.lines, doc.lines, `seed ${seed}`);
  assert.equal(r.valid, true, `seed ${seed}`);
}

function profile(len: number, period: number, phase = 0): Float64Array {
  const p = new Float64Array(len);
  for (let x = 0; x < len; x++) {
    const t = (((x - phase) % period) + period) % period;
    p[x] = t > 0.2 * period && t < 0.8 * period ? 1 : 0;
  }
  return p;
}

test('periodOf: the period of a comb profile, not its harmonic; 0 without periodicity', () => {
  const p = profile(600, 19.5, 3);
  const est = periodOf(p, 0, 599, 10, 37);
  assert.ok(Math.abs(est - 19.5) < 0.6, `period ${est}`);
  // Search range that also contains twice the period: still the fundamental.
  const est2 = periodOf(p, 0, 599, 12, 45);
  assert.ok(Math.abs(est2 - 19.5) < 0.6, `period ${est2}`);
  assert.equal(periodOf(new Float64Array(600), 0, 599, 10, 37), 0);
});

function frame(seed: number): HalfFrame {
  const doc = renderSynthetic(seed, { preset: 'clean', format: 'TD3' });
  return { seed, preset: 'normal', format: doc.format, lines: doc.lines, corners: doc.corners, lineCorners: doc.lineCorners, gray: decodeGray(doc.image) };
}

test('cutLine: a line whose right part is washed out (glare, faint fillers) is still cut at the true cells', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const f = frame(101);
  const a = trueAnalysis(f);
  assert.ok(a && a.lines.length >= 2);
  const n = 44;
  const L = TARGET_LEN;
  const mx = 0.06 * L;
  const pitch = L / n;
  const line = a.lines[1];
  assert.ok(line);
  // Erase the ink of the right 35% of the text (as glare or lost fillers would).
  const cut = Math.round(mx + 0.65 * L);
  const data = new Float32Array(a.ink.data);
  const bin = new Uint8Array(a.ink.bin);
  for (let y = 0; y < a.ink.height; y++) {
    data.fill(0, y * a.ink.width + cut, (y + 1) * a.ink.width);
    bin.fill(0, y * a.ink.width + cut, (y + 1) * a.ink.width);
  }
  const ink: InkMap = { width: a.ink.width, height: a.ink.height, data, threshold: a.ink.threshold, bin };
  const truncated = { ...line, xb: Math.min(line.xb, cut - 1) };
  const c = cutLine(ink, truncated, n);
  assert.ok(c, 'cut');
  for (let k = 0; k < n; k++) {
    const centre = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2;
    assert.ok(Math.abs(centre - (mx + (k + 0.5) * pitch)) < 0.3 * pitch, `cell ${k}: ${centre.toFixed(1)} vs ${(mx + (k + 0.5) * pitch).toFixed(1)}`);
  }
  // The cut that leaves most of the line empty ranks below a cut that fits the intact line.
  const intact = cutLine(a.ink, line, n);
  assert.ok(intact && intact.fitCost < c.fitCost);
});

test('lineGroups on a clean TD3 band: the 44-cell cut ranks first and every cell is where the truth puts it', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const f = frame(101);
  const a = trueAnalysis(f);
  assert.ok(a);
  const groups = lineGroups(a);
  const g = groups[0];
  assert.ok(g);
  assert.equal(g.n, 44);
  const pitch = TARGET_LEN / 44;
  for (const c of g.cells) {
    for (let k = 0; k < 44; k++) {
      const centre = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2;
      assert.ok(Math.abs(centre - (0.06 * TARGET_LEN + (k + 0.5) * pitch)) < 0.3 * pitch);
    }
  }
});

test('reading half on true-corner rectifications (20 normal/hard frames, all formats): measured level, no false accept', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  // Level measured when the test was written: 14 of 20 exact and valid (segment + classify +
  // correct only; the full set is `scripts/mrz/eval-half.ts`). A drop below 12 is a regression.
  let exact = 0;
  for (let i = 0; i < 20; i++) {
    const doc = renderSynthetic(50000 + i, { preset: i % 3 === 2 ? 'hard' : 'normal', format: (['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'] as const)[i % 5], encoding: 'jpeg' });
    const f: HalfFrame = { seed: 50000 + i, preset: 'normal', format: doc.format, lines: doc.lines, corners: doc.corners, lineCorners: doc.lineCorners, gray: decodeGray(doc.image) };
    const o = readHalf(f);
    assert.equal(o.falseAccept, false, `seed ${50000 + i}: valid but wrong`);
    if (o.exact) exact++;
  }
  assert.ok(exact >= 12, `exact ${exact}/20`);
});

test('a line cut a whole cell off the others of its group (blank end cell) is cut again over their extent', { skip: !haveFont }, async () => {
  // Seeded frames of the bench where one TD1 line's extent slid by a cell (print beside it): the
  // second line started a cell early (70073) or late (70143) while the other two did not.
  for (const seed of [70073, 70143]) await assertReadsExactly(seed);
});

test('a line whose ink stops short of its cells is also cut from its first glyph, and the check digits pick that cut', { skip: !haveFont }, async () => {
  // Seeded bench frame (TD1): the second line's ink ends about half-way (faint tail), so its 30
  // cells are placed by the line's periodicity; centred on the band they start a cell before the
  // other lines, which reads every character one place late.
  const a = await benchBand(70216);
  const line = a.lines.find((l) => l.xb - l.xa < 0.6 * a.ink.width);
  assert.ok(line, 'a short line');
  const centred = cutLine(a.ink, line, 30);
  const start = cutLine(a.ink, line, 30, 'start');
  assert.ok(centred && start);
  assert.equal(centred.shortFit, true);
  assert.equal(start.shortFit, true);
  // The first glyph sits inside the first cell of the start cut. (Before the rectification stood
  // slanted glyphs upright, the centred cut of this line started a cell early; it no longer does
  // here, so only the start cut's placement is asserted.)
  assert.ok(start.bounds[0]! <= line.xa && line.xa < start.bounds[1]!, `start cut ${start.bounds[0]}..${start.bounds[1]} vs ink ${line.xa}`);
  // Both cuts are offered; the read is exact and valid.
  const groups = lineGroups(a, [30]);
  assert.ok(groups.some((g) => g.cells.some((c) => c.bounds[0] === start.bounds[0])), 'start cut offered');
  await assertReadsExactly(70216);
});

test('a band found in part (its text lines run into the window edge) is widened before it is measured', { skip: !haveFont }, async () => {
  // Seeded bench frame (TD3): the located band stops inside the MRZ, so both lines reach the right
  // edge of its window; measured there, 36 cells fit and the text was rectified too long to read.
  await assertReadsExactly(70141);
});

test('with a perspective rectification, the lines are first cut over its text box', { skip: !haveFont }, async () => {
  // Seeded bench frame (TD3) whose filler tails are faint: cut over their inked extent, the cells
  // drift by most of a cell towards the end of the lines.
  const a = await benchBand(70297);
  assert.ok(a.box, 'perspective text box');
  assert.equal(a.box.n, 44);
  const g = lineGroups(a, [44])[0];
  assert.ok(g);
  for (const c of g.cells) {
    assert.ok(Math.abs(c.bounds[0]! - a.box.x0) < 0.5 * c.pitch, `first cell at the box: ${c.bounds[0]} vs ${a.box.x0}`);
    assert.ok(Math.abs(c.bounds[44]! - a.box.x1) < 0.5 * c.pitch, `last cell at the box: ${c.bounds[44]} vs ${a.box.x1}`);
  }
  await assertReadsExactly(70297);
});

test('normaliseGlyph: a faint glyph is scaled up to the stroke level (at most 3x); a full-contrast or blank one is unchanged', async () => {
  const { normaliseGlyph } = await import('../../../sdk/mrz/classify.ts');
  const { GLYPH_SIZE } = await import('../../../sdk/mrz/segment.ts');
  const g = new Float32Array(2 * GLYPH_SIZE);
  for (let i = 0; i < GLYPH_SIZE; i++) g[GLYPH_SIZE + i] = i % 7 === 0 ? 0.4 : i % 7 === 1 ? 0.1 : 0;
  const out = new Float32Array(GLYPH_SIZE);
  normaliseGlyph(g, GLYPH_SIZE, out);
  for (let i = 0; i < GLYPH_SIZE; i++) assert.ok(Math.abs((out[i] as number) - 2.5 * (g[GLYPH_SIZE + i] as number)) < 1e-6, `pixel ${i}`);
  // Blank: stays blank (no division by zero).
  normaliseGlyph(g, 0, out);
  assert.ok(out.every((v) => v === 0));
  // Full contrast: unchanged. Very faint (0.1): gain capped at 3.
  const full = Float32Array.from({ length: GLYPH_SIZE }, (_, i) => (i % 5 === 0 ? 1 : 0.2));
  normaliseGlyph(full, 0, out);
  assert.deepEqual(Array.from(out), Array.from(full));
  const faint = Float32Array.from({ length: GLYPH_SIZE }, (_, i) => (i % 5 === 0 ? 0.1 : 0));
  normaliseGlyph(faint, 0, out);
  assert.ok(Math.abs((out[0] as number) - 0.3) < 1e-6);
});

test('glyphs faded to 40% ink (glare, lighting gradient) are classified as at full contrast', { skip: !haveFont && 'fonts-ocr-b missing' }, async () => {
  const { classifyGlyphs } = await import('../../../sdk/mrz/classify.ts');
  let total = 0;
  let sure = 0;
  for (const seed of [301, 302, 303]) {
    const f = frame(seed);
    const a = trueAnalysis(f);
    assert.ok(a);
    const g = lineGroups(a, [44])[0];
    assert.ok(g);
    g.cells.forEach((c, li) => {
      const faded = c.glyphs.map((v) => 0.4 * v);
      const alts = classifyGlyphs(faded, c.n);
      for (let k = 0; k < c.n; k++) {
        total++;
        const top = alts[k]?.[0];
        if (top && top.ch === f.lines[li]?.[k] && top.p >= 0.9) sure++;
      }
    });
  }
  // Without the per-glyph contrast normalisation, most faded glyphs fall below 0.9 or flip class.
  assert.ok(sure >= 0.95 * total, `${sure}/${total} right with p >= 0.9`);
});

test('a cut that runs off the rectified window is not taken as a whole line (an MRV-A line with a faint filler tail is not a valid MRV-B)', { skip: !haveFont }, async () => {
  // Seed 170149 ('normal', JPEG; outside the bench range): the line's faint filler tail leaves its
  // inked extent about 14 cells short of the 44, the window holds only 36 cells of it, and the
  // 36-cell cut reaching the window edge passed every MRV-B check digit (MRV-B has no composite):
  // a wrong-but-valid read.
  const { readMrz } = await import('../../../sdk/mrz/engine.ts');
  const doc = renderSynthetic(170149, { preset: 'normal', encoding: 'jpeg' });
  assert.equal(doc.format, 'MRVA');
  const r = readMrz(decodeGray(doc.image));
  assert.ok(!r?.valid || r.lines.join('\n') === doc.lines.join('\n'), `valid but wrong: ${r?.format} ${r?.lines.join(' / ')}`);
});

/** A binary ink map of `w` x `h` inked over the given boxes (rows top..bottom, columns [x0, x1)). */
function boxInk(w: number, h: number, boxes: readonly { top: number; bottom: number; x0: number; x1: number }[]): InkMap {
  const data = new Float32Array(w * h);
  const bin = new Uint8Array(w * h);
  for (const b of boxes) {
    for (let y = b.top; y <= b.bottom; y++) {
      for (let x = b.x0; x < b.x1; x++) {
        data[y * w + x] = 1;
        bin[y * w + x] = 1;
      }
    }
  }
  return { width: w, height: h, data, threshold: 0.5, bin };
}

/** A binary ink map of `w` x `h` with glyph-like blocks (`cw` wide every `pitch` columns) over the given row ranges. */
function blockInk(w: number, h: number, rows: readonly { top: number; bottom: number; x0: number; x1: number; pitch: number; cw: number }[]): InkMap {
  const boxes: { top: number; bottom: number; x0: number; x1: number }[] = [];
  for (const r of rows) for (let x = r.x0; x < r.x1; x += r.pitch) boxes.push({ top: r.top, bottom: r.bottom, x0: x, x1: Math.min(x + r.cw, r.x1) });
  return boxInk(w, h, boxes);
}

test('cutLine: a short inked piece beyond a clear gap after the last glyph (a mark the line finder chained on) is left out of the cut', () => {
  // 30 glyph-like blocks 30 rows tall at a pitch of 28 px, then a 12 px mark 26 px after the last
  // block (the line finder bridges gaps under 0.9 line heights).
  const n = 30;
  const pitch = 28;
  const ink = blockInk(1000, 44, [
    { top: 6, bottom: 35, x0: 60, x1: 60 + n * pitch, pitch, cw: 17 },
    { top: 6, bottom: 35, x0: 60 + (n - 1) * pitch + 17 + 26, x1: 60 + (n - 1) * pitch + 17 + 38, pitch: 100, cw: 12 },
  ]);
  const onBlocks = (line: TextLine, what: string): void => {
    const c = cutLine(ink, line, n);
    assert.ok(c, what);
    for (let k = 0; k < n; k++) {
      const centre = (c.bounds[k]! + c.bounds[k + 1]!) / 2;
      const truth = 60 + k * pitch + 8.5;
      assert.ok(Math.abs(centre - truth) < 0.3 * pitch, `${what} cell ${k}: ${centre.toFixed(1)} vs ${truth.toFixed(1)}`);
    }
  };
  const lines = findLines(ink);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  assert.equal(line.xb, 60 + (n - 1) * pitch + 17 + 37, 'the mark is chained onto the line');
  onBlocks(line, 'with the mark');
  // The same mark before the first glyph.
  const mirrored = blockInk(1000, 44, [
    { top: 6, bottom: 35, x0: 100, x1: 100 + n * pitch, pitch, cw: 17 },
    { top: 6, bottom: 35, x0: 100 - 26 - 12, x1: 100 - 26, pitch: 100, cw: 12 },
  ]);
  const ml = findLines(mirrored)[0]!;
  const c = cutLine(mirrored, ml, n);
  assert.ok(c);
  assert.ok(Math.abs((c.bounds[0]! + c.bounds[1]!) / 2 - (100 + 8.5)) < 0.3 * pitch, `mirrored first cell ${c.bounds[0]!.toFixed(1)}`);
  assert.ok(Math.abs((c.bounds[n - 1]! + c.bounds[n]!) / 2 - (100 + (n - 1) * pitch + 8.5)) < 0.3 * pitch, 'mirrored last cell');
  // A line of exactly n glyphs is never trimmed: its last block, beyond a wide gap, stays a cell.
  const wide = blockInk(1000, 44, [
    { top: 6, bottom: 35, x0: 60, x1: 60 + (n - 1) * pitch, pitch, cw: 17 },
    { top: 6, bottom: 35, x0: 60 + (n - 1) * pitch + 8, x1: 60 + (n - 1) * pitch + 14, pitch: 100, cw: 6 },
  ]);
  const wl = findLines(wide)[0]!;
  const wc = cutLine(wide, wl, n);
  assert.ok(wc);
  assert.ok(wc.bounds[n]! >= 60 + (n - 1) * pitch + 14 - 1, `the narrow last glyph stays in the cut (${wc.bounds[n]!.toFixed(1)})`);
});

test('periodicExtent: where a line\'s cells repeat, not the document edge joined to it, and beyond the part the line finder kept', () => {
  // 30 glyph-like blocks (17 of every 28 px) from x 300, and a dark stretch (the document's edge, a
  // desk) on the left from x 40, 24 px of paper before the first glyph (the line finder joins gaps
  // under 0.9 line heights: the line's inked extent starts at the stretch).
  const n = 30;
  const pitch = 28;
  const x0 = 300;
  const xEnd = x0 + (n - 1) * pitch + 16;
  const glyphs = Array.from({ length: n }, (_, k) => ({ top: 6, bottom: 35, x0: x0 + k * pitch, x1: x0 + k * pitch + 17 }));
  const ink = boxInk(1300, 44, [{ top: 6, bottom: 35, x0: 40, x1: 180 }, { top: 12, bottom: 30, x0: 184, x1: x0 - 24 }, ...glyphs]);
  const lines = findLines(ink);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  assert.ok(line.xa <= 40, `the edge is joined to the line (xa ${line.xa})`);
  const e = periodicExtent(ink, line, n / 2);
  assert.ok(e, 'a periodic run');
  assert.ok(Math.abs(e.xa - x0) <= 1 && Math.abs(e.xb - xEnd) <= 1, `extent ${e.xa}-${e.xb} against ${x0}-${xEnd}`);
  // A line found only in part (its right half): the run goes on over the whole MRZ.
  const ep = periodicExtent(ink, { ...line, xa: x0 + 16 * pitch, xb: xEnd }, n / 2);
  assert.ok(ep && Math.abs(ep.xa - x0) <= 1 && Math.abs(ep.xb - xEnd) <= 1, `part: ${ep?.xa}-${ep?.xb}`);
  // The stretch right beside the first glyph: windows over both still correlate, so the start may
  // move out by up to two pitches (the limit the engine's look lives with), not to the stretch's start.
  const joined = boxInk(1300, 44, [{ top: 6, bottom: 35, x0: 40, x1: x0 - 6 }, ...glyphs]);
  const ej = periodicExtent(joined, findLines(joined)[0]!, n / 2);
  assert.ok(ej && ej.xa >= x0 - 2 * pitch && ej.xa <= x0 && Math.abs(ej.xb - xEnd) <= 1, `joined: ${ej?.xa}-${ej?.xb}`);
  // Too short a run for the cells asked, and a blank line: none.
  assert.equal(periodicExtent(ink, line, 2 * n), null);
  assert.equal(periodicExtent(boxInk(1300, 44, []), { top: 6, bottom: 35, xa: 40, xb: 1200, mass: 0 }, n / 2), null);
});

test('findLines: a text line merged with sparse print just above it is cut back to the height of the line below', () => {
  // Rows 0-17: labels (short strokes, sparse); rows 18-37: an MRZ-like line touching them; rows
  // 50-69: the second line. Without the split the first line is 38 rows tall and never groups.
  const ink = blockInk(900, 90, [
    { top: 0, bottom: 17, x0: 20, x1: 880, pitch: 40, cw: 6 },
    { top: 18, bottom: 37, x0: 40, x1: 860, pitch: 20, cw: 12 },
    { top: 50, bottom: 69, x0: 40, x1: 860, pitch: 20, cw: 12 },
  ]);
  const lines = findLines(ink);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines.map((l) => [l.top, l.bottom]), [[18, 37], [50, 69]]);
  // A tall line without a partner of about its length is left alone.
  const alone = findLines(blockInk(900, 90, [
    { top: 0, bottom: 17, x0: 20, x1: 880, pitch: 40, cw: 6 },
    { top: 18, bottom: 37, x0: 40, x1: 860, pitch: 20, cw: 12 },
    { top: 50, bottom: 69, x0: 40, x1: 300, pitch: 20, cw: 12 },
  ]));
  assert.deepEqual(alone.map((l) => [l.top, l.bottom]), [[0, 37], [50, 69]]);
});

test('a TD1 line merged with the print above it is split off and the frame reads', { skip: !haveFont }, async () => {
  // Seeded frame outside the bench range: the first line touches the labels above it.
  await assertReadsExactly(240146);
});

test('shiftedGroup moves every line of a cut by whole cells; alignedGroups cuts each line over another\'s extent', { skip: !haveFont }, async () => {
  // A bench passport whose comb moved two cells left still holds most of the line's ink (the
  // recut over a moved extent is pulled towards uncovered ink, up to half a cell on frames such
  // as 70001, 70006, 70007 and 70010, so the frame matters).
  const a = await benchBand(70008);
  const g = lineGroups(a, [44])[0];
  assert.ok(g);
  for (const s of [1, -2]) {
    const m = shiftedGroup(a, g, s);
    assert.ok(m, `shift ${s}`);
    m.cells.forEach((c, i) => {
      const o = g.cells[i]!;
      assert.ok(Math.abs(c.bounds[0]! - o.bounds[0]! - s * o.pitch) < 0.35 * o.pitch, `line ${i} start moved ${s} cells: ${o.bounds[0]} -> ${c.bounds[0]}`);
      assert.ok(Math.abs(c.bounds[44]! - o.bounds[44]! - s * o.pitch) < 0.35 * o.pitch, `line ${i} end moved ${s} cells`);
    });
  }
  // Lines that agree on their extent (here a line paired with itself) give no aligned alternative;
  // a line moved a cell gives one per reference line.
  assert.deepEqual(alignedGroups(a, { ...g, cells: [g.cells[0]!, g.cells[0]!], lines: [g.lines[0]!, g.lines[0]!] }), []);
  const moved = shiftedGroup(a, { ...g, cells: [g.cells[0]!], lines: [g.lines[0]!] }, 1);
  assert.ok(moved);
  const skewed = { ...g, cells: [moved.cells[0]!, g.cells[1]!] };
  const al = alignedGroups(a, skewed);
  // One per reference line: the cut along its boundaries is the same cells here (not offered).
  assert.equal(al.length, 2);
  for (const x of al) assert.ok(Math.abs(x.cells[0]!.bounds[0]! - x.cells[1]!.bounds[0]!) < 0.5 * x.cells[0]!.pitch, 'aligned starts');
});

test('alignedGroups also cuts a line along the other line\'s boundaries when its pitch changes along the band', { skip: !haveFont }, async () => {
  // Bench passport 70254 (hard preset, tilted 19 degrees; the pitch grows by about 30% along the
  // rectified band): line 1's cut runs a cell past its last glyph. Cut over line 2's extent at one
  // pitch it drifts mid-line; cut along line 2's boundaries (each refined a third of a cell at
  // most) it ends where line 2 does.
  const a = await benchBand(70254, 'hard');
  const g = lineGroups(a, [44])[0];
  assert.ok(g);
  const [l1, l2] = g.cells as [CellLine, CellLine];
  assert.ok(l1.bounds[44]! - l2.bounds[44]! > 0.5 * l2.pitch, 'line 1 cut past line 2');
  const al = alignedGroups(a, g);
  assert.equal(al.length, 4, 'over each line\'s extent, then along each line\'s boundaries');
  const along = al[3]!;
  assert.equal(along.cells[1], l2);
  const reach = Math.max(2, Math.round(0.3 * l2.pitch)) + 1;
  for (let k = 0; k <= 44; k++) assert.ok(Math.abs(along.cells[0]!.bounds[k]! - l2.bounds[k]!) <= reach, `boundary ${k}`);
  const overExtent = al[1]!.cells[0]!;
  assert.ok(overExtent.bounds.some((x, k) => Math.abs(x - along.cells[0]!.bounds[k]!) >= 0.5 * l2.pitch), 'the cut over the extent drifts');
});

test('no valid read: the best cut moved by whole cells, with its lines aligned on one another, and the check digits decide', { skip: !haveFont }, async () => {
  // Seeded frames outside the bench range: both TD2 lines' faint first glyphs leave the comb two
  // cells off (240057; also needs the wider window below); one TD3 line cut over a longer extent
  // than the other drifts a cell along it (90276).
  for (const seed of [240057, 90276]) await assertReadsExactly(seed);
  // The fallbacks also align and move the second-best cut: on these frames (90159 MRV-A, 90225
  // TD1) none of the best cut's fallbacks reads validly and one of the second-best cut's does.
  for (const seed of [90159, 90225]) await assertReadsExactly(seed);
});

test('a cut that runs into the window edge is read again in a wider window, where it must end in blank paper', { skip: !haveFont }, async () => {
  // Seeded frames outside the bench range whose located band is off-centre: the true cut reaches
  // the window's right edge, so continuesBeyond rejects it (the line might go on).
  for (const seed of [90120, 90217]) await assertReadsExactly(seed);
});

/** The mask at `t` without horizontal runs longer than max(8, round(2 charSize)). */
function referenceMask(ink: Float32Array, w: number, t: number, charSize: number): Uint8Array {
  const bin = Uint8Array.from(ink, (v) => (v > t ? 1 : 0));
  const maxRun = Math.max(8, Math.round(2 * charSize));
  for (let o = 0; o < bin.length; o += w) {
    let x = 0;
    while (x < w) {
      if (!bin[o + x]) {
        x++;
        continue;
      }
      let e = x;
      while (e < w && bin[o + e]) e++;
      if (e - x > maxRun) bin.fill(0, o + x, o + e);
      x = e;
    }
  }
  return bin;
}

test('remask drops exactly the runs longer than the limit (runs at the limit and one past it, one- and two-pixel gaps, every offset mod 4, several run limits)', () => {
  const r = rng(61);
  for (const charSize of [3, 4.6, 7, 10, 20.3]) {
    const maxRun = Math.max(8, Math.round(2 * charSize));
    for (const w of [1, 7, 8 + maxRun, 5 * maxRun + 3, 333]) {
      const h = 40;
      const data = new Float32Array(w * h);
      for (let y = 0; y < h; y++) {
        // Runs of the limit's length, one more, and random ones, separated by gaps of 1-3 pixels, from offset y mod 5.
        let x = y % 5;
        while (x < w) {
          const len = r() < 0.4 ? maxRun + (r() < 0.5 ? 1 : 0) : 1 + Math.floor(r() * 2 * maxRun);
          for (let i = x; i < Math.min(w, x + len); i++) data[y * w + i] = 0.9;
          x += len + 1 + Math.floor(r() * 3);
        }
      }
      const ink = { width: w, height: h, data, threshold: 0.5, bin: new Uint8Array(w * h) };
      const got = remask(ink, 0.5, charSize);
      assert.ok(Buffer.from(got.bin).equals(Buffer.from(referenceMask(data, w, 0.5, charSize))), `w ${w}, char size ${charSize}`);
    }
  }
});

/** estimateSkew written the plain way (every step-th ink pixel, sharpness per angle). */
function referenceSkew(ink: InkMap, maxDeg = 3, stepDeg = 0.2): number {
  const { width: w, height: h, bin } = ink;
  const pts: [number, number][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (bin[y * w + x]) pts.push([x - w / 2, y]);
  if (pts.length < 50) return 0;
  const step = Math.max(1, Math.floor(pts.length / 20000));
  const sample = pts.filter((_, i) => i % step === 0).map(([x, y]) => [Math.fround(x), Math.fround(y)] as const);
  const pad = Math.ceil(Math.tan((maxDeg * Math.PI) / 180) * w) + 2;
  let best = -1;
  let bestA = 0;
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += stepDeg) {
    const ta = Math.tan((d * Math.PI) / 180);
    const hist = new Float64Array(h + 2 * pad);
    for (const [x, y] of sample) {
      const yy = roundHalfUp(y - x * ta) + pad;
      if (yy >= 0 && yy < hist.length) hist[yy] = (hist[yy] as number) + 1;
    }
    let s = 0;
    for (const c of hist) s += c * c;
    if (s > best) {
      best = s;
      bestA = d;
    }
  }
  return (bestA * Math.PI) / 180;
}

test('estimateSkew (column runs) equals the per-pixel reference: random masks, odd and even widths, half-integer shifts, sparse masks', () => {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const [w, h, density] of [[97, 31, 0.2], [96, 40, 0.05], [482, 70, 0.12], [301, 9, 0.5], [64, 64, 0.01]] as const) {
    const bin = new Uint8Array(w * h);
    // Tilted stripes (a skew to find) plus noise.
    const tilt = (rand() - 0.5) * 0.08;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const yy = y + tilt * (x - w / 2);
      if (rand() < density || (Math.floor(yy) % 7 === 0 && rand() < 0.6)) bin[y * w + x] = 1;
    }
    const ink = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin } as InkMap;
    assert.equal(estimateSkew(ink), referenceSkew(ink), `${w}x${h}`);
    // tan(45 deg) is 0.9999999999999999: with an odd width every column's shift lies a hair from a
    // half-integer, the path that rounds each pixel on its own.
    assert.equal(estimateSkew(ink, 45, 45), referenceSkew(ink, 45, 45), `${w}x${h} at 45 degrees`);
    assert.equal(estimateSkew(ink, 10, 0.7), referenceSkew(ink, 10, 0.7), `${w}x${h} within 10 degrees`);
  }
  // A 45-degree diagonal (40 pixels) and a shorter level line (34 pixels): with every shift a hair
  // from a half-integer, only the per-pixel rounding puts the whole diagonal into one bin at 45
  // degrees (1600 against the level line's 1156 at 0).
  const diag = new Uint8Array(81 * 50);
  for (let x = 20; x < 60; x++) diag[(x - 20) * 81 + x] = 1;
  for (let x = 10; x < 44; x++) diag[45 * 81 + x] = 1;
  const diagInk = { width: 81, height: 50, data: new Float32Array(81 * 50), threshold: 0.5, bin: diag } as InkMap;
  assert.equal(referenceSkew(diagInk, 45, 45), Math.PI / 4);
  assert.equal(estimateSkew(diagInk, 45, 45), Math.PI / 4);
  // Fewer than 50 ink pixels: no skew measured.
  const few = new Uint8Array(50 * 20);
  for (let i = 0; i < 49; i++) few[i * 7] = 1;
  assert.equal(estimateSkew({ width: 50, height: 20, data: new Float32Array(1000), threshold: 0.5, bin: few } as InkMap), 0);
});

// inkMap itself is compared with a plain reference in image.node.test.ts (small synthetic images).
test('on MRZ frames, inkMap keeps its mask and remask and estimateSkew give the same bits as plain reference passes', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  for (const seed of [3, 11, 29]) {
    const full = toFloat(decodeGray(renderSynthetic(seed, { preset: seed === 11 ? 'hard' : 'normal', encoding: 'jpeg' }).image));
    // Whole frame, and crops whose width and height are not multiples of the 4-pixel block.
    for (const [x0, y0, w, h] of [[0, 0, full.width, full.height], [200, 300, 401, 123], [13, 450, 97, 61]] as const) {
      const data = new Float32Array(w * h);
      for (let y = 0; y < h; y++) data.set(full.data.subarray((y + y0) * full.width + x0, (y + y0) * full.width + x0 + w), y * w);
      for (const charSize of [7, 16]) {
        const tag = `seed ${seed} ${w}x${h} charSize ${charSize}`;
        const got = inkMap({ width: w, height: h, data }, charSize);
        assert.ok(Buffer.from(got.bin).equals(Buffer.from(referenceMask(got.data, w, got.threshold, charSize))), `${tag}: mask`);
        assert.equal(estimateSkew(got), referenceSkew(got), `${tag}: skew`);
        const re = remask(got, 0.6 * got.threshold, charSize);
        assert.equal(re.data, got.data, `${tag}: remask shares the ink`);
        assert.ok(Buffer.from(re.bin).equals(Buffer.from(referenceMask(got.data, w, 0.6 * got.threshold, charSize))), `${tag}: remask`);
      }
    }
  }
});

/** Blocks over rows 10-29 at the given column spans [x0, x1) (any pitches). */
const spanInk = (w: number, h: number, spans: readonly (readonly [number, number])[]): InkMap => boxInk(w, h, spans.map(([x0, x1]) => ({ top: 10, bottom: 29, x0, x1 })));

test('unforeshortenedPeriodicity: a line whose pitch grows 2.5-fold is most periodic with that foreshortening removed; a blank line scores 0', () => {
  // 36 glyph-like blocks, uniform in the text's own coordinate, seen through the projective map
  // of x that engine-band.ts foreshortenedSpec removes (pitch ratio rho over xL..xR).
  const n = 36;
  const w = 963;
  const h = 40;
  const xL = 51.6;
  const xR = 911.6;
  const rho = 2.5;
  const l = Math.sqrt(rho);
  const old = (u: number): number => {
    const t = (u - xL) / (xR - xL);
    return xL + ((xR - xL) * t) / (l + (1 - l) * t);
  };
  const cell = (xR - xL) / n;
  const ink = spanInk(w, h, Array.from({ length: n }, (_, k) => [Math.round(old(xL + (k + 0.2) * cell)), Math.round(old(xL + (k + 0.8) * cell))] as const));
  const lines = findLines(ink);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  const score = (r: number): number => unforeshortenedPeriodicity(ink, line, r, xL, xR).score;
  let best = 1;
  for (let k = -18; k <= 18; k++) if (score(Math.exp(0.1 * k)) > score(best)) best = Math.exp(0.1 * k);
  assert.ok(Math.abs(Math.log(best / rho)) < 0.11, `best ratio ${best.toFixed(3)}`);
  assert.ok(score(rho) > 1.5 * score(1), `score ${score(rho).toFixed(3)} against ${score(1).toFixed(3)} unchanged`);
  // The period found is the text's uniform pitch.
  const { period } = unforeshortenedPeriodicity(ink, line, rho, xL, xR);
  assert.ok(Math.abs(period - cell) <= 2.5, `period ${period} against ${cell.toFixed(1)}`);
  const blank: InkMap = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin: new Uint8Array(w * h) };
  assert.equal(unforeshortenedPeriodicity(blank, line, rho, xL, xR).score, 0);
});

test('linePitchRatio: the pitch change along a line (end over start), 0 without a clear period; a span cut follows it', () => {
  // 44 glyph-like blocks whose pitch grows linearly from 16 to 20 px (ratio 1.25, a document seen
  // in perspective and rectified without it).
  const n = 44;
  const w = 1000;
  const h = 40;
  const p0 = 16;
  const r = 1.25;
  const at = (k: number): number => 60 + k * p0 + ((r - 1) * p0 * k * (k - 1)) / (2 * (n - 1));
  const ink = spanInk(w, h, Array.from({ length: n }, (_, k) => [Math.round(at(k) + 0.2 * p0), Math.round(at(k + 1) - 0.2 * p0)] as const));
  const lines = findLines(ink);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  const est = linePitchRatio(ink, line);
  assert.ok(Math.abs(est - r) < 0.06, `ratio ${est.toFixed(3)}`);
  // The span cut's cells sit on the blocks although the pitch changes by more than the default
  // ratio search (+-8%) covers.
  const c = cutLine(ink, line, n);
  assert.ok(c);
  for (let k = 0; k < n; k++) {
    const centre = (c.bounds[k]! + c.bounds[k + 1]!) / 2;
    const truth = (at(k) + at(k + 1)) / 2;
    assert.ok(Math.abs(centre - truth) < 0.3 * (at(k + 1) - at(k)), `cell ${k}: ${centre.toFixed(1)} vs ${truth.toFixed(1)}`);
  }
  // A line of uniform blocks: no pitch change. A blank line: unclear.
  const flat = blockInk(1000, 40, [{ top: 10, bottom: 29, x0: 60, x1: 940, pitch: 20, cw: 12 }]);
  const flatLine = findLines(flat)[0]!;
  assert.ok(Math.abs(linePitchRatio(flat, flatLine) - 1) < 0.03);
  const blank: InkMap = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin: new Uint8Array(w * h) };
  assert.equal(linePitchRatio(blank, { top: 10, bottom: 29, xa: 60, xb: 900, mass: 0 }), 0);
});

/** rasterGlyph written the plain way: four bilinear samples per output pixel, each read from the image. */
function referenceRaster(ink: { width: number; height: number; data: Float32Array }, cx: number, cy: number, pitch: number, lh: number): Float32Array {
  const out = new Float32Array(GLYPH_SIZE);
  const ww = 1.1 * pitch;
  const hh = 1.3 * lh;
  const x0 = cx - ww / 2;
  const y0 = cy - hh / 2;
  const sx = ww / GLYPH_W;
  const sy = hh / GLYPH_H;
  const { width: w, height: h, data } = ink;
  const tap = (origin: number, step: number, g: number, k: number, size: number): [number, number, number] => {
    let v = origin + (g + 0.25 + 0.5 * k) * step - 0.5;
    if (v < 0) v = 0;
    else if (v > size - 1) v = size - 1;
    const vi = Math.floor(v);
    return [vi, vi + 1 < size ? vi + 1 : vi, v - vi];
  };
  for (let gy = 0; gy < GLYPH_H; gy++) {
    for (let gx = 0; gx < GLYPH_W; gx++) {
      let s = 0;
      for (let a = 0; a < 2; a++) {
        const [yi, yj, fy] = tap(y0, sy, gy, a, h);
        for (let b = 0; b < 2; b++) {
          const [xi, xj, fx] = tap(x0, sx, gx, b, w);
          const p = data[yi * w + xi] as number;
          const q = data[yi * w + xj] as number;
          const u = data[yj * w + xi] as number;
          const v = data[yj * w + xj] as number;
          s += (p + (q - p) * fx) * (1 - fy) + (u + (v - u) * fx) * fy;
        }
      }
      out[gy * GLYPH_W + gx] = s / 4;
    }
  }
  return out;
}

test('rasterGlyph (row interpolations shared between taps) gives the bits of four plain bilinear samples per pixel, inside the image and clamped at its edges', () => {
  let seed = 99;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const w = 120;
  const h = 50;
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = rand() < 0.3 ? rand() : 0;
  const ink = { width: w, height: h, data };
  const out = new Float32Array(3 * GLYPH_SIZE).fill(-1);
  // Cells inside, at every edge and corner (clamped taps), tiny and large cells.
  for (const [cx, cy, pitch, lh] of [[60, 25, 19.5, 22], [60.3, 24.7, 17.2, 20.4], [2, 25, 19, 22], [118, 25, 19, 22], [60, 1, 19, 22], [60, 48.5, 19, 22], [0, 0, 30, 40], [119, 49, 23, 31], [60, 25, 3, 4], [60, 25, 110, 48], [60, 25, 40, 90]] as const) {
    rasterGlyph(ink, cx, cy, pitch, lh, out, GLYPH_SIZE);
    const want = referenceRaster(ink, cx, cy, pitch, lh);
    for (let i = 0; i < GLYPH_SIZE; i++) assert.ok(Object.is(out[GLYPH_SIZE + i], want[i]), `cell at ${cx},${cy} (${pitch}x${lh}), pixel ${i}: ${out[GLYPH_SIZE + i]} vs ${want[i]}`);
  }
  // Only the raster at `offset` is written.
  assert.ok(out.subarray(0, GLYPH_SIZE).every((v) => v === -1) && out.subarray(2 * GLYPH_SIZE).every((v) => v === -1));
});

test('findLines counts a row\'s mask four bytes at a time: the same lines as from a mask at an unaligned offset (counted byte by byte), any width, rows of over 1020 set pixels', () => {
  let seed = 4242;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const w of [301, 962, 963, 1297]) {
    const h = 60;
    const bin = new Uint8Array(w * h);
    // Three text-like lines (dense rows), sparse noise elsewhere; one line fully set (flushes the byte lanes).
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const inLine = (y >= 8 && y < 18) || (y >= 26 && y < 35);
      bin[y * w + x] = y >= 44 && y < 52 ? 1 : inLine ? (rand() < 0.45 ? 1 : 0) : rand() < 0.02 ? 1 : 0;
    }
    const aligned = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin } as InkMap;
    const shifted = new Uint8Array(w * h + 1).subarray(1);
    shifted.set(bin);
    assert.equal(shifted.byteOffset % 4, 1);
    const unaligned = { ...aligned, bin: shifted };
    const got = findLines(aligned);
    assert.ok(got.length >= 2, `width ${w}: lines found`);
    assert.deepEqual(got, findLines(unaligned), `width ${w}`);
  }
});

test('findLines sums a line\'s columns column by column: every line\'s extent and mass equal the row-major column sums\' longest cluster (gaps, widths 1-963, one-row lines)', () => {
  let seed = 777;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  // The session-17 lineAt over rows t..b: column sums row by row, then the heaviest cluster of inked columns.
  const reference = (bin: Uint8Array, w: number, t: number, b: number): { xa: number; xb: number; mass: number } | null => {
    const lh = b - t + 1;
    const col = new Int32Array(w);
    let mass = 0;
    for (let y = t; y <= b; y++) for (let x = 0; x < w; x++) {
      col[x] = (col[x] as number) + (bin[y * w + x] as number);
      mass += bin[y * w + x] as number;
    }
    const maxGap = Math.max(4, Math.round(0.9 * lh));
    let best: { xa: number; xb: number; m: number } | null = null;
    let ca = -1, cb = -1, cm = 0, gap = 0;
    for (let x = 0; x <= w; x++) {
      const v = x < w ? (col[x] as number) : 0;
      if (x < w && v > 0) {
        if (ca < 0) (ca = x), (cm = 0);
        cb = x;
        cm += v;
        gap = 0;
      } else if (ca >= 0 && (++gap > maxGap || x === w)) {
        if (!best || cm > best.m) best = { xa: ca, xb: cb, m: cm };
        ca = -1;
      }
    }
    return best && best.xb - best.xa >= 6 * lh ? { xa: best.xa, xb: best.xb, mass } : null;
  };
  let checked = 0;
  for (const w of [1, 7, 64, 301, 963]) for (const h of [1, 5, 40]) {
    const bin = new Uint8Array(w * h);
    // Dense bands of rows with column gaps of random length, sparse noise elsewhere.
    for (let y = 0; y < h; y++) {
      const dense = h < 5 || (y % 20 >= 4 && y % 20 < 13);
      let on = true;
      for (let x = 0; x < w; x++) {
        if (rand() < 0.02) on = !on;
        bin[y * w + x] = dense ? (on && rand() < 0.5 ? 1 : 0) : rand() < 0.01 ? 1 : 0;
      }
    }
    const ink = { width: w, height: h, data: new Float32Array(w * h), threshold: 0.5, bin } as InkMap;
    for (const l of findLines(ink)) {
      assert.deepEqual({ xa: l.xa, xb: l.xb, mass: l.mass }, reference(bin, w, l.top, l.bottom), `${w}x${h} rows ${l.top}-${l.bottom}`);
      checked++;
    }
  }
  assert.ok(checked >= 4, `lines checked: ${checked}`);
});

/**
 * fitComb before its left-out-ink lower bound (session 14), verbatim but for its scratch arrays:
 * the plain reference the fast search must match bit for bit.
 */
function fitCombReference(sm: Float64Array, line: TextLine, n: number, pLo: number, pHi: number, mode: 'span' | 'short' | 'long' | 'box', width: number, anchor: CombAnchor = 'centre', rEst = 1): Comb {
  const combAt = (x0: number, p: number, r: number, k: number): number => x0 + k * p + ((r - 1) * p * k * (k - 1)) / (2 * n);
  let best = Infinity;
  let out: Comb = { x0: line.xa, p: pLo, r: 1 };
  const steps = mode === 'span' ? 24 : 6;
  const centre = width / 2;
  // Off the ink the pitch change is not observable: keep it small when extrapolating.
  const rMax = mode === 'span' ? 4 : 1;
  // Span fits also cover the pitch ratio the line's own periods suggest (a band rectified without
  // its perspective, or with a poor one, changes pitch by up to a third along the line).
  const rEstIdx = mode === 'span' ? Math.round((rEst - 1) / 0.02) : 0;
  const rLo = Math.min(-rMax, rEstIdx - 3);
  const rHi = Math.max(rMax, rEstIdx + 3);
  const kp = new Float64Array(n + 1);
  const q = new Float64Array(n + 1);
  const last = sm.length - 1;
  // Two passes over the same combs in the same order. The first evaluates a sparse subset (every
  // other pitch ratio, every fourth pitch (second in the short modes), every other start) to reach
  // a low cost early, so the second (every other comb) abandons most combs after a few boundaries.
  // The winner is the same as one pass's: the first comb (in pass order) of least cost, i.e. the
  // least (cost, order) pair; a comb ordered before the current best also wins on a tie (`before`).
  let bestOrder = -1;
  // Starts per (ratio, pitch) row are far fewer (a few dozen, at most a few thousand).
  const xCount = 1 << 20;
  for (let pass = 0; pass < 2; pass++) for (let ri = rLo; ri <= rHi; ri++) {
    const seedR = (ri & 1) === 0;
    const r = 1 + ri * (mode === 'span' ? 0.02 : 0.01);
    for (let si = 0; si <= steps; si++) {
      const seedP = seedR && si % (steps >= 12 ? 4 : 2) === 0;
      if (pass === 0 && !seedP) continue;
      const pm = pLo + ((pHi - pLo) * si) / steps;
      const p = pm / (1 + ((r - 1) * (n - 1)) / (2 * n));
      const total = combAt(0, p, r, n);
      // Start positions to try.
      let xFrom: number;
      let xTo: number;
      let xStep: number;
      if (typeof anchor === 'object') {
        // The comb starts at the box's left edge (within a third of a cell).
        xFrom = anchor.x0 - 0.3 * p;
        xTo = anchor.x0 + 0.3 * p;
        xStep = 0.05 * p;
      } else if (mode === 'span') {
        xFrom = line.xa - 0.42 * p;
        xTo = line.xa;
        xStep = 0.042 * p;
      } else if (mode === 'short' && anchor === 'start') {
        // The first glyph sits in the first cell.
        xFrom = line.xa - 0.45 * p;
        xTo = line.xa + 0.05 * p;
        xStep = 0.042 * p;
      } else if (mode === 'short') {
        // The comb covers the ink: x0 <= xa (first glyph edge inside its cell), end >= xb.
        xFrom = line.xb - total - 0.05 * p;
        xTo = line.xa + 0.05 * p;
        xStep = 0.1 * p;
      } else {
        xFrom = line.xa - 0.45 * p;
        xTo = line.xb + 0.45 * p - total;
        xStep = 0.1 * p;
      }
      if (xTo < xFrom) xTo = xFrom;
      // combAt(x0, p, r, k) = x0 + kp[k] + q[k] with the same operations (bit-identical), the
      // x0-independent terms computed once per (p, r).
      for (let k = 0; k <= n; k++) {
        kp[k] = k * p;
        q[k] = ((r - 1) * p * k * (k - 1)) / (2 * n);
      }
      let xi = -1;
      for (let x0 = xFrom; x0 <= xTo + 1e-9; x0 += xStep) {
        xi++;
        const seed = seedP && (xi & 1) === 0;
        if (pass === 0 ? !seed : seed) continue;
        const order = ((ri - rLo) * (steps + 1) + si) * xCount + xi;
        // A comb ordered before the best wins a tie: it loses only on a higher cost.
        const before = order < bestOrder;
        let c = 0;
        const xe = x0 + (kp[n] as number) + (q[n] as number);
        // The overhang (span) or centring penalties are added last, to a sum of terms >= 0: rounding
        // is monotonic, so 0 + penalties is a lower bound of the final cost. A comb whose penalties
        // alone reach best loses before any boundary is read.
        if (mode === 'span') {
          const dl = (line.xa - x0) / p;
          const dr = (xe - line.xb) / (p * r);
          let lb = 0;
          if (dl > 0.4) lb += 6 * (dl - 0.4);
          if (dr > 0.4) lb += 6 * (dr - 0.4);
          if (before ? lb > best : lb >= best) continue;
        } else if (mode === 'long' || (mode === 'short' && anchor === 'centre')) {
          const lb = (0.5 * Math.abs((x0 + xe) / 2 - centre)) / p;
          if (before ? lb > best : lb >= best) continue;
        }
        for (let k = 0; k <= n; k++) {
          // interp(sm, x), inlined.
          const x = x0 + (kp[k] as number) + (q[k] as number);
          if (x <= 0) c += sm[0] as number;
          else if (x >= last) c += sm[last] as number;
          else {
            const i = Math.floor(x);
            const f = x - i;
            c += (sm[i] as number) * (1 - f) + (sm[i + 1] as number) * f;
          }
          // Every term is >= 0 (sm is), so c only grows: once it passes best this start loses.
          if (before ? c > best : c >= best) break;
        }
        if (before ? c > best : c >= best) continue;
        for (let x = Math.max(0, Math.floor(line.xa)); x < x0 && (before ? c <= best : c < best); x++) c += (sm[x] as number) * 2;
        for (let x = Math.max(0, Math.ceil(xe)); x <= line.xb && x < sm.length && (before ? c <= best : c < best); x++) c += (sm[x] as number) * 2;
        if (mode === 'span') {
          // The outer glyph edges sit inside the end cells: the comb may not overhang the ink.
          const dl = (line.xa - x0) / p;
          const dr = (xe - line.xb) / (p * r);
          if (dl > 0.4) c += 6 * (dl - 0.4);
          if (dr > 0.4) c += 6 * (dr - 0.4);
        } else if (mode === 'long' || (mode === 'short' && anchor === 'centre')) {
          c += (0.5 * Math.abs((x0 + xe) / 2 - centre)) / p;
        }
        if (before ? c <= best : c < best) {
          best = c;
          bestOrder = order;
          out = { x0, p, r };
        }
      }
    }
  }
  return out;
}


/** A glyph-like column profile (>= 0): strokes every `pitch` pixels over [xa, xb], noise elsewhere, ink beyond it with `print`. */
function glyphProfile(rand: () => number, w: number, xa: number, xb: number, pitch: number, print: boolean): Float64Array {
  const sm = new Float64Array(w);
  const phase = rand() * pitch;
  for (let x = 0; x < w; x++) {
    const t = (((x - xa - phase) % pitch) + pitch) % pitch;
    const inText = x >= xa && x <= xb;
    const stroke = t > 0.25 * pitch && t < 0.75 * pitch ? 0.3 + rand() : 0.05 * rand();
    sm[x] = inText || (print && rand() < 0.7) ? stroke : rand() < 0.1 ? 0.2 * rand() : 0;
  }
  return sm;
}

test('fitComb (dropping combs by their left-out ink first) returns the reference comb bit for bit: every mode, anchors, lines shorter and longer than n cells, combs clamped at the ends, exact ties', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let checked = 0;
  for (let trial = 0; trial < 120; trial++) {
    const n = [30, 36, 44][trial % 3] as number;
    const w = trial % 2 === 0 ? 963 : 482;
    const pitch = (0.6 + 0.8 * rand()) * (w / 1.12 / n);
    const cells = n * (0.5 + 1.2 * rand());
    // Some lines start at the first column or end at the last (combs clamped at the profile's ends).
    const xa = trial % 7 === 0 ? 0 : Math.round(10 + rand() * 60);
    const xb = trial % 11 === 0 ? w - 1 : Math.min(w - 2, Math.round(xa + cells * pitch));
    // Every fourth profile is all zeros inside the text (every comb ties).
    const sm = trial % 4 === 3 ? new Float64Array(w) : glyphProfile(rand, w, xa, xb, pitch, trial % 5 === 0);
    const line = { top: 10, bottom: 30, xa, xb, mass: 1 };
    const span = xb - xa + 1;
    const calls: [number, number, 'span' | 'short' | 'long' | 'box', CombAnchor, number][] = [
      [(0.98 * span) / n, (1.03 * span) / (n - 0.7), 'span', 'centre', trial % 3 === 0 ? 1 : 0.8 + 0.5 * rand()],
      [0.985 * pitch, 1.015 * pitch, 'short', 'centre', 1],
      [0.985 * pitch, 1.015 * pitch, 'short', 'start', 1],
      [0.985 * pitch, 1.015 * pitch, 'long', 'centre', 1],
      [0.99 * pitch, 1.01 * pitch, 'box', { x0: xa + rand() * pitch, x1: xa + n * pitch }, 1],
    ];
    for (const [pLo, pHi, mode, anchor, rEst] of calls) {
      assert.deepEqual(fitComb(sm, line, n, pLo, pHi, mode, w, anchor, rEst), fitCombReference(sm, line, n, pLo, pHi, mode, w, anchor, rEst), `trial ${trial} ${mode}`);
      checked++;
    }
  }
  assert.equal(checked, 600);
});

test('cutLine rasterAt: unmoved it writes the bits of the glyph raster; moved, the window moves by pitches and cap heights', () => {
  const ink = blockInk(1000, 40, [{ top: 10, bottom: 29, x0: 60, x1: 940, pitch: 20, cw: 12 }]);
  const line = findLines(ink)[0]!;
  const c = cutLine(ink, line, 44);
  assert.ok(c);
  const out = new Float32Array(GLYPH_SIZE + 3);
  const centroid = (a: Float32Array, o: number): { x: number; y: number } => {
    let m = 0;
    let sx = 0;
    let sy = 0;
    for (let y = 0; y < GLYPH_H; y++) for (let x = 0; x < GLYPH_W; x++) {
      const v = a[o + y * GLYPH_W + x]!;
      m += v;
      sx += v * x;
      sy += v * y;
    }
    return { x: sx / m, y: sy / m };
  };
  for (const k of [0, 20, 43]) {
    c.rasterAt(k, 0, 0, 1, out, 3);
    assert.deepEqual(out.subarray(3), c.glyphs.subarray(k * GLYPH_SIZE, (k + 1) * GLYPH_SIZE), `cell ${k}`);
    const at = centroid(out, 3);
    // A window moved right by a tenth of the pitch shows the block further left by 0.1 / 1.1 of the
    // raster's width (the window is 1.1 pitches wide; the next block stays outside); moved down by
    // a tenth of the cap height, higher up by 0.1 / 1.3 of its height (the window is 1.3 high).
    c.rasterAt(k, 0.1, 0, 1, out, 3);
    const right = centroid(out, 3);
    assert.ok(Math.abs(at.x - right.x - (0.1 / 1.1) * GLYPH_W) < 0.3, `cell ${k}: x ${at.x.toFixed(2)} -> ${right.x.toFixed(2)}`);
    assert.ok(Math.abs(at.y - right.y) < 0.2);
    c.rasterAt(k, 0, 0.1, 1, out, 3);
    const down = centroid(out, 3);
    assert.ok(Math.abs(at.y - down.y - (0.1 / 1.3) * GLYPH_H) < 0.3, `cell ${k}: y ${at.y.toFixed(2)} -> ${down.y.toFixed(2)}`);
  }
});
