/**
 * Segmentation of a rectified MRZ band: illumination-flattened ink map, residual skew estimate,
 * text lines from the row profile, then character cells from the column profile. The character
 * pitch is fixed by the format (30, 36 or 44 cells), so cells are fitted as a comb (global pitch
 * and phase, plus a linear pitch change along the line for perspective) and refined by dynamic
 * programming (each boundary may move a little towards an ink minimum, deviations from the pitch
 * are penalised). Touching or broken glyphs therefore do not change the number of cells. The
 * pitch-change search covers +-8% around none and, for span fits, also the change the line's own
 * periods show (`linePitchRatio`: first third against last third): a band rectified without its
 * perspective changes pitch by up to a third along the line, beyond what the refinement recovers
 * (the cells then slip a whole character mid-line).
 *
 * Speed (session 12, every output bit-identical, checked by reference tests and on whole frames):
 * estimateSkew adds runs of columns that share a shift at once (2.6x), estimateSlant shifts whole
 * rows (2.5x), rasterGlyph interpolates each source row once per column tap (0.6x), the mask's
 * row counts are summed a 32-bit word at a time. Tried and dropped (no gain measured): the ink
 * histogram's bin without its rounding fix-up (exact, as 255 f + 0.5 is), dropLongRuns and lineAt
 * stepping over clear words, the cut's dynamic programme with its pitch penalties tabled by
 * offset, a lower bound of a comb's cost from its far-end boundaries first (most combs are
 * dropped after 5-8 boundaries already).
 *
 * Session 14 (same combs bit for bit, checked against the plain reference in the segment tests):
 * fitComb drops a comb whose left-out ink (prefix sums) and penalties already pass the best cost
 * before reading its boundaries. The 'long' fits (a 44-cell window in a longer inked extent) read
 * all boundaries of nearly every comb before that ink was added: 62% of all boundary reads on the
 * bench's reading frames; the whole fit was 41% of their CPU profile, now 11%. Paired median ratio
 * on the bench 0.962 Chromium / 0.969 Node (the frames with a long fit are few; p95 -20%). Its
 * boundary loop then tests one cap per comb and skips the clamps when the comb lies inside the
 * profile (0.86x CPU on 1011 fits captured from 40 bench frames, the same combs).
 * inkMap normalises, masks and clears long runs in one pass, and counts ink-free pixels in the
 * histogram like the others (same bits; inkMap 0.91x CPU on 123 band images of the bench).
 *
 * Session 15 (same bits): the ink histogram is built in a pass of its own over the stored ink, four
 * values a step into four interleaved tables, and the background's horizontal interpolation takes
 * each pair of reduced columns once per run of columns (inkMap 0.74x CPU on 145 band images of 60
 * median bench frames, paired in one process). Binned inside the first pass, the histogram had taken
 * more than half of that pass. estimateSlant keeps its column histograms from one slant
 * to the next and moves a row's pixels only when the row's whole-column shift changes (most rows
 * keep it over several 0.02 steps): 0.43x CPU over the thirds of the lines of those band images.
 * fitComb computes a (pitch, ratio)'s boundary terms only once one of its combs is read (its
 * bounds need the far end's terms only; cutting 0.975x). lineAt adds the mask without a branch.
 * Tried and dropped: binning with Math.round (inkMap 1.12x), a separate mask pass and run clearing
 * (0.83x against 0.74x fused), the DP's pitch penalties tabled by step (0.997x, as in session 12),
 * skipping a (pitch, ratio) whose first comb's overhang passes the best cost (no gain), rasterGlyph
 * sharing a source column's samples between its two column taps (0.94-0.98x, not kept).
 *
 * Session 17 (frames whose band is found but whose read is rejected; probes in .tmp/s17/cut): of
 * the 18 + 13 such frames of bench 70000 and held-out 90000, 10 are cut on their glyphs but the
 * glyphs do not read (blur, small bands: classifier work), 5 more have a right cut among the ranked
 * ones with 2-20 glyphs wrong, 8 have cells that drift by one to seven cells along the line (pitch
 * or pitch change wrong, or a window or box off the text), 5 have lines split, merged or only
 * partly found, 1 a right cut that a gate rejects (70132, endsBlank), 1 a box 2.7 cells off the
 * text, 1 no lines. One drift cause is fixed here: a span comb is chosen by the ink at its own unrefined
 * boundaries, and where the line's periods show a clearly different pitch change (`rEst`, more than
 * 0.05 apart) the comb could sit on clean gaps for most of the line and slip a cell in its last
 * third (held-out 90234: 18% change, comb 10%). cutLine now refines a second comb near `rEst` and
 * keeps whichever has cleaner refined boundaries plus left-out ink (`refineComb`, `inkOutside`).
 * The half-resolution cuts the perspective is measured from keep the first comb (engine-band.ts).
 * Read counts (`.tmp/s12/counts.sh`, against main 64f1a07): bench 70000 272 / 320, held-out 90000
 * 259 -> 260 (90099 reads; 90234 is now cut on its glyphs, exact but invalid at 0.85: classifier),
 * 170000 169, 240000 161, French 82, real 22/23, 0 false accepts; every other frame keeps its status.
 * Paired bench against 64f1a07 (`bench:mrz --compare`): median ratio Chromium 1.005 / Node 0.989
 * (load 3-4.4), again on the final tree 1.000 / 0.997 (load 1.2-3.5); lines and validity identical
 * on 363/363 (the second comb is fitted only on lines > 0.05 off their periods' ratio).
 * Tried and dropped: the second comb at half resolution too (240000 lost 240066 and gained 240054:
 * 161 either way), and a bar of 0.85x the first comb's cost (240066 still lost, 240054 not gained:
 * 240000 160). Left (probes' counts above): unreadable glyphs on good cuts (cap boxes a third too
 * short or tall on some, but no cap-box variant read any of them: best 11-24 characters wrong),
 * windows off the text (the perspective box, the band's length), gates on right cuts (70132:
 * a valid 36-cell cut whose following cells are not blank).
 *
 * Session 17 (small bands; probes in .tmp/s17/small): the 12 exact-but-invalid frames of bench 70000
 * are all small bands, held back by unchecked letters at 0.65-0.89. Their glyph rasters, against the
 * same letters on large bands (23450 glyphs of 320 frames, the right cut of each): no residual slant
 * (per-class row-centroid slope within 0.004 px per row of the large bands', uncorrelated with tilt),
 * vertical placement and extent within 0.1 raster px; only blur differs (ink mass +27%, gradient per
 * ink -30%; the doubtful ones -60%). The cap box grows with blur (cap over pitch 1.01 at 25+ px
 * pitch, 1.19 below 9 px), yet no re-raster of those cuts read the small bands' letters better than
 * as cut: height x0.85 to x1.15, width x0.92 / x1.08, offsets of +-0.06 cap heights, shear +-0.04 and
 * +-0.08, ink gamma 0.7 / 1.4. Training's small via-band glyphs are as blurred (train-data-true.ts
 * --max-px-per-mm 4.5). What the failing frames share is the generator's motion blur (a 5-9 px box
 * along the frame's axes, so oblique to a tilted band's text; 7 of the 12, 6 of held-out 90000's 10)
 * or a strong Gaussian blur, on a pitch of 8-12 px: information lost, not an engine defect. Tilt
 * goes with small size (a tilted document is drawn smaller to fit: median 4.8 px/mm at 10-20 degrees,
 * 6.3 below 5). Tried and dropped: glyph windows 8% wider (better letters on large bands in the
 * probe) read 70000 262/320 and 90000 245/300 with a false accept (90291).
 *
 * Session 18 (rectify stage speed, same bits; probes in .tmp/s18/rect): the stage's sub-steps per
 * read frame of bench 70000 in Node (medians, load 5.6, so about 1.8x the quiet figures): full-
 * resolution ink map 6.4 ms, full rectify 2.0, half-resolution rectify 1.8 (a third of it the frame's
 * on-demand grey conversion), half-resolution cut 2.0, ink map 1.6, skew 0.7, desk tests 0.7 + 0.5,
 * findLines 0.5 + 0.2, slant 0.3. Inside the ink map (Chromium, captured band images): background
 * 0.56 ms (block maxima 0.15, max filter 0.30), first pass 0.46, histogram 0.37, stroke level 0.11,
 * second pass 0.62. lineAt sums a line's columns one column at a time (a register per column, no
 * column array read and written per row); strokeLevel's second look counts the values above t0
 * instead of binning them again (image.ts has blockMax's and rectFilter's). Paired bench against
 * main 0185640: Chromium 0.976, Node 0.968, lines and validity identical on 363/363.
 *
 * Session 19 (ink map speed, same bits; probes in .tmp/cap of the s19/ink worktree): inkMap's float
 * passes run as simd.ts's `simdInk` kernels where they compile (the band copied into WebAssembly
 * memory, the ink and mask copied out): background rows, ink, histogram, the stroke level's count,
 * normalised ink and mask; dropLongRuns reads one of every `need` aligned words of a row and
 * measures only runs through an all-ones word; boxBlur's vertical pass walks the rows. On 248
 * inkMap calls captured from 60 bench frames (main's code against this, alternating): Chromium
 * 2.47 -> 0.96 ms per call (0.39x), Node 0.34x of the JavaScript path (load 8-11). The JavaScript
 * passes stay as the fallback (`inkMap(.., simd = false)`, the tests' reference). Paired bench
 * against main a2c252e: Chromium 0.909, Node 0.904 (load 10 falling to 4), lines and validity
 * identical on 363/363; every set's per-frame read list identical (confidences included). Left:
 * the histogram's scatter (nearly half of the kernels' time; computing the bins is a fifth of it),
 * the band's copies into and out of WebAssembly memory, boxBlur's divisions; the two division
 * passes are at one f64x2.div per two pixels. Tried and dropped: eight histogram tables instead of four (no gain:
 * the stores, not their chains, bound it), counting paper's zero bins apart (3% of the ink is 0).
 *
 * Session 21 (cuts that miss the glyphs; engine-band.ts has the survey): a line's inked extent that the
 * line finder chained onto a short mark beyond the MRZ's end is trimmed before the span comb is fitted
 * (`strayEndsTrimmed`; full-resolution cuts only: trimmed at half resolution too, it moved the
 * perspective box of fresh 340094 and 350628, which no longer read). Read counts against main
 * c16a49c: held-out 90000 263 -> 264 (90227), 240000 166 -> 167 (240037), fresh 320000 262 -> 263
 * (320279); no frame lost on any set, 0 false accepts.
 * Tried and dropped: rasterising the glyphs in the row box when the fitted cap box is under 0.62 of it
 * (letters broken into fragments leave the box on the fillers: 70103 top-1 7 -> 33 of 44, but no bench
 * frame read, fresh 320250 gained and 310218 lost, whose row box was inflated).
 *
 * Session 34, tried and dropped: `findLines`' row threshold measured above a noise floor (the
 * rows' 10th percentile; noisy margins beside the text ink every row, bench 70134): bench 284/320
 * as before, held-out 90000 269 -> 268 (90032 lost), nothing gained.
 * @module
 */

import { bin256, blockMax, boxBlur, otsuOfHistogram, percentileOfHistogram, rectFilter, roundHalfUp, selectKth, type FloatImage } from './image.ts';
import { float32, float64, int32, uint32, uint8 } from './scratch.ts';
import { simdInk, type SimdInk } from './simd.ts';

/** Glyph raster size fed to the classifier. */
export const GLYPH_W = 16;
export const GLYPH_H = 20;
export const GLYPH_SIZE = GLYPH_W * GLYPH_H;

/** Ink map: 0 = background, 1 = full ink; plus a binary mask. */
export interface InkMap extends FloatImage {
  /** Ink above this level is in `bin`, unless it is part of a horizontal run too long for text. */
  readonly threshold: number;
  readonly bin: Uint8Array;
}

/** One text line found in the band. */
export interface TextLine {
  readonly top: number;
  readonly bottom: number;
  readonly xa: number;
  readonly xb: number;
  /** Sum of binary ink in the line (ranking). */
  readonly mass: number;
}

/** A line cut into `n` character cells, with the glyph rasters. */
export interface CellLine {
  readonly n: number;
  readonly top: number;
  readonly bottom: number;
  readonly pitch: number;
  /** Cap box top and bottom per cell (rectified y). */
  readonly tops: Float64Array;
  readonly bottoms: Float64Array;
  /** n + 1 cell boundaries (x, rectified coordinates). */
  readonly bounds: Float64Array;
  /** Mean normalised ink at the boundaries (lower is a cleaner fit). */
  readonly fitCost: number;
  /** n glyph rasters of GLYPH_SIZE floats in [0, 1] (rasterised on first access). */
  readonly glyphs: Float32Array;
  /**
   * True when the inked extent was shorter than n cells and the comb was placed by the line's
   * periodicity (the whole-cell offset then rests on a prior, see `cutLine`'s `anchor`).
   */
  readonly shortFit: boolean;
  /**
   * Rasterises cell `k`'s glyph again into `out` at `offset` with its window moved by `dx` pitches
   * and `dy` cap heights and scaled by `scale` (the engine's last reading of a cut moves a whole
   * line's windows, see cnn.ts `bestMovedReading`). With 0, 0, 1 it writes the glyph of `glyphs`.
   */
  rasterAt(k: number, dx: number, dy: number, scale: number, out: Float32Array, offset: number): void;
}

/** Where the text of a perspective-rectified band was measured to lie (x from x0 to x1, rectified). */
export interface TextBox {
  readonly x0: number;
  readonly x1: number;
}

/**
 * Where a comb fitted over an extent shorter than its n cells is placed: `centre` (on the band's
 * centre; the band is centred on the MRZ by construction) or `start` (first cell at the first
 * glyph: every MRZ line starts with a full glyph, only fillers trail) or `end` (last cell at the
 * last glyph: a line whose first glyphs are too faint or smeared for the ink map's lines while its
 * end is sharp). A {@link TextBox} places the comb over that box whatever the line's inked extent
 * (its n cells fill the box).
 */
export type CombAnchor = 'centre' | 'start' | 'end' | TextBox;

/** Block size of the background's reduced image (a caller that has `blockMax(img, BG_BLOCK)` may pass it to {@link inkMap}). */
export const BG_BLOCK = 4;

/**
 * Scratch arrays that live only during one call of the function that takes them (cutLine and the
 * helpers it calls, lineAt, findLines: none calls itself or another user of the same slot), kept
 * in module slots instead of the frame's pools: the failing frames cut hundreds of lines, and
 * pooled buffers stay taken until the frame ends (only each distinct line's profile, see
 * `lineProfile`, is pooled). Not zeroed unless `zeroed`.
 */
const T_PROF = 0;
const T_SORTED = 2;
const T_COST = 3;
const T_KP = 4;
const T_Q = 5;
const T_AC = 6;
const T_ACR = 7;
const T_ROWS = 8;
const T_CUM = 9;
const T_WARP = 10;
const T_WARPR = 11;
const T_RUN = 12;
/**
 * Multiples of the period whose autocorrelation `unforeshortenedPeriodicity` averages (a wrong
 * ratio decorrelates the farther ones first: 3 took 240173's print line for the MRZ's ratio).
 */
const HARMONICS = 5;
/** `unforeshortenedPeriodicity`'s sampling step (rectified pixels): 2 costs a quarter of 1, the same ratios within 8%. */
const WARP_STEP = 2;
/** Margin (relative to the best cost, plus as much absolute) by which a comb's lower bound must pass the best cost to drop it unread: far above the rounding of either sum. */
const OUT_SLACK = 1e-6;
const tempF64: Float64Array[] = [];
let tempI32 = new Int32Array(0);
let tempCol = new Int32Array(0);

function temp64(slot: number, n: number, zeroed = false): Float64Array {
  let b = tempF64[slot];
  if (!b || b.length < n) tempF64[slot] = b = new Float64Array(Math.max(n, 2 * (b?.length ?? 0)));
  const v = b.length === n ? b : b.subarray(0, n);
  if (zeroed) v.fill(0);
  return v;
}

/** The background's rows (JavaScript path), reused (read by inkMap before the next call; one frame at a time). */
let hrowsBuf = new Float64Array(0);

/**
 * Background (paper) brightness: a closing-like max filter over about 1.6 character sizes, computed
 * on a 4x block-max reduced image and smoothed (16x fewer pixels to filter than the band);
 * {@link backgroundRows} and {@link inkMap} upsample it bilinearly.
 */
function background(img: FloatImage, charSize: number, blocks?: FloatImage): FloatImage {
  const small = blocks ?? blockMax(img, BG_BLOCK);
  const k = Math.max(3, Math.round((charSize * 1.6) / BG_BLOCK) | 1);
  return boxBlur(rectFilter(small, k, k, true), 1, 1);
}

/**
 * The upsampling's horizontal pass into `hrows`: every row of the reduced background `bg`
 * interpolated to the band's width `w`, in doubles ({@link inkMap} blends two of those rows per
 * output row, the vertical pass). Bilinear upsampling, separable with the same operations as the
 * direct formula (a + (b - a) tx) (1 - ty) + (c + (d - c) tx) ty.
 */
function backgroundRows(bg: FloatImage, w: number, hrows: Float64Array, simd: SimdInk | null): void {
  const { width: sw, height: sh, data: filtered } = bg;
  const cx0 = int32(w);
  const cx1 = int32(w);
  const ctx = float64(w);
  for (let x = 0; x < w; x++) {
    let fx = (x + 0.5) / BG_BLOCK - 0.5;
    if (fx < 0) fx = 0;
    else if (fx > sw - 1) fx = sw - 1;
    const x0 = Math.floor(fx);
    cx0[x] = x0;
    cx1[x] = x0 + 1 < sw ? x0 + 1 : x0;
    ctx[x] = fx - x0;
  }
  if (simd) {
    simd.backgroundRows(filtered, cx0, cx1, ctx);
    return;
  }
  for (let sy = 0; sy < sh; sy++) {
    const so = sy * sw;
    const ho = sy * w;
    // cx0 (and with it cx1) is the same over runs of BG_BLOCK columns: a and b - a once per run.
    let x = 0;
    while (x < w) {
      const c0 = cx0[x] as number;
      const a = filtered[so + c0] as number;
      const d = (filtered[so + (cx1[x] as number)] as number) - a;
      for (; x < w && cx0[x] === c0; x++) hrows[ho + x] = a + d * (ctx[x] as number);
    }
  }
}

/**
 * Flattens illumination (background = closing of the image, blurred) and returns normalised ink in
 * [0, 1]. `charSize` is the expected character size in pixels. `blocks`: `blockMax(img, BG_BLOCK)`
 * when the caller has it already (read only). The float passes run as WebAssembly SIMD kernels
 * (simd.ts {@link simdInk}, the same bits) where they compile, else in JavaScript (`simd` false
 * forces JavaScript: the tests' reference).
 */
export function inkMap(img: FloatImage, charSize: number, blocks?: FloatImage, simd = true): InkMap {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const bg = background(img, charSize, blocks);
  const sh = bg.height;
  const k = simd ? simdInk(w, h, bg.width, sh) : null;
  if (!k && hrowsBuf.length < sh * w) hrowsBuf = new Float64Array(sh * w);
  const hrows = k ? k.hrows : hrowsBuf;
  backgroundRows(bg, w, hrows, k);
  if (k) k.data.set(data.subarray(0, n));
  // Ink against the background (the background value rounded to float as when it was stored in a
  // Float32Array). Every element of ink and bin is written below (pooled buffers are not zeroed).
  const ink = k ? k.ink : float32(n);
  for (let y = 0; y < h; y++) {
    let fy = (y + 0.5) / BG_BLOCK - 0.5;
    if (fy < 0) fy = 0;
    else if (fy > sh - 1) fy = sh - 1;
    const y0 = Math.floor(fy);
    const y1 = y0 + 1 < sh ? y0 + 1 : y0;
    const ty = fy - y0;
    const uy = 1 - ty;
    if (k) {
      k.row(y, y0, y1, uy, ty);
      continue;
    }
    const o0 = y0 * w;
    const o1 = y1 * w;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const b = Math.fround((hrows[o0 + x] as number) * uy + (hrows[o1 + x] as number) * ty);
      const v = (b - (data[o + x] as number)) / (b > 24 ? b : 24);
      ink[o + x] = Math.fround(v > 0 ? v : 0);
    }
  }
  const simdHist = k ? uint32(256) : null;
  const hist = simdHist && k?.histogram(simdHist) ? simdHist : inkHistogram(ink, n);
  const t0 = Math.max(0.12, otsuOfHistogram(hist, n, 1));
  // Normalise by the typical ink level of stroke pixels (90th percentile of the values above t0).
  const level = strokeLevel(ink, n, hist, t0, k);
  const t = Math.min(0.6, Math.max(0.25, t0 / level));
  const maxRun = maxTextRun(charSize);
  if (k) {
    k.normalise(level, t);
    const bin = uint8(n);
    bin.set(k.bin);
    dropLongRuns(bin, w, h, maxRun);
    const out = float32(n);
    out.set(k.ink);
    return { width: w, height: h, data: out, threshold: t, bin };
  }
  const bin = uint8(n);
  // Normalised and masked in one pass with dropLongRuns' run tracking (the same bits as the mask
  // first, its long runs cleared after: a run is cleared once it has ended, its bytes written).
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let start = -1;
    for (let x = 0; x < w; x++) {
      const i = o + x;
      let v = (ink[i] as number) / level;
      if (v > 1) v = 1;
      ink[i] = v;
      if (v > t) {
        bin[i] = 1;
        if (start < 0) start = x;
      } else {
        bin[i] = 0;
        if (start >= 0) {
          if (x - start > maxRun) bin.fill(0, o + start, i);
          start = -1;
        }
      }
    }
    if (start >= 0 && w - start > maxRun) bin.fill(0, o + start, o + w);
  }
  return { width: w, height: h, data: ink, threshold: t, bin };
}

/**
 * The 256-bin histogram (`bin256(v, 0, 255)`) of the first `n` ink values (in [0, 1], never NaN),
 * for otsu(ink, 1), in a frame-pooled buffer. Its own pass over the stored values, four values a
 * step into four interleaved tables. Binned inside the ink map's first pass, the histogram took
 * more than half of that pass (inkMap 0.74x CPU on the bench's band images with its own pass).
 */
function inkHistogram(ink: Float32Array, n: number): Uint32Array {
  const hist = uint32(256, true);
  // Table 4 b + j counts bin b of the values at indices j mod 4.
  const lanes = int32(1024, true);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    // bin256(f, 0, 255), inline: f >= 0, so roundHalfUp(255 f) is a truncation and a fix-up.
    const z0 = (ink[i] as number) * 255;
    const z1 = (ink[i + 1] as number) * 255;
    const z2 = (ink[i + 2] as number) * 255;
    const z3 = (ink[i + 3] as number) * 255;
    const r0 = (z0 + 0.5) | 0;
    const r1 = (z1 + 0.5) | 0;
    const r2 = (z2 + 0.5) | 0;
    const r3 = (z3 + 0.5) | 0;
    const b0 = r0 - 0.5 > z0 ? r0 - 1 : r0;
    const b1 = r1 - 0.5 > z1 ? r1 - 1 : r1;
    const b2 = r2 - 0.5 > z2 ? r2 - 1 : r2;
    const b3 = r3 - 0.5 > z3 ? r3 - 1 : r3;
    const l0 = (b0 < 255 ? b0 : 255) << 2;
    const l1 = ((b1 < 255 ? b1 : 255) << 2) | 1;
    const l2 = ((b2 < 255 ? b2 : 255) << 2) | 2;
    const l3 = ((b3 < 255 ? b3 : 255) << 2) | 3;
    lanes[l0] = (lanes[l0] as number) + 1;
    lanes[l1] = (lanes[l1] as number) + 1;
    lanes[l2] = (lanes[l2] as number) + 1;
    lanes[l3] = (lanes[l3] as number) + 1;
  }
  for (; i < n; i++) {
    const z = (ink[i] as number) * 255;
    const r = (z + 0.5) | 0;
    const b = r - 0.5 > z ? r - 1 : r;
    const l = (b < 255 ? b : 255) << 2;
    lanes[l] = (lanes[l] as number) + 1;
  }
  for (let b = 0; b < 256; b++) hist[b] = (lanes[4 * b] as number) + (lanes[4 * b + 1] as number) + (lanes[4 * b + 2] as number) + (lanes[4 * b + 3] as number);
  return hist;
}

/**
 * The 90th percentile (256 bins over [0, 1]) of the ink values above `t0`, at least 0.2 (1 with
 * 10 such values or fewer). `hist` holds the bins of all `n` values (`bin256(v, 0, 255)`), so
 * the values above t0 are the bins above t0's bin plus an unknown part `c` of t0's own bin. The
 * percentile's bin can only fall (or stay) as `c` grows: when it is the same for none and for all
 * of that bin, it is the answer without a second pass over the values (most bands: the strokes'
 * level lies well above the threshold). Else the values above t0 are counted (session 18: not
 * binned again: the higher bins hold theirs already, the rest lie in t0's bin; by `simd`'s kernel
 * when the ink is its buffer). `hist` is clobbered.
 */
function strokeLevel(ink: Float32Array, n: number, hist: Uint32Array, t0: number, simd: SimdInk | null): number {
  // t0's bin: every value in a higher bin is above t0, every value in a lower one below it.
  const kb = bin256(t0, 0, 255);
  let above = 0;
  for (let b = kb + 1; b < 256; b++) above += hist[b] as number;
  const inBin = hist[kb] as number;
  // Only the values above t0 count: none of a lower bin.
  hist.fill(0, 0, kb);
  if (above > 10) {
    hist[kb] = 0;
    const none = percentileOfHistogram(hist, above, 0.9, 0, 1);
    hist[kb] = inBin;
    const all = percentileOfHistogram(hist, above + inBin, 0.9, 0, 1);
    if (none === all) return Math.max(0.2, none);
  }
  // The values above t0 are those of the higher bins (binned already) and the part of t0's bin
  // above it: counted, not binned again (all of them fall in that bin).
  let cnt = 0;
  if (simd) cnt = simd.countAbove(t0);
  else for (let i = 0; i < n; i++) cnt += (ink[i] as number) > t0 ? 1 : 0;
  hist[kb] = cnt - above;
  return cnt > 10 ? Math.max(0.2, percentileOfHistogram(hist, cnt, 0.9, 0, 1)) : 1;
}

/**
 * The ink map with its mask re-drawn at another `threshold` (long horizontal runs dropped as
 * {@link inkMap} drops them); the ink itself is shared.
 */
export function remask(ink: InkMap, threshold: number, charSize: number): InkMap {
  const { width: w, height: h, data } = ink;
  const bin = uint8(w * h);
  for (let i = 0; i < bin.length; i++) bin[i] = (data[i] as number) > threshold ? 1 : 0;
  dropLongRuns(bin, w, h, maxTextRun(charSize));
  return { width: w, height: h, data, threshold, bin };
}

/** Longest horizontal ink run that can be text at this character size. */
function maxTextRun(charSize: number): number {
  return Math.max(8, Math.round(2 * charSize));
}

/**
 * Horizontal ink runs much longer than a character (document edges, dark desk, rules) are not
 * text: they are cleared from the mask so they cannot dominate the line profile.
 */
function dropLongRuns(bin: Uint8Array, w: number, h: number, maxRun: number): void {
  const words = wordsOf(bin);
  // A run longer than maxRun (>= 8) holds at least `need` consecutive aligned all-ones words of its
  // row, so one of every `need` words from the row's first (or from the word after a run) is one of
  // them: only those words are read, and a run through one is measured byte by byte.
  const need = (maxRun - 2) >> 2;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    if (!words) {
      clearLongRuns(bin, o, o + w, maxRun);
      continue;
    }
    const end = (o + w) >> 2;
    let j = ((o + 3) >> 2) + need - 1;
    while (j < end) {
      if (words[j] !== 0x01010101) {
        j += need;
        continue;
      }
      let s = 4 * j;
      while (s > o && bin[s - 1] === 1) s--;
      let e = 4 * j + 4;
      while (e < o + w && bin[e] === 1) e++;
      if (e - s > maxRun) bin.fill(0, s, e);
      // The word holding e holds a 0 (or the row has ended): the next run starts after it.
      j = (e >> 2) + need;
    }
  }
}

/** Clears the runs of ones longer than `maxRun` in `bin[from, to)` (one row), byte by byte. */
function clearLongRuns(bin: Uint8Array, from: number, to: number, maxRun: number): void {
  let start = -1;
  for (let x = from; x < to; x++) {
    if (bin[x]) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      if (x - start > maxRun) bin.fill(0, start, x);
      start = -1;
    }
  }
  if (start >= 0 && to - start > maxRun) bin.fill(0, start, to);
}

/**
 * Estimates the residual skew (radians, within +-maxDeg) by maximising row-profile sharpness: the
 * sum of squares of the histogram of the sample ink pixels' rows, each moved by -x tan(angle).
 *
 * A pixel at row y and column x lands in bin roundHalfUp(y - p) with p = (x - w/2) tan(angle),
 * which is y + roundHalfUp(-p) whenever p lies more than a hair (1e-7) from a half-integer: no
 * half-integer then lies between y - p and its rounding. So at every angle a run of columns with
 * the same shift adds its rows' sample counts (from per-row running sums over the columns) to the
 * histogram at once, and a column near a half-integer adds its samples one by one as before. The
 * histogram holds the same counts as one increment per sample (identical result); the runs are
 * few (about w tan(angle) + 1), so an angle costs (runs x rows) adds instead of one per sample.
 */
export function estimateSkew(ink: InkMap, maxDeg = 3, stepDeg = 0.2): number {
  const { width: w, height: h, bin } = ink;
  const count = maskCount(bin, wordsOf(bin), 0, bin.length);
  if (count < 50) return 0;
  // At most ~20k sample pixels (every `step`-th ink pixel, in row order).
  const step = Math.max(1, Math.floor(count / 20000));
  const w1 = w + 1;
  // cum[y w1 + c]: samples of row y in columns before c.
  const cum = int32(h * w1);
  let seen = 0;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const co = y * w1;
    let run = 0;
    cum[co] = 0;
    if (step === 1) {
      for (let x = 0; x < w; x++) {
        run += bin[o + x] as number;
        cum[co + x + 1] = run;
      }
    } else {
      for (let x = 0; x < w; x++) {
        if (bin[o + x] && seen++ % step === 0) run++;
        cum[co + x + 1] = run;
      }
    }
  }
  const pad = Math.ceil(Math.tan((maxDeg * Math.PI) / 180) * w) + 2;
  const len = h + 2 * pad;
  // Cleared for every angle below.
  const hist = float64(len);
  let best = -1;
  let bestA = 0;
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += stepDeg) {
    const ta = Math.tan((d * Math.PI) / 180);
    hist.fill(0);
    // Columns c0..x-1 share the shift `shift` (none yet when c0 === x).
    let c0 = 0;
    let shift = 0;
    for (let x = 0; x <= w; x++) {
      let sh = 0;
      let near = false;
      if (x < w) {
        const q = -((x - w / 2) * ta);
        sh = roundHalfUp(q);
        const f = q - Math.floor(q);
        near = Math.abs(f - 0.5) < 1e-7;
      }
      if (x > c0 && (x === w || near || sh !== shift)) {
        // Rows whose bins y + shift + pad fall inside the histogram.
        const off = shift + pad;
        const y0 = Math.max(0, -off);
        const y1 = Math.min(h, len - off);
        for (let y = y0; y < y1; y++) {
          const co = y * w1;
          hist[y + off] = (hist[y + off] as number) + ((cum[co + x] as number) - (cum[co + c0] as number));
        }
        c0 = x;
      }
      if (x === w) break;
      if (near) {
        // The exact rounding of every sample of this column, as one at a time.
        const p = (x - w / 2) * ta;
        for (let y = 0; y < h; y++) {
          const co = y * w1;
          if ((cum[co + x + 1] as number) === (cum[co + x] as number)) continue;
          const yy = roundHalfUp(y - p) + pad;
          if (yy >= 0 && yy < len) hist[yy | 0] = (hist[yy | 0] as number) + 1;
        }
        c0 = x + 1;
      } else if (c0 === x) shift = sh;
    }
    let s = 0;
    for (let i = 0; i < len; i++) s += (hist[i] as number) * (hist[i] as number);
    if (s > best) {
      best = s;
      bestA = d;
    }
  }
  return (bestA * Math.PI) / 180;
}

/**
 * Estimates the slant of the glyphs' vertical strokes in `lines` of a rectified band: the shear `s`
 * (within +-maxSlant) such that a stroke through x at the line's middle row lies at
 * `x + s * (y - middle)` on row y. Maximises the sharpness (sum of squares) of each line's column
 * profile of ink pixels, sheared back. A document seen at an angle (perspective) keeps its verticals
 * off the perpendicular of its text line: rotating the line level leaves the glyphs leaning (an
 * OCR-B `I` becomes a `Z`-like stroke). Only the columns `from`..`to` count (the slant of a
 * document seen in perspective changes along the line). 0 when they hold too little ink to tell.
 */
export function estimateSlant(ink: InkMap, lines: readonly TextLine[], from = 0, to = ink.width - 1, maxSlant = 0.4, step = 0.02): number {
  const { width: w, bin } = ink;
  const lo = Math.round(from);
  const hi = Math.round(to);
  let total = 0;
  let rows = 0;
  for (const l of lines) {
    rows += l.bottom - l.top + 1;
    const xa = Math.max(l.xa, lo);
    const xb = Math.min(l.xb, hi);
    for (let y = l.top; y <= l.bottom; y++) for (let x = xa; x <= xb; x++) total += bin[y * w + x] as number;
  }
  if (total < 50) return 0;
  // The ink pixels' columns, row by row (row j's are xs[rowStart[j]] .. xs[rowStart[j + 1] - 1]),
  // with each row's offset from its line's middle and its line.
  const xs = int32(total);
  const rowStart = int32(rows + 1);
  const rowDy = float64(rows);
  const rowLine = int32(rows);
  let m = 0;
  let j = 0;
  let xMin = w;
  let xMax = 0;
  lines.forEach((l, li) => {
    const mid = (l.top + l.bottom) / 2;
    const xa = Math.max(l.xa, lo);
    const xb = Math.min(l.xb, hi);
    for (let y = l.top; y <= l.bottom; y++, j++) {
      rowStart[j] = m;
      // As a float, as the per-pixel offsets were kept (y - mid is a whole or half number: exact).
      rowDy[j] = Math.fround(y - mid);
      rowLine[j] = li;
      for (let x = xa; x <= xb; x++) if (bin[y * w + x]) {
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
        xs[m++] = x;
      }
    }
  });
  rowStart[rows] = m;
  let half = 0;
  for (const l of lines) half = Math.max(half, (l.bottom - l.top) / 2);
  const pad = Math.ceil(maxSlant * half) + 2;
  // One column histogram per line (kept from slant to slant, see below), over the columns the sheared ink
  // can reach only (those from xMin - pad + 2 to xMax + pad - 2): the sums of squares skip only
  // zeros, so they are the same as over the whole width.
  const span = xMax - xMin + 1 + 2 * pad;
  const hist = float64(span * lines.length, true);
  let best = -1;
  let bestS = 0;
  const steps = Math.round(maxSlant / step);
  // Each row's pixels stay in the histogram from one slant to the next and are moved only when
  // the row's placement changes: its whole-column shift (most rows keep theirs over several
  // slant steps), or always for a row placed pixel by pixel (below). `placed[r]`: 0 not yet, 1 by
  // the shift `rowSh[r]`, 2 pixel by pixel at the offset `rowP[r]`.
  const placed = uint8(rows, true);
  const rowSh = int32(rows);
  const rowP = float64(rows);
  // The sum of squares kept as the counts change ((c + 1)^2 = c^2 + 2c + 1, (c - 1)^2 = c^2 - 2c
  // + 1): whole numbers, exact, the same as summed afresh at every slant.
  let sum = 0;
  for (let k = -steps; k <= steps; k++) {
    const s = k * step;
    for (let r = 0; r < rows; r++) {
      const p = s * (rowDy[r] as number);
      // A pixel at column x lands in column roundHalfUp(x - p), which is x + roundHalfUp(-p) unless
      // p lies a hair from a half-integer (no half-integer between x - p and its rounding): one
      // shift per row and slant; a row a hair from one rounds each pixel as before.
      const q = -p;
      const f = q - Math.floor(q);
      const exact = Math.abs(f - 0.5) < 1e-7;
      const sh = exact ? 0 : (roundHalfUp(q) - xMin + pad) | 0;
      const was = placed[r] as number;
      if (!exact && was === 1 && rowSh[r] === sh) continue;
      const lineBase = (rowLine[r] as number) * span;
      const e = rowStart[r + 1] as number;
      // Out at the old placement, then in at the new one.
      for (let pass = was === 0 ? 1 : 0; pass < 2; pass++) {
        const byPixel = pass === 0 ? was === 2 : exact;
        const shift = pass === 0 ? (rowSh[r] as number) : sh;
        const at = pass === 0 ? (rowP[r] as number) : p;
        const d = pass === 0 ? -1 : 1;
        for (let i = rowStart[r] as number; i < e; i++) {
          const col = byPixel ? roundHalfUp((xs[i] as number) - at) - xMin + pad : (xs[i] as number) + shift;
          if (col >= 0 && col < span) {
            const idx = (lineBase + col) | 0;
            const c = hist[idx] as number;
            hist[idx] = c + d;
            sum += d > 0 ? 2 * c + 1 : 1 - 2 * c;
          }
        }
      }
      placed[r] = exact ? 2 : 1;
      rowSh[r] = sh;
      rowP[r] = p;
    }
    // Ties (and near-ties) go to the smaller slant: the search runs outwards from 0 in effect.
    if (sum > best * (1 + 1e-9) || (Math.abs(sum - best) <= best * 1e-9 && Math.abs(s) < Math.abs(bestS))) {
      best = sum;
      bestS = s;
    }
  }
  return bestS;
}

/** A 32-bit view of a mask's bytes (for {@link maskCount}); null when its offset is not word-aligned. */
function wordsOf(bin: Uint8Array): Uint32Array | null {
  return bin.byteOffset % 4 === 0 ? new Uint32Array(bin.buffer, bin.byteOffset, bin.length >> 2) : null;
}

/**
 * Set pixels of the 0/1 mask `bin` in [from, to): four bytes per 32-bit word of `words` (its view,
 * see {@link wordsOf}; each byte lane counts at most 255 words before it is added up), the
 * unaligned ends byte by byte. The same whole number as a byte-by-byte sum.
 */
function maskCount(bin: Uint8Array, words: Uint32Array | null, from: number, to: number): number {
  let s = 0;
  let x = from;
  if (words) {
    for (; x < to && (x & 3) !== 0; x++) s += bin[x] as number;
    let acc = 0;
    let k = 0;
    for (; x + 4 <= to; x += 4) {
      acc += words[x >> 2] as number;
      if (++k === 255) {
        s += (acc & 0xff) + ((acc >>> 8) & 0xff) + ((acc >>> 16) & 0xff) + (acc >>> 24);
        acc = 0;
        k = 0;
      }
    }
    s += (acc & 0xff) + ((acc >>> 8) & 0xff) + ((acc >>> 16) & 0xff) + (acc >>> 24);
  }
  for (; x < to; x++) s += bin[x] as number;
  return s;
}

/** Finds text lines (row runs of ink) in a rectified band, top to bottom. */
export function findLines(ink: InkMap): TextLine[] {
  const { width: w, height: h, bin } = ink;
  const prof = temp64(T_ROWS, h);
  const words = wordsOf(bin);
  for (let y = 0; y < h; y++) {
    const s = maskCount(bin, words, y * w, y * w + w);
    prof[y] = s;
  }
  let max = 0;
  for (let y = 0; y < h; y++) max = Math.max(max, prof[y] as number);
  if (max < 8) return [];
  const thr = 0.18 * max;
  const runs: [number, number][] = [];
  let start = -1;
  for (let y = 0; y <= h; y++) {
    const on = y < h && (prof[y] as number) > thr;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      runs.push([start, y - 1]);
      start = -1;
    }
  }
  // Merge runs split by a single weak row.
  const merged: [number, number][] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r[0] - last[1] <= 2) last[1] = r[1];
    else merged.push([r[0], r[1]]);
  }
  const heights = merged.map((r) => r[1] - r[0] + 1).sort((a, b) => a - b);
  const medH = heights[heights.length >> 1] ?? 0;
  const lines: TextLine[] = [];
  for (const [t, b] of merged) {
    if (b - t + 1 < Math.max(4, 0.45 * medH)) continue;
    const l = lineAt(bin, w, t, b);
    if (l) lines.push(l);
  }
  return splitTall(bin, w, prof, lines);
}

/**
 * The text line over rows `t..b`: its column extent is the longest cluster of inked columns (gaps
 * up to ~0.9 line heights); null when that is shorter than 6 line heights.
 */
function lineAt(bin: Uint8Array, w: number, t: number, b: number): TextLine | null {
  const lh = b - t + 1;
  if (tempCol.length < w) tempCol = new Int32Array(Math.max(w, 2 * tempCol.length));
  const colInk = tempCol.subarray(0, w);
  let mass = 0;
  // Column by column, each column's rows summed in a register (the line's rows stay in cache);
  // mask entries are 0 or 1: added without a branch.
  const o0 = t * w;
  const oe = b * w;
  for (let x = 0; x < w; x++) {
    let c = 0;
    for (let i = o0 + x; i <= oe + x; i += w) c += bin[i] as number;
    colInk[x] = c;
    mass += c;
  }
  const maxGap = Math.max(4, Math.round(0.9 * lh));
  let bestA = -1;
  let bestB = -1;
  let bestMass = 0;
  let ca = -1;
  let cb = -1;
  let cm = 0;
  let gap = 0;
  for (let x = 0; x < w; x++) {
    const v = colInk[x] as number;
    if (v > 0) {
      if (ca < 0) {
        ca = x;
        cm = 0;
      }
      cb = x;
      cm += v;
      gap = 0;
    } else if (ca >= 0) {
      gap++;
      if (gap > maxGap) {
        if (cm > bestMass) {
          bestMass = cm;
          bestA = ca;
          bestB = cb;
        }
        ca = -1;
      }
    }
  }
  if (ca >= 0 && cm > bestMass) {
    bestMass = cm;
    bestA = ca;
    bestB = cb;
  }
  if (bestA < 0 || bestB - bestA < 6 * lh) return null;
  return { top: t, bottom: b, xa: bestA, xb: bestB, mass };
}

/**
 * A text line more than 1.8 times as tall as a neighbouring line of about its length that it
 * overlaps (an MRZ line merged with printed labels or a smudge just above or below it: the pair
 * can never form a line group) is replaced by the window of that neighbour's height (the tallest
 * such neighbour's) that holds the most ink of the row profile `prof` (MRZ glyphs are bolder and
 * denser than labels), when the line there is still about as long.
 */
function splitTall(bin: Uint8Array, w: number, prof: Float64Array, lines: TextLine[]): TextLine[] {
  if (lines.length < 2) return lines;
  return lines.map((l, i) => {
    const lh = l.bottom - l.top + 1;
    let ref = 0;
    for (const j of [i - 1, i + 1]) {
      const o = lines[j];
      if (!o) continue;
      const ov = Math.min(o.xb, l.xb) - Math.max(o.xa, l.xa);
      const lo = o.xb - o.xa;
      if (lo >= 0.7 * (l.xb - l.xa) && ov >= 0.6 * lo && o.bottom - o.top + 1 < lh / 1.8) ref = Math.max(ref, o.bottom - o.top + 1);
    }
    if (ref === 0) return l;
    let best = -1;
    let top = l.top;
    let sum = 0;
    for (let y = l.top; y <= l.bottom; y++) {
      sum += prof[y] as number;
      if (y - ref >= l.top) sum -= prof[y - ref] as number;
      if (y - ref + 1 >= l.top && sum > best) {
        best = sum;
        top = y - ref + 1;
      }
    }
    const sub = lineAt(bin, w, top, top + ref - 1);
    return sub && sub.xb - sub.xa >= 0.7 * (l.xb - l.xa) ? sub : l;
  });
}

function interp(p: Float64Array, x: number): number {
  if (x <= 0) return p[0] as number;
  const n = p.length;
  if (x >= n - 1) return p[n - 1] as number;
  const i = Math.floor(x);
  const f = x - i;
  return (p[i] as number) * (1 - f) + (p[i + 1] as number) * f;
}

/** A fitted comb: start x0, left-end pitch p, pitch ratio r across the line. */
export interface Comb {
  readonly x0: number;
  readonly p: number;
  readonly r: number;
}

/**
 * Dominant period of the column profile `sm` over [xa, xb] within [lo, hi] (autocorrelation of the
 * mean-removed profile, sub-pixel by parabolic interpolation); 0 when there is no clear period.
 * When half the winning lag also correlates strongly, the shorter period is taken (harmonics).
 */
export function periodOf(sm: Float64Array, xa: number, xb: number, lo: number, hi: number): number {
  const a = Math.max(0, Math.floor(xa));
  const b = Math.min(sm.length - 1, Math.ceil(xb));
  const len = b - a + 1;
  const tMin = Math.max(2, Math.floor(lo));
  const tMax = Math.min(Math.floor(hi) + 1, Math.floor(len / 3));
  if (tMax <= tMin + 1) return 0;
  let mean = 0;
  for (let x = a; x <= b; x++) mean += sm[x] as number;
  mean /= len;
  const d = temp64(T_AC, len);
  let v0 = 0;
  for (let i = 0; i < len; i++) {
    const v = (sm[a + i] as number) - mean;
    d[i] = v;
    v0 += v * v;
  }
  if (!(v0 > 1e-9)) return 0;
  const ac = (t: number): number => {
    let s = 0;
    for (let i = 0; i + t < len; i++) s += (d[i] as number) * (d[i + t] as number);
    return s / (len - t) / (v0 / len);
  };
  const R = temp64(T_ACR, tMax + 2, true);
  for (let t = Math.max(1, tMin - 1); t <= tMax + 1 && t < len; t++) R[t] = ac(t);
  let best = -Infinity;
  let bt = 0;
  for (let t = tMin; t <= tMax; t++) {
    const v = R[t] as number;
    if (v > best && v >= (R[t - 1] as number) && v >= (R[t + 1] as number)) {
      best = v;
      bt = t;
    }
  }
  if (bt === 0 || best < 0.15) return 0;
  const refine = (t: number): number => {
    const y0 = R[t - 1] as number;
    const y1 = R[t] as number;
    const y2 = R[t + 1] as number;
    const den = y0 - 2 * y1 + y2;
    return den < 0 ? t + Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / den)) : t;
  };
  // Harmonic check: a peak near half the lag that is almost as strong means bt is 2 periods.
  const half = Math.round(bt / 2);
  if (half >= tMin) {
    for (let t = Math.max(tMin, half - 1); t <= Math.min(tMax, half + 1); t++) {
      const v = R[t] as number;
      if (v >= 0.75 * best && v >= (R[t - 1] as number) && v >= (R[t + 1] as number)) return refine(t);
    }
  }
  return refine(bt);
}

const belowF64 = new Float64Array(1);
const belowU64 = new BigUint64Array(belowF64.buffer);

/** The largest double below `v` (v >= 0 or +Infinity): `c >= v` exactly when `c > doubleBelow(v)`. */
function doubleBelow(v: number): number {
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === 0) return -Number.MIN_VALUE;
  belowF64[0] = v;
  belowU64[0] = (belowU64[0] as bigint) - 1n;
  return belowF64[0] as number;
}

/** Boundary k of an n-cell comb: pitch `p` at the left end, changing linearly to `r` times it at the right. */
function combBoundary(c: Comb, n: number, k: number): number {
  return c.x0 + k * c.p + ((c.r - 1) * c.p * k * (k - 1)) / (2 * n);
}

/** Mean profile value at the comb's boundaries that lie within the inked extent of the line. */
function inkAtBoundaries(sm: Float64Array, line: TextLine, n: number, c: Comb): number {
  let sum = 0;
  let cnt = 0;
  for (let k = 0; k <= n; k++) {
    const x = combBoundary(c, n, k);
    if (x < line.xa || x > line.xb) continue;
    sum += interp(sm, x);
    cnt++;
  }
  return cnt > 0 ? sum / cnt : Infinity;
}

/**
 * Fits the comb of `n` cells to the profile. `span`: the inked extent holds the n cells (pitch
 * range [pLo, pHi] from it). `short`: the extent is shorter than n cells (pitch from periodicity);
 * the comb covers the ink and, among the whole-cell offsets that do, the one centred nearest the
 * rectified band's centre wins (the band is centred on the MRZ by construction). `long`: the
 * extent is longer (neighbouring print); the n-cell window with the most ink inside and the
 * cleanest boundaries wins, ties broken by the same centring prior. `box` (with a {@link TextBox}
 * `anchor`): the n cells fill the box (pitch range from it), starting within a third of a cell of
 * its left edge, whatever the inked extent. Exported for its reference test.
 */
export function fitComb(sm: Float64Array, line: TextLine, n: number, pLo: number, pHi: number, mode: 'span' | 'short' | 'long' | 'box', width: number, anchor: CombAnchor = 'centre', rEst = 1, nearEstimate = false): Comb {
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
  // `nearEstimate`: only the ratios within a step of the estimate (see cutLine's second span comb).
  const rLo = nearEstimate ? rEstIdx - 1 : Math.min(-rMax, rEstIdx - 3);
  const rHi = nearEstimate ? rEstIdx + 1 : Math.max(rMax, rEstIdx + 3);
  const kp = temp64(T_KP, n + 1);
  const q = temp64(T_Q, n + 1);
  const last = sm.length - 1;
  // Prefix sums of the profile: the ink a comb leaves out of its cells (weighed twice) is known
  // before its boundaries are read, a lower bound of its cost (see `outLb` below).
  const cum = temp64(T_CUM, sm.length + 1);
  cum[0] = 0;
  for (let x = 0; x < sm.length; x++) cum[x + 1] = (cum[x] as number) + (sm[x] as number);
  const xaFrom = Math.max(0, Math.floor(line.xa));
  const xbTo = Math.min(line.xb, last) + 1;
  // Two passes over the same combs in the same order. The first evaluates a sparse subset (every
  // other pitch ratio, every fourth pitch (second in the short modes), every other start) to reach
  // a low cost early, so the second (every other comb) abandons most combs after a few boundaries.
  // The winner is the same as one pass's: the first comb (in pass order) of least cost, i.e. the
  // least (cost, order) pair; a comb ordered before the current best also wins on a tie (`before`).
  let bestOrder = -1;
  let bestBelow = doubleBelow(best);
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
      } else if (mode === 'short' && anchor === 'end') {
        // The last glyph sits in the last cell.
        xFrom = line.xb - total - 0.05 * p;
        xTo = line.xb - total + 0.45 * p;
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
      // x0-independent terms computed once per (p, r): the far end's at once (the bounds below
      // need only those), the others once a comb of this (p, r) has its boundaries read (every
      // comb of many a (p, r) is dropped unread).
      const kpn = n * p;
      const qn = ((r - 1) * p * n * (n - 1)) / (2 * n);
      let terms = false;
      let xi = -1;
      for (let x0 = xFrom; x0 <= xTo + 1e-9; x0 += xStep) {
        xi++;
        const seed = seedP && (xi & 1) === 0;
        if (pass === 0 ? !seed : seed) continue;
        const order = ((ri - rLo) * (steps + 1) + si) * xCount + xi;
        // A comb ordered before the best wins a tie: it loses only on a higher cost.
        const before = order < bestOrder;
        let c = 0;
        const xe = x0 + kpn + qn;
        // The overhang (span) or centring penalties are added last, to a sum of terms >= 0: rounding
        // is monotonic, so 0 + penalties is a lower bound of the final cost. A comb whose penalties
        // alone reach best loses before any boundary is read.
        let lb = 0;
        if (mode === 'span') {
          const dl = (line.xa - x0) / p;
          const dr = (xe - line.xb) / (p * r);
          if (dl > 0.4) lb += 6 * (dl - 0.4);
          if (dr > 0.4) lb += 6 * (dr - 0.4);
          if (before ? lb > best : lb >= best) continue;
        } else if (mode === 'long' || (mode === 'short' && anchor === 'centre')) {
          lb = (0.5 * Math.abs((x0 + xe) / 2 - centre)) / p;
          if (before ? lb > best : lb >= best) continue;
        }
        // The ink left out of the cells (the two loops after the boundaries, summed whole) plus the
        // penalties, from the prefix sums: a lower bound of the cost up to rounding. The cost is a
        // sum of terms >= 0 (about a hundred at most, each rounded to 2^-53 of it) and the prefix
        // differences are off by at most ~1e-9 (values of a few thousand at most); a comb whose bound
        // passes best by OUT_SLACK loses in the exact sum too, in whatever order it is summed, so
        // it is dropped unread (the 'long' fits, a window in a longer extent, read every boundary
        // of nearly every comb before the left-out ink was added: about 60% of all boundary reads).
        const leftTo = Math.min(sm.length, Math.max(xaFrom, Math.ceil(x0)));
        const rightFrom = Math.max(0, Math.ceil(xe));
        const outLb = 2 * ((cum[leftTo] as number) - (cum[xaFrom] as number)) + (rightFrom < xbTo ? 2 * ((cum[xbTo] as number) - (cum[rightFrom] as number)) : 0) + lb;
        const lose = best + OUT_SLACK * (1 + best);
        if (outLb > lose) continue;
        // Every term is >= 0 (sm is), so c only grows: the comb loses once c passes `cap`. That is
        // best for a comb ordered before the best (it loses only on a higher cost), else the double
        // just below best (c >= best exactly when c > it), or sooner lose - outLb (the left-out ink
        // still to come; within the slack, as above).
        const cap = Math.min(before ? best : bestBelow, lose - outLb);
        if (!terms) {
          for (let k = 0; k <= n; k++) {
            kp[k] = k * p;
            q[k] = ((r - 1) * p * k * (k - 1)) / (2 * n);
          }
          terms = true;
        }
        if (x0 > 0 && xe < last) {
          // interp(sm, x), inlined, the same arithmetic; no boundary is clamped (they increase
          // from x0 to xe: the pitch stays above 0.4 p with every ratio searched), and x > 0 makes
          // the truncation Math.floor.
          for (let k = 0; k <= n; k++) {
            const x = x0 + (kp[k] as number) + (q[k] as number);
            const i = x | 0;
            const f = x - i;
            c += (sm[i] as number) * (1 - f) + (sm[i + 1] as number) * f;
            if (c > cap) break;
          }
        } else {
          for (let k = 0; k <= n; k++) {
            const x = x0 + (kp[k] as number) + (q[k] as number);
            if (x <= 0) c += sm[0] as number;
            else if (x >= last) c += sm[last] as number;
            else {
              const i = Math.floor(x);
              const f = x - i;
              c += (sm[i] as number) * (1 - f) + (sm[i + 1] as number) * f;
            }
            if (c > cap) break;
          }
        }
        if (c > cap) continue;
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
          bestBelow = doubleBelow(c);
          bestOrder = order;
          out = { x0, p, r };
        }
      }
    }
  }
  return out;
}

/** Profiles of the lines cut in an ink map, by the line's rows and extent (see {@link lineProfile}). */
const profileCache = new WeakMap<InkMap, Map<string, LineProfile>>();

/** A line's column profile, its period and the ratio of its pitch at the end and at the start (0: unclear). */
interface LineProfile {
  readonly sm: Float64Array;
  readonly pAc: number;
  readonly rEst: number;
}

/**
 * The ratio of the character pitch at the end of `line` to that at its start, from the periods of
 * its first and last thirds (the pitch taken as linear along the line); 0 when unclear. Measured
 * on the ink itself, whatever the line's inked extent (faint filler tails).
 */
export function linePitchRatio(ink: InkMap, line: TextLine): number {
  return lineProfile(ink, line).rEst;
}

/**
 * The column profile of `line` that {@link cutLine} fits its combs to (normalised ink over the
 * line's rows, smoothed, its background level removed) and the profile's period over the line
 * (0 when none). They depend on the line's rows and extent only, not on the layout or the anchor
 * of the cut: computed once per ink map and line (a line is cut for up to three layouts, two
 * anchors and the fallbacks' moved cuts). The profile lives in the frame's pool (read only).
 */
function lineProfile(ink: InkMap, line: TextLine): LineProfile {
  let byLine = profileCache.get(ink);
  if (!byLine) profileCache.set(ink, (byLine = new Map()));
  const key = `${line.top},${line.bottom},${line.xa},${line.xb}`;
  const known = byLine.get(key);
  if (known) return known;
  const { width: w, data } = ink;
  const lh = line.bottom - line.top + 1;
  // Column profile of normalised ink over the line rows, scaled so a full vertical stroke ~ 1.
  const y0 = Math.max(0, line.top - 1);
  const y1 = Math.min(ink.height - 1, line.bottom + 1);
  const prof = temp64(T_PROF, w, true);
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) prof[x] = (prof[x] as number) + (data[o + x] as number);
  }
  for (let x = 0; x < w; x++) prof[x] = (prof[x] as number) / lh;
  const sm = float64(w);
  for (let x = 0; x < w; x++) sm[x] = 0.25 * (prof[Math.max(0, x - 1)] as number) + 0.5 * (prof[x] as number) + 0.25 * (prof[Math.min(w - 1, x + 1)] as number);
  // Remove the line's background level so empty gaps cost ~0.
  {
    // The 8th percentile of sm.slice(xa, xb + 1), selected in a scratch copy (selectKth reorders
    // it; subarray takes its bounds as slice does).
    const part = sm.subarray(line.xa, line.xb + 1);
    const sorted = temp64(T_SORTED, part.length);
    sorted.set(part);
    const base = sorted.length > 0 ? selectKth(sorted, Math.floor(sorted.length * 0.08)) : 0;
    for (let x = 0; x < w; x++) sm[x] = Math.max(0, (sm[x] as number) - base);
  }
  const pAc = periodOf(sm, line.xa, line.xb, Math.max(3, 0.55 * lh), 1.9 * lh);
  // Pitch ratio along the line (end over start) from the periods of its first and last thirds,
  // the pitch taken as linear along the line (their centres lie at 1/6 and 5/6 of it); 0 (unclear)
  // when either period is not found near the whole line's or they differ beyond 0.6-1.7x.
  let rEst = 0;
  if (pAc > 0) {
    const third = (line.xb - line.xa) / 3;
    const pL = periodOf(sm, line.xa, line.xa + third, 0.6 * pAc, 1.6 * pAc);
    const pR = periodOf(sm, line.xb - third, line.xb, 0.6 * pAc, 1.6 * pAc);
    const q = pL > 0 && pR > 0 ? pR / pL : 0;
    if (q > 0.6 && q < 1.7) rEst = 1 + (q - 1) / (5 / 6 - q / 6);
  }
  const out = { sm, pAc, rEst };
  byLine.set(key, out);
  return out;
}

/**
 * How periodic `line`'s column profile becomes once a foreshortening of pitch ratio `rho` (end over
 * start, over the text `xL`..`xR`, see engine-band.ts `foreshortenedSpec`) is removed: the profile is
 * resampled through that projective map of x and the strongest autocorrelation peak of the result
 * at a lag within the line's plausible pitches (as {@link periodOf}, its value rather than its lag)
 * is returned (averaged over its first HARMONICS multiples), with the lag (rectified pixels); score 0
 * when none. Scores of different ratios compare: a wrong ratio
 * leaves the pitch changing along the line, and one lag matches only part of it.
 */
export function unforeshortenedPeriodicity(ink: InkMap, line: TextLine, rho: number, xL: number, xR: number): { score: number; period: number } {
  const { sm } = lineProfile(ink, line);
  const L = xR - xL;
  const l = Math.sqrt(rho);
  // New position of an old x (inverse of x = xL + L t / (l + (1 - l) t)); NaN beyond the map's horizon.
  const toNew = (x: number): number => {
    const to = (x - xL) / L;
    const den = 1 - (1 - l) * to;
    return den > 0.05 ? xL + (L * l * to) / den : NaN;
  };
  const ua = Math.ceil(toNew(line.xa));
  const ub = Math.floor(toNew(line.xb));
  // Sampled every WARP_STEP new pixels (each sample the mean of two points half a step apart):
  // the autocorrelation's cost falls with the square of the step.
  const len = Math.floor((ub - ua) / WARP_STEP) + 1;
  if (!(len > 20)) return { score: 0, period: 0 };
  const d = temp64(T_WARP, len);
  const at = (u: number): number => {
    const t = (u - xL) / L;
    const x = xL + (L * t) / (l + (1 - l) * t);
    const x0 = Math.max(0, Math.min(sm.length - 2, Math.floor(x)));
    const f = Math.max(0, Math.min(1, x - x0));
    return (1 - f) * (sm[x0] as number) + f * (sm[x0 + 1] as number);
  };
  let mean = 0;
  for (let i = 0; i < len; i++) {
    const u = ua + i * WARP_STEP;
    const v = 0.5 * (at(u) + at(u + 0.5 * WARP_STEP));
    d[i] = v;
    mean += v;
  }
  mean /= len;
  let v0 = 0;
  for (let i = 0; i < len; i++) {
    const v = (d[i] as number) - mean;
    d[i] = v;
    v0 += v * v;
  }
  if (!(v0 > 1e-9)) return { score: 0, period: 0 };
  // The line's height at the text's middle after the map (heights scale as the local scale).
  const lh = ((line.bottom - line.top + 1) * ((1 + l) / 2)) / WARP_STEP;
  const tMin = Math.max(3, Math.floor(0.55 * lh));
  const tMax = Math.min(Math.floor(1.9 * lh) + 1, Math.floor(len / (HARMONICS + 1)));
  if (tMax <= tMin + 1) return { score: 0, period: 0 };
  // Autocorrelation at the lags asked (a pitch left changing along the line decorrelates the
  // farther multiples of its period first), each computed once.
  const R = temp64(T_WARPR, HARMONICS * (tMax + 2) + 1);
  R.fill(NaN);
  const ac = (t: number): number => {
    let r = R[t] as number;
    if (Number.isNaN(r)) {
      let s = 0;
      for (let i = 0; i + t < len; i++) s += (d[i] as number) * (d[i + t] as number);
      R[t] = r = s / (len - t) / (v0 / len);
    }
    return r;
  };
  let best = 0;
  let bt = 0;
  for (let t = tMin; t <= tMax; t++) {
    const r = ac(t);
    if (!(r > 0 && r >= ac(t - 1) && r >= ac(t + 1))) continue;
    let s = 0;
    for (let k = 1; k <= HARMONICS; k++) {
      // The best of the lags around k t (the period is not an integer).
      let m = -Infinity;
      for (let q = k * t - k + 1; q <= k * t + k - 1; q++) m = Math.max(m, ac(q));
      s += m;
    }
    if (s / HARMONICS > best) {
      best = s / HARMONICS;
      bt = t;
    }
  }
  return { score: best, period: bt * WARP_STEP };
}

/** Least local periodicity (normalised autocorrelation at the line's pitch) of a column of the MRZ's periodic run. */
const RUN_SCORE = 0.2;
/** Least variance per column of a window the local periodicity is measured on (blank paper has none). */
const BLANK_VAR = 1e-4;
/** Where the text ends beyond the periodic run's last column, in pitches. */
const RUN_INSET = 0.5;
/** Blank columns (in pitches) that end an MRZ line's text: wider than any gap between its glyphs. */
const BLANK_GAP = 0.8;
/** Half-width of the window the local periodicity is measured over, in pitches. */
const RUN_HALF = 1.5;
/** Longest stretch of the run below RUN_SCORE bridged, in pitches (a name's letters, a blurred or glared cell). */
const RUN_GAP = 2;
/** Lags the local periodicity tries, relative to the line's period (the pitch still changes along a line). */
const RUN_LAGS = [0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.17] as const;

/**
 * Normalised correlation of `sm` over columns a..b with itself `t` columns on (the means removed);
 * 0 where either side hardly changes (blank paper correlates with nothing) or the columns run past
 * the profile.
 */
function windowCorrelation(sm: Float64Array, a: number, b: number, t: number): number {
  if (a < 0 || b + t >= sm.length) return 0;
  const m = b - a + 1;
  let ma = 0;
  let mb = 0;
  for (let i = a; i <= b; i++) {
    ma += sm[i] as number;
    mb += sm[i + t] as number;
  }
  ma /= m;
  mb /= m;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = a; i <= b; i++) {
    const u = (sm[i] as number) - ma;
    const v = (sm[i + t] as number) - mb;
    sab += u * v;
    saa += u * u;
    sbb += v * v;
  }
  return saa > BLANK_VAR * m && sbb > BLANK_VAR * m ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Where `line`'s glyph cells repeat: the run of columns, over its rows and the whole window (not
 * only its inked extent), whose column profile correlates with itself one pitch on (the line's own
 * period, give or take the pitch change along it) within a window of three pitches, grown from the
 * most periodic column inside the line. An MRZ's cells repeat at one pitch from its first glyph to
 * its last filler; print joined to its ends, the document's edge or a dark desk do not, and a line
 * the finder kept only in part goes on repeating beyond its inked extent. Null when the line shows
 * no period or no such run at least `minCells` periods long. Each end is the text's last inked
 * column before blank paper near the run's end, else half a pitch on from the run's end (a flat
 * dark stretch right beside the text can still add up to two pitches: windows on both correlate).
 */
export function periodicExtent(ink: InkMap, line: TextLine, minCells: number): { xa: number; xb: number } | null {
  const { sm, pAc } = lineProfile(ink, line);
  if (!(pAc > 0)) return null;
  const w = sm.length;
  const half = Math.max(2, Math.round(RUN_HALF * pAc));
  const score = temp64(T_RUN, w, true);
  for (let x = half; x < w - half; x++) {
    let best = 0;
    for (const f of RUN_LAGS) best = Math.max(best, windowCorrelation(sm, x - half, x + half, Math.round(f * pAc)));
    score[x] = best;
  }
  // The run through the line's most periodic column; gaps up to RUN_GAP pitches are bridged.
  let seed = -1;
  for (let x = Math.max(half, line.xa); x <= Math.min(w - 1 - half, line.xb); x++) if (seed < 0 || (score[x] as number) > (score[seed] as number)) seed = x;
  if (seed < 0 || (score[seed] as number) < RUN_SCORE) return null;
  const gap = Math.round(RUN_GAP * pAc);
  const grow = (dir: 1 | -1): number => {
    let last = seed;
    for (let x = seed; x >= 0 && x < w; x += dir) {
      if ((score[x] as number) >= RUN_SCORE) last = x;
      else if (Math.abs(x - last) > gap) break;
    }
    return last;
  };
  let lo = grow(-1);
  let hi = grow(1);
  // The score at x measures the columns from half a window before x to half a window and a lag
  // after it: a run's ends lie about half a pitch before the text's where print or the document's
  // edge is joined to it (windows half on it still correlate), and up to a window inside where
  // blank paper is (it correlates with nothing). So an end is the text's last inked column before
  // a blank stretch of BLANK_GAP pitches within a window of the run's end, else the run's end
  // moved on by RUN_INSET pitches.
  const inset = Math.round(RUN_INSET * pAc);
  const blank = Math.max(2, Math.round(BLANK_GAP * pAc));
  const reach = half + Math.round(pAc);
  const endAt = (from: number, out: 1 | -1): number => {
    const c = Math.max(0, Math.min(w - 1, from + inset));
    let run = 0;
    for (let x = c; x >= 0 && x < w && Math.abs(x - from) <= reach; x += out) {
      if ((sm[x] as number) > STRAY_INK) run = 0;
      else if (++run >= blank) return x - out * run;
    }
    return c;
  };
  lo = endAt(lo, -1);
  hi = endAt(hi, 1);
  while (lo < seed && (sm[lo] as number) <= STRAY_INK) lo++;
  while (hi > seed && (sm[hi] as number) <= STRAY_INK) hi--;
  if ((hi - lo + 1) / pAc < minCells) return null;
  return { xa: lo, xb: hi };
}

/** How far (in pitch ratio) a span comb's ratio must be from the line's own estimate for cutLine to refine a second comb near the estimate. */
const NEAR_RATIO_GAP = 0.05;

/**
 * The dynamic-programming refinement of a comb (cutLine): each boundary moves to an integer column
 * within a third of a pitch of the comb's, towards low ink, with deviations from the comb's local
 * pitch penalised. Writes the comb's boundaries to `expect` and the refined ones to `bounds`;
 * returns the summed profile at the refined boundaries.
 */
function refineComb(sm: Float64Array, w: number, n: number, comb: Comb, expect: Float64Array, bounds: Float64Array): number {
  for (let k = 0; k <= n; k++) expect[k] = combBoundary(comb, n, k);
  return refineAlong(sm, w, n, expect, bounds);
}

/** {@link refineComb}'s dynamic programme from boundaries already in `expect` (n + 1 of them). */
function refineAlong(sm: Float64Array, w: number, n: number, expect: Float64Array, bounds: Float64Array): number {
  const meanPitch = ((expect[n] as number) - (expect[0] as number)) / n;
  // Dynamic-programming refinement of each boundary (integer columns).
  const r = Math.max(2, Math.round(0.3 * meanPitch));
  const span2 = 2 * r + 1;
  const cost = temp64(T_COST, (n + 1) * span2);
  if (tempI32.length < (n + 1) * span2) tempI32 = new Int32Array(Math.max((n + 1) * span2, 2 * tempI32.length));
  const from = tempI32;
  const lambda = 8;
  for (let k = 0; k <= n; k++) {
    const base = Math.round(expect[k] as number);
    for (let j = 0; j < span2; j++) {
      const x = base - r + j;
      // Boundary ink, plus a weak pull towards the comb so boundaries over blank stretches (lost
      // fillers, glare) do not drift by rounding.
      const da = (x - (expect[k] as number)) / meanPitch;
      const local = (x >= 0 && x < w ? (sm[x] as number) : 0) + 0.5 * da * da;
      if (k === 0) {
        cost[j] = local;
        continue;
      }
      const pbase = Math.round(expect[k - 1] as number);
      const pk = (expect[k] as number) - (expect[k - 1] as number);
      let bc = Infinity;
      let bj = 0;
      for (let i = 0; i < span2; i++) {
        const px = pbase - r + i;
        const dev = (x - px - pk) / pk;
        const c = (cost[(k - 1) * span2 + i] as number) + lambda * dev * dev;
        if (c < bc) {
          bc = c;
          bj = i;
        }
      }
      cost[k * span2 + j] = bc + local;
      from[k * span2 + j] = bj;
    }
  }
  let bj = 0;
  let bc = Infinity;
  for (let j = 0; j < span2; j++) {
    const c = cost[n * span2 + j] as number;
    if (c < bc) {
      bc = c;
      bj = j;
    }
  }
  let fit = 0;
  for (let k = n; k >= 0; k--) {
    const x = Math.round(expect[k] as number) - r + bj;
    bounds[k] = x;
    fit += x >= 0 && x < w ? (sm[x] as number) : 0;
    if (k > 0) bj = from[k * span2 + bj] as number;
  }
  return fit;
}

/** The line's profile within its inked extent but outside the cells `bounds[0]..bounds[n]`, weighed twice (as fitComb weighs it). */
function inkOutside(sm: Float64Array, line: TextLine, bounds: Float64Array, n: number): number {
  let c = 0;
  const x0 = bounds[0] as number;
  const xe = bounds[n] as number;
  for (let x = Math.max(0, line.xa); x < x0 && x <= line.xb; x++) c += (sm[x] as number) * 2;
  for (let x = Math.max(0, Math.ceil(xe), line.xa); x <= line.xb && x < sm.length; x++) c += (sm[x] as number) * 2;
  return c;
}

/**
 * Cuts `line` into `n` cells and rasterises each glyph. Returns null when the line cannot hold
 * `n` characters (pitch implausible for its height).
 */
export function cutLine(ink: InkMap, inked: TextLine, n: number, anchor: CombAnchor = 'centre', tryNearRatio = true): CellLine | null {
  // A cut over a box keeps the line as found (the box places the comb, not the inked extent); so do
  // the half-resolution cuts the perspective is measured from (`tryNearRatio` false): trimmed
  // there, the box of fresh 340094 and 350628 moved and they no longer read.
  const line = typeof anchor === 'object' || !tryNearRatio ? inked : strayEndsTrimmed(ink, inked, n);
  const w = ink.width;
  const lh = line.bottom - line.top + 1;
  const span = line.xb - line.xa + 1;
  const pMin = (0.98 * span) / n;
  const pMax = (1.03 * span) / (n - 0.7);
  const { sm, pAc, rEst } = lineProfile(ink, line);
  // Global comb fit: start phase x0, pitch p at the left end and a linear pitch change along the
  // line (perspective) so that boundaries are b_k = x0 + k p + (r - 1) p k (k - 1) / (2 n).
  // The pitch from the line's own periodicity: when the inked span is not n pitches long (faint
  // fillers or glare cut it short, neighbouring print makes it long), the span-derived pitch is
  // wrong by several percent and the cells drift by whole characters.
  const spanCells = pAc > 0 ? span / pAc : n;
  let comb: Comb;
  // A cut whose cells the ink does not fill (or that leaves ink out) ranks below cuts that fit
  // the inked extent, so another layout that fits the line wins the ranking in lineGroups.
  let extentPenalty = 0;
  let shortFit = false;
  const spanOk = !(pMax < 0.55 * lh || pMin > 2.2 * lh);
  if (typeof anchor === 'object') {
    const pBox = (anchor.x1 - anchor.x0) / n;
    if (pBox < 0.55 * lh || pBox > 2.2 * lh) return null;
    comb = fitComb(sm, line, n, 0.99 * pBox, 1.01 * pBox, 'box', ink.width, anchor);
  } else comb = spanOk ? fitComb(sm, line, n, pMin, pMax, 'span', ink.width, 'centre', rEst > 0 ? rEst : 1) : { x0: line.xa, p: pMin, r: 1 };
  let spanComb = typeof anchor !== 'object' && spanOk;
  // A window of n cells inside a longer inked extent (the 'long' fit: neighbouring print) only for
  // the longest layout: a 30- or 36-cell window inside a 44-character line whose tail is fillers
  // can pass the shorter format's check digits, a wrong-but-valid read.
  const long = spanCells > n + 1.2 && n >= 44;
  if (typeof anchor !== 'object' && pAc > 0 && spanCells >= 0.3 * n && (spanCells < n - 1.2 || long)) {
    // Taken only when its boundaries fall on clearly cleaner columns than the span fit's.
    const alt = fitComb(sm, line, n, 0.985 * pAc, 1.015 * pAc, long ? 'long' : 'short', ink.width, anchor);
    if (!spanOk || inkAtBoundaries(sm, line, n, alt) < 0.7 * inkAtBoundaries(sm, line, n, comb)) {
      comb = alt;
      spanComb = false;
      extentPenalty = (0.3 * Math.abs(spanCells - n)) / n;
      shortFit = !long;
    }
  }
  if (!spanOk && extentPenalty === 0 && typeof anchor !== 'object') return null;
  let expect = float64(n + 1);
  let bounds = float64(n + 1);
  let fit = refineComb(sm, w, n, comb, expect, bounds);
  // A span comb is chosen by the ink at its own (unrefined) boundaries; where the line's periods
  // say its pitch changes along it by clearly more or less than that comb's, a second comb near
  // their ratio is refined too, and the one whose refined boundaries (plus the ink left outside
  // the cells) are cleaner is kept: a comb with the wrong pitch change can sit on clean columns
  // for most of the line and then slip a whole cell (filler runs are periodic), which the
  // refinement (a third of a cell each way) cannot undo.
  if (tryNearRatio && spanComb && rEst > 0 && Math.abs(comb.r - rEst) > NEAR_RATIO_GAP) {
    const near = fitComb(sm, line, n, pMin, pMax, 'span', w, 'centre', rEst, true);
    const expect2 = float64(n + 1);
    const bounds2 = float64(n + 1);
    const fit2 = refineComb(sm, w, n, near, expect2, bounds2);
    if (fit2 + inkOutside(sm, line, bounds2, n) < fit + inkOutside(sm, line, bounds, n)) {
      expect = expect2;
      bounds = bounds2;
      fit = fit2;
    }
  }
  return cellLineOf(ink, line, n, expect, bounds, fit / (n + 1) + extentPenalty, shortFit);
}

/** Profile level (a full vertical stroke is about 1) at or below which a column counts as clear of ink. */
const STRAY_INK = 0.05;

/**
 * `line` without a short inked piece at either end (at most 1.5 of its periods wide, beyond a
 * clear gap of at least 0.7 periods) when its inked extent holds more than n + 0.6 periods and
 * leaving the piece out brings that closer to n: a mark, the document's edge or noise beyond the
 * MRZ's end that the line finder's gap rule (0.9 line heights) chained onto the line. The span comb
 * then stretched the n cells over it and drifted by a cell or more at that end (session 21: held-out
 * 240037, 90227, fresh 320279). Every MRZ cell holds ink (fillers too), so a line of n cells is
 * never trimmed. The line itself when nothing is trimmed.
 */
function strayEndsTrimmed(ink: InkMap, line: TextLine, n: number): TextLine {
  const { sm, pAc } = lineProfile(ink, line);
  if (!(pAc > 0)) return line;
  const cells = (a: number, b: number): number => (b - a + 1) / pAc;
  if (cells(line.xa, line.xb) < n + 0.6) return line;
  let xa = line.xa;
  let xb = line.xb;
  // The right end: the piece's columns, then the gap's; the line then ends at x.
  let x = xb;
  while (x > xa && (sm[x] as number) > STRAY_INK) x--;
  const rightPiece = xb - x;
  let gapEnd = x;
  while (x > xa && (sm[x] as number) <= STRAY_INK) x--;
  if (rightPiece <= 1.5 * pAc && gapEnd - x >= 0.7 * pAc && Math.abs(cells(xa, x) - n) < Math.abs(cells(xa, xb) - n)) xb = x;
  // The left end, alike.
  x = xa;
  while (x < xb && (sm[x] as number) > STRAY_INK) x++;
  const leftPiece = x - xa;
  gapEnd = x;
  while (x < xb && (sm[x] as number) <= STRAY_INK) x++;
  if (leftPiece <= 1.5 * pAc && x - gapEnd >= 0.7 * pAc && Math.abs(cells(x, xb) - n) < Math.abs(cells(xa, xb) - n)) xa = x;
  return xa === line.xa && xb === line.xb ? line : { ...line, xa, xb };
}

/**
 * Cuts `line` along another line's cell boundaries `ref` (n + 1 of them), each refined as
 * {@link cutLine} refines its comb's (a third of a cell each way). The lines of an MRZ share their
 * columns, and in a band rectified without its whole perspective the pitch changes along the
 * line: a cut over the other line's extent at one pitch (a `TextBox` anchor) drifts a cell in the
 * middle (bench 70254: pitch ratio 1.3 along the line). Never null for n >= 1.
 */
export function cutAlong(ink: InkMap, line: TextLine, ref: Float64Array): CellLine {
  const n = ref.length - 1;
  const { sm } = lineProfile(ink, line);
  const expect = float64(n + 1);
  expect.set(ref);
  const bounds = float64(n + 1);
  const fit = refineAlong(sm, ink.width, n, expect, bounds);
  return cellLineOf(ink, line, n, expect, bounds, fit / (n + 1), false);
}

/** A cut line from its comb (`expect`) and refined boundaries (`bounds`): cap boxes and glyphs. */
function cellLineOf(ink: InkMap, line: TextLine, n: number, expect: Float64Array, bounds: Float64Array, fitCost: number, shortFit: boolean): CellLine {
  const meanPitch = ((expect[n] as number) - (expect[0] as number)) / n;
  // Robust cap box: per-cell ink tops and bottoms (the row profile can be inflated by print or
  // noise just above or below a few cells); upper quartile of tops, lower quartile of bottoms.
  const { tops, bottoms } = capBoxes(ink, line, bounds, n);
  // Most cuts are ranked and never classified: the glyphs are rasterised on first use.
  let glyphs: Float32Array | null = null;
  // The glyph window of cell k: centred on the cell, the comb's own pitch wide (expect, as bounds
  // and the cap boxes, is the frame's: pooled buffers stay taken until the frame ends).
  const rasterAt = (k: number, dx: number, dy: number, scale: number, out: Float32Array, offset: number): void => {
    const pk = (expect[k + 1] as number) - (expect[k] as number);
    const t = tops[k] as number;
    const b = bottoms[k] as number;
    const cx = ((bounds[k] as number) + (bounds[k + 1] as number)) / 2 + dx * pk;
    rasterGlyph(ink, cx, (t + b) / 2 + dy * (b - t + 1), scale * pk, scale * (b - t + 1), out, offset);
  };
  return {
    n, top: Math.round(tops[0] as number), bottom: Math.round(bottoms[0] as number), tops, bottoms, pitch: meanPitch, bounds, fitCost, shortFit,
    get glyphs(): Float32Array {
      if (!glyphs) {
        glyphs = float32(n * GLYPH_SIZE);
        for (let k = 0; k < n; k++) rasterAt(k, 0, 0, 1, glyphs, k * GLYPH_SIZE);
      }
      return glyphs;
    },
    rasterAt,
  };
}

/**
 * Cap-height box of every cell of a cut line: ink tops and bottoms of the full-height glyphs
 * (letters and digits, not the shorter filler) fitted by a straight line across the cells, so a
 * line that is slightly tilted or curved relative to the band (perspective) is still followed. The
 * row profile's box is the fallback.
 *
 * Tried and dropped (session 32): leaving out cells whose ink run reaches the search window's top
 * or bottom (joined to print beyond the line: bench 70226's labels, smeared into line 1 by
 * vertical blur, lift its cap box's top 11 px for glyphs 25 px tall). The quarter-resolution
 * pass's perspective fit changed with it and 70226 lost its line split instead; bench 284/320 the
 * same, 70238 and 70267 worse (no group, read wrong).
 */
function capBoxes(ink: InkMap, line: TextLine, bounds: Float64Array, n: number): { tops: Float64Array; bottoms: Float64Array } {
  const { width: w, height: h, bin } = ink;
  const lh = line.bottom - line.top + 1;
  const tops = float64(n).fill(line.top);
  const bottoms = float64(n).fill(line.bottom);
  const y0 = Math.max(0, Math.round(line.top - 0.45 * lh));
  const y1 = Math.min(h - 1, Math.round(line.bottom + 0.45 * lh));
  const ks: number[] = [];
  const ts: number[] = [];
  const bs: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = bounds[k] as number;
    const b = bounds[k + 1] as number;
    const xa = Math.max(0, Math.round(a + 0.15 * (b - a)));
    const xb = Math.min(w - 1, Math.round(b - 0.15 * (b - a)));
    // Longest vertical run of inked rows (gaps of 1 row allowed) in the cell.
    let best = 0;
    let bt = -1;
    let bb = -1;
    let rs = -1;
    let gap = 0;
    let last = -1;
    for (let y = y0; y <= y1 + 2; y++) {
      // Whether the row holds ink in the cell (the first inked column settles it).
      let inked = false;
      if (y <= y1) {
        const o = y * w;
        for (let x = xa; x <= xb && !inked; x++) inked = bin[o + x] !== 0;
      }
      if (inked) {
        if (rs < 0) rs = y;
        last = y;
        gap = 0;
      } else if (rs >= 0 && ++gap > 1) {
        if (last - rs + 1 > best) {
          best = last - rs + 1;
          bt = rs;
          bb = last;
        }
        rs = -1;
      }
    }
    if (bt >= 0) {
      ks.push(k);
      ts.push(bt);
      bs.push(bb);
    }
  }
  if (ks.length < 4) return { tops, bottoms };
  const heights = ks.map((_, i) => (bs[i] as number) - (ts[i] as number) + 1).sort((p, q) => p - q);
  const full = heights[Math.floor(heights.length * 0.9)] as number;
  let sel = ks.map((_, i) => i).filter((i) => (bs[i] as number) - (ts[i] as number) + 1 >= 0.8 * full && (bs[i] as number) - (ts[i] as number) + 1 <= 1.3 * lh);
  if (sel.length < 4) return { tops, bottoms };
  const fit = (ys: number[], idx: number[]): [number, number] => {
    let sk = 0;
    let sy = 0;
    let skk = 0;
    let sky = 0;
    for (const i of idx) {
      const k = ks[i] as number;
      const y = ys[i] as number;
      sk += k;
      sy += y;
      skk += k * k;
      sky += k * y;
    }
    const m = idx.length;
    const den = m * skk - sk * sk;
    const slope = den > 1e-9 ? (m * sky - sk * sy) / den : 0;
    return [(sy - slope * sk) / m, slope];
  };
  let [ta, tb] = fit(ts, sel);
  let [ba, bb2] = fit(bs, sel);
  // One round of outlier rejection.
  sel = sel.filter((i) => Math.abs((ts[i] as number) - (ta + tb * (ks[i] as number))) < 0.15 * full && Math.abs((bs[i] as number) - (ba + bb2 * (ks[i] as number))) < 0.15 * full);
  if (sel.length >= 4) {
    [ta, tb] = fit(ts, sel);
    [ba, bb2] = fit(bs, sel);
  }
  if (Math.abs(tb) * n > 0.8 * lh || Math.abs(bb2) * n > 0.8 * lh) return { tops, bottoms };
  for (let k = 0; k < n; k++) {
    const t = ta + tb * k;
    const b = ba + bb2 * k;
    if (b - t + 1 < 0.4 * lh) continue;
    tops[k] = t;
    bottoms[k] = b;
  }
  return { tops, bottoms };
}

/** rasterGlyph's sample taps (reused; the engine is single-threaded per worker). */
const tapXi = new Int32Array(2 * GLYPH_W);
const tapXj = new Int32Array(2 * GLYPH_W);
const tapFx = new Float64Array(2 * GLYPH_W);
const tapYi = new Int32Array(2 * GLYPH_H);
const tapYj = new Int32Array(2 * GLYPH_H);
const tapFy = new Float64Array(2 * GLYPH_H);

/**
 * The two supersampled taps of each of `n` output pixels along one axis: for tap j, the clamped source
 * index pair (times `stride`) and the bilinear fraction between them.
 */
function sampleTaps(
  origin: number, step: number, n: number, size: number, stride: number,
  lo: Int32Array, hi: Int32Array, frac: Float64Array,
): void {
  for (let g = 0; g < n; g++) {
    for (let k = 0; k < 2; k++) {
      let v = origin + (g + 0.25 + 0.5 * k) * step - 0.5;
      if (v < 0) v = 0;
      else if (v > size - 1) v = size - 1;
      const vi = Math.floor(v);
      const j = 2 * g + k;
      lo[j] = vi * stride;
      hi[j] = (vi + 1 < size ? vi + 1 : vi) * stride;
      frac[j] = v - vi;
    }
  }
}

/** rasterGlyph's horizontal interpolations per source row and column tap (grown as needed). */
let rowLerps = new Float64Array(0);

/**
 * Rasterises one glyph window centred at (cx, cy): width 1.1 pitch, height 1.3 line height, into
 * GLYPH_W x GLYPH_H with 2x2 supersampled bilinear sampling.
 */
export function rasterGlyph(ink: FloatImage, cx: number, cy: number, pitch: number, lh: number, out: Float32Array, offset: number): void {
  const ww = 1.1 * pitch;
  const hh = 1.3 * lh;
  const x0 = cx - ww / 2;
  const y0 = cy - hh / 2;
  const sx = ww / GLYPH_W;
  const sy = hh / GLYPH_H;
  const { width: w, height: h, data } = ink;
  // Sample taps depend on (gx, b) and (gy, a) only: computed once per glyph with the same
  // operations as per sample (bit-identical), then the four samples of a pixel are blended.
  sampleTaps(x0, sx, GLYPH_W, w, 1, tapXi, tapXj, tapFx);
  sampleTaps(y0, sy, GLYPH_H, h, 1, tapYi, tapYj, tapFy);
  // A source row's interpolation at a column tap (p + (q - p) fx) serves the row taps of
  // neighbouring output rows too: computed once per row and column tap (the same operations, the
  // same doubles), then blended per sample in the same order.
  let rLo = h;
  let rHi = 0;
  for (let j = 0; j < 2 * GLYPH_H; j++) {
    rLo = Math.min(rLo, tapYi[j] as number);
    rHi = Math.max(rHi, tapYj[j] as number);
  }
  const rows = rHi - rLo + 1;
  const taps = 2 * GLYPH_W;
  if (rowLerps.length < rows * taps) rowLerps = new Float64Array(rows * taps);
  const L = rowLerps;
  for (let r = 0; r < rows; r++) {
    const o = (rLo + r) * w;
    const lo = r * taps;
    for (let jb = 0; jb < taps; jb++) {
      const p = data[o + (tapXi[jb] as number)] as number;
      const q = data[o + (tapXj[jb] as number)] as number;
      L[lo + jb] = p + (q - p) * (tapFx[jb] as number);
    }
  }
  for (let gy = 0; gy < GLYPH_H; gy++) {
    const i0 = ((tapYi[2 * gy] as number) - rLo) * taps;
    const j0 = ((tapYj[2 * gy] as number) - rLo) * taps;
    const f0 = tapFy[2 * gy] as number;
    const g0 = 1 - f0;
    const i1 = ((tapYi[2 * gy + 1] as number) - rLo) * taps;
    const j1 = ((tapYj[2 * gy + 1] as number) - rLo) * taps;
    const f1 = tapFy[2 * gy + 1] as number;
    const g1 = 1 - f1;
    const o = offset + gy * GLYPH_W;
    for (let gx = 0, jb = 0; gx < GLYPH_W; gx++, jb += 2) {
      // The four samples summed in the order a = 0, 1 and b = 0, 1 (from 0: the first sum is exact).
      const s =
        (L[i0 + jb] as number) * g0 + (L[j0 + jb] as number) * f0 +
        ((L[i0 + jb + 1] as number) * g0 + (L[j0 + jb + 1] as number) * f0) +
        ((L[i1 + jb] as number) * g1 + (L[j1 + jb] as number) * f1) +
        ((L[i1 + jb + 1] as number) * g1 + (L[j1 + jb + 1] as number) * f1);
      out[o + gx] = s / 4;
    }
  }
}
