// Image side of the MRZ engine: robustness on frames without an MRZ, exact reads of seeded
// synthetic documents (upright and rotated stills), real samples with ground truth, the worker
// protocol handler and the classifier's output shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MRZ_SIGHTING_CONFIDENCE, endsBlank, goesOnRepeating, readMrz, recognizeMrz, type MrzSighting } from '../../../sdk/mrz/engine.ts';
import { MIN_DOUBTFUL_PITCH, MRZ_BLURRED, MRZ_READABLE_PITCH, characterPitch, printBlur } from '../../../sdk/mrz/region.ts';
import { classifyGlyphs } from '../../../sdk/mrz/classify.ts';
import { correctMrz } from '../../../sdk/mrz/correct.ts';
import { isOffStandard } from '../../../sdk/mrz/interpret.ts';
import { parseMrz } from '../../../sdk/mrz/parse.ts';
import { analyseBand, lineGroups, type LineGroup } from '../../../sdk/mrz/engine-band.ts';
import { toGray } from '../../../sdk/mrz/image.ts';
import { locateBands } from '../../../sdk/mrz/locate.ts';
import { GLYPH_SIZE, type CellLine } from '../../../sdk/mrz/segment.ts';
import { handleMrzRequest } from '../../../sdk/mrz/worker-protocol.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';
import { loadRgba } from '../../../scripts/mrz/train-io.ts';
import { createRng } from '../../../scripts/mrz/random-mrz.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';
import { renderFrame, renderSmallPhoto } from '../../../bench/mrz/frames.ts';

function gray(width: number, height: number, fill: (i: number) => number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return { width, height, data };
}

test('frames without an MRZ give null, never an exception', () => {
  const rng = createRng(5);
  const frames = [
    gray(1280, 720, () => 255),
    gray(1280, 720, () => 0),
    gray(1280, 720, () => Math.floor(rng() * 256)),
    gray(8, 8, () => 128),
    gray(1, 1, () => 0),
    gray(6000, 4000, (i) => (i % 6000 < 3000 ? 240 : 30)),
  ];
  for (const f of frames) {
    assert.equal(readMrz(f), null);
    assert.equal(readMrz(f, { rotations: true }), null);
  }
  // A document without MRZ (photo, labels, guilloche) is not an MRZ either.
  for (const seed of [11, 12, 13]) {
    const doc = renderSynthetic(seed, { noMrz: true });
    const r = readMrz(decodeGray(doc.image), { rotations: true });
    assert.ok(r === null || r.valid === false, `seed ${seed}: no valid read without an MRZ`);
  }
});

test('malformed images give null', () => {
  assert.equal(readMrz({ width: 0, height: 0, data: new Uint8Array(0) }), null);
  assert.equal(readMrz({ width: 100, height: 100, data: new Uint8Array(10) }), null);
  assert.equal(readMrz({ width: -5, height: 3, data: new Uint8Array(10) }), null);
  assert.equal(readMrz({ width: 1.5, height: 3, data: new Uint8Array(10) }), null);
  assert.deepEqual(recognizeMrz({ width: 3, height: 3, data: new Uint8Array(9) }).candidates, []);
});

// Seeds of clean synthetic documents, one per format.
const CLEAN = [
  { seed: 101, format: 'TD3' },
  { seed: 102, format: 'TD2' },
  { seed: 103, format: 'TD1' },
  { seed: 104, format: 'MRVA' },
  { seed: 105, format: 'MRVB' },
  { seed: 106, format: 'FRA_ID' },
] as const;

/** A seeded bench frame (JPEG, as the bench caches it) reads exactly and validly. */
function assertBenchFrameReads(seed: number, preset: 'normal' | 'hard' = 'normal'): void {
  const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r, `seed ${seed}: read`);
  assert.deepEqual(r.lines, doc.lines, `seed ${seed}`);
  assert.equal(r.valid, true, `seed ${seed}`);
}

/** A seeded bench frame (JPEG, as the bench caches it) is read exactly or not reported valid; returns the reading. */
function assertNoFalseAccept(seed: number, preset: 'normal' | 'hard' = 'normal'): ReturnType<typeof readMrz> {
  const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(!r?.valid || r.lines.join('|') === doc.lines.join('|'), `seed ${seed}: no false accept (${r?.format} ${r?.lines.join('|')})`);
  return r;
}

test('clean synthetic documents read exactly, valid, with corners around the MRZ', () => {
  for (const { seed, format } of CLEAN) {
    const doc = renderSynthetic(seed, { preset: 'clean', format });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `${format}: read`);
    assert.deepEqual(r.lines, doc.lines, `${format}: lines`);
    assert.equal(r.valid, true, `${format}: valid`);
    assert.equal(r.format, format);
    // Corners lie near the generator's MRZ box.
    for (let i = 0; i < 4; i++) {
      const a = r.corners[i];
      const b = doc.corners[i];
      assert.ok(a && b && Math.hypot(a.x - b.x, a.y - b.y) < 0.05 * doc.width, `${format}: corner ${i}`);
    }
    assert.ok(r.timings.total >= r.timings.classify);
  }
});

test('a clean MRZ printed with a wrong check digit is returned as printed, not valid, naming the failing check', () => {
  // ICAO specimens, one check digit changed: the print is at fault, not the reading.
  const cases = [
    { format: 'TD3', lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'], failing: 'documentNumber', passing: 'birthDate' },
    { format: 'TD1', lines: ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408123F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'], failing: 'birthDate', passing: 'expiryDate' },
  ] as const;
  for (const { format, lines, failing, passing } of cases) {
    const doc = renderSynthetic(11, { preset: 'clean', format, lines });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `${format}: returned`);
    assert.equal(r.valid, false, `${format}: not valid`);
    assert.deepEqual(r.lines, lines, `${format}: the text as printed`);
    assert.equal(r.checks[failing], false, `${format}: ${failing} fails`);
    assert.equal(r.checks[passing], true, `${format}: ${passing} passes`);
    assert.deepEqual(r.corrections, [], `${format}: nothing corrected`);
  }
});

test('a clean MRZ whose check digits pass but that is off the standard (nationality 132, as on an old Romanian identity card) is returned as printed, not valid', () => {
  const lines = ['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<51328505095M130509012049941'];
  for (const seed of [11, 12, 13]) {
    const doc = renderSynthetic(seed, { preset: 'clean', format: 'TD2', lines });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `seed ${seed}: returned`);
    assert.equal(r.valid, false, `seed ${seed}: not valid`);
    assert.deepEqual(r.lines, lines, `seed ${seed}: the text as printed, digits kept`);
    assert.ok(Object.values(r.checks).every(Boolean), `seed ${seed}: every check digit passes`);
    assert.equal(r.fields.nationality, '132');
    assert.ok(isOffStandard(r), `seed ${seed}: off the standard`);
  }
});

test('a clean off-standard MRZ that also fails a check digit is returned as printed, though correction changed its nationality', () => {
  // The nationality 132 has no check digit, so correction forces letters there and its confidence
  // drops; every first choice is sure and the print fails its own checks, so the print is returned.
  const cases = [
    { lines: ['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<61328505095M130509012049941'], failing: 'documentNumber', passing: 'birthDate' },
    { lines: ['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<51328505096M130509012049941'], failing: 'birthDate', passing: 'documentNumber' },
  ] as const;
  for (const { lines, failing, passing } of cases) {
    const doc = renderSynthetic(12, { preset: 'clean', format: 'TD2', lines });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `${failing}: returned`);
    assert.equal(r.valid, false, `${failing}: not valid`);
    assert.deepEqual(r.lines, lines, `${failing}: the text as printed, nationality kept`);
    assert.deepEqual([r.checks[failing], r.checks[passing]], [false, true], `${failing}: fails, ${passing} passes`);
    assert.deepEqual(r.corrections, [], `${failing}: nothing corrected`);
  }
});

test('tilted, blurred, noisy synthetic frames read exactly or not at all (no false accept)', () => {
  let exact = 0;
  const n = 8;
  for (let i = 0; i < n; i++) {
    const doc = renderSynthetic(200 + i, { preset: 'normal' });
    const r = readMrz(decodeGray(doc.image));
    if (r?.valid) assert.deepEqual(r.lines, doc.lines, `seed ${200 + i}: valid read must be right`);
    if (r?.valid && r.lines.join() === doc.lines.join()) exact++;
  }
  // Measured level of the current engine on these seeds (3 of 8; blur/perspective cases still
  // mis-segment). Raise as the engine improves; the bench reports the full synthetic rate.
  assert.ok(exact >= 3, `read ${exact}/${n}`);
});

test('still images: rotated documents are read with rotations on', () => {
  for (const rotation of [90, 180, 270] as const) {
    const doc = renderSynthetic(300 + rotation, { preset: 'clean', rotation, format: 'TD3' });
    const g = decodeGray(doc.image);
    const r = readMrz(g, { rotations: true });
    assert.ok(r?.valid, `rotation ${rotation}: valid`);
    assert.deepEqual(r.lines, doc.lines);
    const upright = readMrz(g);
    assert.ok(upright === null || !upright.valid || upright.lines.join() === doc.lines.join());
  }
});

// Real samples (read from ../shared/mrz-samples, never copied into the repo). The list holds the
// files this engine reads reliably; the bench reports the rate over all of them.
const SAMPLES = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'mrz-samples');
const RELIABLE: readonly string[] = [
  'passporteye/tests-data/passport-td3.jpg',
  'passporteye/tests-data/passport-td3.png',
  'passporteye/tests-data/passport-td2.jpg',
  'passporteye/tests-data/passport-td2.png',
  'passporteye/testdata/100_pass-uto.jpg',
  'passporteye/testdata/100_pass2-uto.jpg',
  'passporteye/testdata/100_pass-chn.jpg',
  'passporteye/testdata/100_pass-cze.jpg',
  'passporteye/testdata/100_pass-cze2.jpg',
  'passporteye/testdata/100_pass-hrv.jpg',
  'passporteye/testdata/100_pass-isl.png',
  'passporteye/testdata/100_pass-ltu.jpg',
  'passporteye/testdata/100_pass-lux.jpg',
  'passporteye/testdata/100_pass-bdr.jpg',
  'passporteye/testdata/100_visa-usa.jpg',
  'passporteye/testdata/100_visa-polx.jpg',
  'passporteye/testdata/100_id-si.jpg',
  'passporteye/testdata/100_id-usa.jpg',
  'mrz-detection/id2.jpg',
  // Transcribed here (test/fixtures/mrz/samples-transcribed.json).
  'passporteye/testdata/0_pass-lva.jpg',
  'passporteye/testdata/43_pass-fra.jpg',
  'passporteye/testdata/43_pass-twn.jpg',
  'passporteye/testdata/53_id-d.jpg',
  'passporteye/testdata/62_pass-aus.png',
  'passporteye/testdata/62_pass-pol.png',
  'passporteye/testdata/79_pass-can.jpg',
  'passporteye/testdata/79_pass-hun.png',
  'passporteye/testdata/100_id-che.jpg',
];

// The shared samples' ground truth leaves out the harder photos; our transcriptions of them (see the file's note).
const TRANSCRIBED = resolve(import.meta.dirname, '..', '..', 'fixtures', 'mrz', 'samples-transcribed.json');

test('real samples with ground truth are read correctly, and none is reported valid but wrong', { skip: !existsSync(join(SAMPLES, 'ground-truth.json')) }, async () => {
  const gt = JSON.parse(readFileSync(join(SAMPLES, 'ground-truth.json'), 'utf8')) as Record<string, { mrz?: string[] } | null>;
  const transcribed = (JSON.parse(readFileSync(TRANSCRIBED, 'utf8')) as { samples: Record<string, { mrz: string[] }> }).samples;
  const falseAccepts: string[] = [];
  for (const [file, v] of [...Object.entries(gt), ...Object.entries(transcribed)]) {
    if (!v || typeof v !== 'object' || !Array.isArray(v.mrz)) continue;
    const r = readMrz(await loadRgba(join(SAMPLES, file)), { rotations: true });
    if (r?.valid && r.lines.join('\n') !== v.mrz.join('\n')) falseAccepts.push(`${file}: ${r.lines.join(' ')}`);
    // A document whose own print passes its check digits but breaks the standard is not valid, yet
    // its text is given, as printed.
    if (isOffStandard(parseMrz(v.mrz))) {
      assert.deepEqual([r?.lines, r?.valid], [v.mrz, false], `${file}: as printed`);
    }
    if (RELIABLE.includes(file)) {
      assert.ok(r, `${file}: read`);
      assert.deepEqual(r.lines, v.mrz, file);
      assert.equal(r.valid, true, file);
    }
  }
  assert.deepEqual(falseAccepts, []);
});

test('small photos: a reading with doubts is not valid when the characters are under MIN_DOUBTFUL_PITCH pixels', () => {
  // Seeds 7700249 and 7700275 (5.6 and 5.2 px per character) were reported valid with a wrong letter
  // (bench/mrz/small-photos.ts); 7700034, just above the bar (6.0 px), stays valid with its doubts.
  for (const seed of [7700249, 7700275]) {
    const doc = renderSmallPhoto(seed);
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `${seed}: read`);
    assert.ok(characterPitch(r.corners, doc.lines[0]?.length ?? 1) < MIN_DOUBTFUL_PITCH, `${seed}: small print`);
    assert.ok(r.doubts.length > 0, `${seed}: doubts`);
    assert.equal(r.valid, false, `${seed}: ${r.lines.join(' ')}`);
  }
  const doc = renderSmallPhoto(7700034);
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r && characterPitch(r.corners, doc.lines[0]?.length ?? 1) >= MIN_DOUBTFUL_PITCH && r.doubts.length > 0, '7700034: doubts at 6 px or more');
  assert.deepEqual([r.lines, r.valid], [doc.lines, true]);
});

test('blurred frames once read valid but wrong: a D read 0 is no proven O, and 12 doubts or more are not valid', () => {
  // Fresh bench-style frames (renderFrame, hand-shake blur): 5601170 read DUPONT as OUPONT (the D
  // read 0, O at 0.034: ZERO_AS_O_SHARE), 5401753 the document code PD as PO with 16 doubts
  // (MRZ_MAX_DOUBTS; each rule alone lets the other frame through).
  for (const seed of [5601170, 5401753]) {
    const doc = renderFrame(seed);
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `${seed}: read`);
    assert.ok(!r.valid || r.lines.join('|') === doc.lines.join('|'), `${seed}: valid but wrong ${r.lines.join('|')}`);
  }
});

test('worker protocol: typed error messages, results otherwise', () => {
  assert.deepEqual(handleMrzRequest(null).kind, 'error');
  const bad = handleMrzRequest({ id: 3, image: { width: 10, height: 10, data: new Uint8Array(7) } });
  assert.equal(bad.kind, 'error');
  assert.equal(bad.id, 3);
  if (bad.kind === 'error') assert.equal(bad.error.code, 'bad-request');
  const blank = handleMrzRequest({ id: 4, image: { width: 64, height: 48, data: new Uint8Array(64 * 48 * 4).fill(255).buffer } });
  assert.equal(blank.kind, 'read');
  if (blank.kind === 'read') assert.equal(blank.result, null);
  const rec = handleMrzRequest({ id: 5, kind: 'recognize', image: { width: 64, height: 48, data: new Uint8Array(64 * 48) } });
  assert.equal(rec.kind, 'recognize');
  const doc = renderSynthetic(101, { preset: 'clean', format: 'TD3' });
  const g = decodeGray(doc.image);
  const ok = handleMrzRequest({ id: 6, image: { width: g.width, height: g.height, data: g.data } });
  assert.equal(ok.kind, 'read');
  if (ok.kind === 'read') assert.deepEqual(ok.result?.lines, doc.lines);
});

test('classifier: sorted alternatives with probabilities that sum to at most 1', () => {
  const rng = createRng(9);
  const glyphs = new Float32Array(3 * GLYPH_SIZE);
  for (let i = 0; i < glyphs.length; i++) glyphs[i] = rng();
  const line = classifyGlyphs(glyphs, 3);
  assert.equal(line.length, 3);
  for (const pos of line) {
    assert.ok(pos.length >= 1);
    let sum = 0;
    for (let k = 0; k < pos.length; k++) {
      const a = pos[k];
      assert.ok(a && /^[A-Z0-9<]$/.test(a.ch));
      assert.ok(a.p >= 0 && a.p <= 1);
      if (k > 0) assert.ok((pos[k - 1]?.p ?? 0) >= a.p);
      sum += a.p;
    }
    assert.ok(sum <= 1 + 1e-6);
  }
});

test('a cut whose lines end at the document edge (dark desk beyond) is read: the desk is no MRZ continuing past the cut', () => {
  // Seeded bench frames (visas) whose MRZ ends about a cell before the document edge: the dark
  // desk beyond the last cell is as inked as a glyph, but also in the rows between the lines.
  for (const [seed, preset] of [[70145, 'hard'], [70138, 'normal']] as const) assertBenchFrameReads(seed, preset);
});

test('lines whose inked extent a mark beyond the MRZ\'s end lengthened are cut over their glyphs and read', () => {
  // Held-out 240037 (TD1, read wrong before: its three lines' extents ran 1.4 cells past the MRZ
  // onto a mark and the cells drifted by 1.5 cells at that end), held-out 90227 (exact but not
  // valid before) and fresh 320279 (no reading before).
  for (const [seed, preset] of [[240037, 'normal'], [90227, 'normal'], [320279, 'hard']] as const) assertBenchFrameReads(seed, preset);
});

test('a blurred MRZ beside a dark desk still yields its text lines and a line group', () => {
  // Seeded bench frames (passports, MRZ near the document's bottom edge, blurred): the desk inside
  // the band set the ink map's threshold so high that no line spanned even half the text, and no
  // line group of 44 could be cut.
  for (const seed of [70263, 70152]) {
    const doc = renderSynthetic(seed, { preset: 'normal', encoding: 'jpeg' });
    const g = toGray(decodeGray(doc.image));
    assert.ok(g);
    const band = locateBands(g)[0];
    assert.ok(band, `seed ${seed}: a band`);
    const a = analyseBand(g, band, new Map());
    assert.ok(a, `seed ${seed}: analysed`);
    const groups = lineGroups(a, [44]);
    assert.ok(groups.length > 0, `seed ${seed}: a group of 44`);
    const text = (groups[0] as LineGroup).cells;
    assert.equal(text.length, 2, `seed ${seed}: two lines`);
  }
});

test('a 36-character line followed by ink without glyph rhythm (a glare ring, the card edge) is read', () => {
  // Seeded bench frame (an ID card, TD2, tilted): beyond the MRZ's last cell, a glare ring and the
  // card's edge are as inked as the line; the exact, valid 36-cell cut was refused as possibly
  // the start of a 44-character visa line.
  assertBenchFrameReads(70132);
});

test('looks that agree on every character prove a check-blind twin together', () => {
  // Seeded bench ID card (TD1, hard preset): every look reads the exact text, but the document
  // number's G (Q at 0.01-0.2 beside it, 10 apart in value: no check digit tells them) stays below
  // the odds a twin needs in each look. The looks' fused evidence proves it once what each look
  // left unassigned is pooled too (vote.ts fuseVotes).
  assertBenchFrameReads(70274, 'hard');
});

test('a line whose comb slipped a cell in its filler run is cut again along the other line', () => {
  // Seeded bench passport (hard preset, tilted 19 degrees): the pitch grows by about 30% along the
  // rectified band. Line 1's inked extent runs a cell past its last glyph, so its comb ends on a
  // blank cell (read U, never `<`); cut over line 2's extent at one pitch it drifts mid-line. Cut
  // along line 2's own boundaries it reads.
  assertBenchFrameReads(70254, 'hard');
});

test('a 44-cell cut is read even when ink without blank paper follows it (no longer line exists)', () => {
  // Held-out passport (seed 170186): the band's cut ran into the window's edge; in the wider
  // window the exact, valid 44-cell cut was refused because the ink beyond it kept 0.32 of the
  // line's glyph rhythm (endsBlank), a guard meant for 36-cell cuts of 44-character lines.
  assertBenchFrameReads(170186);
});

test('a blurred visa is read exactly; a sharpened misread of a name is no valid read', () => {
  // Seeded bench frames: 70071 (MRV-B, blurred) read exact but invalid from every look until its
  // band was rectified sharpened, which read it valid at 0.903; since session 21 the ensemble's
  // doubt of its first reading's glyphs (`confirmDoubtful`) keeps it exact at 0.83, not valid.
  // 70045 (TD2) read right but invalid before; its sharpened look reads FATIMA as FATTMA with
  // every check digit passing, which its earlier reading does not witness: not a valid read.
  const visa = renderSynthetic(70071, { preset: 'normal', encoding: 'jpeg' });
  assert.deepEqual(readMrz(decodeGray(visa.image))?.lines, visa.lines);
  const doc = renderSynthetic(70045, { preset: 'normal', encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(!r?.valid || r.lines.join('|') === doc.lines.join('|'), 'no false accept');
});

test('a band whose cuts run into the wider window too is read last from the widest one, witnessed by its part-found reading', () => {
  // Seeded held-out French ID frame 500081 (normal preset): its cuts ran off the default and the
  // wider window, and no other look read it (null); the widest look reads it exactly and validly.
  const doc = renderSynthetic(500081, { preset: 'normal', encoding: 'jpeg', format: 'FRA_ID' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r, 'read');
  assert.deepEqual(r.lines, doc.lines);
  assert.equal(r.valid, true);
  // Bench 70131 (hard, tilted 22 degrees, found in part): its widest look reads it exactly and
  // validly, witnessed by the earlier 36-cell reading of the same band and its filler tail.
  assertBenchFrameReads(70131, 'hard');
});

/** A seeded frame's band cut into its exact `n`-cell lines (the first classifier reads its truth), and the band's ink. */
function exactCut(seed: number, n: 36 | 44): { ink: Parameters<typeof endsBlank>[0]; group: LineGroup; image: ReturnType<typeof decodeGray>; lines: string[] } {
  const doc = renderSynthetic(seed, { preset: 'normal', encoding: 'jpeg' });
  const image = decodeGray(doc.image);
  const g = toGray(image);
  assert.ok(g);
  for (const band of locateBands(g)) {
    const a = analyseBand(g, band, new Map());
    if (!a) continue;
    const group = lineGroups(a, [n]).find((x) => correctMrz(x.cells.map((c) => classifyGlyphs(c.glyphs, c.n)))?.lines.join('|') === doc.lines.join('|'));
    if (group) return { ink: a.ink, group, image, lines: doc.lines };
  }
  assert.fail(`seed ${seed}: an exact ${n}-cell cut`);
}

/** The first 36 cells of a 44-cell cut. */
function cutAt36(group: LineGroup): LineGroup {
  return { ...group, n: 36, cells: group.cells.map((c): CellLine => ({ ...c, n: 36, bounds: c.bounds.subarray(0, 37) })) };
}

test('a 44-character visa line cut after 36 cells does not end there (its filler tail keeps the glyph rhythm)', () => {
  // Seeded bench visas (MRV-A; 70300's filler tail faded by glare): their exact 44-cell cut, cut
  // short after 36 cells, would pass MRV-B's check digits. It must not count as a line's end, and
  // with only MRV-B asked for, nothing valid is read.
  for (const seed of [70300, 70268]) {
    const { ink, group: exact, image, lines } = exactCut(seed, 44);
    assert.equal((lines[0] as string).length, 44);
    assert.equal(endsBlank(ink, exact), true, `seed ${seed}: the whole line ends in blank paper`);
    assert.equal(endsBlank(ink, cutAt36(exact)), false, `seed ${seed}: cut after 36 cells, the line goes on`);
    const r = readMrz(image, { formats: ['MRVB'] });
    assert.ok(!r?.valid, `seed ${seed}: no valid MRV-B read (${r?.lines.join(' | ')})`);
  }
});

test('a 36-cell cut whose lines go on repeating their last cells is the start of a longer line (fresh 460445)', () => {
  // Fresh synthetic visa (MRV-A, glare over line 2's tail): beyond 36 cells its filler tails kept
  // 0.36-0.39 of the lines' ink, 1.8 times the rows beside, taken for blank paper; its first 36
  // cells were reported valid as MRV-B. The cells beyond repeat the last two cells of each line.
  const { ink, group, image, lines } = exactCut(460445, 44);
  assert.equal(goesOnRepeating(ink, cutAt36(group)), true, 'cut after 36 cells, the fillers go on');
  assert.equal(goesOnRepeating(ink, group), false, 'the whole line ends in blank paper');
  const r = readMrz(image);
  assert.deepEqual(r?.lines, lines);
  assert.equal(r?.valid, true);
  assert.ok(!readMrz(image, { formats: ['MRVB'] })?.valid, 'no valid MRV-B read');
  // Bench documents of 36 characters (TD2; MRV-B with both lines ending in fillers) end there.
  for (const seed of [70002, 70003, 70017]) {
    const cut = exactCut(seed, 36);
    assert.equal(goesOnRepeating(cut.ink, cut.group), false, `seed ${seed}`);
  }
});

test('a visa whose lines\' tails glare fades is not read as its first 36 cells (fresh 430109, 430472)', () => {
  // Fresh synthetic visas (MRV-A, normal preset) under glare: the tails beyond 36 cells kept 0.29-0.46
  // of the lines' ink, on the lines' rows only, were taken for blank paper, and the first 36 cells
  // were reported valid as MRV-B (its check digits all lie there).
  for (const seed of [430109, 430472]) assert.equal(assertNoFalseAccept(seed)?.lines[0]?.length, 44, `seed ${seed}: read as 44 cells`);
});

test('a glare-faded document-code letter read as a digit is no valid read (fresh 530180)', () => {
  // Fresh passport (TD3, normal preset, glare over the lines' starts): the D's bowl is gone and every
  // classifier reads its stem as 1 (the ensemble at 0.997); the corrector inferred I in the
  // letters-only field, which no check digit covers, above INFERRED_LETTER_P, and PI was reported
  // valid for PD. A letter inferred from a digit on a faded glyph is now never proven.
  assertNoFalseAccept(530180);
});

test('a check-blind swap the other classifier rules out is no doubt; one it does not rule out stays one', () => {
  // Bench 70309 (MRV-A): document number 024UALR<< read exactly, the ensemble U at 0.93 with 0 at
  // 0.07 (U and 0 are 30 apart: the check digits cannot tell them), refused; the MLP read that U
  // at 0.986 with 0 at 0.004, and the reading is valid.
  assertBenchFrameReads(70309);
  // Fresh 520049 (TD1, hard preset): document number 335987001 read 335987OO1 at 0.97, two O for
  // 0 that cancel in the check sum; the MLP read the first 0 at 0.81, so the pair stays a doubt.
  assertNoFalseAccept(520049, 'hard');
});

test('a glare-washed letter in a visa\'s optional data is no valid read (fresh 550143)', () => {
  // Fresh visa (MRV-B, normal preset, glare under the end of line 2): the E of the optional data
  // lost its bottom bar, every classifier read F (0.968 to 0.996 over five cuts), and no check digit
  // covers the field: the visa was reported valid. Re-lit, the glyph reads E (cnn.ts relitLetters).
  assertNoFalseAccept(550143);
});

test('a name letter the frame\'s own looks dispute is not settled by a sharpened look (fresh 590247)', () => {
  // Fresh passport (TD3, normal preset, horizontal motion blur of half a glyph): three looks read
  // THOMAS's H (0.54-0.95), three read B (up to 0.87); the most confident, TBOMAS, witnessed a
  // sharpened look's B at 0.995, and the passport was reported valid with TBOMAS.
  assertNoFalseAccept(590247);
});

test('a line whose first glyphs are too faint for the line finder is also cut from its last glyph', () => {
  // Seeded bench frame (an ID card, TD2, tilted): the first five glyphs of both lines are light
  // grey, the line finder's lines start at the sixth, and the cuts centred on (or starting at)
  // that extent were off by whole cells; the line's sharp end places the cut.
  assertBenchFrameReads(70302);
});

test('cuts placed from the last glyph are read after the three best cuts, not instead of one of them', () => {
  // Held-out passport (seed 90188): ranked among the three best cuts, a cut placed from the lines'
  // last glyph pushed out the centred cut that reads; the frame then read exact but not valid.
  assertBenchFrameReads(90188);
});

test('MRZ bands that locate found only in part or merged with a page of print are read', () => {
  // Held-out 170076: a level's band extended over the glare-faded filler tail was dropped as a
  // duplicate of another level's shorter band. Bench 70115: the fine pass offered an examined band
  // again instead of its finer level's longer one. Bench 70310: the MRZ touches the page of print
  // behind the document (through its edge and labels); the fine pass splits it out on the
  // document's lighter paper. All three read nothing before.
  for (const seed of [170076, 70115, 70310]) assertBenchFrameReads(seed);
});

test('a band the fine locate pass dropped as a duplicate of a thicker examined band is read last (rescue looks: fresh 400358)', () => {
  // Fresh 400358 ('hard' MRV-A): the fast pass's first band covers the MRZ with lines 13 px thick
  // and reads nothing, nor does any other look. The fine pass's finer level finds the same place
  // with lines half as thick, its best band, dropped as that band's duplicate; the rescue looks
  // offer it (locate's keepResolved) and it reads.
  assertBenchFrameReads(400358, 'hard');
});

test('budgetMs: a frame out of time looks no further; with time to spare it reads as without a budget', () => {
  // Bench 70310 reads in the fine pass (see above), 400358 only in the rescue looks, after every other look.
  for (const [seed, preset] of [[70310, 'normal'], [400358, 'hard']] as const) {
    const image = decodeGray(renderSynthetic(seed, { preset, encoding: 'jpeg' }).image);
    const unlimited = readMrz(image);
    assert.equal(unlimited?.valid, true, `seed ${seed}`);
    assert.equal(readMrz(image, { budgetMs: 0 })?.valid ?? false, false, `seed ${seed}: no time, no valid read`);
    // recognizeMrz (the voter's entry) keeps the same limit.
    assert.ok(recognizeMrz(image).candidates.length > 0, `seed ${seed}: hypotheses`);
    assert.equal(recognizeMrz(image, { budgetMs: 0 }).candidates.length, 0, `seed ${seed}: no time, no hypothesis`);
    const ample = readMrz(image, { budgetMs: 60_000 });
    assert.deepEqual(ample && { lines: ample.lines, valid: ample.valid, confidence: ample.confidence }, { lines: unlimited?.lines, valid: true, confidence: unlimited?.confidence }, `seed ${seed}`);
  }
});

test('an MRZ tilted 27 degrees is located and read', () => {
  // Held-out 90074 ('hard' TD2, tilted 27.3 degrees): locate took lines up to 25.8 degrees from the
  // horizontal only, so no band of the MRZ was offered.
  assertBenchFrameReads(90074, 'hard');
});

test("a name letter the first classifier alone is doubtful of is read by the ensemble too: no false accept", () => {
  // Fresh synthetic frame 370427 (TD3, normal preset): the MLP read KAYA's Y as T at 0.937 (the
  // ensemble: Y 0.54 / T 0.42), no check digit covers a name, and KATA was reported valid.
  assert.ok(assertNoFalseAccept(370427), 'read');
});

test('readMrz: a glyph faded by glare that the two classifiers read as different letters is no false accept (fresh 410083)', () => {
  // Fresh synthetic frame 410083 (TD1, hard preset): glare washed out the right side of ROBERT's O;
  // the ensemble read it C at 0.995 (the MLP: O 0.64 / C 0.36), no check digit covers a name, and
  // RCBERT was reported valid.
  assert.ok(assertNoFalseAccept(410083, 'hard'), 'read');
});

test('onSighting: how blurred the print seen is, for the "hold still" prompt: shaken bench frames are blurred, a sharper one not', () => {
  // Bench 70045 and 70121 ('normal', 14.9 and 11.2 pixels per character, a hand shake of 7 pixels);
  // bench 70285 ('hard', 18.9 pixels per character, a shake of 9 pixels, a third of a pitch), not read.
  for (const [seed, preset, blurred] of [[70045, 'normal', true], [70121, 'normal', true], [70285, 'hard', false]] as const) {
    const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
    const seen: MrzSighting[] = [];
    assert.notEqual(readMrz(decodeGray(doc.image), { onSighting: (s) => seen.push(s) })?.valid, true, `seed ${seed}: not read validly`);
    const s = seen[0] as MrzSighting;
    assert.ok(s.pitch >= MRZ_READABLE_PITCH, `seed ${seed}: characters large enough`);
    assert.equal(s.blur >= MRZ_BLURRED, blurred, `seed ${seed}: blur ${s.blur}`);
    // The same as measured on the band the generator drew.
    assert.ok(Math.abs(s.blur - printBlur(decodeGray(doc.image), doc.corners, s.lineLength)) < 0.03, `seed ${seed}: against the drawn band`);
  }
});

test('onSighting: an MRZ not read validly is seen, where and at what size; valid reads and documents without one are not', () => {
  // Bench 70276 ('normal' MRV-B at 8.8 pixels per character) reads exactly but under the confidence
  // bar, bench 70153 ('hard' TD2 at 9.2) gives no reading at all: both show their MRZ.
  for (const [seed, preset] of [[70276, 'normal'], [70153, 'hard']] as const) {
    const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
    const seen: MrzSighting[] = [];
    const r = readMrz(decodeGray(doc.image), { onSighting: (s) => seen.push(s) });
    assert.notEqual(r?.valid, true, `seed ${seed}: not read validly`);
    assert.equal(seen.length, 1, `seed ${seed}: seen once`);
    const s = seen[0] as MrzSighting;
    assert.equal(s.lineLength, doc.lines[0]?.length);
    assert.ok(s.confidence >= MRZ_SIGHTING_CONFIDENCE);
    const truth = characterPitch(doc.corners, doc.lines[0]?.length ?? 0);
    assert.equal(s.pitch, characterPitch(s.corners, s.lineLength), `seed ${seed}: pitch of the corners given`);
    assert.ok(Math.abs(s.pitch - truth) < 0.05 * truth, `seed ${seed}: pitch ${s.pitch} against ${truth}`);
    assert.ok(truth < MRZ_READABLE_PITCH, `seed ${seed}: small characters`);
  }
  // A valid read is no sighting.
  const valid: MrzSighting[] = [];
  assert.equal(readMrz(decodeGray(renderSynthetic(70001, { preset: 'clean', encoding: 'jpeg' }).image), { onSighting: (s) => valid.push(s) })?.valid, true);
  assert.deepEqual(valid, []);
  // Pages without an MRZ whose print the engine cut and read (at confidence under 0.0001, session 29).
  for (const seed of [90335, 9100272]) {
    const none: MrzSighting[] = [];
    readMrz(decodeGray(renderSynthetic(seed, { preset: 'normal', noMrz: true, encoding: 'jpeg' }).image), { onSighting: (s) => none.push(s) });
    assert.deepEqual(none, [], `seed ${seed}: no MRZ in view`);
  }
});
