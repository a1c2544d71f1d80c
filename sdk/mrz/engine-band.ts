/**
 * Band analysis shared by the engine and the training script: rectify a located band, flatten its
 * illumination, correct residual skew, find text lines and cut line groups into character cells
 * for every MRZ layout that fits.
 *
 * The perspective rectification's foreshortening along the text (how much wider the pitch is at
 * one end) comes from the half-resolution cut's cell boundaries, checked against the lines'
 * periods (see `foreshortening`), not from the text box's heights alone: the pitch follows the
 * square of the local scale, so a height a pixel off at half resolution left the rectified pitch
 * changing by 10% along the line (measured on held-out 90000: up to 15% on clean frames), and
 * cuts slipping a cell mid-line.
 *
 * The full-resolution perspective window is tight (session 13): blank rows of 0.9 line heights
 * (at least 2% of the line length) above and below the text box, where the rotated rectangle keeps
 * 1.6 (at least 5%). That window is about a quarter of a frame's time, and the tight one has about a
 * quarter fewer rows. The loose window stays as the band's first fallback look (`loose`): a box
 * measured on two lines of a three-line TD1 cuts the third off, and blank rows set the ink map's
 * levels a little differently. A wider look (a cut that ran into the window's edge) is tight too,
 * without a loose fallback: loose only, it read 5 frames fewer over the five synthetic sets (bench
 * 262 -> 259, 90000 249 -> 248, 170000 160 -> 159, 240000 155 -> 154, French 79 -> 80). Tried and
 * dropped: keeping the quarter-resolution look when its
 * residual skew is one 0.2-degree step (no deskewed second look): the box measured on the
 * skewed lines was worse and the frames slower (paired ratio 1.01, sum 1.17).
 *
 * Session 14: the half-resolution desk test's block maxima serve the ink map's background also
 * when the test filled a desk (the fill is block-aligned: a filled block's maximum is the paper
 * value), one `blockMax` pass fewer on about 1.1 half-resolution windows per reading bench frame.
 *
 * Session 15: a shorter full-resolution line (TARGET_LEN 760 or 700 instead of 860, the classifiers
 * as trained) was measured and dropped: 760 gave a false accept on the bench (70161, TD1, 0.908);
 * 700 read bench 70000 275/320 (main 272) but held-out 90000 253/300 (main 258: 7 lost, 2 gained).
 *
 * Session 16: shorter lines with the classifiers fine-tuned on glyphs cut by the shorter pipeline
 * (scripts/mrz/train-cnn.ts has the commands), dropped: no length read at least as well as 860 on
 * every held-out set. Read counts 70000 / 90000 / 170000 / 240000 / FRA_ID (860 as shipped: 272 / 259
 * / 169 / 161 / 82), 0 false accepts in all: 700, CNN tuned at 700: 275 / 254; 700, CNN and MLP
 * tuned at 700: 90000 255; 760 with those: 274 / 260 / 170 / 158 / 82, real 22/23; 760, tuned
 * once more at 760: 90000 257; 760, CNN tuned at 700 with the shipped MLP: 240000 158; 800 with the
 * 700-tuned pair: 240000 161, 90000 257. The frames lost are mostly small bands (scale 0.3-0.45:
 * TD3 read-rejected, partial bands), not glyph errors the fine-tuning fixed. Paired Chromium
 * median time ratio against 860 (`bench:mrz --compare`, load 6): 700 0.890, 760 0.919.
 *
 * Session 17: the full-resolution cuts may take cutLine's second span comb near a line's own
 * pitch-change estimate (segment.ts has the figures); the half-resolution cuts the perspective is
 * measured from do not (`lineGroups`' `nearRatio`): taking it there moved held-out 240066's box
 * and the frame read nothing (it reads again without). Tried and dropped: recutting without it the
 * lines of a group that took it when another line of the group tried it and kept its first comb
 * (the lines of an MRZ share their pitch change): on the five sets and the real samples it changed
 * one confidence (240037, read wrong either way) and no status.
 *
 * Session 21 (frames whose band is found but whose cut misses the glyphs; probes in the s21/cuts
 * worktree's .tmp: true cell centres mapped into the rectified window): of the 111 such frames of
 * the bench and held-out 90000, 170000, 240000 whose band is found, 33 still show a pitch change of
 * more than 10% along the rectified line (a perspective box measured on part of the text or on print
 * beside it, or a rotated rectangle where no box was found), against 5 of 150 read frames; their
 * cells drift by one to twenty cells. The band's `refocus` look rectifies it again without the
 * change its long lines' periods show (`foreshortenedLook`), the engine's last fallback look. Read
 * counts (main c16a49c): fresh 310000 258 -> 259 (310204), every other set as before, 0 false
 * accepts; paired bench median 0.992 Chromium / 1.005 Node (load 6-7), identical lines and validity
 * on 363/363 (with segment.ts's trim of stray end pieces: 1.000 / 1.007, 362/363). Most of the
 * refocused cuts that now lie on their glyphs (70196, 90028, 90179, 170158, 240054) still do not
 * read: hard-preset glyphs. Not reached: bands whose pitch changes so much (70285 2.5x, 90109 0.44x)
 * that the thirds' periods measure nothing, even over a wider period range (tried: no frame read). Tried and dropped: taking the refocused look as the band's first look
 * (no frame more read, confidences moved on frames read wrong), a lower bar of 5.5% (no status
 * changed), the estimate from the largest agreeing set of lines' ratios when they disagree (none).
 *
 * Session 22: a search over ratios (`periodicForeshortening`: the ratio whose removal makes the
 * long lines' profiles most periodic, averaged over five multiples of the period) measures the
 * change where the thirds' periods measure nothing or misjudge it: 2.8 for 70285 (truth over the
 * window 2.76), 0.40 for 90109 (0.39), 1.16 for 70238 (1.21), 1.78 for 240173 (1.84). The first
 * refocus takes it when the thirds give none; a second refocus look, last, takes it when it
 * differs from the thirds' ratio by 3% or more (`searchedRefocusRatio`). Read counts (main
 * 86814a8, fourteen lists, 5,243 frames): 4,526 -> 4,530 (hunt 350174, 350576; new-set 370147,
 * 370484), none lost, 0 false accepts. The search alone (first refocus only) read none: the
 * refocused cuts of 70238, 90109, 90255 and 360010 now sit on their glyphs, but hard-preset glyphs,
 * a second opinion worse than the first (90109) or the corrector (360010, exact at 0.93) stop them.
 * 70285 and 240173 still drift: their lines' extents run past the text (grey background up to the
 * document's edge, print joined on the left).
 *
 * Session 23 (the frames that read nothing, NONE, of the bench and fresh 400000 and 440000, 105
 * frames, classified against the truth): the band is not proposed on 16, lines are merged or missed
 * on 17, a line's extent takes print or the document's edge (or is found in part) on 23, the pitch
 * still changes along the line on 7, the cut is on the glyphs but they do not read on 37. 20 of
 * them had the perspective box measured on a group of another layout (a 3-line group of print with
 * a 2-line MRZ, a TD3's lines cut as 36). A band that nothing read, not even the engine's last
 * looks, is looked at again with its box measured on the other half-resolution groups (`boxGroup`,
 * analyseBand's `regroup`): the preferred group over its lines' common extent, then the other
 * groups most MRZ-like first (lines of one start, end and height: `unlike`), each over its lines'
 * common extent first. Read counts over the twenty lists (8,243 frames): 7,063 -> 7,092, none lost,
 * 0 false accepts; no frame read before reads otherwise (the looks come after all others).
 *
 * Session 24 (extent: a line joined at its ends to print, the document's edge or a desk, or found
 * only in part; 23 of session 23's 105 NONE frames): where both lines of the preferred group take
 * the same print or edge (fresh 400358: both start 5-6 cells early), `commonExtent` cannot help.
 * The periodic-extent look (`PERIODIC_EXTENT`, after every regrouped look, first band of each
 * locate pass) measures the box on the preferred group cut over where its lines' cells repeat at
 * their pitch (segment.ts `periodicExtent`, the lines' outermost run ends: `periodicGroup`).
 * Read counts over the 26 lists (11,243 frames; main's non-OK frames re-read, the others unchanged
 * by construction): 9,669 -> 9,689, none lost, 0 false accepts; the gains lie on fourteen sets, none
 * on the bench. Tried and dropped: the look's full-resolution lines cut over their own periodic
 * extents too (440447's middle line cut in part), and a contrast of the pitch lag against half of
 * it instead of the plain correlation (its runs broke inside the text more often: 400015, 400419).
 * @module
 */

import { blockMax, selectKth, type FloatImage, type Gray8 } from './image.ts';
import type { BandCandidate } from './locate.ts';
import { homographyFromPoints, RECT_MAX_PIXELS, rectify, solveLinear, toFrame, type RectSpec } from './rectify.ts';
import { float32, float64, uint8 } from './scratch.ts';
import type { Point } from './types.ts';
import { BG_BLOCK, cutAlong, cutLine, estimateSkew, estimateSlant, findLines, inkMap, linePitchRatio, periodicExtent, periodOf, remask, unforeshortenedPeriodicity, type CellLine, type CombAnchor, type InkMap, type TextBox, type TextLine } from './segment.ts';

/** Rectified line length (px) the band is scaled to. */
export const TARGET_LEN = 860;
/** Horizontal margin on each side of the rectified text, in line lengths. */
const MARGIN = 0.06;
/**
 * Vertical margin of the perspective window above and below the text box: the larger of this many
 * line heights and this share of TARGET_LEN (the rotated rectangle's 1.6 and 0.05 are the loose
 * look's). The full-resolution window is a quarter of a frame's time; the tight one has about a
 * quarter fewer rows.
 */
const TIGHT_LINES = 0.9;
const TIGHT_LEN = 0.02;

/** A rectified, segmented band. */
export interface BandAnalysis {
  readonly spec: RectSpec;
  /** Horizontal margin of the window on each side of the text, in line lengths (default 0.06). */
  readonly margin?: number;
  readonly ink: InkMap;
  readonly lines: readonly TextLine[];
  /**
   * With a perspective rectification: where its text box lies (the cells of the line group it was
   * measured from, `n` per line, fill it).
   */
  readonly box?: TextBox & { readonly n: number };
  /**
   * The engine's last look at a band nothing read: the band sheared upright at full resolution
   * (see `uprightLook`), measured on this analysis's own full-resolution ink map (no second
   * rectification of the band just to measure its lean). Null when the glyphs already stand
   * upright. Valid while this analysis's buffers are (the frame being read).
   */
  readonly upright?: () => BandAnalysis | null;
  /**
   * With a perspective rectification in the tight window: the same band in the loose one (the
   * rotated rectangle's vertical margins), a fallback look for a band the tight window did not
   * read. Undefined when the windows are the same (other lines of the band fill the margins).
   * Valid while this analysis's buffers are.
   */
  readonly loose?: () => BandAnalysis | null;
  /**
   * The band rectified again with the foreshortening left along its text removed (see
   * `foreshortenedLook`): `rho`, the pitch ratio (end over start) to remove, defaults to the one
   * this analysis's own lines measure (their thirds' periods, else the search over ratios; see
   * `searchedRefocusRatio` for the engine's second refocus). Null when there is none to remove.
   * Valid while this analysis's buffers are.
   */
  readonly refocus?: (rho?: number) => BandAnalysis | null;
}

/** A group of consecutive lines cut at a given number of characters per line. */
export interface LineGroup {
  /** Characters per line (30, 36 or 44). */
  readonly n: number;
  readonly cells: readonly CellLine[];
  /** The text lines the cells were cut from (same order). */
  readonly lines: readonly TextLine[];
  /** Mean boundary ink of the cut (lower is better). */
  readonly fitCost: number;
  /** How the lines were placed: over their inked extent, from their first glyph, up to their last glyph, or over the perspective text box. */
  readonly anchor?: 'centre' | 'start' | 'end' | 'box';
}

/**
 * Every rectified image of a band lives only until its ink map is made: one scratch buffer (grown
 * as needed, the engine reads one frame at a time) holds them all.
 */
let rectBuf = new Float32Array(0);

/**
 * `rectify` into the shared scratch buffer, or left where the SIMD kernels wrote it (see
 * `rectify`'s `inPlace`): the result is valid until the next call.
 */
function rectifyScratch(gray: Gray8, spec: RectSpec, pyramid?: Map<number, Gray8>): FloatImage | null {
  const W = Math.round((spec.u1 - spec.u0) * spec.scale);
  const H = Math.round((spec.v1 - spec.v0) * spec.scale);
  if (W * H > rectBuf.length && W * H <= RECT_MAX_PIXELS) rectBuf = new Float32Array(W * H);
  return rectify(gray, spec, pyramid, rectBuf, true);
}

/** Box radius (rectified px, about a quarter of a 44-character pitch) and amount of {@link sharpenInPlace}. */
const SHARPEN_RADIUS = 5;
const SHARPEN_AMOUNT = 1;

/**
 * Unsharp mask of a rectified band, in place: each pixel moved away from its
 * (2 SHARPEN_RADIUS + 1)^2 box mean by SHARPEN_AMOUNT times the difference, clamped to 0..255.
 * Exported for its test.
 */
export function sharpenInPlace(img: FloatImage): void {
  const { width: w, height: h, data } = img;
  const r = SHARPEN_RADIUS;
  // Separable box mean from prefix sums: rows into `rows`, then columns.
  const rows = float32(w * h);
  const pre = float64(Math.max(w, h) + 1);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    pre[0] = 0;
    for (let x = 0; x < w; x++) pre[x + 1] = (pre[x] as number) + (data[o + x] as number);
    for (let x = 0; x < w; x++) {
      const a = x > r ? x - r : 0;
      const b = x + r + 1 < w ? x + r + 1 : w;
      rows[o + x] = ((pre[b] as number) - (pre[a] as number)) / (b - a);
    }
  }
  for (let x = 0; x < w; x++) {
    pre[0] = 0;
    for (let y = 0; y < h; y++) pre[y + 1] = (pre[y] as number) + (rows[y * w + x] as number);
    for (let y = 0; y < h; y++) {
      const a = y > r ? y - r : 0;
      const b = y + r + 1 < h ? y + r + 1 : h;
      const i = y * w + x;
      const v = data[i] as number;
      const s = v + SHARPEN_AMOUNT * (v - ((pre[b] as number) - (pre[a] as number)) / (b - a));
      data[i] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
}

/** A full-resolution rectification (`rectifyScratch`), sharpened when asked (see `analyseBand`). */
function rectifyFull(gray: Gray8, spec: RectSpec, pyramid: Map<number, Gray8> | undefined, sharpen: boolean): FloatImage | null {
  const img = rectifyScratch(gray, spec, pyramid);
  if (img && sharpen) sharpenInPlace(img);
  return img;
}

/**
 * Rectifies and segments the band `cand` of `gray`; null when nothing line-like is inside.
 * `margin`: the window's margin on each side of the text, in line lengths (a wider one for a band
 * whose text runs into the default window's edge). The result's `upright` gives the band's upright
 * look, the engine's last fallback. `sharpen`: every full-resolution rectification is sharpened
 * (see `sharpenInPlace`) before its ink map is made; the half-resolution passes that place the
 * window are not. `regroup` (1, 2, ...): the perspective box is measured on the half-resolution pass's
 * `regroup`-th group other than the one it prefers (see `boxGroup`), or with `PERIODIC_EXTENT` on the
 * preferred group cut over its lines' periodic extent (see `periodicGroup`); null when that group
 * gives no plausible box (no rotated rectangle then: the first look was that).
 */
export function analyseBand(gray: Gray8, cand: BandCandidate, pyramid?: Map<number, Gray8>, margin = MARGIN, sharpen = false, regroup = 0): BandAnalysis | null {
  const len = cand.u1 - cand.u0;
  if (!(len > 8)) return null;
  const t = Math.max(2, Math.min(cand.lineThickness, len / 8));
  let spec: RectSpec = {
    cx: cand.cx,
    cy: cand.cy,
    angle: cand.angle,
    u0: cand.u0 - margin * len,
    u1: cand.u1 + margin * len,
    v0: cand.v0 - Math.max(1.6 * t, 0.05 * len),
    v1: cand.v1 + Math.max(1.6 * t, 0.05 * len),
    scale: TARGET_LEN / len,
  };
  const charSize = TARGET_LEN / 40;
  // Residual skew from a cheap quarter-resolution pass (the perspective fit below refines it).
  let low = rectifyScratch(gray, { ...spec, scale: spec.scale / 2 }, pyramid);
  if (!low) return null;
  let lowInk = inkLines(low, charSize / 2, true);
  // A band found in part (the locator's box stops inside the MRZ): text lines that run into the
  // window's left or right edge go on beyond it, so the window is widened on that side (at most
  // twice) before anything is measured.
  for (let grow = 0; grow < 2; grow++) {
    const lines = lowInk.lines;
    let heavy = 0;
    for (const l of lines) heavy = Math.max(heavy, l.mass);
    const main = lines.filter((l) => l.mass >= 0.5 * heavy);
    const left = main.length <= 3 && main.filter((l) => l.xa <= 1).length >= 2;
    const right = main.length <= 3 && main.filter((l) => l.xb >= lowInk.ink.width - 2).length >= 2;
    if (!left && !right) break;
    spec = { ...spec, u0: spec.u0 - (left ? 0.25 * len : 0), u1: spec.u1 + (right ? 0.25 * len : 0) };
    low = rectifyScratch(gray, { ...spec, scale: spec.scale / 2 }, pyramid);
    if (!low) return null;
    lowInk = inkLines(low, charSize / 2, true);
  }
  const skew = estimateSkew(lowInk.ink);
  const deskew = Math.abs(skew) > 0.001;
  if (deskew) spec = { ...spec, angle: spec.angle + skew };
  // Perspective: a second half-resolution pass, deskewed, segmented; the text box of its best line
  // group (cap tops of the first line, baselines of the last, first and last cell edges) is a
  // quadrilateral whose homography straightens the band, so the character pitch is uniform.
  // Without residual skew (most bands) that pass is the quarter-resolution one: its ink map is reused.
  const persp = perspectiveSpec(gray, spec, charSize, margin, pyramid, deskew ? undefined : lowInk, regroup);
  if (regroup !== 0 && !persp) return null;
  // The desk fill at full resolution only where the half-resolution window showed off-document
  // regions (most bands lie on the document: the fill finds nothing there, yet scans every pixel).
  const desk = persp?.desk ?? lowInk.desk;
  const refocusable = (x: BandAnalysis | null): BandAnalysis | null => x && { ...x, refocus: (rho?: number) => foreshortenedLook(gray, x, charSize, desk, margin, pyramid, sharpen, rho) };
  if (persp) {
    const perspLook = (ps: RectSpec): { spec: RectSpec; ink: InkMap; lines: TextLine[] } | null => {
      const rect = rectifyFull(gray, ps, pyramid, sharpen);
      return rect ? { spec: ps, ...inkLines(rect, charSize, desk) } : null;
    };
    const tight = perspLook(persp.spec);
    if (tight) {
      // The loose window (the rotated rectangle's vertical margins), made once when needed.
      const looseSpec = persp.loose;
      let looseMemo: { spec: RectSpec; ink: InkMap; lines: TextLine[] } | null | undefined;
      const looseLook = (): { spec: RectSpec; ink: InkMap; lines: TextLine[] } | null => {
        if (looseMemo === undefined) looseMemo = looseSpec ? perspLook(looseSpec) : null;
        return looseMemo;
      };
      // The text box's group spans the box: when no line comes near that, or only lines that run
      // far beyond it (desk texture joined into a window-wide line), the box was measured on
      // something else (print or desk texture beside the MRZ taken into a line) and the rotated
      // rectangle is read instead. A tight window that shows no such line is looked at loose first.
      const spans = (lines: readonly TextLine[]): boolean => lines.some((l) => l.xb - l.xa >= 0.6 * TARGET_LEN && l.xb - l.xa <= (1 + margin) * TARGET_LEN);
      const looseIfSpans = (): ReturnType<typeof looseLook> => {
        const l = looseLook();
        return l && spans(l.lines) ? l : null;
      };
      const main = spans(tight.lines) ? tight : looseIfSpans();
      // The upright look starts from the loose perspective rectification once it was made (the
      // engine's loose look comes before its upright one), else from the tight one, even when the
      // rotated rectangle is read instead.
      const upright = (): BandAnalysis | null => {
        const base = looseMemo ?? tight;
        return uprightLook(gray, base.spec, base.ink, base.lines, margin * TARGET_LEN, (1 + margin) * TARGET_LEN, charSize, desk, margin, pyramid, sharpen);
      };
      const box = { x0: margin * TARGET_LEN, x1: (1 + margin) * TARGET_LEN, n: persp.n };
      if (main) {
        const loose =
          main === tight && looseSpec
            ? (): BandAnalysis | null => {
                const l = looseLook();
                return l && l.lines.length > 0 ? { spec: l.spec, margin, ink: l.ink, lines: l.lines, box } : null;
              }
            : undefined;
        return refocusable({ spec: main.spec, margin, ink: main.ink, lines: main.lines, box, upright, loose });
      }
      if (regroup !== 0) return null;
      const rotated = rotatedLook(gray, spec, charSize, desk, margin, pyramid, false, sharpen);
      return refocusable(rotated ? { ...rotated, upright } : null);
    }
  }
  if (regroup !== 0) return null;
  return refocusable(rotatedLook(gray, spec, charSize, desk, margin, pyramid, true, sharpen));
}

/** Least |log| of a pitch ratio along the text that `foreshortenedLook` removes (about 8%). */
const REFOCUS_MIN = 0.08;

/**
 * The pitch ratio along the text (end over start) that the long lines of a rectified band show
 * (each line's periods over its first and last thirds, see `linePitchRatio`): their geometric
 * mean when they agree within 12%, else 0 (nothing clear to remove).
 */
function residualForeshortening(a: Pick<BandAnalysis, 'ink' | 'lines'>): number {
  const rs: number[] = [];
  for (const l of a.lines) {
    if (l.xb - l.xa < 0.5 * TARGET_LEN) continue;
    const r = linePitchRatio(a.ink, l);
    if (r > 0) rs.push(r);
  }
  if (rs.length === 0) return 0;
  if (Math.max(...rs) / Math.min(...rs) > 1.12) return 0;
  return Math.exp(rs.reduce((s, r) => s + Math.log(r), 0) / rs.length);
}

/** Log step of the coarse search over pitch ratios in `periodicForeshortening`, and its reach (ratios 1/6 to 6). */
const CHIRP_STEP = 0.1;
const CHIRP_REACH = 1.8;

/**
 * The pitch ratio along the text (end over start, over the window's text box) whose removal makes
 * the band's long lines most periodic (`unforeshortenedPeriodicity` summed over them: the MRZ's
 * lines share one perspective): a coarse search over log ratios, refined twice by halving the
 * step. For a pitch that changes too much for the thirds' periods to measure (a rotated rectangle
 * or a box measured on part of the text: 1.5-3x along the line). 0 when no line is long.
 */
function periodicForeshortening(a: Pick<BandAnalysis, 'ink' | 'lines' | 'margin'>): number {
  const m = a.margin ?? MARGIN;
  const xL = m * TARGET_LEN;
  const xR = (1 + m) * TARGET_LEN;
  const long = a.lines.filter((l) => l.xb - l.xa >= 0.5 * TARGET_LEN);
  if (long.length === 0) return 0;
  const score = (lr: number): number => long.reduce((s, l) => s + unforeshortenedPeriodicity(a.ink, l, Math.exp(lr), xL, xR).score, 0);
  let bestLr = 0;
  let best = score(0);
  const tryLr = (lr: number): void => {
    const sc = score(lr);
    if (sc > best) {
      best = sc;
      bestLr = lr;
    }
  };
  for (let lr = CHIRP_STEP; lr <= CHIRP_REACH + 1e-9; lr += CHIRP_STEP) {
    tryLr(lr);
    tryLr(-lr);
  }
  for (let step = CHIRP_STEP / 2; step > CHIRP_STEP / 5; step /= 2) {
    const c = bestLr;
    tryLr(c - step);
    tryLr(c + step);
  }
  return best > 0 ? Math.exp(bestLr) : 0;
}

/**
 * The engine's second refocus ratio for a band nothing read (after `refocus()`): the search over
 * ratios (`periodicForeshortening`) where the thirds' periods gave a ratio of their own, when the
 * search's is at least `REFOCUS_MIN` from 1 and `SECOND_REFOCUS_GAP` from the ratio the first
 * refocus took (the thirds', or none when they were within `REFOCUS_MIN` of 1); else 0 (the first
 * refocus already took the search's ratio, or there is nothing new to look at).
 */
export function searchedRefocusRatio(a: Pick<BandAnalysis, 'ink' | 'lines' | 'margin'>): number {
  const thirds = residualForeshortening(a);
  if (!(thirds > 0)) return 0;
  const r = periodicForeshortening(a);
  // The first refocus looked at the thirds' ratio only when it was beyond REFOCUS_MIN.
  const first = Math.abs(Math.log(thirds)) >= REFOCUS_MIN ? thirds : 1;
  return r > 0 && Math.abs(Math.log(r)) >= REFOCUS_MIN && Math.abs(Math.log(r / first)) >= SECOND_REFOCUS_GAP ? r : 0;
}

/** Least |log| between the search's ratio and the first refocus's for `searchedRefocusRatio` to offer a second look. */
const SECOND_REFOCUS_GAP = 0.03;

/** Rectified-to-frame matrix of a spec (row-major 3x3): its homography, or the rotated rectangle's affine map. */
function specMatrix(spec: RectSpec): number[] {
  if (spec.homography) return [...spec.homography];
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  const k = 1 / spec.scale;
  return [k * c, -k * s, spec.cx + spec.u0 * c - spec.v0 * s, k * s, k * c, spec.cy + spec.u0 * s + spec.v0 * c, 0, 0, 1];
}

/**
 * `spec` with a perspective foreshortening along x removed: the text from `xL` to `xR` (rectified
 * x, kept in place) whose pitch grows by `rho` from start to end is mapped by a projective map
 * that makes the pitch uniform, its heights following (in perspective the local pitch changes as
 * the square of the local scale, the heights as the scale), about the row `yc`. Same window size.
 */
export function foreshortenedSpec(spec: RectSpec, rho: number, xL: number, xR: number, yc: number): RectSpec {
  // New x = u at t = (u - xL) / L maps to old x = xL + L t / D(t), D = l + (1 - l) t, l = sqrt(rho):
  // the old pitch at the end over that at the start is l^2 = rho; old y - yc = c (v - yc) / D.
  const L = xR - xL;
  const l = Math.sqrt(rho);
  const c = (1 + l) / 2;
  const al = 1 / L;
  const be = -xL / L;
  const d0 = l + (1 - l) * be;
  const fix = [xL * (1 - l) * al + L * al, 0, xL * d0 + L * be, yc * (1 - l) * al, c, yc * d0 - c * yc, (1 - l) * al, 0, d0];
  const m = specMatrix(spec);
  const h: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) h.push((m[3 * i] as number) * (fix[j] as number) + (m[3 * i + 1] as number) * (fix[3 + j] as number) + (m[3 * i + 2] as number) * (fix[6 + j] as number));
  const h8 = h[8] as number;
  const W = Math.round((spec.u1 - spec.u0) * spec.scale);
  const H = Math.round((spec.v1 - spec.v0) * spec.scale);
  return { cx: spec.cx, cy: spec.cy, angle: spec.angle, u0: 0, u1: W / spec.scale, v0: 0, v1: H / spec.scale, scale: spec.scale, homography: h.map((v) => v / h8) };
}

/**
 * The band of `a` rectified again at full resolution without the foreshortening its lines still
 * show (`rho`, default `residualForeshortening`, else `periodicForeshortening`): a perspective box measured on part of the text, or
 * a rotated rectangle where no box was found, leaves the pitch changing by 10-50% along the line,
 * beyond what a comb's pitch change follows (session 21: a third of the cut-but-unread frames of
 * four synthetic sets against 3% of the read ones). Null when the ratio is within `REFOCUS_MIN`.
 */
function foreshortenedLook(gray: Gray8, a: BandAnalysis, charSize: number, desk: boolean, margin: number, pyramid: Map<number, Gray8> | undefined, sharpen: boolean, rhoAsked?: number): BandAnalysis | null {
  // The thirds' periods first (cheap); the search over ratios only when they measure nothing.
  const rho = rhoAsked ?? (residualForeshortening(a) || periodicForeshortening(a));
  if (!(rho > 0) || Math.abs(Math.log(rho)) < REFOCUS_MIN) return null;
  const spec = foreshortenedSpec(a.spec, rho, margin * TARGET_LEN, (1 + margin) * TARGET_LEN, a.ink.height / 2);
  const img = rectifyFull(gray, spec, pyramid, sharpen);
  if (!img) return null;
  const { ink, lines } = inkLines(img, charSize, desk);
  if (lines.length === 0) return null;
  // No `refocus` of its own: the engine would queue it as one more fallback, and refocusing a
  // refocused look again cut no frame better (session 21).
  return { spec, margin, ink, lines, box: a.box };
}

/**
 * The band rectified as a rotated rectangle (`spec`); null when no text line is found. With
 * `uprightFromHere`, its upright look starts from this rectification (over its long lines' extent).
 */
function rotatedLook(gray: Gray8, spec: RectSpec, charSize: number, desk: boolean, margin: number, pyramid?: Map<number, Gray8>, uprightFromHere = false, sharpen = false): BandAnalysis | null {
  const rect = rectifyFull(gray, spec, pyramid, sharpen);
  if (!rect) return null;
  const { ink, lines } = inkLines(rect, charSize, desk);
  if (lines.length === 0) return null;
  if (!uprightFromHere) return { spec, margin, ink, lines };
  const upright = (): BandAnalysis | null => {
    let xa = Infinity;
    let xb = -Infinity;
    for (const l of lines) if (l.xb - l.xa >= 0.6 * TARGET_LEN) {
      xa = Math.min(xa, l.xa);
      xb = Math.max(xb, l.xb);
    }
    return xb > xa ? uprightLook(gray, spec, ink, lines, xa, xb, charSize, desk, margin, pyramid, sharpen) : null;
  };
  return { spec, margin, ink, lines, upright };
}

/** Residual glyph slant (x per row) below which a rectification counts as upright. */
const RESIDUAL_SLANT = 0.05;

/**
 * The band sheared upright at full resolution (`analyseBand`'s `upright` look): the glyph slant
 * over the first and the last third of the text `x0`..`x1` of a rectification (on the lines that
 * span most of it; the half-resolution slant of the perspective box is coarse, a dozen rows per
 * line) tilts the window's left and right edges (a homography over the same window). Null when
 * the glyphs stand upright already (nothing new to read).
 */
function uprightLook(gray: Gray8, spec: RectSpec, ink: InkMap, lines: readonly TextLine[], x0: number, x1: number, charSize: number, desk: boolean, margin: number, pyramid?: Map<number, Gray8>, sharpen = false): BandAnalysis | null {
  const text = lines.filter((l) => l.xb - l.xa >= 0.6 * TARGET_LEN);
  if (text.length === 0) return null;
  const third = (x1 - x0) / 3;
  const sL = estimateSlant(ink, text, x0, x0 + third);
  const sR = estimateSlant(ink, text, x1 - third, x1);
  if (Math.abs(sL) < RESIDUAL_SLANT && Math.abs(sR) < RESIDUAL_SLANT) return null;
  let top = Infinity;
  let bottom = -Infinity;
  for (const l of text) {
    top = Math.min(top, l.top);
    bottom = Math.max(bottom, l.bottom + 1);
  }
  const yMid = (top + bottom) / 2;
  const H = ink.height;
  const rect = [
    { x: x0, y: 0 },
    { x: x1, y: 0 },
    { x: x1, y: H },
    { x: x0, y: H },
  ];
  const quad = [toFrame(spec, x0 - sL * yMid, 0), toFrame(spec, x1 - sR * yMid, 0), toFrame(spec, x1 + sR * (H - yMid), H), toFrame(spec, x0 + sL * (H - yMid), H)];
  const h = homographyFromPoints(rect, quad);
  if (!h) return null;
  const sheared: RectSpec = { ...spec, homography: h };
  const img = rectifyFull(gray, sheared, pyramid, sharpen);
  if (!img) return null;
  const second = inkLines(img, charSize, desk);
  return second.lines.length > 0 ? { spec: sheared, margin, ink: second.ink, lines: second.lines } : null;
}

/** Text lines at least half as long as the band's text (an MRZ line spans all of it). */
function longLines(ink: InkMap, lines: readonly TextLine[]): number {
  const textLen = ink.width / (1 + 2 * MARGIN);
  let k = 0;
  for (const l of lines) if (l.xb - l.xa >= 0.5 * textLen) k++;
  return k;
}

/**
 * Ink map and text lines of a rectified band. The ink map's threshold follows its darkest ink; a
 * dark desk or document edge inside the band sets it so high that blurred or light MRZ glyphs
 * fall below it and no line spans even half the text. Then the mask is re-thresholded at 0.6 times
 * the threshold, kept if that yields lines that do.
 *
 * Tried and dropped (session 31): strong sensor noise on a large MRZ (bench 70134, 27 px per
 * character) inks every row, and the window becomes one tall line. Re-making the ink map from the
 * band smoothed twice by a 3x3 box when the lines fill 80% of the rows and none is under three
 * character sizes tall (74 of the bench's 320 frames) gave 70134 its two lines but no valid read
 * (its first I at 0.898); bench 284/320 either way.
 */
function inkLines(img: FloatImage, charSize: number, paper: boolean): { ink: InkMap; lines: TextLine[]; desk: boolean } {
  // The desk test's block maxima are the ink map's background blocks when their sizes agree (at
  // half resolution; a fill keeps them those of the filled image): the same pass over the image
  // is not made twice.
  const off = paper ? paperOnly(img, charSize) : null;
  const desk = off?.filled ?? false;
  const ink = inkMap(img, charSize, off && off.size === BG_BLOCK ? off.blocks : undefined);
  const lines = findLines(ink);
  const k = longLines(ink, lines);
  if (k >= 1) return { ink, lines, desk };
  const ink2 = remask(ink, 0.6 * ink.threshold, charSize);
  const lines2 = findLines(ink2);
  return longLines(ink2, lines2) > k ? { ink: ink2, lines: lines2, desk } : { ink, lines, desk };
}

/** Brightest pixel of a block darker than this share of the paper's is off the document. */
const OFF_PAPER = 0.5;
/** Dark block regions smaller than this (blocks) that do not touch the window's edge are kept. */
const MIN_OFF_BLOCKS = 8;

/**
 * Fills the parts of a rectified band that lie off the document (a dark desk beside or below it)
 * with the paper's brightness, in place. The ink map measures ink against the local background, so
 * noise and texture on a dark desk read as dense ink there: rows through it outweigh the MRZ's in
 * the row profile (the whole window becomes one line) and set the ink level the MRZ is normalised
 * by. A block (about a third of a character) whose brightest pixel is below half the paper's
 * brightness (the median block's brightest pixel: the window is mostly document) holds no paper;
 * connected regions of such blocks that touch the window's edge or are large are filled. MRZ
 * strokes are thinner than a block, so a block of text always holds paper. Returns whether anything
 * was filled, and the block maxima (blocks of `size` pixels) of the image as left: a filled block
 * (whole, as fills are block-aligned) holds only the paper value, its maximum. Exported for tests.
 */
export function paperOnly(img: FloatImage, charSize: number): { filled: boolean; blocks: FloatImage; size: number } {
  const { width: w, height: h, data } = img;
  const bs = Math.max(4, Math.round(charSize / 3));
  const blocks = blockMax(img, bs);
  const { width: bw, height: bh, data: bmax } = blocks;
  let low = Infinity;
  for (let i = 0; i < bmax.length; i++) if ((bmax[i] as number) < low) low = bmax[i] as number;
  const sorted = float32(bmax.length);
  sorted.set(bmax);
  const paper = selectKth(sorted, sorted.length >> 1);
  const dark = paper * OFF_PAPER;
  if (!(low < dark)) return { filled: false, blocks, size: bs };
  // Connected regions of dark blocks (4-neighbours).
  const seen = uint8(bw * bh, true);
  let filled = false;
  const stack: number[] = [];
  const region: number[] = [];
  for (let s = 0; s < bmax.length; s++) {
    if (seen[s] || (bmax[s] as number) >= dark) continue;
    seen[s] = 1;
    stack.push(s);
    region.length = 0;
    let edge = false;
    while (stack.length > 0) {
      const b = stack.pop() as number;
      region.push(b);
      const bx = b % bw;
      const by = (b / bw) | 0;
      if (bx === 0 || by === 0 || bx === bw - 1 || by === bh - 1) edge = true;
      for (const nb of [bx > 0 ? b - 1 : -1, bx < bw - 1 ? b + 1 : -1, by > 0 ? b - bw : -1, by < bh - 1 ? b + bw : -1]) {
        if (nb < 0 || seen[nb] || (bmax[nb] as number) >= dark) continue;
        seen[nb] = 1;
        stack.push(nb);
      }
    }
    if (!edge && region.length < MIN_OFF_BLOCKS) continue;
    filled = true;
    for (const b of region) {
      bmax[b] = paper;
      const x0 = (b % bw) * bs;
      const y0 = ((b / bw) | 0) * bs;
      const x1 = Math.min(w, x0 + bs);
      const y1 = Math.min(h, y0 + bs);
      for (let y = y0; y < y1; y++) data.fill(paper, y * w + x0, y * w + x1);
    }
  }
  return { filled, blocks, size: bs };
}

/** Least-squares line y = a + b x through the points; null when degenerate. */
function fitLine(xs: readonly number[], ys: readonly number[]): { a: number; b: number } | null {
  const n = xs.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  if (!(Math.abs(d) > 1e-9)) return null;
  const b = (n * sxy - sx * sy) / d;
  return { a: (sy - b * sx) / n, b };
}

/**
 * Ratio of the local character pitch at the end of the cut lines to that at their start (a
 * quadratic fitted to every line's cell boundaries); 0 when the fits disagree or leave large
 * residuals (a cut that slipped a cell somewhere measures nothing).
 */
export function pitchRatio(cells: readonly CellLine[], n: number): number {
  const ratios: number[] = [];
  for (const c of cells) {
    // Least squares b_k = u + v k + w k^2 over k = 0..n (normal equations, k centred for conditioning).
    const kc = n / 2;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
    for (let k = 0; k <= n; k++) {
      const x = k - kc;
      const y = c.bounds[k] as number;
      const x2 = x * x;
      s0 += 1; s1 += x; s2 += x2; s3 += x2 * x; s4 += x2 * x2;
      t0 += y; t1 += x * y; t2 += x2 * y;
    }
    const m = [[s0, s1, s2, t0], [s1, s2, s3, t1], [s2, s3, s4, t2]];
    const sol = solveLinear(m);
    if (!sol) return 0;
    const [u, v, w] = sol as [number, number, number];
    let res = 0;
    for (let k = 0; k <= n; k++) {
      const x = k - kc;
      const d = (c.bounds[k] as number) - (u + v * x + w * x * x);
      res += d * d;
    }
    // Residuals beyond a fifth of a cell (rms) mean the boundaries do not follow one smooth comb.
    if (!(v > 0) || Math.sqrt(res / (n + 1)) > 0.2 * v) return 0;
    ratios.push((v + w * n) / (v - w * n));
  }
  if (ratios.length === 0) return 0;
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  if (hi / lo > 1.06) return 0;
  const r = ratios.reduce((p, q) => p + q, 0) / ratios.length;
  return r > 0.6 && r < 1.6 ? r : 0;
}

/**
 * The pitch ratio along the text of a band (end over start) from three measures: `cut` (the cut
 * lines' boundaries, precise when the cut holds, 0 when it did not fit), `periods` (each line's
 * periods over its first and last thirds, see `linePitchRatio`: about 5% off, independent of the
 * inked extent) and `heights` (the square of the box's height ratio: about 5-10% off, a pixel at
 * half resolution). The cut's ratio when the periods confirm it; else the geometric mean of the
 * periods' and the heights' (a cut over an extent that faint fillers cut short fits a wrong ratio);
 * without the periods, the cut's when near the heights'; else 0 (the heights are kept).
 */
function foreshortening(cut: number, periods: readonly number[], heights: number): number {
  let p = 0;
  if (periods.length > 0 && periods.every((r) => r > 0)) {
    const lo = Math.min(...periods);
    const hi = Math.max(...periods);
    if (hi / lo < 1.12) p = Math.exp(periods.reduce((s, r) => s + Math.log(r), 0) / periods.length);
  }
  if (p > 0) return cut > 0 && Math.abs(Math.log(cut / p)) < 0.06 ? cut : Math.sqrt(p * heights);
  // Unconfirmed, the cut's ratio is taken only near the heights' (a box measured on something
  // else than the MRZ, desk texture joined to its lines, measures nothing).
  return cut > 0 && Math.abs(Math.log(cut / heights)) < 0.25 ? cut : 0;
}

/** The best 2-line group of a half-resolution look: the likely layout's first, else the other's. */
function twoLineGroup(a: BandAnalysis): LineGroup | undefined {
  const likely = likelyLayout(a, [36, 44], TARGET_LEN / 2);
  return (likely ? lineGroups(a, [likely], { nearRatio: false })[0] : undefined) ?? lineGroups(a, likely ? [likely === 36 ? 44 : 36] : [36, 44], { nearRatio: false })[0];
}

/**
 * The half-resolution group a perspective box is measured on. `regroup` 0: the preferred one (a
 * 3-line group of 30, else `twoLineGroup`). 1, 2, ...: for a band the preferred group's box did not
 * read, that group cut over its lines' common extent (when they disagree on their ends, see
 * `commonExtent`), then the other groups of any layout, most MRZ-like first (see `unlike`), each
 * also first over its lines' common extent. The preferred group can hold print lines with the MRZ
 * (a TD1 group of print over a 2-line MRZ), cut a TD3's lines as 36 cells, or take print or the
 * document's edge joined to one line's end into its extent; its box then leaves the pitch changing
 * along the rectified line, or the MRZ's ends outside the window. Undefined past the last one.
 * `PERIODIC_EXTENT`: the preferred group over its lines' periodic extent (undefined when that moves
 * no end).
 */
function boxGroup(a: BandAnalysis, regroup: number): LineGroup | undefined {
  const first = lineGroups(a, [30], { nearRatio: false })[0] ?? twoLineGroup(a);
  if (regroup === 0 || !first) return first;
  if (regroup === PERIODIC_EXTENT) return periodicGroup(a.ink, first) ?? undefined;
  const key = (g: LineGroup): string => `${g.n}:${g.lines.map((l) => l.top).join('/')}`;
  const seen = new Set([key(first)]);
  const ranked: { g: LineGroup; score: number }[] = [];
  for (const g of lineGroups(a, [30, 36, 44], { nearRatio: false })) {
    if (seen.has(key(g))) continue;
    seen.add(key(g));
    ranked.push({ g, score: g.fitCost + unlike(g.lines) });
  }
  ranked.sort((x, y) => x.score - y.score);
  // A group whose lines disagree on their ends is offered first cut over their common extent (an
  // MRZ's lines start and end together).
  const own = commonExtent(a.ink, first);
  const out: LineGroup[] = own ? [own] : [];
  for (const { g } of ranked) {
    if (out.length >= regroup) break;
    const common = commonExtent(a.ink, g);
    if (common) out.push(common);
    out.push(g);
  }
  return out[regroup - 1];
}

/**
 * A group's lines cut over the extent they share, when some line reaches more than 1.5 pitches
 * beyond it at either end; else null.
 */
function commonExtent(ink: InkMap, g: LineGroup): LineGroup | null {
  const xa = Math.max(...g.lines.map((l) => l.xa));
  const xb = Math.min(...g.lines.map((l) => l.xb));
  const p = (xb - xa) / g.n;
  if (!(p > 0) || !g.lines.some((l) => xa - l.xa > 1.5 * p || l.xb - xb > 1.5 * p)) return null;
  return groupOver(ink, g, xa, xb);
}

/** A group's lines cut over the extent xa..xb (centred combs, as the half-resolution cuts); null when one gives no cut. */
function groupOver(ink: InkMap, g: LineGroup, xa: number, xb: number): LineGroup | null {
  const lines = g.lines.map((l) => ({ ...l, xa, xb }));
  const cells: CellLine[] = [];
  for (const l of lines) {
    const c = cutLine(ink, l, g.n, 'centre', false);
    if (!c) return null;
    cells.push(c);
  }
  return { n: g.n, cells, lines, fitCost: cells.reduce((s, c) => s + c.fitCost, 0) / cells.length, anchor: 'centre' };
}

/**
 * `analyseBand`'s `regroup` for the look whose box is measured on the preferred group cut over its
 * lines' periodic extent (see `periodicGroup`).
 */
export const PERIODIC_EXTENT = -1;

/**
 * The preferred group's lines cut over the extent where their glyph cells repeat (segment.ts
 * `periodicExtent`; the lines' outermost ends, as an MRZ's lines start and end together and a
 * line's run can break inside it), when that moves an end by more than 1.5 pitches; else null.
 * The found extent can take print or the document's edge joined to a line's end, or stop where
 * the line finder broke a line: both lines then agree (`commonExtent` does not apply), and the
 * box measured on them leaves the MRZ's ends outside the window or the pitch changing along it.
 */
function periodicGroup(ink: InkMap, g: LineGroup): LineGroup | null {
  let xa = Infinity;
  let xb = -Infinity;
  for (const l of g.lines) {
    const e = periodicExtent(ink, l, 0.5 * g.n);
    if (!e) continue;
    xa = Math.min(xa, e.xa);
    xb = Math.max(xb, e.xb);
  }
  const p = (xb - xa) / g.n;
  if (!(p > 0) || !g.lines.some((l) => Math.abs(xa - l.xa) > 1.5 * p || Math.abs(l.xb - xb) > 1.5 * p)) return null;
  return groupOver(ink, g, xa, xb);
}

/**
 * How unlike the lines of one MRZ a group's lines are: the spread of their start and end x over
 * their mean length, plus the log of their tallest over their shortest height (an MRZ's lines hold
 * as many cells of one size from one start: print lines beside it rarely do).
 */
function unlike(lines: readonly TextLine[]): number {
  let xa0 = Infinity, xa1 = -Infinity, xb0 = Infinity, xb1 = -Infinity, h0 = Infinity, h1 = 0, len = 0;
  for (const l of lines) {
    xa0 = Math.min(xa0, l.xa);
    xa1 = Math.max(xa1, l.xa);
    xb0 = Math.min(xb0, l.xb);
    xb1 = Math.max(xb1, l.xb);
    const h = l.bottom - l.top + 1;
    h0 = Math.min(h0, h);
    h1 = Math.max(h1, h);
    len += (l.xb - l.xa + 1) / lines.length;
  }
  return (xa1 - xa0 + xb1 - xb0) / len + Math.log(h1 / h0);
}

/**
 * Perspective rectification spec of a deskewed band: the text box is measured on a half-resolution
 * rectification and mapped through a homography onto an upright rectangle whose text line is
 * TARGET_LEN pixels long, with the same margins as the rotated-rectangle spec. Null when no line
 * group is found or the box is implausible (the caller falls back to the rotated rectangle); else
 * the spec and the characters per line (`n`) of the group the box was measured on.
 * `halfInk`: the ink map of that half-resolution rectification when the caller already has it.
 */
function perspectiveSpec(gray: Gray8, spec: RectSpec, charSize: number, margin: number, pyramid?: Map<number, Gray8>, halfInk?: { ink: InkMap; lines: TextLine[]; desk: boolean }, regroup = 0): { spec: RectSpec; loose?: RectSpec; n: number; desk: boolean } | null {
  const halfSpec: RectSpec = { ...spec, scale: spec.scale / 2 };
  let hi = halfInk;
  if (!hi) {
    const half = rectifyScratch(gray, halfSpec, pyramid);
    if (!half) return null;
    hi = inkLines(half, charSize / 2, true);
  }
  const { ink, lines } = hi;
  if (lines.length === 0) return null;
  // Prefer the group with more lines (TD1 over a 2-line cut of it), then the cleaner cut: a
  // 3-line group of 30 wins over every 2-line one, so the 36/44 cuts are only needed without one.
  const a = { spec: halfSpec, ink, lines };
  // Without a TD1 group, the 2-line layout the line pitch suggests is cut first (the other only
  // when it yields no group); the pitch is measured only then.
  // The half-resolution cuts keep their first span comb (see cutLine's `tryNearRatio`): taking
  // the second one there changed the measured box of held-out 240066, which then read nothing.
  const g = boxGroup(a, regroup);
  if (!g) return null;
  const first = g.cells[0];
  const last = g.cells[g.cells.length - 1];
  if (!first || !last) return null;
  const n = g.n;
  const cxs: number[] = [];
  const tops: number[] = [];
  const bots: number[] = [];
  for (let k = 0; k < n; k++) {
    cxs.push(((first.bounds[k] as number) + (first.bounds[k + 1] as number)) / 2);
    tops.push(first.tops[k] as number);
  }
  let top = fitLine(cxs, tops);
  cxs.length = 0;
  for (let k = 0; k < n; k++) {
    cxs.push(((last.bounds[k] as number) + (last.bounds[k + 1] as number)) / 2);
    bots.push((last.bottoms[k] as number) + 1);
  }
  let bot = fitLine(cxs, bots);
  if (!top || !bot) return null;
  // Glyph slant (see estimateSlant) over the first and the last third of the text: the box's left
  // and right edges follow the glyphs' verticals there, so the homography stands them upright
  // (in perspective, the slant changes along the line). Cell edges were cut on the slanted glyphs:
  // each line's edges are taken at its middle row, and compared in the upright frame (x at the
  // box's middle).
  const x0 = first.bounds[0] as number;
  const x1 = first.bounds[n] as number;
  const sL = estimateSlant(ink, g.lines, x0, x0 + (x1 - x0) / 3);
  const sR = estimateSlant(ink, g.lines, x1 - (x1 - x0) / 3, x1);
  const yMid = (first.top + last.bottom + 1) / 2;
  const upright = (c: CellLine, x: number, slant: number): number => x - slant * ((c.top + c.bottom + 1) / 2 - yMid);
  const xL = Math.min(upright(first, x0, sL), upright(last, last.bounds[0] as number, sL));
  const xR = Math.max(upright(first, x1, sR), upright(last, last.bounds[n] as number, sR));
  const len = xR - xL;
  let hL = bot.a + bot.b * xL - (top.a + top.b * xL);
  let hR = bot.a + bot.b * xR - (top.a + top.b * xR);
  if (!(len > 20 && hL > 2 && hR > 2) || hL / hR > 1.6 || hR / hL > 1.6) return null;
  // Foreshortening along the text from the cells, not from the box's heights: in perspective the
  // local pitch follows the square of the local scale, so a height measured a pixel off at half
  // resolution (5% of a TD3 box) tilts the pitch by 10% across the rectified line and its cells
  // drift by a whole character mid-line. The pitch ratio measured on the cut lines (a fit over
  // every cell boundary) sets the heights' ratio; their mean and the box's middle line stay.
  const rho = foreshortening(pitchRatio(g.cells, n), g.lines.map((l) => linePitchRatio(ink, l)), (hR / hL) ** 2);
  if (rho > 0) {
    const s = Math.sqrt(rho);
    const hm = (hL + hR) / 2;
    const hL2 = (2 * hm) / (1 + s);
    const hR2 = (2 * hm * s) / (1 + s);
    const slope = (hR2 - hL2) / len;
    const half = { a: (hL2 - slope * xL) / 2, b: slope / 2 };
    const mid = { a: (top.a + bot.a) / 2, b: (top.b + bot.b) / 2 };
    top = { a: mid.a - half.a, b: mid.b - half.b };
    bot = { a: mid.a + half.a, b: mid.b + half.b };
    hL = hL2;
    hR = hR2;
  }
  // Output geometry: text box TARGET_LEN wide, its height at the same scale as at the centre.
  const boxH = (TARGET_LEN * (hL + hR)) / 2 / len;
  const mx = margin * TARGET_LEN;
  const k = TARGET_LEN / len;
  const lineH = (first.bottom - first.top + 1) * k;
  // Vertical margins (output pixels above the box and below it): the least that holds every other
  // text line of the band that overlaps the group (a third MRZ line the group missed).
  let lineTop = 0;
  let lineBot = 0;
  const yTopC = top.a + top.b * ((xL + xR) / 2);
  const yBotC = bot.a + bot.b * ((xL + xR) / 2);
  for (const l of lines) {
    const ov = Math.min(l.xb, xR) - Math.max(l.xa, xL);
    if (ov < 0.5 * len) continue;
    if (l.top < yTopC) lineTop = Math.max(lineTop, (yTopC - l.top) * k + 0.3 * lineH);
    if (l.bottom + 1 > yBotC) lineBot = Math.max(lineBot, (l.bottom + 1 - yBotC) * k + 0.3 * lineH);
  }
  const W = Math.round(TARGET_LEN + 2 * mx);
  // A corner on the edge through (x, yMid) with the glyphs' slant, where that edge meets the line y = a + b x.
  const corner = (x: number, slant: number, ln: { a: number; b: number }): Point => {
    const y = (ln.a + ln.b * (x - slant * yMid)) / (1 - ln.b * slant);
    return toFrame(halfSpec, x + slant * (y - yMid), y);
  };
  const quad = [corner(xL, sL, top), corner(xR, sR, top), corner(xR, sR, bot), corner(xL, sL, bot)];
  // Frame pixels per output pixel along the text at the centre (for the source pyramid level).
  const scale = TARGET_LEN / Math.hypot(((quad[1] as Point).x + (quad[2] as Point).x - (quad[0] as Point).x - (quad[3] as Point).x) / 2, ((quad[1] as Point).y + (quad[2] as Point).y - (quad[0] as Point).y - (quad[3] as Point).y) / 2);
  // The window with a blank margin of `m` output pixels above and below the lines kept.
  const withMargin = (m: number): RectSpec | null => {
    const myTop = Math.max(m, lineTop);
    const myBot = Math.max(m, lineBot);
    const H = Math.round(boxH + myTop + myBot);
    const rect = [
      { x: mx, y: myTop },
      { x: mx + TARGET_LEN, y: myTop },
      { x: mx + TARGET_LEN, y: myTop + boxH },
      { x: mx, y: myTop + boxH },
    ];
    const h = homographyFromPoints(rect, quad);
    return h ? { cx: spec.cx, cy: spec.cy, angle: spec.angle, u0: 0, u1: W / scale, v0: 0, v1: H / scale, scale, homography: h } : null;
  };
  const tight = withMargin(Math.max(TIGHT_LINES * lineH, TIGHT_LEN * TARGET_LEN));
  if (!tight) return null;
  // The rotated rectangle's margins: a fallback look for a band the tight window did not read.
  const looseM = Math.max(1.6 * lineH, 0.05 * TARGET_LEN);
  const loose = looseM > Math.min(lineTop, lineBot) + 0.5 ? withMargin(looseM) : null;
  return { spec: tight, loose: loose ?? undefined, n, desk: hi.desk };
}

/**
 * The layout (characters per line) the band most likely holds, from the character pitch of its
 * heaviest text line: the rectified text is about as long as every layout's line, so the pitch
 * (autocorrelation of the line's column ink profile) tells 30, 36 and 44 apart (28.7, 23.9 and 19.5
 * px at full rectified resolution). Null when the line shows no clear period. `textLen`: the
 * text length the band was rectified to (default: the window width without its margins).
 */
export function likelyLayout(a: Pick<BandAnalysis, 'ink' | 'lines' | 'margin'>, sizes: readonly (30 | 36 | 44)[], textLen = a.ink.width / (1 + 2 * (a.margin ?? MARGIN))): 30 | 36 | 44 | null {
  let line = a.lines[0];
  for (const l of a.lines) if (line && l.mass > line.mass) line = l;
  if (!line || sizes.length === 0) return null;
  const { width: w, data } = a.ink;
  const lh = line.bottom - line.top + 1;
  const prof = float64(w, true);
  for (let y = line.top; y <= line.bottom; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) prof[x] = (prof[x] as number) + (data[o + x] as number);
  }
  const p = periodOf(prof, line.xa, line.xb, Math.max(3, 0.55 * lh), 1.9 * lh);
  if (!(p > 0)) return null;
  // When the line's ink is shorter than the band's text length (faint or blurred filler tails,
  // light print), its extent undercounts the cells and the band length counts them; never fewer
  // cells than are inked.
  const cells = Math.max(line.xb - line.xa + 1, textLen) / p;
  let best: 30 | 36 | 44 | null = null;
  for (const n of sizes) if (best === null || Math.abs(cells - n) < Math.abs(cells - best)) best = n;
  return best;
}

/**
 * Cuts groups of consecutive, similar lines into cells: 3 lines of 30 (TD1), 2 lines of 36 (TD2,
 * MRV-B) or 44 (TD3, MRV-A). Groups are returned best fit first; alternative cuts of the same
 * lines (over the perspective text box, from the first glyph) are ranked next to their cut. With
 * `jointExtent` (the engine's reading, not the perspective measurement: such a cut says nothing of
 * the layout), lines alike in height and spacing that do not overlap along the text (each found
 * only in part) are also cut over their joint extent, ranked after all others. `nearRatio: false`
 * (the half-resolution perspective measurement) keeps each line's first span comb (cutLine's
 * `tryNearRatio`).
 */
export function lineGroups(a: BandAnalysis, sizes: readonly (30 | 36 | 44)[] = [30, 36, 44], { jointExtent = false, nearRatio = true, lastGlyph = false }: { jointExtent?: boolean; nearRatio?: boolean; lastGlyph?: boolean } = {}): LineGroup[] {
  const out: LineGroup[] = [];
  const L = a.lines;
  for (const n of sizes) {
    const count = n === 30 ? 3 : 2;
    for (let i = 0; i + count <= L.length; i++) {
      let group = L.slice(i, i + count);
      // Lines alike in height and spacing whose inked extents do not overlap (each found only in
      // part: glare or light print breaks a line, and the line finder keeps one piece) are cut over
      // their joint extent (the lines of an MRZ share it), ranked after every other group.
      let penalty = 0;
      if (!similar(group)) {
        if (!jointExtent || !similar(group, false)) continue;
        const xa = Math.min(...group.map((l) => l.xa));
        const xb = Math.max(...group.map((l) => l.xb));
        group = group.map((l) => ({ ...l, xa, xb }));
        penalty = JOINT_EXTENT_PENALTY;
      }
      const cells: CellLine[] = [];
      let cost = penalty * count;
      for (const line of group) {
        const c = cutOnce(a.ink, line, n, 'centre', nearRatio);
        if (!c) break;
        cells.push(c);
        cost += c.fitCost;
      }
      if (cells.length !== count) continue;
      // Lines cut over an extent shorter than n cells rest on a placement prior (centred on the
      // band); the other prior (first cell at the first glyph) is offered as the next hypothesis,
      // and the check digits decide between them.
      const starts = cells.some((c) => c.shortFit) ? group.map((line, j) => ((cells[j] as CellLine).shortFit ? cutOnce(a.ink, line, n, 'start', nearRatio) : cells[j])) : [];
      alignStarts(a.ink, group, cells, n);
      const startsApart = starts.every((c): c is CellLine => !!c) && starts.some((c, j) => c.bounds[0] !== (cells[j] as CellLine).bounds[0]);
      if (startsApart) alignStarts(a.ink, group, starts as CellLine[], n);
      if (lastGlyph) {
        // Only the cuts placed from the lines' last glyph (see `lastGlyphCut`).
        const ends = lastGlyphCut(a.ink, group, cells, starts, n, nearRatio);
        if (ends) out.push({ n, cells: ends, lines: group, fitCost: cost / count + 2e-6, anchor: 'end' });
        continue;
      }
      out.push({ n, cells, lines: group, fitCost: cost / count, anchor: 'centre' });
      // Ranked right after the centred cut of the same lines.
      if (startsApart) out.push({ n, cells: starts as CellLine[], lines: group, fitCost: cost / count + 1e-6, anchor: 'start' });
      // With a perspective rectification measured on this layout, the lines are also cut over its
      // text box (faint filler tails or neighbouring print can shift a cut of the inked extent).
      // That cut is ranked right before the cut of the inked extent when its boundaries are as
      // clean, else by its own fit: a box cut with inkier boundaries than the extent's cut was
      // wrong on every frame of held-out 90000 where it happened (4 frames, each then read only
      // at the second classify).
      const box = a.box;
      if (box && box.n === n) {
        const boxed = group.map((line) => cutOnce(a.ink, line, n, box, nearRatio));
        const off = (c: CellLine, j: number): number => Math.abs((c.bounds[0] as number) - ((cells[j] as CellLine).bounds[0] as number)) + Math.abs((c.bounds[n] as number) - ((cells[j] as CellLine).bounds[n] as number));
        if (boxed.every((c): c is CellLine => !!c) && boxed.some((c, j) => off(c, j) > 0.5 * c.pitch)) {
          let boxCost = 0;
          for (const c of boxed) boxCost += c.fitCost;
          boxCost = boxCost / count + penalty;
          out.push({ n, cells: boxed, lines: group, fitCost: boxCost <= cost / count ? cost / count - 1e-6 : boxCost, anchor: 'box' });
        }
      }
    }
  }
  out.sort((x, y) => x.fitCost - y.fitCost);
  return out;
}

/**
 * The third placement prior of lines cut over an extent shorter than n cells: the last cell at the
 * last glyph (a line whose first glyphs are too faint or smeared for the line finder: bench 70302).
 * Null when no line is short or it places no line apart from its centred and start cuts. Only
 * with `lineGroups`' `lastGlyph`: the engine reads these cuts after its three best cuts (ranked among
 * them, one pushed out the cut that read held-out 90188), and made with the others they cost every
 * frame's first look about 2% (paired median).
 */
function lastGlyphCut(ink: InkMap, group: readonly TextLine[], cells: readonly CellLine[], starts: readonly (CellLine | null | undefined)[], n: number, nearRatio: boolean): CellLine[] | null {
  if (!cells.some((c) => c.shortFit)) return null;
  const ends = group.map((line, j) => ((cells[j] as CellLine).shortFit ? cutOnce(ink, line, n, 'end', nearRatio) : cells[j]));
  if (!ends.every((c): c is CellLine => !!c) || !ends.some((c, j) => c.bounds[n] !== (cells[j] as CellLine).bounds[n] && c.bounds[0] !== (starts[j] ?? cells[j])?.bounds[0])) return null;
  alignStarts(ink, group, ends, n);
  return ends;
}

/**
 * Cuts of a line (see `cutLine`) per ink map, line and anchor, by layout: a line lies in up to
 * three consecutive groups of each layout, and `lineGroups` runs once per layout and look. One
 * cache for cuts without cutLine's second comb, one for cuts with it.
 */
const cutCaches = [false, true].map(() => new WeakMap<InkMap, Map<TextLine, Map<CombAnchor, (CellLine | null | undefined)[]>>>());

/** `cutLine(ink, line, n, anchor, nearRatio)`, computed once per ink map, line, layout, anchor and `nearRatio`. */
function cutOnce(ink: InkMap, line: TextLine, n: number, anchor: CombAnchor, nearRatio: boolean): CellLine | null {
  const cutCache = cutCaches[nearRatio ? 1 : 0] as (typeof cutCaches)[number];
  let byLine = cutCache.get(ink);
  if (!byLine) cutCache.set(ink, (byLine = new Map()));
  let byAnchor = byLine.get(line);
  if (!byAnchor) byLine.set(line, (byAnchor = new Map()));
  let byN = byAnchor.get(anchor);
  if (!byN) byAnchor.set(anchor, (byN = []));
  let c = byN[n];
  if (c === undefined) byN[n] = c = cutLine(ink, line, n, anchor, nearRatio);
  return c;
}

/**
 * The cut `g` moved by `shift` whole cells (every line alike: the lines of an MRZ share their left
 * edge and pitch), each line cut again over its moved extent. A fallback for groups that do not
 * read validly: faint end glyphs (glare, light print) leave a comb over a short inked extent
 * placed by a prior, which can be a cell or two off; the check digits decide. Null when a line
 * cannot be cut there.
 */
export function shiftedGroup(a: BandAnalysis, g: LineGroup, shift: number): LineGroup | null {
  const n = g.n;
  const cells: CellLine[] = [];
  for (let i = 0; i < g.cells.length; i++) {
    const c = g.cells[i] as CellLine;
    const line = g.lines[i] as TextLine;
    const d = shift * c.pitch;
    const recut = cutLine(a.ink, line, n, { x0: (c.bounds[0] as number) + d, x1: (c.bounds[n] as number) + d });
    if (!recut) return null;
    cells.push(recut);
  }
  return groupOf(n, cells, g.lines);
}

/**
 * Fallback cuts of `g` whose lines disagree on their extent (one line's comb a fraction of a cell
 * or more longer or shorter than another's: a wrong pitch drifts a whole cell along the line):
 * the lines of an MRZ share their left edge and pitch, so for each line taken as the reference,
 * the other lines are cut again over its extent; after all of those, along its own boundaries
 * (`cutAlong`: its pitch change too, which a cut over the extent at one pitch does not follow).
 * Empty when the lines already agree.
 */
export function alignedGroups(a: BandAnalysis, g: LineGroup): LineGroup[] {
  const n = g.n;
  const out: LineGroup[] = [];
  // Then each line cut along the reference's own boundaries (see `cutAlong`).
  const along: LineGroup[] = [];
  for (const ref of g.cells) {
    const x0 = ref.bounds[0] as number;
    const x1 = ref.bounds[n] as number;
    const tol = 0.3 * ref.pitch;
    if (g.cells.every((c) => Math.abs((c.bounds[0] as number) - x0) < tol && Math.abs((c.bounds[n] as number) - x1) < tol)) continue;
    const cells: CellLine[] = [];
    for (let i = 0; i < g.cells.length; i++) {
      const c = g.cells[i] as CellLine;
      const recut = c === ref ? c : cutLine(a.ink, g.lines[i] as TextLine, n, { x0, x1 });
      if (!recut) break;
      cells.push(recut);
    }
    const boxed = cells.length === g.cells.length;
    if (boxed) out.push(groupOf(n, cells, g.lines));
    // Only where it cuts some line apart from the cut over the extent (half a cell at a boundary):
    // a near copy is one more look at the same cells, which adds no evidence and, fused with the
    // frame's other looks, counts their doubts twice (bench 70274 lost its fused read).
    const alongCells = g.cells.map((c, i) => (c === ref ? c : cutAlong(a.ink, g.lines[i] as TextLine, ref.bounds)));
    if (!boxed || alongCells.some((c, i) => apart(c, cells[i] as CellLine))) along.push(groupOf(n, alongCells, g.lines));
  }
  return [...out, ...along];
}

/** True when two cuts of a line differ by half a cell or more at some boundary. */
function apart(x: CellLine, y: CellLine): boolean {
  for (let k = 0; k <= x.n; k++) if (Math.abs((x.bounds[k] as number) - (y.bounds[k] as number)) >= 0.5 * y.pitch) return true;
  return false;
}

/** A line group of `cells`, its cost the mean of theirs. */
function groupOf(n: number, cells: CellLine[], lines: readonly TextLine[]): LineGroup {
  let cost = 0;
  for (const c of cells) cost += c.fitCost;
  return { n, cells, lines, fitCost: cost / cells.length };
}

/** Ink of cell `k` of a cut line: the ink map summed over its columns and cap-box rows. */
function cellInk(ink: InkMap, c: CellLine, k: number): number {
  const { width: w, height: h, data } = ink;
  const x0 = Math.max(0, Math.round(c.bounds[k] as number));
  const x1 = Math.min(w, Math.round(c.bounds[k + 1] as number));
  const y0 = Math.max(0, Math.round(c.tops[k] as number));
  const y1 = Math.min(h - 1, Math.round(c.bottoms[k] as number));
  let s = 0;
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    for (let x = x0; x < x1; x++) s += data[o + x] as number;
  }
  return s;
}

/** True when the first or last cell of a cut line is about blank (the cut slid past the text). */
function blankEnd(ink: InkMap, c: CellLine): boolean {
  let total = 0;
  for (let k = 0; k < c.n; k++) total += cellInk(ink, c, k);
  const mean = total / c.n;
  return cellInk(ink, c, 0) < 0.35 * mean || cellInk(ink, c, c.n - 1) < 0.35 * mean;
}

/**
 * The lines of an MRZ start at the same column with the same pitch. When one line of a group was
 * cut about a whole cell off the others (print or a smudge beside it moved its extent) and shows a
 * blank end cell while the others do not, it is cut again over the others' extent, and the new cut
 * replaces it when its end cells hold ink. `cells` is updated in place.
 */
function alignStarts(ink: InkMap, group: readonly TextLine[], cells: CellLine[], n: number): void {
  const blank = cells.map((c) => blankEnd(ink, c));
  const good = cells.filter((_, i) => !blank[i]);
  if (good.length === 0 || good.length === cells.length) return;
  const ref = good[0] as CellLine;
  const p = ref.pitch;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as CellLine;
    if (!blank[i]) continue;
    const off = Math.abs((c.bounds[0] as number) - (ref.bounds[0] as number)) / p;
    if (off < 0.6 || off > 1.6) continue;
    const line = group[i] as TextLine;
    const recut = cutLine(ink, { ...line, xa: Math.round((ref.bounds[0] as number) + 0.3 * p), xb: Math.round((ref.bounds[n] as number) - 0.3 * p) }, n);
    if (recut && !blankEnd(ink, recut)) cells[i] = recut;
  }
}

/** Added to the fit cost of a group cut over its lines' joint extent (see `lineGroups`): ranked last. */
const JOINT_EXTENT_PENALTY = 1;

/**
 * True when consecutive lines are alike in height, spaced like the lines of one MRZ and (with
 * `overlap`, the default) overlap along the text over most of the shorter one.
 */
function similar(group: readonly TextLine[], overlap = true): boolean {
  const first = group[0];
  if (!first) return false;
  const h0 = first.bottom - first.top + 1;
  for (let i = 1; i < group.length; i++) {
    const g = group[i] as TextLine;
    const prev = group[i - 1] as TextLine;
    const h = g.bottom - g.top + 1;
    if (h > 1.8 * h0 || h0 > 1.8 * h) return false;
    const gap = (g.top + g.bottom) / 2 - (prev.top + prev.bottom) / 2;
    const hh = Math.max(h, h0);
    if (gap < 1.05 * hh || gap > 3.2 * hh) return false;
    if (!overlap) continue;
    // Horizontal overlap of the two lines.
    const ov = Math.min(g.xb, prev.xb) - Math.max(g.xa, prev.xa);
    if (ov < 0.6 * Math.min(g.xb - g.xa, prev.xb - prev.xa)) return false;
  }
  return true;
}
