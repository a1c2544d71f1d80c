import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyseBand, lineGroups, type BandAnalysis } from '../../../sdk/mrz/engine-band.ts';
import { locateBands } from '../../../sdk/mrz/locate.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';

const haveFont = existsSync('/usr/share/fonts/opentype/ocr-b/OCRB.otf') || existsSync('/usr/share/fonts/truetype/ocr-b/OCRB.ttf');

/** The analysis of the first located band of a seeded frame (the bench's JPEG encoding). */
function firstBand(seed: number, preset: 'normal' | 'hard'): { a: BandAnalysis; lines: readonly string[] } {
  const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
  const gray = decodeGray(doc.image);
  const band = locateBands(gray, { maxCandidates: 4 })[0];
  assert.ok(band, `seed ${seed}: a band`);
  const a = analyseBand(gray, band, new Map());
  assert.ok(a, `seed ${seed}: band analysed`);
  return { a, lines: doc.lines };
}

/** The lines of `a` that span at least 80% of its text (the MRZ lines of a well-rectified band). */
function fullLines(a: BandAnalysis): number {
  const textLen = a.ink.width / (1 + 2 * (a.margin ?? 0.06));
  return a.lines.filter((l) => l.xb - l.xa >= 0.8 * textLen).length;
}

test('a dark, noisy desk inside the band window is no ink: the MRZ lines are found apart, not one window-tall line', { skip: !haveFont }, () => {
  // Seeded frames outside the bench range (a blurred 'hard' visa, a 'normal' TD2; the document's
  // edge and a dark textured desk inside the band's window): the desk's noise read as dense ink in
  // every row, so the whole window was one text line and no line group could be cut.
  for (const [seed, preset] of [[90191, 'hard'], [90104, 'normal']] as const) {
    const { a, lines } = firstBand(seed, preset);
    const n = (lines[0] as string).length as 36 | 44;
    assert.equal(fullLines(a), 2, `seed ${seed}: two MRZ lines (${a.lines.map((l) => `${l.top}-${l.bottom}`).join(', ')})`);
    assert.ok(a.lines.every((l) => l.bottom - l.top < 0.25 * a.ink.height), `seed ${seed}: no window-tall line`);
    assert.ok(lineGroups(a, [n]).length > 0, `seed ${seed}: a group of ${n}`);
  }
});

test('a perspective rectification whose text box no line spans is dropped for the rotated rectangle', { skip: !haveFont }, () => {
  // Seeded passport frame outside the bench range: desk texture beside the MRZ joined its lines
  // at half resolution, the box measured on them squeezed the MRZ into the window's right half.
  const { a } = firstBand(90131, 'normal');
  assert.equal(fullLines(a), 2, a.lines.map((l) => `${l.xa}-${l.xb}`).join(', '));
  assert.ok(lineGroups(a, [44]).length > 0, 'a group of 44');
});

test('a 36-cell cut of a 44-character line whose filler tail glare made faint is no valid MRV-B', { skip: !haveFont }, async () => {
  // Bench frame 70300 (a 'hard' MRV-A): glare fades the filler tail of both lines, the desk beside
  // the document is filled with paper, and the first 36 cells of each line pass MRV-B's check
  // digits. Every 36-cell cut must end in blank paper, so the frame is not read as that MRV-B.
  const { readMrz } = await import('../../../sdk/mrz/engine.ts');
  const doc = renderSynthetic(70300, { preset: 'hard', encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(!r || !r.valid || r.lines.join('\n') === doc.lines.join('\n'), `valid but wrong: ${r?.format} ${r?.lines.join(' / ')}`);
  assert.equal(r?.format === 'MRVB' && r.valid, false);
});

test('a 36-cell cut followed by the document\'s corner (dark at every row there) still counts as ending in blank paper', { skip: !haveFont }, async () => {
  // Seeded TD2 frame outside the bench range: the document's rounded corner lies right after the
  // second line; it is as dark in the rows below the line as in the line, so it is no glyph.
  const { readMrz } = await import('../../../sdk/mrz/engine.ts');
  const doc = renderSynthetic(90057, { preset: 'normal', encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r, 'read');
  assert.deepEqual(r.lines, doc.lines);
  assert.equal(r.valid, true);
});
