import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { parseMrz } from '../../../sdk/mrz/parse.ts';
import { renderGlyphSamples, renderSynthetic, homography } from '../../../scripts/mrz/synth.ts';
import { SYNTH_FIXTURES, SYNTH_FIXTURE_DIR } from '../../../scripts/mrz/synth-fixtures.ts';
import { createRng, randomMrz } from '../../../scripts/mrz/random-mrz.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const haveFont = existsSync('/usr/share/fonts/opentype/ocr-b/OCRB.otf') || existsSync('/usr/share/fonts/truetype/ocr-b/OCRB.ttf');

test('same seed, same options: identical image; different seed: different image', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const a = renderSynthetic(7, { format: 'TD3' });
  const b = renderSynthetic(7, { format: 'TD3' });
  const c = renderSynthetic(8, { format: 'TD3' });
  assert.ok(a.image.equals(b.image));
  assert.ok(!a.image.equals(c.image));
  assert.deepEqual(a.lines, b.lines);
  assert.equal(a.mime, 'image/jpeg');
  assert.deepEqual([a.image[0], a.image[1]], [0xff, 0xd8]);
});

test('ground truth: valid MRZ of the format, corners inside the frame, one quad per line', { skip: !haveFont && 'fonts-ocr-b missing' }, async () => {
  for (const format of ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB', 'FRA_ID'] as const) {
    const r = renderSynthetic(1000 + format.length, { format, preset: 'clean', width: 800, height: 500 });
    assert.equal(r.format, format);
    assert.equal(r.mime, 'image/png');
    assert.equal(parseMrz(r.lines, { now: NOW }).valid, true);
    assert.equal(r.lineCorners.length, r.lines.length);
    for (const p of [...r.corners, ...r.docCorners]) {
      assert.ok(p.x >= 0 && p.x <= r.width && p.y >= 0 && p.y <= r.height, JSON.stringify(p));
    }
    // Clean preset: no tilt, so the MRZ box is axis-aligned and its width is n x pitch.
    assert.ok(Math.abs(r.corners[0].y - r.corners[1].y) < 0.5);
    const img = await loadImage(r.image);
    assert.equal(img.width, r.width);
    assert.equal(img.height, r.height);
  }
});

test('rotation 90 swaps the frame size and rotates the corners; noMrz has no lines', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const r0 = renderSynthetic(55, { format: 'TD3', maxTilt: 0, perspective: 0 });
  const r90 = renderSynthetic(55, { format: 'TD3', maxTilt: 0, perspective: 0, rotation: 90 });
  assert.equal(r90.width, r0.height);
  assert.equal(r90.height, r0.width);
  // Reading direction now runs downwards: TL -> TR goes along +y.
  assert.ok(r90.corners[1].y - r90.corners[0].y > 100);
  assert.ok(Math.abs(r90.corners[1].x - r90.corners[0].x) < 2);
  const neg = renderSynthetic(56, { noMrz: true });
  assert.deepEqual(neg.lines, []);
  assert.equal(neg.fields, null);
});

test('explicit lines are printed as given', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const lines = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<'];
  const r = renderSynthetic(3, { lines, preset: 'clean' });
  assert.equal(r.format, 'MRVB');
  assert.deepEqual(r.lines, lines);
});

test('French identity cards only when asked for: valid FRA_ID lines whose parsed fields are the generated ones', () => {
  const drawn = new Set(Array.from({ length: 400 }, (_, i) => randomMrz(i).format));
  assert.ok(!drawn.has('FRA_ID') && drawn.size === 5, [...drawn].join());
  for (let seed = 0; seed < 200; seed++) {
    const m = randomMrz(seed, { format: 'FRA_ID' });
    const r = parseMrz(m.lines, { now: NOW });
    assert.equal(r.format, 'FRA_ID', m.lines.join('|'));
    assert.equal(r.valid, true, m.lines.join('|'));
    const f = m.fields;
    assert.deepEqual(
      [r.fields.surname, r.fields.givenNames, r.fields.documentNumber, r.fields.birthDate, r.fields.sex, r.fields.optional1],
      [f.surname, f.givenNames, f.documentNumber, f.birthDate, f.sex, f.optional1],
    );
  }
});

test('explicit IDFRA lines are printed as a French identity card', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const lines = ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'];
  const r = renderSynthetic(4, { lines, preset: 'clean' });
  assert.equal(r.format, 'FRA_ID');
  assert.deepEqual(r.lines, lines);
});

test('homography maps its four points', () => {
  const src = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 5 }, { x: 0, y: 5 }];
  const dst = [{ x: 3, y: 4 }, { x: 20, y: 2 }, { x: 22, y: 15 }, { x: 1, y: 12 }];
  const h = homography(src, dst);
  for (let i = 0; i < 4; i++) {
    const s = src[i] as { x: number; y: number };
    const w = (h[6] as number) * s.x + (h[7] as number) * s.y + (h[8] as number);
    const x = ((h[0] as number) * s.x + (h[1] as number) * s.y + (h[2] as number)) / w;
    const y = ((h[3] as number) * s.x + (h[4] as number) * s.y + (h[5] as number)) / w;
    assert.ok(Math.abs(x - (dst[i] as { x: number }).x) < 1e-6 && Math.abs(y - (dst[i] as { y: number }).y) < 1e-6);
  }
});

test('glyph samples: requested count and size, deterministic, dark glyph on light ground', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const a = renderGlyphSamples(9, { count: 20, width: 16, height: 24 });
  const b = renderGlyphSamples(9, { count: 20, width: 16, height: 24 });
  assert.equal(a.length, 20);
  for (let i = 0; i < a.length; i++) {
    const s = a[i] as (typeof a)[number];
    assert.equal(s.data.length, 16 * 24);
    assert.deepEqual(s.data, (b[i] as (typeof a)[number]).data);
    assert.ok('<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.includes(s.ch));
    const sorted = [...s.data].sort((x, y) => x - y);
    assert.ok((sorted[sorted.length - 1] as number) - (sorted[0] as number) > 40, 'visible contrast');
  }
});

test('committed fixture set matches the generator (lines for all; size and corners re-rendered for three)', { skip: !haveFont && 'fonts-ocr-b missing' }, () => {
  const gt = JSON.parse(readFileSync(join(SYNTH_FIXTURE_DIR, 'ground-truth.json'), 'utf8')) as {
    file: string; seed: number; format: string; lines: string[]; width: number; height: number; corners: { x: number; y: number }[];
  }[];
  assert.equal(gt.length, SYNTH_FIXTURES.length);
  for (const [i, f] of SYNTH_FIXTURES.entries()) {
    const e = gt[i] as (typeof gt)[number];
    assert.ok(existsSync(join(SYNTH_FIXTURE_DIR, e.file)), e.file);
    // The printed lines come from the seeded random MRZ generator alone.
    const m = randomMrz(createRng(f.seed), f.options.format ? { format: f.options.format } : {});
    assert.equal(e.format, m.format);
    assert.deepEqual(e.lines, f.options.noMrz ? [] : m.lines);
    if (e.lines.length) assert.equal(parseMrz(e.lines, { now: NOW }).valid, true, e.file);
  }
  for (const name of ['td3-normal', 'td1-rot90', 'negative']) {
    const i = SYNTH_FIXTURES.findIndex((f) => f.name === name);
    const f = SYNTH_FIXTURES[i] as (typeof SYNTH_FIXTURES)[number];
    const e = gt[i] as (typeof gt)[number];
    const r = renderSynthetic(f.seed, f.options);
    assert.deepEqual(r.lines, e.lines);
    assert.deepEqual([r.width, r.height], [e.width, e.height]);
    r.corners.forEach((p, k) => {
      const q = e.corners[k] as { x: number; y: number };
      assert.ok(Math.abs(p.x - q.x) < 0.05 && Math.abs(p.y - q.y) < 0.05, `${e.file} corner ${k}`);
    });
  }
});
