// Front end of the MRZ engine: perspective mapping (homography), 8-bit black-hat, band location on
// tilted and scaled documents, perspective rectification end to end, and no-MRZ documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMrz } from '../../../sdk/mrz/engine.ts';
import { blackHat8, downscale, rectFilter, toFloat, toGray, toGrayLevels, type Gray8 } from '../../../sdk/mrz/image.ts';
import { binaryComponents, fastLevels, locateBands, type BandCandidate } from '../../../sdk/mrz/locate.ts';
import { homographyFromPoints, rectify, toFrame } from '../../../sdk/mrz/rectify.ts';
import type { Point } from '../../../sdk/mrz/types.ts';
import { decodeGray } from '../../../scripts/mrz/train-data.ts';
import { renderSynthetic } from '../../../scripts/mrz/synth.ts';

test('homographyFromPoints maps the four points and is used by toFrame', () => {
  const src = [
    { x: 0, y: 0 },
    { x: 100, y: 0 },
    { x: 100, y: 20 },
    { x: 0, y: 20 },
  ];
  const dst = [
    { x: 10, y: 30 },
    { x: 130, y: 10 },
    { x: 135, y: 45 },
    { x: 12, y: 52 },
  ];
  const h = homographyFromPoints(src, dst);
  assert.ok(h);
  const spec = { cx: 0, cy: 0, angle: 0, u0: 0, u1: 100, v0: 0, v1: 20, scale: 1, homography: h };
  src.forEach((p, i) => {
    const q = toFrame(spec, p.x, p.y);
    assert.ok(Math.abs(q.x - (dst[i] as Point).x) < 1e-6 && Math.abs(q.y - (dst[i] as Point).y) < 1e-6, `corner ${i}`);
  });
  // Degenerate (collinear) points give null rather than garbage.
  assert.equal(
    homographyFromPoints(src, [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 2, y: 2 },
      { x: 3, y: 3 },
    ]),
    null,
  );
});

test('rectify through a homography undoes a perspective warp', () => {
  // A frame with a dark bar whose top edge runs along y = 40 + 0.1 x (a tilted line).
  const w = 200;
  const hgt = 120;
  const data = new Uint8Array(w * hgt);
  for (let y = 0; y < hgt; y++) for (let x = 0; x < w; x++) data[y * w + x] = y > 40 + 0.1 * x && y < 60 + 0.1 * x ? 20 : 230;
  const h = homographyFromPoints(
    [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 40 },
      { x: 0, y: 40 },
    ],
    [
      { x: 20, y: 32 },
      { x: 180, y: 48 },
      { x: 180, y: 88 },
      { x: 20, y: 72 },
    ],
  );
  assert.ok(h);
  const out = rectify({ width: w, height: hgt, data }, { cx: 0, cy: 0, angle: 0, u0: 0, u1: 100, v0: 0, v1: 40, scale: 1, homography: h });
  assert.ok(out);
  // The bar is now horizontal: rows 12-27 dark in every column, rows 0-8 and 32-39 light.
  for (const x of [5, 50, 95]) {
    assert.ok((out.data[20 * 100 + x] as number) < 60, `dark at x=${x}`);
    assert.ok((out.data[4 * 100 + x] as number) > 200, `light above at x=${x}`);
    assert.ok((out.data[36 * 100 + x] as number) > 200, `light below at x=${x}`);
  }
});

test('8-bit black-hat equals closing minus image (float reference)', () => {
  const w = 61;
  const h = 37;
  const d = new Uint8Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = (i * 7919 + ((i / w) | 0) * 31) % 251;
  const img = { width: w, height: h, data: d };
  const got = blackHat8(img, 3, new Uint8Array(w * h));
  const closed = rectFilter(rectFilter(toFloat(img), 9, 9, true), 9, 9, false).data;
  for (let i = 0; i < d.length; i++) assert.equal(got[i], (closed[i] as number) - (d[i] as number), `pixel ${i}`);
});

/** Share of the quad `q` (sampled on a grid) inside the region analysed for candidate `c`. */
function coverage(q: readonly Point[], c: BandCandidate): number {
  const len = c.u1 - c.u0;
  const t = Math.max(2, Math.min(c.lineThickness, len / 8));
  const mv = Math.max(1.6 * t, 0.05 * len);
  const co = Math.cos(c.angle);
  const si = Math.sin(c.angle);
  let inside = 0;
  let total = 0;
  const [a, b, , d] = q as [Point, Point, Point, Point];
  for (let i = 0; i <= 10; i++) {
    for (let j = 0; j <= 4; j++) {
      const x = a.x + ((b.x - a.x) * i) / 10 + ((d.x - a.x) * j) / 4;
      const y = a.y + ((b.y - a.y) * i) / 10 + ((d.y - a.y) * j) / 4;
      const u = (x - c.cx) * co + (y - c.cy) * si;
      const v = -(x - c.cx) * si + (y - c.cy) * co;
      total++;
      if (u >= c.u0 - 0.06 * len && u <= c.u1 + 0.06 * len && v >= c.v0 - mv && v <= c.v1 + mv) inside++;
    }
  }
  return inside / total;
}

test('locate finds tilted and small or large documents (first candidate covers the MRZ)', () => {
  // Tilts -14, -20, 18, -17 (dark background) and -11 degrees; MRZ 0.3-0.85 of the frame width.
  const small = [0.4, 0.5] as const;
  const large = [0.85, 0.95] as const;
  const cases = [
    { seed: 405, maxTilt: 20, docScale: small },
    { seed: 406, maxTilt: 20, docScale: large },
    { seed: 408, maxTilt: 20, docScale: large },
    { seed: 411, maxTilt: 20, docScale: small },
    { seed: 413, maxTilt: 20, docScale: small },
  ];
  for (const c of cases) {
    const doc = renderSynthetic(c.seed, { preset: 'normal', maxTilt: c.maxTilt, docScale: c.docScale, clutter: 0, glare: 0 });
    const gray = toGray(decodeGray(doc.image));
    assert.ok(gray);
    const cands = locateBands(gray);
    const first = cands[0];
    assert.ok(first, `seed ${c.seed}: a candidate`);
    const c0 = doc.corners[0];
    const c1 = doc.corners[1];
    const tilt = Math.atan2(c1.y - c0.y, c1.x - c0.x);
    assert.ok(Math.abs(first.angle - tilt) < (4 * Math.PI) / 180, `seed ${c.seed}: angle ${first.angle} vs ${tilt}`);
    assert.ok(coverage(doc.corners, first) >= 0.95, `seed ${c.seed}: the band covers the MRZ`);
  }
});

test('strong perspective is straightened: exact valid reads', () => {
  // Left/right MRZ height ratios of these frames: 1.21, 0.73, 0.79 (the pitch changes by more
  // than the segmenter's comb allows without the homography; none of them read before it).
  for (const seed of [301, 303, 311]) {
    const doc = renderSynthetic(seed, { preset: 'normal', maxTilt: 20, perspective: 0.1, blur: 0.6, glare: 0, clutter: 0, motionBlur: 0, docScale: [0.45, 0.65] });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r, `seed ${seed}: read`);
    assert.deepEqual(r.lines, doc.lines, `seed ${seed}`);
    assert.equal(r.valid, true, `seed ${seed}`);
    // The reported corners sit on the true MRZ box (within a character height).
    const tol = Math.hypot(doc.corners[3].x - doc.corners[0].x, doc.corners[3].y - doc.corners[0].y) / 2;
    r.corners.forEach((p, i) => {
      const q = doc.corners[i] as Point;
      assert.ok(Math.hypot(p.x - q.x, p.y - q.y) < tol, `seed ${seed}: corner ${i} off by ${Math.hypot(p.x - q.x, p.y - q.y).toFixed(1)}`);
    });
  }
});

test('documents without an MRZ on busy backgrounds give no valid read', () => {
  for (const seed of [90001, 90002, 90003]) {
    const doc = renderSynthetic(seed, { preset: 'hard', noMrz: true, clutter: 1 });
    const r = readMrz(decodeGray(doc.image));
    assert.ok(r === null || r.valid === false, `seed ${seed}`);
  }
});

/** A seeded frame (1280x720 JPEG at the preset session 11's bench gave the seed) and its candidates. */
function benchFrame(seed: number, preset: 'normal' | 'hard'): { corners: readonly Point[]; cands: BandCandidate[] } {
  const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  return { corners: doc.corners, cands: locateBands(gray) };
}

test('an MRZ on a document lying on printed text is the first candidate, not the text around it', () => {
  // Seeded bench frames whose background is rows of grey print running off the frame: the long
  // background lines used to absorb the MRZ lines into one block of text (no candidate covered
  // the MRZ). The MRZ is the blackest print and lies inside the frame.
  for (const seed of [70164, 70043]) {
    const { corners, cands } = benchFrame(seed, 'normal');
    const first = cands[0];
    assert.ok(first, `seed ${seed}: a candidate`);
    assert.ok(coverage(corners, first) >= 0.95, `seed ${seed}: the first candidate covers the MRZ`);
  }
});

/** True when band `c` covers the MRZ box `corners` along its text, tightly across it (not a block of print around it). */
function fitsMrz(corners: readonly Point[], c: BandCandidate): boolean {
  const [c0, c1, , c3] = corners as [Point, Point, Point, Point];
  const tilt = Math.atan2(c1.y - c0.y, c1.x - c0.x);
  const height = Math.hypot(c3.x - c0.x, c3.y - c0.y);
  return coverage(corners, c) >= 0.95 && Math.abs(c.angle - tilt) < (4 * Math.PI) / 180 && c.v1 - c.v0 < 2 * height;
}

test('large MRZ lines on a document lying on printed text are not absorbed into a print line running on past them', () => {
  // Bench frame 70135 ('clean' MRV-A at 0.64 of the frame width): the grey print line just below
  // the document runs the frame's width; the MRZ lines are 0.66 of its length and twice as black.
  // The print line seeded first and took both MRZ lines (no band of the MRZ alone).
  const doc = renderSynthetic(70135, { preset: 'clean', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const first = locateBands(gray, { maxCandidates: 3 })[0];
  assert.ok(first && fitsMrz(doc.corners, first), 'the first candidate covers the MRZ, not the print around it');
});

test('MRZ lines somewhat blacker than the longer line they lie beside still form one band with it', () => {
  // Bench frame 70262 ('hard' TD1): the last MRZ line, joined to the card's lower edge, is the
  // longest and greyest line (contrast 37 against 53-56, the others 0.79-0.84 of its length): the
  // MRZ's own lines, not print, so they stay in its band.
  const { corners, cands } = benchFrame(70262, 'hard');
  assert.ok(cands[0] && coverage(corners, cands[0]) >= 0.95, 'the first candidate covers the MRZ');
  // (With the labels above it: the band of the MRZ alone left out its first two lines.)
});

test('an MRZ split in two by glare is also offered joined', () => {
  // Seeded bench frames where a glare spot cuts both MRZ lines: the two pieces are separate
  // components that lie end to end; neither covers the MRZ alone.
  for (const seed of [70086, 70098]) {
    const { corners, cands } = benchFrame(seed, 'normal');
    assert.ok(cands.some((c) => coverage(corners, c) >= 0.95), `seed ${seed}: a candidate covers the MRZ`);
  }
});

test('an MRZ joined to labels or print around its lines is split out of the block (fine pass)', () => {
  // Seeded bench frames where the MRZ lines, the labels between them and the print above merge
  // into one component that is no line (too thick for its length): no candidate covered the MRZ
  // before the block was split along its text direction. The fast pass does not split.
  for (const [seed, preset] of [
    [70020, 'hard'],
    [70068, 'normal'],
  ] as const) {
    const doc = renderSynthetic(seed, { preset, encoding: 'jpeg' });
    const gray = toGray(decodeGray(doc.image));
    assert.ok(gray);
    assert.ok(!locateBands(gray).some((c) => coverage(doc.corners, c) >= 0.95), `seed ${seed}: not in the fast pass`);
    const split = locateBands(gray, { fine: true, split: true });
    assert.ok(split.some((c) => coverage(doc.corners, c) >= 0.95), `seed ${seed}: a candidate covers the MRZ`);
  }
});

test('an MRZ with a dark band parallel just below it is not dropped as its near-duplicate', () => {
  // Bench seed 70017: the frame's dark bottom strip lies 60 px below the MRZ, parallel to it, with
  // centres closer than a quarter of the MRZ's length; it scores higher (blacker), and the MRZ was
  // dropped as a duplicate of it (duplicates now share rows across the text).
  const doc = renderSynthetic(70017, { preset: 'hard', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const cands = locateBands(gray, { maxCandidates: 3 });
  assert.ok(cands.some((c) => coverage(doc.corners, c) >= 0.95), 'a candidate covers the MRZ');
});

test('a band cut short by glare is also offered bridged to the pieces of its lines beyond the gap', () => {
  // Seed 170149 (held-out, normal): a glare spot wipes both lines at two thirds of their length;
  // beyond it only filler pieces too short to be lines are left. The band is found up to the glare,
  // and also offered continued over the pieces, covering the whole MRZ.
  const doc = renderSynthetic(170149, { preset: 'normal', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const cands = locateBands(gray, { maxCandidates: 3 });
  assert.ok(cands.some((c) => coverage(doc.corners, c) < 0.8), 'the band up to the glare');
  assert.ok(cands.some((c) => coverage(doc.corners, c) >= 0.95), 'the band bridged over the glare');
});

test('bridging over glare gaps offers nothing when no pieces lie beyond a band', () => {
  // Two clean MRZ-like lines of bars on white: no pieces beyond them, so no bridged variant.
  const w = 640;
  const h = 240;
  const data = new Uint8Array(w * h).fill(230);
  for (const y0 of [100, 124]) for (let x = 100; x < 540; x += 12) for (let y = y0; y < y0 + 14; y++) for (let dx = 0; dx < 6; dx++) data[y * w + x + dx] = 30;
  const cands = locateBands({ width: w, height: h, data }, { maxCandidates: 8 });
  assert.ok(cands.length >= 1);
  const lengths = new Set(cands.filter((c) => Math.abs(c.cy - cands[0]!.cy) < 30).map((c) => Math.round(c.u1 - c.u0)));
  for (const len of lengths) assert.ok(len <= 460, `no band longer than the lines (${len})`);
});

test('locate finds the same band at every row length mod 4 (weak responses skipped a word at a time)', () => {
  // Two lines of bars on a slightly noisy ground (responses below 16 and above), frames 637-640 wide.
  const found: string[] = [];
  for (let w = 637; w <= 640; w++) {
    const h = 241;
    const data = new Uint8Array(w * h);
    for (let i = 0; i < data.length; i++) data[i] = 225 + ((i * 7919) % 23);
    for (const y0 of [100, 124]) for (let x = 100; x < 540; x += 12) for (let y = y0; y < y0 + 14; y++) for (let dx = 0; dx < 6; dx++) data[y * w + x + dx] = 30;
    const first = locateBands({ width: w, height: h, data }, { maxCandidates: 3 })[0];
    assert.ok(first, `width ${w}: a band`);
    assert.ok(first.cy > 98 && first.cy < 140 && Math.abs(first.cx - 320) < 12, `width ${w}: centre (${first.cx}, ${first.cy})`);
    found.push(`${first.cx.toFixed(1)},${first.cy.toFixed(1)},${Math.round(first.u1 - first.u0)}`);
  }
  // The band does not depend on the row length (the bars and the ground are the same in each).
  assert.equal(new Set(found).size, 1, `bands ${found.join(' | ')}`);
});

test('locate with a pyramid: the same bands, the levels it makes are added, the levels given are used', () => {
  // Bench seeds 70020 (the fine pass splits a block) and 70017; a 1280x720 frame works at 3 and 6.
  for (const seed of [70020, 70017]) {
    const doc = renderSynthetic(seed, { preset: seed === 70020 ? 'hard' : 'normal', encoding: 'jpeg' });
    const rgba = decodeGray(doc.image);
    const gray = toGray(rgba);
    assert.ok(gray);
    const copy = { ...gray, data: gray.data.slice() };
    assert.deepEqual(fastLevels(gray.width, gray.height), [3, 6]);
    const plain = locateBands(copy, { maxCandidates: 3 });
    const fine = locateBands(copy, { maxCandidates: 1, fine: true, exclude: plain, split: true });
    // Levels made along with the grey frame (toGrayLevels), then each pass adds its own.
    const two = toGrayLevels(rgba, 3);
    assert.ok(two);
    const pyramid = new Map<number, Gray8>([
      [3, two.levels[0]],
      [6, two.levels[1]],
    ]);
    assert.deepEqual(locateBands(copy, { maxCandidates: 3, pyramid }), plain, `seed ${seed}: fast pass`);
    assert.deepEqual([...pyramid.keys()], [3, 6]);
    assert.deepEqual(locateBands(copy, { maxCandidates: 1, fine: true, exclude: plain, split: true, pyramid }), fine, `seed ${seed}: fine pass`);
    assert.deepEqual([...pyramid.keys()].sort(), [2, 3, 4, 6]);
    for (const [f, level] of pyramid) assert.deepEqual(level.data, downscale(copy, f).data, `seed ${seed}: level ${f}`);
    // Given levels are used as they are: blank ones find nothing.
    const blankLevel = (w: number, h: number): Gray8 => ({ width: w, height: h, data: new Uint8Array(w * h).fill(200) });
    if (seed === 70017) assert.ok(plain.length > 0, 'bands to lose');
    assert.deepEqual(locateBands(copy, { maxCandidates: 3, pyramid: new Map([[3, blankLevel(426, 240)], [6, blankLevel(213, 120)]]) }), []);
  }
});

test('fastLevels: one level for small frames, two for large ones, none for tiny ones', () => {
  assert.deepEqual(fastLevels(1280, 720), [3, 6]);
  assert.deepEqual(fastLevels(720, 1280), [3, 6]);
  assert.deepEqual(fastLevels(640, 480), [1, 2]);
  assert.deepEqual(fastLevels(300, 200), [1]);
  assert.deepEqual(fastLevels(1920, 1080), [4, 8]);
  assert.deepEqual(fastLevels(20, 20), []);
});

/** 8-connected components by flood fill in raster order (the plain definition), with locate's sums. */
function referenceComponents(bin: Uint8Array, bh: Uint8Array, w: number, h: number): { label: number; n: number; sx: number; sy: number; sxx: number; syy: number; sxy: number; inkN: number; inkS: number; box: number[] }[] {
  const labels = new Int32Array(w * h);
  const out = [];
  let next = 1;
  for (let start = 0; start < w * h; start++) {
    if (!bin[start] || labels[start]) continue;
    const lab = next++;
    const stack = [start];
    labels[start] = lab;
    const c = { label: lab, n: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0, inkN: 0, inkS: 0, box: [w, -1, h, -1] };
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % w;
      const y = (p - x) / w;
      c.n++;
      c.sx += x;
      c.sy += y;
      c.sxx += x * x;
      c.syy += y * y;
      c.sxy += x * y;
      if (bin[p] === 1) {
        c.inkN++;
        c.inkS += bh[p] as number;
      }
      c.box = [Math.min(c.box[0] as number, x), Math.max(c.box[1] as number, x), Math.min(c.box[2] as number, y), Math.max(c.box[3] as number, y)];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
        const q = yy * w + xx;
        if (bin[q] && !labels[q]) {
          labels[q] = lab;
          stack.push(q);
        }
      }
    }
    if (c.n >= 40) out.push(c);
  }
  return out;
}

test('locate components (runs joined by union-find) equal a flood fill: labels, moments, ink, boxes', () => {
  let seed = 12345;
  const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let t = 0; t < 60; t++) {
    const w = 5 + Math.floor(rand() * 90);
    const h = 3 + Math.floor(rand() * 60);
    const bin = new Uint8Array(w * h);
    const bh = new Uint8Array(w * h);
    const density = [0.3, 0.5, 0.7][t % 3] as number;
    for (let i = 0; i < w * h; i++) {
      bin[i] = rand() < density ? 1 + Math.floor(rand() * 3) : 0;
      bh[i] = Math.floor(rand() * 256);
    }
    // U shapes and staircases: arms that start apart and meet lower down, pixels touching only diagonally.
    if (w > 12 && h > 8) {
      for (let y = 1; y < h - 1; y++) bin[y * w + 2] = bin[y * w + 9] = 1;
      for (let x = 2; x <= 9; x++) bin[(h - 2) * w + x] = 1;
      for (let k = 0; k < Math.min(w, h) - 1; k++) bin[k * w + (w - 1 - k)] = 2;
    }
    const got = binaryComponents(bin, bh, w, h);
    const want = referenceComponents(bin, bh, w, h);
    assert.equal(got.length, want.length, `map ${t}: ${w}x${h}`);
    want.forEach((c, i) => {
      const g = got[i];
      assert.ok(g, `map ${t}: component ${i}`);
      assert.equal(g.label, c.label, `map ${t}: label`);
      assert.equal(g.n, c.n);
      assert.deepEqual([g.xMin, g.xMax, g.yMin, g.yMax], c.box);
      assert.equal(g.contrast, c.inkN > 0 ? c.inkS / c.inkN : 0);
      assert.equal(g.cx, c.sx / c.n);
      assert.equal(g.cy, c.sy / c.n);
      assert.equal(g.edge, c.box[0] === 0 || c.box[1] === w - 1);
      // Second moments: the principal axes of the same sums.
      const mx = c.sx / c.n;
      const my = c.sy / c.n;
      const cxx = c.sxx / c.n - mx * mx;
      const cyy = c.syy / c.n - my * my;
      const cxy = c.sxy / c.n - mx * my;
      const disc = Math.sqrt(Math.max(0, ((cxx + cyy) * (cxx + cyy)) / 4 - (cxx * cyy - cxy * cxy)));
      assert.equal(g.angle, 0.5 * Math.atan2(2 * cxy, cxx - cyy));
      assert.equal(g.len, Math.sqrt(12 * ((cxx + cyy) / 2 + disc)));
      assert.equal(g.thick, Math.sqrt(12 * Math.max(0, (cxx + cyy) / 2 - disc)));
    });
  }
  // Nothing set, or a single long run: no component, one.
  assert.deepEqual(binaryComponents(new Uint8Array(400), new Uint8Array(400), 40, 10), []);
  const row = new Uint8Array(400);
  row.fill(1, 40, 80);
  assert.equal(binaryComponents(row, new Uint8Array(400), 40, 10).length, 1);
});

test('a dark strip along the top or bottom edge of the frame is no line (the black-hat clamps rows there)', () => {
  // A desk or shadow beyond the document, thinner than the black-hat's kernel, along the frame's
  // last (or first) rows: its rows are clamped at the edge, so it lit up as a long black line and
  // ranked above the MRZ (held-out 170122, bench 70043, 70156).
  const doc = renderSynthetic(170122, { preset: 'hard', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const cands = locateBands(gray, { maxCandidates: 3 });
  assert.ok(cands[0] && fitsMrz(doc.corners, cands[0]), 'the first candidate covers the MRZ');
  assert.ok(!cands.some((c) => c.cy > gray.height - 12), 'no band along the bottom edge');
  // Two MRZ-like lines of bars with such a strip below or above them: the band stays, no other.
  const w = 1280;
  const h = 720;
  for (const rows of [[717, 718, 719], [0, 1, 2]]) {
    const data = new Uint8Array(w * h).fill(200);
    for (const y of rows) data.fill(20, y * w, y * w + w);
    for (const y0 of [300, 330]) for (let x = 300; x < 900; x += 14) for (let y = y0; y < y0 + 18; y++) for (let dx = 0; dx < 7; dx++) data[y * w + x + dx] = 40;
    for (const fine of [false, true]) {
      const cands = locateBands({ width: w, height: h, data }, { maxCandidates: 8, fine, split: fine });
      assert.ok(cands.some((c) => Math.abs(c.cy - 324) < 20 && c.u1 - c.u0 > 550), `rows ${rows[0]}, fine ${fine}: the MRZ-like band`);
      assert.ok(!cands.some((c) => c.cy < 12 || c.cy > h - 12), `rows ${rows[0]}, fine ${fine}: no band along the frame's edge`);
    }
  }
});

test('a line of print running across the frame ranks below the MRZ (longer than an MRZ line can be for its thickness)', () => {
  // Held-out 90243 ('normal' TD3 at 20 degrees on a page of print): the print's lines run 1000+ px
  // at 7 px thickness (an MRZ line is about 50 thicknesses long); the MRZ was the fast pass's 6th
  // candidate, below four print lines, and the frame read nothing.
  const doc = renderSynthetic(90243, { preset: 'normal', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const cands = locateBands(gray, { maxCandidates: 3 });
  assert.ok(cands.some((c) => fitsMrz(doc.corners, c)), 'one of the three bands read covers the MRZ');
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r?.valid);
  assert.deepEqual(r.lines, doc.lines);
});

test('the fine pass offers a glare-split band joined to the piece the fast pass found', () => {
  // Held-out 240198 ('hard' TD3): glare splits the MRZ; the fast pass finds only the left piece
  // (excluded from the fine pass), the fine level only the right one: neither covers the MRZ, and
  // the levels' own joins never see both.
  const doc = renderSynthetic(240198, { preset: 'hard', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const fast = locateBands(gray, { maxCandidates: 3 });
  assert.ok(!fast.some((c) => coverage(doc.corners, c) >= 0.95), 'no fast band covers the MRZ');
  const fine = locateBands(gray, { maxCandidates: 1, fine: true, exclude: fast });
  assert.ok(fine[0] && fitsMrz(doc.corners, fine[0]), 'the fine pass offers the joined band first');
  // Without pieces already examined, nothing is joined across levels.
  const alone = locateBands(gray, { maxCandidates: 8, fine: true });
  assert.ok(!alone.some((c) => c.u1 - c.u0 > (fine[0] as BandCandidate).u1 - (fine[0] as BandCandidate).u0 - 1 && coverage(doc.corners, c) >= 0.95), 'no joined band without exclude');
});

test('the fine pass splits blocks also when the fast pass found bands (the MRZ merged with labels)', () => {
  // Bench 70270 ('normal' TD2): the first MRZ line merges with the labels printed across it into a
  // block; the fast pass found the second line alone (and print), none of which reads. Splitting
  // only frames whose fast pass found no band left the MRZ unread.
  const doc = renderSynthetic(70270, { preset: 'normal', encoding: 'jpeg' });
  const r = readMrz(decodeGray(doc.image));
  assert.ok(r?.valid, 'a valid read');
  assert.deepEqual(r.lines, doc.lines);
});

test('a band extended over its faint end at one level is no duplicate of the shorter band another level ranks first', () => {
  // Held-out 170076 ('normal' TD3, tilted -17 degrees): glare fades the filler tail of the MRZ. The
  // coarse level finds the band without the tail and ranks first; the finer level finds it too and
  // extends it over the tail, a variant that was dropped as a duplicate of the shorter band.
  const doc = renderSynthetic(170076, { preset: 'normal', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const fast = locateBands(gray, { maxCandidates: 3 });
  assert.ok(fast[0] && !fitsMrz(doc.corners, fast[0]), 'the shorter band first');
  assert.ok(fast.some((c) => fitsMrz(doc.corners, c)), 'the band extended over the tail');
});

test('the fine pass offers a longer variant of a band already examined, not the same band again', () => {
  // Bench 70115 ('normal' TD3): glare fades both ends of the MRZ; the fast pass found it without
  // its first characters. The fine pass's first band was a variant of an examined band at the
  // same centre and extent (variants of one band are kept, but not against bands examined); its
  // finer level's band reaching over the faded start now comes first.
  const doc = renderSynthetic(70115, { preset: 'normal', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const fast = locateBands(gray, { maxCandidates: 3 });
  assert.ok(!fast.some((c) => fitsMrz(doc.corners, c)), 'no fast band covers the MRZ');
  const fine = locateBands(gray, { maxCandidates: 1, fine: true, exclude: fast, split: true });
  assert.ok(fine[0] && fitsMrz(doc.corners, fine[0]), 'the fine pass offers the whole band first');
});

test('an MRZ joined to a page of print behind the document is split out on the document paper (fine pass)', () => {
  // Bench 70310 and 70266 ('normal'): the document lies on a page of print; the MRZ lines touch
  // the document's edge, labels and the print beyond into one block too large to split. The MRZ's
  // paper is the document's, lighter than the page's: the block's pixels on the lighter paper give
  // the MRZ lines. The fast pass does not split.
  for (const seed of [70310, 70266]) {
    const doc = renderSynthetic(seed, { preset: 'normal', encoding: 'jpeg' });
    const gray = toGray(decodeGray(doc.image));
    assert.ok(gray);
    // Not longer than the MRZ by a third (70310's print line beyond it joined before).
    const [c0, c1] = doc.corners as readonly [Point, Point, Point, Point];
    const fits = (c: BandCandidate): boolean => fitsMrz(doc.corners, c) && c.u1 - c.u0 < 1.3 * Math.hypot(c1.x - c0.x, c1.y - c0.y);
    const fast = locateBands(gray, { maxCandidates: 3 });
    assert.ok(!fast.some(fits), `seed ${seed}: no fast band fits the MRZ`);
    const fine = locateBands(gray, { maxCandidates: 1, fine: true, exclude: fast, split: true });
    assert.ok(fine[0] && fits(fine[0]), `seed ${seed}: the fine pass offers the MRZ first`);
  }
});

test('keepResolved: a band whose lines are resolved apart is no duplicate of an examined band of merged lines', () => {
  // Fresh 440143 ('normal' TD3, tilted 18.6 degrees): at the fast pass's levels both MRZ lines merge
  // into one component, a band three line heights thick whose window takes in too much. The fine
  // pass's finest level resolves the two lines: the same place, a band a third as thick. It was
  // dropped as a duplicate of the examined band; with `keepResolved` it is offered, first.
  const doc = renderSynthetic(440143, { preset: 'normal', encoding: 'jpeg' });
  const gray = toGray(decodeGray(doc.image));
  assert.ok(gray);
  const [c0, c1, c2, c3] = doc.corners as readonly [Point, Point, Point, Point];
  const cx = (c0.x + c1.x + c2.x + c3.x) / 4;
  const cy = (c0.y + c1.y + c2.y + c3.y) / 4;
  const tilt = Math.atan2(c1.y - c0.y, c1.x - c0.x);
  const len = Math.hypot(c1.x - c0.x, c1.y - c0.y);
  const lineHeight = Math.hypot(c3.x - c0.x, c3.y - c0.y) / 2;
  const onMrz = (c: BandCandidate): boolean =>
    Math.hypot(c.cx - cx, c.cy - cy) < 0.15 * len && Math.abs(c.angle - tilt) < (2 * Math.PI) / 180 && c.u1 - c.u0 > 0.6 * len;
  const fast = locateBands(gray, { maxCandidates: 3 });
  const merged = fast.find(onMrz);
  assert.ok(merged && merged.lineThickness > 1.5 * lineHeight, 'the fast pass: one band of both lines merged');
  const fine = locateBands(gray, { maxCandidates: 3, fine: true, exclude: fast, split: true });
  assert.ok(!fine.some(onMrz), 'without keepResolved: no band there again');
  const rescued = locateBands(gray, { maxCandidates: 3, fine: true, exclude: [...fast, ...fine], split: true, keepResolved: true });
  const first = rescued[0];
  assert.ok(first && onMrz(first), 'with keepResolved: the resolved band first');
  assert.ok(first.lineThickness < 0.5 * merged.lineThickness && first.lineThickness < 1.5 * lineHeight, `its lines apart (${first.lineThickness.toFixed(1)})`);
  // A band of the same thickness as an examined one stays a duplicate.
  const again = locateBands(gray, { maxCandidates: 3, fine: true, exclude: [...fast, ...fine, ...rescued], split: true, keepResolved: true });
  assert.ok(!again.some((c) => onMrz(c) && Math.abs(c.lineThickness - first.lineThickness) < 0.2 * first.lineThickness), 'not offered twice');
});
