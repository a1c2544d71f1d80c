/**
 * MRZ band localisation without learning: downscale, black-hat morphology (dark strokes on a light
 * ground), threshold, horizontal run-length smearing that merges the characters of a line, connected
 * components, and principal axes (PCA) of each component for its angle, length and thickness. Long
 * thin components that lie parallel and close together form a band candidate, ranked by length
 * and MRZ-likeness (black print, inside the frame, 2-3 lines). Bands grow from the longest lines
 * first; a much blacker line stays out of a grey line's band (an MRZ on a page of print is shorter
 * than the print's lines). A band is also offered continued
 * over line pieces that are no components of their own, bridged over a glare spot to the pieces
 * of its lines beyond it (too short to be lines), and two bands lying end to end (split by glare)
 * are also offered joined. Candidates of one band found at two levels are kept once; a parallel
 * band beside it (sharing no rows across the text: the document's edge or print just below an
 * MRZ) is no duplicate, however close the centres. On request (the engine's fine pass), components that are no line
 * (MRZ lines merged with labels between them or print around them) are split into strips along
 * their sharpest projection; the strips form bands among themselves, ranked below bands of whole
 * line components.
 *
 * Works at one or two pyramid levels so that the character pitch at the working level stays in the
 * few-pixel range the kernels are sized for. Angles up to about +-28 degrees are accepted. The
 * levels come from a pyramid the caller may share (the engine makes the fast pass's two with the
 * grey frame, see `toGrayLevels`, and its band rectifications reuse them).
 *
 * Speed (session 12, same bands byte for byte): components are labelled by pixel runs joined with
 * union-find (no flood fill, no label image); the threshold skips words whose four responses are
 * all at most t, closeGaps words with nothing above; the histogram is counted from words. In
 * Chromium the black-hat is now about 60% of a locate call (the next place to look). Session 15:
 * its column passes by van Herk / Gil-Werman (three byte-wise maxima per word instead of four)
 * measured 0.98x in Chromium and 1.06x in Node (20 levels of bench frames): dropped.
 *
 * Session 17 (frames whose band was not found or the wrong one taken, `diagnose.ts`; probes in
 * `.tmp/s17/band/`): of the 59 such frames on the bench and the three held-out sets, the engine read
 * only 10 even when handed the true box (the rest are small, blurred or glared bands that fail in the
 * cut or the classifier). Mended, general causes: (1) a dark strip along the frame's top or bottom
 * rows (a desk beyond the document, thinner than the kernel: the black-hat's clamped rows light it
 * up) ranked as a long black line above the MRZ: a component lying half its width on the first or
 * last row is no line; (2) lines of a page of print behind the document run 100-150 thicknesses, an
 * MRZ line about 50: a band longer than {@link MAX_ASPECT} of its seed line's thicknesses keeps
 * {@link LONG_LINE_SCORE} of its score; (3) a glare-split MRZ whose pieces are found at different
 * levels (one by the fast pass, the other only at the fine level) is offered joined by the fine pass
 * (`exclude` pieces join new ones); with the engine's fine pass now splitting blocks on every upright
 * frame. Bench 272 -> 273, held-out 90000 259 -> 260, 170000 169, 240000 161 -> 163, French 82, real
 * 22/23, 0 false accepts. Tried and dropped: the thickness bar against a band's thinnest member
 * (real 100_pass-polx lost: a thin line of small print in its band); splitting every frame without
 * the bar (90000 -> 258, 170000 -> 168, French -> 81: strips of a page of print outranked the MRZ in
 * the fine pass's one band).
 *
 * Session 20 (the same diagnosis on the bench and the three held-out sets: 35 frames whose band was
 * missed or cut short): handed the true MRZ box, the engine reads only 5 of them (70115, 90074,
 * 90255, 170045, 170076; the rest are blurred, small or glared bands that fail in the cut or the
 * classifier). Mended, general causes: (1) a band extended over its faded end at one level was
 * dropped as a duplicate of another level's shorter band ranked first: a band reaching past the
 * other's ends by {@link REACH_PAST} of its extent is no duplicate; (2) against the bands already
 * examined (the fine pass's `exclude`), a variant at the same centre was kept as "a variant of one
 * band" and read again instead of the finer level's longer band; (3) an MRZ on a document lying on
 * a page of print joins the print's lines through the document's edge or labels into one block too
 * large to split: the fine pass labels the block's pixels on its lighter paper (the document's)
 * apart (`onBrightPaper`); (4) lines up to 0.5 rad (28.6 degrees), was 0.45. Bench 280 -> 282,
 * held-out 90000 262 -> 263, 170000 172 -> 173, 240000 166, French 85 -> 86, real 22/23, 0 false
 * accepts. Tried and dropped: the fine pass's levels ranked together by contrast against the
 * blackest line of all its levels (read 170045, lost 70270: a coarse level's contrast is lower by
 * the averaging); a merged band's line thickness taken from its length (lost 70004).
 *
 * Session 24 (the 18 bench and fresh frames whose band locate never proposed or ranked below the
 * band read): the engine reads 2 of them handed the true box. Their bands are lost in the ink map
 * (faint or glared lines under the threshold, Otsu raised by a dark structure at coarse levels, a
 * page or desk block: 7), the line filter (lines in pieces or merged: 5), grouping (2), the seed
 * cap (2), the fine pass's one band (3) and deduplication (3): a band whose lines a finer level
 * resolves apart was dropped as a duplicate of an examined band of the lines merged. The engine's
 * last look (`keepResolved`) offers those and the fine pass's next bands: +43 of 11,243 frames,
 * 0 false accepts.
 *
 * Session 34, tried and dropped: two parallel bands one above the other, of one extent along the
 * text, offered joined as a last look (bench 70156: glare splits a TD1 into a band of its labels
 * and first line and one of its third line; the second line, under the glare, is in neither).
 * Joined, the window held every line, but the second was found only in pieces and every 30- or
 * 36-cell group was cut shifted along its lines (first choices starting `R28`, `83`, `3218`
 * where the lines start `I<UKR28`, `0004031M2`): nothing read.
 * @module
 */

import { blackHat8, downscale, downscaleTwo, otsu8OfHistogram, readyGray, type Gray8 } from './image.ts';
import { float64, int32, uint32, uint8 } from './scratch.ts';

/** A band hypothesis in full-resolution frame coordinates. */
export interface BandCandidate {
  /** Centre of the band. */
  readonly cx: number;
  readonly cy: number;
  /** Angle of the text direction in radians (image y axis points down). */
  readonly angle: number;
  /** Extent along the text direction, relative to the centre: [min, max]. */
  readonly u0: number;
  readonly u1: number;
  /** Extent across the text direction (towards image "down" when angle = 0): [min, max]. */
  readonly v0: number;
  readonly v1: number;
  /** Estimated thickness of one text line (px, full resolution). */
  readonly lineThickness: number;
  /** Length of the longest member line (px, full resolution). */
  readonly length: number;
  /** Ranking score (higher is better). */
  readonly score: number;
}

interface Comp {
  n: number;
  cx: number;
  cy: number;
  angle: number;
  len: number;
  thick: number;
  ux: number;
  uy: number;
  /** Extent along the principal axis relative to the centroid (from the pixels). */
  a0: number;
  a1: number;
  label: number;
  /** Mean black-hat response of the component's ink pixels (before smearing). */
  contrast: number;
  /** True when the component touches the left or right edge of the working image. */
  edge: boolean;
  /**
   * True when at least half its width lies on the first or last row of the working image: a dark
   * strip along the top or bottom of the frame (a desk or shadow beyond the document) that the
   * black-hat's clamped rows make look like a stroke, or print cut by the frame: no line.
   */
  border: boolean;
  /** Pixel bounding box (inclusive). */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Its first pixel run (see {@link Runs}; its runs follow in raster order), -1 for a strip. */
  run: number;
}

/** Options of {@link locateBands}. */
export interface LocateOptions {
  /** Maximum number of candidates returned. */
  readonly maxCandidates?: number;
  /**
   * Second, finer pass: work one pyramid level finer (and at the level a coarser default pass
   * skips), for frames where the fast pass found no readable band. Candidates close to any of
   * `exclude` (already examined) are dropped.
   */
  readonly fine?: boolean;
  /** Candidates already examined (see `fine`). */
  readonly exclude?: readonly BandCandidate[];
  /**
   * Against `exclude`, a band whose line thickness differs from the examined band's by a factor of
   * {@link DISTINCT_THICKNESS} or more is no duplicate: the same place seen with its lines resolved
   * apart where the examined band's had merged into one component (or the other way round), a
   * window of other margins and another line height for the cut. For the engine's last look.
   */
  readonly keepResolved?: boolean;
  /**
   * Also split components that are no line into strips (see `splitBlock`): MRZ lines merged with
   * labels between them or print around them. Costs a few percent of the locate time, so the
   * engine asks for it only in its fine pass, for upright frames whose fast pass found no band;
   * with `fine`, the fast pass's levels are then worked at too.
   */
  readonly split?: boolean;
  /**
   * Block-mean levels of `gray` already made, by factor (see `downscale`; e.g. by `toGrayLevels` with
   * the grey frame, for {@link fastLevels}); levels made here are added, so a later pass and the
   * band rectification (the same map) reuse them.
   */
  readonly pyramid?: Map<number, Gray8>;
}

const WORK_SIDE = 427;
/** Band candidates formed per pyramid level (seeded by the longest lines first). */
const MAX_SEEDS = 12;

/**
 * The pyramid factors the fast pass (no `fine`) works at for a `width` x `height` frame: the level
 * whose long side is about {@link WORK_SIDE}, and twice as coarse when that is still 200 pixels or
 * more (documents that fill a large frame: pitch too big for the kernels). Empty for frames too
 * small to locate in.
 */
export function fastLevels(width: number, height: number): number[] {
  if (width < 24 || height < 16) return [];
  const long = Math.max(width, height);
  const f1 = Math.max(1, Math.round(long / WORK_SIDE));
  return long / (f1 * 2) >= 200 ? [f1, f1 * 2] : [f1];
}

/** Finds MRZ band candidates in a greyscale frame, best first. Never throws on odd sizes. */
export function locateBands(gray: Gray8, options: LocateOptions = {}): BandCandidate[] {
  const maxCandidates = options.maxCandidates ?? 4;
  if (gray.width < 24 || gray.height < 16) return [];
  const long = Math.max(gray.width, gray.height);
  const f1 = Math.max(1, Math.round(long / WORK_SIDE));
  let levels: number[] = [];
  if (options.fine) {
    // Finer pass: one level below the fast one, plus the coarse level of the old two-level scheme.
    if (f1 > 1) levels.push(f1 - 1);
    const f2 = Math.max(1, Math.round(long / 320));
    if (f2 !== f1 && f2 !== f1 * 2 && f2 !== f1 - 1) levels.push(f2);
    // Splitting blocks: at the fast pass's levels too (its whole-line bands are excluded below).
    if (options.split) for (const f of fastLevels(gray.width, gray.height)) if (!levels.includes(f)) levels.push(f);
  } else levels = fastLevels(gray.width, gray.height);
  const out: BandCandidate[] = [];
  const pyramid = options.pyramid ?? new Map<number, Gray8>();
  // Two levels f and 2f not made yet come from one pass over the frame.
  const [fa, fb] = levels as [number, number | undefined];
  if (levels.length === 2 && fb === 2 * fa && fa > 1 && !pyramid.has(fa) && !pyramid.has(fb)) {
    const [fine, coarse] = downscaleTwo(gray, fa);
    pyramid.set(fa, fine);
    pyramid.set(fb, coarse);
  }
  for (const f of levels) {
    let small = f > 1 ? pyramid.get(f) : gray;
    if (!small) pyramid.set(f, (small = downscale(gray, f)));
    for (const c of locateAtLevel(small, f, options.split ?? false)) out.push(c);
  }
  const exclude = options.exclude ?? [];
  // A band split by glare whose pieces were found at different levels (one by the fast pass, now
  // excluded, the other only at this pass's finer level): the pieces are also offered joined.
  if (exclude.length > 0 && out.length > 0) {
    const pieces = [...exclude, ...out];
    const joined = joinCollinear(pieces, options.split ? SPLIT_JOIN_GAP : JOIN_GAP, exclude.length);
    for (let i = pieces.length; i < joined.length; i++) out.push(joined[i] as BandCandidate);
  }
  out.sort((a, b) => b.score - a.score);
  // Drop near-duplicates (same band found at two levels).
  const kept: BandCandidate[] = [];
  const same = (k: BandCandidate, c: BandCandidate): boolean =>
    Math.hypot(k.cx - c.cx, k.cy - c.cy) < 0.25 * Math.max(k.length, c.length) &&
    Math.abs(angleDiff(k.angle, c.angle)) < 0.1 &&
    Math.min(k.length, c.length) >= 0.6 * Math.max(k.length, c.length) &&
    // Parallel bands side by side (an MRZ and the document's edge or a line of print just
    // below it) are no duplicates however close their centres: a duplicate shares rows.
    overlapsAcross(k, c) &&
    // Nor is a band reaching well past the other's ends (the same band extended at another level).
    !reachesPast(k, c);
  const resolved = options.keepResolved ?? false;
  const distinct = (k: BandCandidate, c: BandCandidate): boolean =>
    resolved && Math.max(k.lineThickness, c.lineThickness) >= DISTINCT_THICKNESS * Math.min(k.lineThickness, c.lineThickness);
  for (const c of out) {
    const dup =
      exclude.some((k) => same(k, c) && !distinct(k, c)) ||
      // Variants of one band (its extension along the text) are no duplicates of each other.
      kept.some((k) => same(k, c) && !(k.cx === c.cx && k.cy === c.cy && (k.u0 !== c.u0 || k.u1 !== c.u1)));
    if (!dup) kept.push(c);
    if (kept.length >= maxCandidates) break;
  }
  return kept;
}

/**
 * Sets the empty pixels of the row at `o` that have ink right above and below (value 3). Four
 * pixels with nothing above (one word of `bin32`, the words of `bin`) are passed over at once.
 */
function closeGaps(bin: Uint8Array, bin32: Uint32Array, w: number, o: number): void {
  const a = o - w;
  let x = 0;
  // Up to the first whole word of the row above.
  for (; x < w && ((a + x) & 3) !== 0; x++) if (!bin[o + x] && bin[a + x] && bin[o + w + x]) bin[o + x] = 3;
  for (; x + 4 <= w; x += 4) {
    if (bin32[(a + x) >> 2] === 0) continue;
    for (let k = x; k < x + 4; k++) if (!bin[o + k] && bin[a + k] && bin[o + w + k]) bin[o + k] = 3;
  }
  for (; x < w; x++) if (!bin[o + x] && bin[a + x] && bin[o + w + x]) bin[o + x] = 3;
}

/**
 * True when `b` reaches past an end of `a` along the text by more than {@link REACH_PAST} of `a`'s
 * extent: a longer variant of the same band (extended over its faint or glared end at one level
 * while another level's shorter band ranks higher), not its duplicate.
 */
function reachesPast(a: BandCandidate, b: BandCandidate): boolean {
  const du = (b.cx - a.cx) * Math.cos(a.angle) + (b.cy - a.cy) * Math.sin(a.angle);
  const m = REACH_PAST * (a.u1 - a.u0);
  return du + b.u0 < a.u0 - m || du + b.u1 > a.u1 + m;
}

/** Ratio of line thicknesses from which a band is no duplicate of an examined one (see `keepResolved`). */
const DISTINCT_THICKNESS = 1.6;

/** Share of a band's extent another band must reach past one of its ends to be no duplicate. */
const REACH_PAST = 0.15;

/** True when the extents of `a` and `b` across the text (in `a`'s direction) overlap. */
function overlapsAcross(a: BandCandidate, b: BandCandidate): boolean {
  const dv = -(b.cx - a.cx) * Math.sin(a.angle) + (b.cy - a.cy) * Math.cos(a.angle);
  return Math.min(a.v1, dv + b.v1) > Math.max(a.v0, dv + b.v0);
}

function angleDiff(a: number, b: number): number {
  let d = a - b;
  while (d > Math.PI / 2) d -= Math.PI;
  while (d < -Math.PI / 2) d += Math.PI;
  return d;
}

/** The four histograms of black-hat responses (see `locateAtLevel`). */
const QUAD_HIST = new Uint32Array(1024);
let bhBuf = new Uint8Array(0);
let binBuf = new Uint8Array(0);
/** Word views of `bhBuf` and `binBuf` (both from offset 0: the same alignment). */
let bh32Buf = new Uint32Array(0);
let bin32Buf = new Uint32Array(0);

function locateAtLevel(small: Gray8, f: number, split: boolean): BandCandidate[] {
  // (The frame itself at factor 1: its black-hat and paper levels read every pixel.)
  readyGray(small);
  const { width: w, height: h } = small;
  const n = w * h;
  if (bhBuf.length < n) {
    bhBuf = new Uint8Array(n);
    binBuf = new Uint8Array(n);
    bh32Buf = new Uint32Array(bhBuf.buffer, 0, n >> 2);
    bin32Buf = new Uint32Array(binBuf.buffer, 0, n >> 2);
  }
  // Black-hat: closing minus image highlights dark strokes thinner than the kernel.
  const bh = blackHat8(small, 3, bhBuf);
  // One histogram gives the strongest response (its top bin) and Otsu's threshold. Counted in four
  // (by pixel index mod 4: the bytes of a word of `bh32`) and summed: most responses are small, so
  // neighbours often share a bin, and one histogram would wait on its own last increment. In a
  // fixed module array (tighter code than a pooled one's in Chromium).
  const quad = QUAD_HIST;
  quad.fill(0);
  const words = n >> 2;
  const bhWords = bh32Buf;
  for (let k = 0; k < words; k++) {
    const v = bhWords[k] as number;
    const v0 = v & 255;
    const v1 = ((v >>> 8) & 255) + 256;
    const v2 = ((v >>> 16) & 255) + 512;
    const v3 = (v >>> 24) + 768;
    quad[v0] = (quad[v0] as number) + 1;
    quad[v1] = (quad[v1] as number) + 1;
    quad[v2] = (quad[v2] as number) + 1;
    quad[v3] = (quad[v3] as number) + 1;
  }
  for (let i = words << 2; i < n; i++) quad[bh[i] as number] = (quad[bh[i] as number] as number) + 1;
  const hist = uint32(256);
  for (let v = 0; v < 256; v++) hist[v] = (quad[v] as number) + (quad[v + 256] as number) + (quad[v + 512] as number) + (quad[v + 768] as number);
  let maxBh = 255;
  while (maxBh > 0 && hist[maxBh] === 0) maxBh--;
  if (maxBh < 20) return [];
  const t = Math.max(otsu8OfHistogram(hist, n), 18);
  const bin = binBuf;
  // Word views of the black-hat and the binary image.
  const bh32 = bh32Buf;
  const bin32 = bin32Buf;
  // Per row: threshold, then horizontal smearing (gaps up to G pixels between ink pixels are
  // filled); one row behind, a light vertical closing of 1px gaps (joins rows of one line split by
  // thin strokes; it reads the row above as already closed and the row below as smeared).
  const G = 6;
  // Four responses tested against t at once (SWAR): per byte, (v & 0x7f) + (127 - t) sets the high
  // bit exactly when v's low seven bits exceed t (t < 128), or v's own high bit does; for t >= 128
  // both must (v >= 128 and its low bits above t - 128). No byte carries into the next.
  const lowT = t < 128;
  const addT = Math.imul(lowT ? 127 - t : 255 - t, 0x01010101);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let last = -1;
    for (let x = 0; x < w; x++) {
      // Four responses none above t at once: no ink. The two buffers share their alignment (whole
      // words from offset 0).
      if (((o + x) & 3) === 0 && x + 4 <= w) {
        const v = bh32[(o + x) >> 2] as number;
        const sum = ((v & 0x7f7f7f7f) + addT) | 0;
        if (((lowT ? sum | v : sum & v) & 0x80808080) === 0) {
          bin32[(o + x) >> 2] = 0;
          x += 3;
          continue;
        }
      }
      if ((bh[o + x] as number) > t) {
        bin[o + x] = 1;
        if (last >= 0 && x - last > 1 && x - last <= G + 1) for (let j = last + 1; j < x; j++) bin[o + j] = 2;
        last = x;
      } else bin[o + x] = 0;
    }
    if (y >= 2) closeGaps(bin, bin32, w, o - w);
  }
  const runs = pixelRuns(bin, w, h);
  const comps = components(runs, bin, bh, w, h);
  const isLine = (c: Comp): boolean => !c.border && c.len >= 40 && c.len >= 7 * c.thick && c.thick >= 2.2 && Math.abs(c.angle) < 0.5;
  const lines = comps.filter(isLine);
  // Lines cut out of blocks that are no line themselves (an MRZ joined to labels or print just
  // above, below or between its lines); their extents are measured here, not below. Their label
  // is minus the block's number: a band joins only lines of one block, or only whole components.
  const strips: Comp[] = [];
  let blocks = 0;
  for (const c of split ? [...comps].sort((a, b) => b.n - a.n) : []) {
    if (blocks >= MAX_BLOCKS) break;
    if (isLine(c) || c.xMax - c.xMin + 1 < 40 || c.n > BLOCK_MAX_PIXELS) continue;
    blocks++;
    for (const s of splitBlock(c, runs, bin, bh, w, h)) if (isLine(s)) strips.push({ ...s, label: -blocks });
  }
  measureExtents(lines, runs);
  // Blocks too large to split (a page of print behind the document, joined to the MRZ through the
  // document's edge or labels): their lines on the block's brightest paper (the document's) are
  // labelled apart, after the blocks above (this labelling reuses the run buffers).
  if (split) {
    const pages = comps.filter((c) => c.n > BLOCK_MAX_PIXELS).sort((a, b) => b.n - a.n).slice(0, PAGE_BLOCKS);
    if (pages.length > 0) {
      blocks++;
      for (const s of onBrightPaper(pages, runs, bin, bh, small.data, w, h)) if (isLine(s)) strips.push({ ...s, label: -blocks });
    }
  }
  for (const s of strips) lines.push(s);
  lines.sort((a, b) => b.len - a.len);
  let maxContrast = 1e-6;
  for (const c of lines) if (c.contrast > maxContrast) maxContrast = c.contrast;
  const cands: BandCandidate[] = [];
  const used = uint8(lines.length, true);
  // A band grown from line i (not yet in a band) and its variants.
  const seedBand = (i: number): void => {
    const seed = lines[i] as Comp;
    const members: Comp[] = [seed];
    used[i] = 1;
    const ux = seed.ux;
    const uy = seed.uy;
    const vx = -uy;
    const vy = ux;
    let grew = true;
    while (grew) {
      grew = false;
      for (let j = 0; j < lines.length; j++) {
        if (used[j]) continue;
        const c = lines[j] as Comp;
        if (Math.min(c.label, 0) !== Math.min(seed.label, 0)) continue;
        if (Math.abs(angleDiff(c.angle, seed.angle)) > 0.09) continue;
        // A much shorter, much blacker line is no part of a long grey one (an MRZ on a document
        // lying on printed paper must not join the print's lines, which run on past it); nor is a
        // clearly shorter line twice as black (a large MRZ is most of the print's length).
        if (c.len < 0.6 * seed.len && seed.contrast < 0.75 * c.contrast) continue;
        if (c.len < BLACK_LEN * seed.len && seed.contrast < 0.55 * c.contrast) continue;
        let near = false;
        for (const m of members) {
          const dv = Math.abs((c.cx - m.cx) * vx + (c.cy - m.cy) * vy);
          const du = Math.abs((c.cx - m.cx) * ux + (c.cy - m.cy) * uy);
          if (dv < 3.2 * Math.max(m.thick, c.thick) && du < 0.5 * (m.len + c.len)) near = true;
        }
        if (!near) continue;
        // Keep only lines that overlap the seed substantially along the text direction.
        const du = (c.cx - seed.cx) * ux + (c.cy - seed.cy) * uy;
        const ov = Math.min(du + c.len / 2, seed.len / 2) - Math.max(du - c.len / 2, -seed.len / 2);
        if (ov < 0.4 * Math.min(c.len, seed.len)) continue;
        members.push(c);
        used[j] = 1;
        grew = true;
      }
    }
    let u0 = Infinity;
    let u1 = -Infinity;
    let v0 = Infinity;
    let v1 = -Infinity;
    let thick = Infinity;
    for (const m of members) {
      const du = (m.cx - seed.cx) * ux + (m.cy - seed.cy) * uy;
      const dv = (m.cx - seed.cx) * vx + (m.cy - seed.cy) * vy;
      u0 = Math.min(u0, du + m.a0 - 0.5);
      u1 = Math.max(u1, du + m.a1 + 0.5);
      v0 = Math.min(v0, dv - m.thick / 2);
      v1 = Math.max(v1, dv + m.thick / 2);
      thick = Math.min(thick, m.thick);
    }
    const totalLen = members.reduce((s, m) => s + m.len, 0);
    // Score: long lines, several parallel lines, text-like thickness; then MRZ-likeness: the MRZ
    // is the frame's blackest print (contrast relative to the level's strongest line), lies inside
    // the frame (print running off the left or right edge is background text), and has 2-3 lines
    // (a taller block of aligned lines is body text).
    let con = 0;
    let edges = 0;
    for (const m of members) {
      con += m.contrast;
      if (m.edge) edges++;
    }
    const rel = con / members.length / maxContrast;
    const score =
      ((totalLen / w) * (members.length >= 2 ? 1.5 : 1) + seed.len / (seed.thick * 40)) *
      rel * rel *
      (1 - (0.7 * edges) / members.length) *
      (members.length > 3 ? 3 / members.length : 1) *
      (seed.label < 0 ? STRIP_SCORE : 1);
    const cand: BandCandidate = {
      cx: (seed.cx + 0.5) * f,
      cy: (seed.cy + 0.5) * f,
      angle: seed.angle,
      u0: u0 * f,
      u1: u1 * f,
      v0: v0 * f,
      v1: v1 * f,
      lineThickness: thick * f,
      length: seed.len * f,
      // (Against the seed's own thickness: a thin member, e.g. a line of small print joined to the
      // band, says nothing of the MRZ's character size.)
      score: score * aspectFactor(u1 - u0, seed.thick),
    };
    cands.push(cand);
    // The band continued over its pieces that are no line of their own, ranked right after it.
    const ext = extendAlong(bin, w, h, seed, u0, u1, v0, v1, thick);
    if (ext) cands.push({ ...cand, u0: ext[0] * f, u1: ext[1] * f, score: score * 0.99 * aspectFactor(ext[1] - ext[0], seed.thick) });
    // The band bridged over a gap (glare) to pieces of its lines too short to be lines, next.
    const far = bridgeAcross(comps, seed, ext ? ext[0] : u0, ext ? ext[1] : u1, v0, v1, thick, con / members.length, (ua, ub) => paperAlong(bh, small.data, w, h, seed, ua, ub, v0, v1));
    if (far) cands.push({ ...cand, u0: far[0] * f, u1: far[1] * f, score: score * 0.98 * aspectFactor(far[1] - far[0], seed.thick) });
  };
  for (let i = 0; i < lines.length && cands.length < MAX_SEEDS; i++) if (!used[i]) seedBand(i);
  return joinCollinear(cands, split ? SPLIT_JOIN_GAP : JOIN_GAP);
}

/**
 * Longest an MRZ line is, in line thicknesses (44 characters of OCR-B: about 50; a line of print
 * running across a page behind the document is 100-150), and the score factor of longer lines.
 */
const MAX_ASPECT = 90;
const LONG_LINE_SCORE = 0.3;

/**
 * Score factor of a band `length` long whose line is `thick` (the seed line's thickness; a joined
 * band's thinner piece's), see {@link MAX_ASPECT}.
 */
function aspectFactor(length: number, thick: number): number {
  return length > MAX_ASPECT * thick ? LONG_LINE_SCORE : 1;
}

/**
 * True extents along each line's axis (the centroid is off-centre when one end is sparse), from its
 * runs. The projection grows monotonically along a row, so a run's extremes lie at its two ends.
 */
function measureExtents(lines: readonly Comp[], runs: Runs): void {
  for (const c of lines) {
    for (let r = c.run; r >= 0; r = runs.next[r] as number) {
      const ya = ((runs.y[r] as number) - c.cy) * c.uy;
      const a = ((runs.x0[r] as number) - c.cx) * c.ux + ya;
      const b = ((runs.x1[r] as number) - c.cx) * c.ux + ya;
      if (a < c.a0) c.a0 = a;
      if (a > c.a1) c.a1 = a;
      if (b < c.a0) c.a0 = b;
      if (b > c.a1) c.a1 = b;
    }
  }
}

/** Blocks too large to split whose lines on bright paper are labelled apart (see `onBrightPaper`). */
const PAGE_BLOCKS = 2;
let paperBuf = new Uint8Array(0);

/**
 * The components (extents measured) of large blocks' pixels whose paper (the black-hat's closing,
 * `bh + img`) is lighter than Otsu's threshold of their block's paper levels: an MRZ on a document
 * lying on a page of print is joined to the print's lines through the document's edge, labels or
 * smearing, but its paper is the document's, lighter than the page's. Relabels `runs`' buffers.
 */
function onBrightPaper(blocks: readonly Comp[], runs: Runs, bin: Uint8Array, bh: Uint8Array, img: Uint8Array, w: number, h: number): Comp[] {
  if (paperBuf.length < w * h) paperBuf = new Uint8Array(w * h);
  const mask = paperBuf.subarray(0, w * h);
  mask.fill(0);
  const hist = uint32(256);
  for (const c of blocks) {
    hist.fill(0);
    for (let r = c.run; r >= 0; r = runs.next[r] as number) {
      const o = (runs.y[r] as number) * w;
      for (let p = o + (runs.x0[r] as number), e = o + (runs.x1[r] as number); p <= e; p++) {
        const v = Math.min(255, (bh[p] as number) + (img[p] as number));
        hist[v] = (hist[v] as number) + 1;
      }
    }
    const t = otsu8OfHistogram(hist, c.n);
    for (let r = c.run; r >= 0; r = runs.next[r] as number) {
      const o = (runs.y[r] as number) * w;
      for (let p = o + (runs.x0[r] as number), e = o + (runs.x1[r] as number); p <= e; p++) if ((bh[p] as number) + (img[p] as number) > t) mask[p] = bin[p] as number;
    }
  }
  const sub = pixelRuns(mask, w, h);
  const out = components(sub, mask, bh, w, h);
  measureExtents(out, sub);
  return out;
}

/** Longest (in lengths of the seed line) a line twice as black may be and still stay out of its band. */
const BLACK_LEN = 0.8;
/** Blocks (components that are no line) split into lines per pyramid level, largest first. */
const MAX_BLOCKS = 4;
/** Score factor of bands of split-off lines (a whole line component's band ranks first). */
const STRIP_SCORE = 0.8;
/** Longest gap (in lengths of the longer piece) between two collinear pieces offered joined. */
const JOIN_GAP = 0.6;
/**
 * The same when blocks are split (the fine pass): a glare spot that wipes a third of the MRZ leaves
 * a gap as long as the longer piece (one piece often a block, split only there).
 */
const SPLIT_JOIN_GAP = 1;
/** Blocks larger than this (pixels) are desk texture or a page of print, not split. */
const BLOCK_MAX_PIXELS = 12000;
/** Pixels of a block sampled for its text direction. */
const ANGLE_SAMPLES = 1500;

/**
 * Splits a component that is no line (text lines joined by labels or print between and around
 * them) into strips along its dominant text direction: the angle whose projection across it is
 * sharpest (most of its pixels on few rows), then the runs of that projection above 40% of its
 * peak. Each strip becomes a component of the strip's pixels (moments, extents, contrast).
 */
function splitBlock(c: Comp, runs: Runs, bin: Uint8Array, bh: Uint8Array, w: number, h: number): Comp[] {
  const xs = int32(c.n);
  const ys = int32(c.n);
  // Its pixels in raster order (its runs are).
  let k = 0;
  for (let r = c.run; r >= 0; r = runs.next[r] as number) {
    const y = runs.y[r] as number;
    for (let x = runs.x0[r] as number, x1 = runs.x1[r] as number; x <= x1 && k < c.n; x++) {
      xs[k] = x;
      ys[k] = y;
      k++;
    }
  }
  const diag = Math.ceil(Math.hypot(c.xMax - c.xMin + 1, c.yMax - c.yMin + 1)) + 2;
  const hist = float64(diag);
  // Sharpness of the projection at angle a (sum of squared row counts over a sample of the pixels).
  const stride = Math.max(1, Math.ceil(k / ANGLE_SAMPLES));
  const sharpness = (a: number): number => {
    const si = Math.sin(a);
    const co = Math.cos(a);
    hist.fill(0, 0, diag);
    for (let i = 0; i < k; i += stride) {
      const v = Math.round(-((xs[i] as number) - c.xMin) * si + ((ys[i] as number) - c.yMin) * co + 0.5 * diag);
      if (v >= 0 && v < diag) hist[v] = (hist[v] as number) + 1;
    }
    let sq = 0;
    for (let v = 0; v < diag; v++) sq += (hist[v] as number) * (hist[v] as number);
    return sq;
  };
  // Coarse angles, then finer ones around the best.
  let bestScore = -1;
  let bestAngle = 0;
  for (let a = -0.42; a <= 0.42 + 1e-9; a += 0.06) {
    const sq = sharpness(a);
    if (sq > bestScore) {
      bestScore = sq;
      bestAngle = a;
    }
  }
  const coarse = bestAngle;
  for (let a = coarse - 0.04; a <= coarse + 0.04 + 1e-9; a += 0.01) {
    const sq = sharpness(a);
    if (sq > bestScore) {
      bestScore = sq;
      bestAngle = a;
    }
  }
  const si = Math.sin(bestAngle);
  const co = Math.cos(bestAngle);
  hist.fill(0, 0, diag);
  const vs = int32(k);
  for (let i = 0; i < k; i++) {
    const v = Math.round(-((xs[i] as number) - c.xMin) * si + ((ys[i] as number) - c.yMin) * co + 0.5 * diag);
    vs[i] = v;
    if (v >= 0 && v < diag) hist[v] = (hist[v] as number) + 1;
  }
  let peak = 0;
  for (let v = 0; v < diag; v++) peak = Math.max(peak, hist[v] as number);
  const out: Comp[] = [];
  for (let v = 0; v < diag; ) {
    if ((hist[v] as number) <= 0.4 * peak) {
      v++;
      continue;
    }
    let vb = v;
    while (vb + 1 < diag && (hist[vb + 1] as number) > 0.4 * peak) vb++;
    const strip = stripComp(c, xs, ys, vs, k, v, vb, bin, bh, w, h);
    if (strip) out.push(strip);
    v = vb + 1;
  }
  return out;
}

/**
 * Centre, direction and extents of a pixel set from its moments (n pixels, coordinate sums and
 * sums of products): the principal axes, with length and thickness those of a uniform rectangle
 * of the same second moments (sqrt(12 lambda)).
 */
function principalAxes(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): Pick<Comp, 'cx' | 'cy' | 'angle' | 'len' | 'thick' | 'ux' | 'uy'> {
  const mx = sx / n;
  const my = sy / n;
  const cxx = sxx / n - mx * mx;
  const cyy = syy / n - my * my;
  const cxy = sxy / n - mx * my;
  const tr = cxx + cyy;
  const det = cxx * cyy - cxy * cxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const angle = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  return { cx: mx, cy: my, angle, len: Math.sqrt(12 * (tr / 2 + disc)), thick: Math.sqrt(12 * Math.max(0, tr / 2 - disc)), ux: Math.cos(angle), uy: Math.sin(angle) };
}

/** The component of the pixels of `c` whose projection `vs` lies in `va..vb`; null when too few. */
function stripComp(c: Comp, xs: Int32Array, ys: Int32Array, vs: Int32Array, k: number, va: number, vb: number, bin: Uint8Array, bh: Uint8Array, w: number, h: number): Comp | null {
  let n = 0;
  let onBorder = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let inkN = 0;
  let inkS = 0;
  let xMin = Infinity;
  let xMax = -1;
  let yMin = Infinity;
  let yMax = -1;
  for (let i = 0; i < k; i++) {
    const v = vs[i] as number;
    if (v < va || v > vb) continue;
    const x = xs[i] as number;
    const y = ys[i] as number;
    n++;
    if (y === 0 || y === h - 1) onBorder++;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
    const p = y * w + x;
    if (bin[p] === 1) {
      inkN++;
      inkS += bh[p] as number;
    }
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (n < 40) return null;
  const axes = principalAxes(n, sx, sy, sxx, syy, sxy);
  const { cx: mx, cy: my, ux, uy } = axes;
  let a0 = Infinity;
  let a1 = -Infinity;
  for (let i = 0; i < k; i++) {
    const v = vs[i] as number;
    if (v < va || v > vb) continue;
    const a = ((xs[i] as number) - mx) * ux + ((ys[i] as number) - my) * uy;
    a0 = Math.min(a0, a);
    a1 = Math.max(a1, a);
  }
  return {
    n,
    ...axes,
    a0,
    a1,
    label: -1,
    contrast: inkN > 0 ? inkS / inkN : 0,
    edge: c.edge && (xMin <= 0 || xMax >= w - 1),
    border: 2 * onBorder >= xMax - xMin + 1,
    xMin,
    xMax,
    yMin,
    yMax,
    run: -1,
  };
}

/**
 * Pieces of the MRZ lines that are no line components of their own (filler runs whose chevrons the
 * smearing did not join, a short tail after a gap) continue a band: its ends are walked outwards
 * (at most 30% of its length) over columns across the band that hold ink, with gaps up to 0.6 line
 * thickness. An end moves only over a dense run of several characters; null when neither does.
 * Working-level coordinates; `u0`, `u1`, `v0`, `v1` relative to the seed line's centre.
 */
function extendAlong(bin: Uint8Array, w: number, h: number, seed: Comp, u0: number, u1: number, v0: number, v1: number, thick: number): [number, number] | null {
  const { ux, uy } = seed;
  const maxGap = Math.max(2, 0.6 * thick);
  const limit = 0.3 * (u1 - u0);
  const inkAt = (u: number): boolean => {
    for (let v = v0; v <= v1; v += 1) {
      const x = Math.round(seed.cx + u * ux - v * uy);
      const y = Math.round(seed.cy + u * uy + v * ux);
      if (x >= 0 && x < w && y >= 0 && y < h && bin[y * w + x]) return true;
    }
    return false;
  };
  const ends: [number, number] = [u0, u1];
  let moved = false;
  for (const dir of [-1, 1]) {
    const from = dir < 0 ? u0 + 0.5 : u1 - 0.5;
    let last = from;
    let inked = 0;
    for (let u = from + dir; Math.abs(u - from) <= limit && Math.abs(u - last) <= maxGap + 1; u += dir) {
      if (inkAt(u)) {
        last = u;
        inked++;
      }
    }
    const run = Math.abs(last - from);
    if (run < 2 * thick || inked < 0.6 * run) continue;
    ends[dir < 0 ? 0 : 1] = last + 0.5 * dir;
    moved = true;
  }
  return moved ? ends : null;
}

/**
 * A glare spot over the MRZ wipes a stretch of both lines; beyond it, what is left of the lines
 * can be pieces too short to be lines of their own (a few filler chevrons), so no band of theirs
 * is joined end to end (`joinCollinear`). Pieces parallel to the band, within its extent across
 * the text, about as thin and as black as its lines, beginning less than half the band's length
 * beyond an end across a gap whose paper is lighter than along the band (glare, not a gap in
 * print), continue it there (repeatedly, up to twice the band's length in all). Returns
 * the new ends, or null when no piece continues the band. Working-level coordinates, relative to
 * the seed line's centre.
 */
function bridgeAcross(
  comps: readonly Comp[],
  seed: Comp,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
  thick: number,
  contrast: number,
  paper: (ua: number, ub: number) => number,
): [number, number] | null {
  const { ux, uy } = seed;
  const len = u1 - u0;
  // Glare brightens the paper: a gap no lighter than the band's own paper is a gap in print.
  // (Measured only once a piece qualifies: most bands have none.)
  let level = -1;
  const glare = (ua: number, ub: number): boolean => {
    if (level < 0) level = paper(u0, u1);
    return paper(ua, ub) >= level + GLARE_STEP;
  };
  let a = u0;
  let b = u1;
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of comps) {
      if (c.len < 20 || c.len < 5 * c.thick || c.thick > 2 * thick || c.contrast < 0.5 * contrast) continue;
      if (Math.abs(angleDiff(c.angle, seed.angle)) > 0.12) continue;
      const du = (c.cx - seed.cx) * ux + (c.cy - seed.cy) * uy;
      const dv = -(c.cx - seed.cx) * uy + (c.cy - seed.cy) * ux;
      if (dv < v0 - 0.5 * thick || dv > v1 + 0.5 * thick) continue;
      // (A piece's extent from its moments: pixel extents are measured for lines only.)
      const pa = du - 0.5 * c.len;
      const pb = du + 0.5 * c.len;
      if (pa > b && pa - b < 0.5 * len && pb - a <= 2 * len && glare(b, pa)) {
        b = pb;
        grew = true;
      } else if (pb < a && a - pb < 0.5 * len && b - pa <= 2 * len && glare(pb, a)) {
        a = pa;
        grew = true;
      }
    }
  }
  return a < u0 || b > u1 ? [a, b] : null;
}

/** How much lighter (8-bit) the paper in a gap must be than along the band to count as glare. */
const GLARE_STEP = 25;

/**
 * Mean paper level (the black-hat's closing, `bh + img`: the light ground around the strokes) over
 * `ua..ub` along a band and `v0..v1` across it; 0 when nothing of it lies in the image.
 */
function paperAlong(bh: Uint8Array, img: Uint8Array, w: number, h: number, seed: Comp, ua: number, ub: number, v0: number, v1: number): number {
  const { ux, uy } = seed;
  let s = 0;
  let n = 0;
  for (let u = ua; u <= ub; u += 1) {
    for (let v = v0; v <= v1; v += 1) {
      const x = Math.round(seed.cx + u * ux - v * uy);
      const y = Math.round(seed.cy + u * uy + v * ux);
      if (x < 0 || x >= w || y < 0 || y >= h) continue;
      const p = y * w + x;
      s += (bh[p] as number) + (img[p] as number);
      n++;
    }
  }
  return n ? s / n : 0;
}

/**
 * Glare or a fold can split the MRZ into pieces that lie end to end: two candidates with the same
 * angle, at the same height across the text and with similar line thickness, separated along the
 * text by a gap up to `maxGap` times the longer piece's length, are also offered joined (scored as
 * both together).
 */
function joinCollinear(cands: BandCandidate[], maxGap: number, oldCount = 0): BandCandidate[] {
  const out = [...cands];
  for (let i = 0; i < cands.length; i++) {
    const a = cands[i] as BandCandidate;
    const co = Math.cos(a.angle);
    const si = Math.sin(a.angle);
    for (let j = 0; j < cands.length; j++) {
      const b = cands[j] as BandCandidate;
      if (j === i || b.score > a.score || (b.score === a.score && j < i)) continue;
      // Pairs of the first `oldCount` candidates (already offered) are not offered again.
      if (i < oldCount && j < oldCount) continue;
      if (Math.abs(angleDiff(a.angle, b.angle)) > 0.06) continue;
      if (Math.max(a.lineThickness, b.lineThickness) > 1.6 * Math.min(a.lineThickness, b.lineThickness)) continue;
      const du = (b.cx - a.cx) * co + (b.cy - a.cy) * si;
      const dv = -(b.cx - a.cx) * si + (b.cy - a.cy) * co;
      const ha = a.v1 - a.v0;
      const hb = b.v1 - b.v0;
      const vOverlap = Math.min(a.v1, dv + b.v1) - Math.max(a.v0, dv + b.v0);
      if (vOverlap < 0.6 * Math.min(ha, hb)) continue;
      const la = a.u1 - a.u0;
      const lb = b.u1 - b.u0;
      const gap = Math.max(a.u0, du + b.u0) - Math.min(a.u1, du + b.u1);
      if (gap < -0.1 * Math.min(la, lb) || gap > maxGap * Math.max(la, lb)) continue;
      const u0 = Math.min(a.u0, du + b.u0);
      const u1 = Math.max(a.u1, du + b.u1);
      const thick = Math.min(a.lineThickness, b.lineThickness);
      out.push({
        cx: a.cx,
        cy: a.cy,
        angle: a.angle,
        u0,
        u1,
        v0: Math.min(a.v0, dv + b.v0),
        v1: Math.max(a.v1, dv + b.v1),
        lineThickness: thick,
        length: u1 - u0,
        // Pieces of print lines joined across the frame are longer than an MRZ line can be.
        score: (a.score + b.score) * aspectFactor(u1 - u0, thick),
      });
    }
  }
  return out;
}

/**
 * The horizontal runs of set pixels of a binary map, in raster order, linked into 8-connected
 * components: `next` chains each component's runs in raster order from its first run (the one
 * holding its first pixel in raster order), -1 ending a chain.
 */
interface Runs {
  readonly count: number;
  readonly y: Int32Array;
  /** First and last pixel of the run (inclusive). */
  readonly x0: Int32Array;
  readonly x1: Int32Array;
  /** Root run of the run's component (its first run). */
  readonly root: Int32Array;
  readonly next: Int32Array;
}

let runY = new Int32Array(0);
let runX0 = new Int32Array(0);
let runX1 = new Int32Array(0);
let runRoot = new Int32Array(0);
let runNext = new Int32Array(0);
let runTail = new Int32Array(0);

/**
 * Runs of the non-zero pixels of `bin` (w x h), joined into 8-connected components by union-find
 * between the runs of neighbouring rows (runs touch when they overlap or meet diagonally). Labelling
 * runs instead of pixels visits each set pixel once, with no neighbour tests.
 */
function pixelRuns(bin: Uint8Array, w: number, h: number): Runs {
  // At most one run per two pixels of a row (plus one).
  const most = h * ((w + 2) >> 1);
  if (runY.length < most) {
    runY = new Int32Array(most);
    runX0 = new Int32Array(most);
    runX1 = new Int32Array(most);
    runRoot = new Int32Array(most);
    runNext = new Int32Array(most);
    runTail = new Int32Array(most);
  }
  const ry = runY;
  const rx0 = runX0;
  const rx1 = runX1;
  const root = runRoot;
  const bin32 = new Uint32Array(bin.buffer, bin.byteOffset, bin.length >> 2);
  const aligned = (bin.byteOffset & 3) === 0;
  let count = 0;
  let prevStart = 0;
  const find = (r: number): number => {
    while (root[r] !== r) {
      const up = root[root[r] as number] as number;
      root[r] = up;
      r = up;
    }
    return r;
  };
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const start = count;
    for (let x = 0; x < w; ) {
      // Four empty pixels at once (word-aligned).
      if (aligned && ((o + x) & 3) === 0 && x + 4 <= w && bin32[(o + x) >> 2] === 0) {
        x += 4;
        continue;
      }
      if (!bin[o + x]) {
        x++;
        continue;
      }
      let x1 = x;
      while (x1 + 1 < w && bin[o + x1 + 1]) x1++;
      ry[count] = y;
      rx0[count] = x;
      rx1[count] = x1;
      root[count] = count;
      count++;
      x = x1 + 2;
    }
    // Join with the previous row's runs that overlap or touch diagonally (two pointers).
    for (let i = prevStart, j = start; i < start && j < count; ) {
      const a0 = rx0[i] as number;
      const a1 = rx1[i] as number;
      const b0 = rx0[j] as number;
      const b1 = rx1[j] as number;
      if (a1 + 1 < b0) i++;
      else if (b1 + 1 < a0) j++;
      else {
        // The earlier root stays the root: a component's root is its first run.
        const ra = find(i);
        const rb = find(j);
        if (ra < rb) root[rb] = ra;
        else if (rb < ra) root[ra] = rb;
        if (a1 < b1) i++;
        else j++;
      }
    }
    prevStart = start;
  }
  // Every run points at its root; chains in raster order (appended at each root's tail).
  const next = runNext;
  const tail = runTail;
  for (let r = 0; r < count; r++) {
    const q = find(r);
    root[r] = q;
    next[r] = -1;
    if (q === r) tail[r] = r;
    else {
      next[tail[q] as number] = r;
      tail[q] = r;
    }
  }
  return { count, y: ry, x0: rx0, x1: rx1, root, next };
}

/**
 * 8-connected components of a binary map (its runs, see {@link pixelRuns}) with first and second
 * moments, in raster order of their first pixels; labels count every component (also those too
 * small to keep), as a flood fill in raster order numbers them. The sums are integers (exact in any
 * order).
 */
function components(runs: Runs, bin: Uint8Array, bh: Uint8Array, w: number, h: number): Comp[] {
  const out: Comp[] = [];
  const { count, root, next } = runs;
  let nextLabel = 1;
  for (let first = 0; first < count; first++) {
    if (root[first] !== first) continue;
    const lab = nextLabel++;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    let inkN = 0;
    let inkS = 0;
    let xMin = w;
    let xMax = -1;
    let yMin = h;
    let yMax = -1;
    let onBorder = 0;
    for (let r = first; r >= 0; r = next[r] as number) {
      const y = runs.y[r] as number;
      const x0 = runs.x0[r] as number;
      const x1 = runs.x1[r] as number;
      const len = x1 - x0 + 1;
      if (y === 0 || y === h - 1) onBorder += len;
      // Sums of x and x^2 over x0..x1.
      const sumX = ((x0 + x1) * len) / 2;
      const sumXX = (x1 * (x1 + 1) * (2 * x1 + 1) - (x0 - 1) * x0 * (2 * x0 - 1)) / 6;
      n += len;
      sx += sumX;
      sy += y * len;
      sxx += sumXX;
      syy += y * y * len;
      sxy += y * sumX;
      const o = y * w;
      for (let p = o + x0; p <= o + x1; p++) {
        if (bin[p] === 1) {
          inkN++;
          inkS += bh[p] as number;
        }
      }
      if (x0 < xMin) xMin = x0;
      if (x1 > xMax) xMax = x1;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
    if (n < 40) continue;
    out.push({
      n,
      ...principalAxes(n, sx, sy, sxx, syy, sxy),
      a0: 0,
      a1: 0,
      label: lab,
      contrast: inkN > 0 ? inkS / inkN : 0,
      edge: xMin <= 0 || xMax >= w - 1,
      border: 2 * onBorder >= xMax - xMin + 1,
      xMin,
      xMax,
      yMin,
      yMax,
      run: first,
    });
  }
  return out;
}

/**
 * Test aid: the components (at least 40 pixels) of a binary map `bin` (non-zero is set; 1 is ink,
 * weighed by `bh` in `contrast`) as locate measures them.
 * @internal
 */
export function binaryComponents(bin: Uint8Array, bh: Uint8Array, w: number, h: number): Omit<Comp, 'run' | 'a0' | 'a1'>[] {
  return components(pixelRuns(bin, w, h), bin, bh, w, h).map(({ run: _run, a0: _a0, a1: _a1, ...c }) => c);
}
