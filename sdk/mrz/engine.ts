/**
 * The MRZ reading engine (image side): locate -> rectify -> segment -> classify, then the text side
 * (`correctMrz`: check-digit correction and parsing).
 *
 * Pure TypeScript without DOM: runs in a Web Worker (see `worker.ts`) and in Node (CLI, bench,
 * tests). The classifier weights ship inside the package (`weights.ts`, and the second-opinion
 * CNN's `cnn-weights.ts`, read by `readMrz` when a band look's best cut did not validate, and for
 * the doubtful glyphs of a first reading that validates: `confirmDoubtful`); nothing is fetched.
 * A frame that no look reads validly is given one more chance from the looks together
 * (`fuseAgreeingReadings` in vote.ts): it costs one correction, only on such frames. Then, still
 * only on such frames, the late looks in `readFrame`, in order: sharpened (witnessed), regrouped,
 * periodic-extent, rescued bands, and last the first bands with their motion blur undone
 * (`deblur.ts`, witnessed or standing alone: `standsAlone`).
 *
 * @example
 * ```ts
 * import { readMrz } from 'timpora-kit/sdk/mrz/engine.ts';
 * const ctx = canvas.getContext('2d')!;
 * const result = readMrz(ctx.getImageData(0, 0, canvas.width, canvas.height));
 * if (result?.valid) console.log(result.fields.documentNumber);
 * ```
 * @module
 */

import { classifyGlyphs } from './classify.ts';
import { bestMovedReading, classifyGlyphsSecond, confirmDoubtful, fadedGlyphs, relitLetters, shippedCnn, witnessedReading } from './cnn.ts';
import { correctMrz, MRZ_DOUBT_P, type MrzCorrectOptions } from './correct.ts';
import { breaksOwnRules, checksPassWith, interpretMrz } from './interpret.ts';
import { fuseAgreeingReadings } from './vote.ts';
import { alignedGroups, analyseBand, likelyLayout, lineGroups, PERIODIC_EXTENT, searchedRefocusRatio, shiftedGroup, type BandAnalysis, type LineGroup } from './engine-band.ts';
import type { CellLine, InkMap } from './segment.ts';
import { LAYOUTS, positionClasses, type MrzLayout } from './formats.ts';
import { bandMotion, deblurBand } from './deblur.ts';
import { downscale, readyGray, rotateQuarter, toGray, toGrayLevels, unrotatePoint, type Gray8 } from './image.ts';
import { fastLevels, locateBands, type BandCandidate } from './locate.ts';
import { RECT_MAX_PIXELS, toFrame, type RectSpec } from './rectify.ts';
import { characterPitch, MIN_DOUBTFUL_PITCH, printBlur } from './region.ts';
import { frameBuffer } from './simd.ts';
import { withFramePool } from './scratch.ts';
import type { GrayImage, LineCandidates, MrzFormat, MrzImageResult, MrzResult, MrzTimings, Point, RgbaImage } from './types.ts';

/** Options of the engine's `readMrz()` and `recognizeMrz()` (run in the MRZ worker; see `MrzWorkerReadOptions`). */
export interface ReadMrzOptions {
  /** Formats to accept (default: all). */
  readonly formats?: readonly MrzFormat[];
  /** Still images: also try the frame rotated by 90, 180 and 270 degrees (default false). */
  readonly rotations?: boolean;
  /**
   * Maximum band candidates examined per orientation (default 3: of 817 valid reads on the bench's
   * and three held-out synthetic sets and the real samples, none came from a 4th band, while a
   * frame that reads nothing examined each band it was given).
   */
  readonly maxBands?: number;
  /**
   * Camera frames: milliseconds after which the looks not yet begun are skipped, and the frame
   * gives what it read so far (default: no limit). A frame that reads nothing valid tries many
   * looks (bench median 0.8 s, Node); by then the camera has a newer frame, which for a document
   * still moving into place reads sooner. Photos should not set it.
   */
  readonly budgetMs?: number;
  /**
   * Called once, at the end, when the frame gives no valid read but shows an MRZ: a band whose best
   * reading, however poor, reached `MRZ_SIGHTING_CONFIDENCE` (engine.ts). The camera scanner asks for the
   * document closer when its characters are too small to read (`MrzSighting.pitch`), and to hold it
   * still when its print is blurred (`MrzSighting.blur`).
   */
  readonly onSighting?: (sighting: MrzSighting) => void;
}

/** An MRZ that a frame shows but that was not read validly (see `ReadMrzOptions.onSighting`). */
export interface MrzSighting {
  /** Band corners in frame coordinates: top-left, top-right, bottom-right, bottom-left (reading order). */
  readonly corners: readonly [Point, Point, Point, Point];
  /** Characters per line (30, 36 or 44). */
  readonly lineLength: number;
  /** Confidence of the band's best reading. */
  readonly confidence: number;
  /**
   * Pixels per character along its lines where the engine read them (`characterPitch` of the corners
   * in its working frame: an image over 2000 pixels is read at a half, a third, ...): under
   * `MRZ_READABLE_PITCH` the characters are too small to read reliably. Kept when a caller maps the
   * corners into another frame (the worker's downscale), since that is what the engine had to read.
   */
  readonly pitch: number;
  /**
   * How blurred its print is, in characters' pitch (see `printBlur`): above `MRZ_BLURRED` the camera
   * scanner asks to hold the document and the camera still.
   */
  readonly blur: number;
}

/**
 * Least confidence of a frame's best reading for the band to count as an MRZ in view (see
 * `ReadMrzOptions.onSighting`). Text that is no MRZ is cut and read too: on 320 synthetic frames
 * without one (the bench's 20 and seeds 9100000-9100299), 97 gave a reading, every one under 0.0001.
 * Of the bench's 36 frames not read validly, 22 show their MRZ at this bar, 16 of the 25 whose
 * characters are under `MRZ_READABLE_PITCH` (session 29).
 */
export const MRZ_SIGHTING_CONFIDENCE = 0.001;

/** The options inside one read: the caller's, and whether the frame's time is spent (see `budgetMs`). */
interface LookOptions extends ReadMrzOptions {
  readonly spent: () => boolean;
}

/** The options of a read begun at `t0`: spent once `budgetMs` has passed (never without one). */
function lookOptions(options: ReadMrzOptions, t0: number): LookOptions {
  const budget = options.budgetMs;
  return { ...options, spent: budget === undefined ? () => false : () => now() - t0 > budget };
}

/** One recognised MRZ hypothesis: classifier alternatives per line and where it is. */
export interface MrzRecognition {
  /** Per-line, per-position classifier alternatives (2 or 3 lines). */
  readonly lines: readonly LineCandidates[];
  /** Characters per line (30, 36 or 44). */
  readonly lineLength: number;
  /** Band corners in frame coordinates: top-left, top-right, bottom-right, bottom-left (reading order). */
  readonly corners: readonly [Point, Point, Point, Point];
  /** Segmentation fit cost (lower is a cleaner cut). */
  readonly fitCost: number;
  /** Clockwise quarter turns applied to the frame before reading (0 for upright documents). */
  readonly quarterTurns: number;
}

/** Output of {@link recognizeMrz}. */
export interface MrzRecognitionSet {
  /** Hypotheses, most plausible first (possibly empty). */
  readonly candidates: readonly MrzRecognition[];
  readonly timings: MrzTimings;
}

/** Longest side the engine works at; larger frames are downscaled first. */
const MAX_SIDE = 2000;

function zeroTimings(): MrzTimings {
  return { locate: 0, rectify: 0, segment: 0, classify: 0, correct: 0, total: 0 };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function sizesFor(formats: readonly MrzFormat[] | undefined): (30 | 36 | 44)[] {
  const f = formats && formats.length > 0 ? formats : (Object.keys(LAYOUTS) as MrzFormat[]);
  return [...new Set(f.map((x) => LAYOUTS[x].lineLength as 30 | 36 | 44))];
}

interface Prepared {
  /** The working frame; possibly converted on demand (see `toGrayLevels`: readers call `readyGray`). */
  readonly gray: Gray8;
  /**
   * Block-mean levels of the upright `gray` by factor (see `downscale`), shared by its locate passes
   * and band rectifications; the fast locate pass's levels are made with the grey frame.
   */
  readonly pyramid: Map<number, Gray8>;
  /** Frame pixels per working pixel. */
  readonly factor: number;
  readonly width: number;
  readonly height: number;
}

/** The greyscale frame's buffer, reused between calls (the engine is synchronous, one frame at a time). */
let grayBuf: Uint8Array = new Uint8Array(0);

function prepare(image: RgbaImage | GrayImage): Prepared | null {
  let gray: Gray8 | null;
  const pyramid = new Map<number, Gray8>();
  try {
    const { width, height } = image;
    const n = width * height;
    // In the SIMD kernels' memory where they compile (rectify samples it there; see simd.ts).
    const inWasm = n <= 16e6 ? frameBuffer(n, RECT_MAX_PIXELS) : null;
    if (inWasm) grayBuf = inWasm;
    else if (n > grayBuf.length && n <= 16e6) grayBuf = new Uint8Array(n);
    // A grey frame read at full size is copied there too (a copy is a small share of a frame).
    const { data } = image;
    if (inWasm && Math.max(width, height) <= MAX_SIDE && (data instanceof Uint8Array || data instanceof Uint8ClampedArray) && data.length >= n && data.length < 4 * n) {
      inWasm.set(data.subarray(0, n));
      image = { width, height, data: inWasm };
    }
    // Frames the engine reads at full size: the fast locate pass's two levels made along with the
    // grey frame (see toGrayLevels; the same bytes as downscaling it), which is converted whole by
    // SIMD in the kernels' memory, or without them where it is read (the band windows; the whole
    // frame only for a finer pass or another orientation).
    const levels = Math.max(width, height) <= MAX_SIDE ? fastLevels(width, height) : [];
    const [f, f2] = levels as [number, number | undefined];
    if (levels.length === 2 && f2 === 2 * f && f > 1) {
      const two = toGrayLevels(image, f, grayBuf);
      gray = two?.gray ?? null;
      if (two) {
        pyramid.set(f, two.levels[0]);
        pyramid.set(f2, two.levels[1]);
      }
    } else gray = toGray(image, grayBuf);
  } catch {
    return null;
  }
  if (!gray || gray.width < 24 || gray.height < 16) return null;
  const long = Math.max(gray.width, gray.height);
  const factor = long > MAX_SIDE ? Math.ceil(long / MAX_SIDE) : 1;
  return { gray: downscale(gray, factor), pyramid, factor, width: gray.width, height: gray.height };
}

function groupCorners(group: LineGroup, spec: RectSpec): [Point, Point, Point, Point] {
  const first = group.cells[0];
  const last = group.cells[group.cells.length - 1];
  if (!first || !last) {
    const p = toFrame(spec, 0, 0);
    return [p, p, p, p];
  }
  const n = group.n;
  return [
    toFrame(spec, first.bounds[0] as number, first.top),
    toFrame(spec, first.bounds[n] as number, first.top),
    toFrame(spec, last.bounds[n] as number, last.bottom + 1),
    toFrame(spec, last.bounds[0] as number, last.bottom + 1),
  ];
}

/** Bands the fine locate pass reads (see `scan`). */
const FINE_BANDS = 1;

/**
 * Receives each reading of a cut; returns true to stop. A reading may come with `confirm`, the
 * other classifier's view of it: a first classifier's reading its doubtful glyphs read again by
 * the ensemble (see `confirmDoubtful`), an ensemble's reading witnessed by the first classifier's
 * (see `witnessedReading`). A reading that validates must validate confirmed too. A `part`
 * reading is of a cut that stops inside a longer line (see `goesOnRepeating`): never a result of
 * its own, only a witness (see `witnessed`). `glyphs` measures the cut's glyphs for the corrector's
 * rules on a reading that validates. `witnesses` gives the other classifiers' readings of the cut,
 * for the corrector (see correctMrz's `witnesses`: asked only for a reading refused by a check-blind
 * swap or an unchecked O or 0 alone).
 */
type Visit = (rec: MrzRecognition, confirm?: () => LineCandidates[], part?: boolean, glyphs?: CutGlyphs, witnesses?: () => LineCandidates[][]) => boolean;

/** What the corrector's glare rules need of a cut's glyphs (correctMrz's `faded` and `relit`). */
interface CutGlyphs {
  /** Per line, its faded glyphs (see `fadedGlyphs`). */
  faded(): Uint8Array[];
  /** Per line, the fuller letter each letter of `read` (the cut's reading) reads re-lit (see `relitLetters`). */
  relit(read: readonly string[]): string[][];
}

/**
 * Iterates MRZ hypotheses in one orientation; `visit` returns true to stop early.
 */
function scan(
  prep: Prepared,
  quarterTurns: number,
  options: LookOptions,
  timings: MrzTimings,
  visit: Visit,
  fine = false,
  lastLooks?: (() => boolean)[],
  regroupLooks?: (() => boolean)[],
  extentLooks?: (() => boolean)[],
  rescueLooks?: (() => boolean)[],
  deblurLooks?: (() => boolean)[],
): boolean {
  let t = now();
  const g = rotateQuarter(prep.gray, quarterTurns);
  // The levels of the upright frame, or of this orientation's own (made as needed).
  const pyramid = quarterTurns === 0 ? prep.pyramid : new Map<number, Gray8>();
  const maxCandidates = options.maxBands ?? 3;
  const tried = locateBands(g, { maxCandidates, pyramid });
  let t2 = now();
  timings.locate += t2 - t;
  if (readBands(g, pyramid, tried, prep, quarterTurns, options, timings, visit, fine, lastLooks, regroupLooks, extentLooks, deblurLooks)) return true;
  if (!fine || options.spent()) return false;
  // Fast pass found nothing readable: a finer locate pass, skipping the bands already examined,
  // reading only its best band (the costly frames are the ones that find nothing; the bench's and
  // the held-out frames the fine pass rescues were all read from its first band). An upright frame
  // also has its text blocks split into lines (an MRZ merged with labels or print), even when the
  // fast pass found bands (one MRZ line merged with labels beside the other line's band: bench
  // 70270). Until session 17 that read fewer frames: strips of a page of print outranked the MRZ,
  // which locate's bar on lines too long for their thickness now stops. Splitting every
  // orientation cost 4-14% time on those frames and read no more.
  t = now();
  const more = locateBands(g, { maxCandidates: Math.min(maxCandidates, FINE_BANDS), fine: true, exclude: tried, split: quarterTurns === 0, pyramid });
  t2 = now();
  timings.locate += t2 - t;
  if (readBands(g, pyramid, more, prep, quarterTurns, options, timings, visit, fine, lastLooks, regroupLooks, extentLooks, deblurLooks)) return true;
  // Last of all (see readFrame): the fine pass's next bands, and those it dropped as duplicates of
  // an examined band although their lines are of another thickness (see locate's `keepResolved`).
  if (rescueLooks) {
    rescueLooks.push(() => {
      if (options.spent()) return false;
      const t3 = now();
      const rescued = locateBands(g, { maxCandidates: RESCUE_BANDS, fine: true, exclude: [...tried, ...more], split: quarterTurns === 0, pyramid, keepResolved: true });
      timings.locate += now() - t3;
      return readBands(g, pyramid, rescued, prep, quarterTurns, options, timings, visit, fine);
    });
  }
  return false;
}

/**
 * Bands of the rescue looks (see `scan`, run last by readFrame). Session 24: of the 18 bench and
 * fresh frames whose MRZ band locate never proposed or ranked below the band read, 4 had a matching
 * band among the fine pass's next three or its thickness-distinct duplicates.
 */
const RESCUE_BANDS = 3;

/** Mean ink over rows `top..bottom` and columns `x0..x1` (clamped) of an ink map. */
function meanInk(ink: InkMap, x0: number, x1: number, top: number, bottom: number): number {
  const a = Math.max(0, Math.round(x0));
  const b = Math.min(ink.width - 1, Math.round(x1));
  const y0 = Math.max(0, Math.round(top));
  const y1 = Math.min(ink.height - 1, Math.round(bottom));
  if (b < a || y1 < y0) return 0;
  let s = 0;
  for (let y = y0; y <= y1; y++) {
    const o = y * ink.width;
    for (let x = a; x <= b; x++) s += ink.data[o + x] as number;
  }
  return s / ((b - a + 1) * (y1 - y0 + 1));
}

/**
 * True when every line of the group has glyph-like ink in the cell just after its last cell (or
 * just before its first), or runs off the rectified window there: the MRZ goes on (or may go on)
 * beyond the cut, so the cut is not (proven to be) the whole line.
 */
function continuesBeyond(ink: InkMap, group: LineGroup): boolean {
  const n = group.n;
  let right = 0;
  let left = 0;
  for (const c of group.cells) {
    const p = c.pitch;
    const x0 = c.bounds[0] as number;
    const xn = c.bounds[n] as number;
    // Typical ink of this line's cells (the mean over the whole cut, fillers included).
    const level = meanInk(ink, x0, xn, c.top, c.bottom);
    if (!(level > 0)) return false;
    // Two cells beyond each end, inset so a neighbouring glyph's edge does not count. Glyph-like:
    // darker than the rows just above or below the line there (a continuing MRZ line has blank
    // gaps between lines; a dark desk or the document's edge is as dark at every row).
    const lh = c.bottom - c.top + 1;
    const glyphs = (xa: number, xb: number): boolean => {
      const m = meanInk(ink, xa, xb, c.top, c.bottom);
      const gap = Math.min(meanInk(ink, xa, xb, c.top - 0.7 * lh, c.top - 0.25 * lh), meanInk(ink, xa, xb, c.bottom + 0.25 * lh, c.bottom + 0.7 * lh));
      return m > 0.6 * level && m > 2 * gap;
    };
    // A cut that runs off the rectified window (less than 1.5 cells left beyond it) cannot show
    // that the line ends there: counted as going on.
    if (xn > ink.width - 1.5 * p || (xn + 2 * p < ink.width && glyphs(xn + 0.15 * p, xn + 1.85 * p))) right++;
    if (x0 < 1.5 * p || (x0 - 2 * p >= 0 && glyphs(x0 - 1.85 * p, x0 - 0.15 * p))) left++;
  }
  const lines = group.cells.length;
  return right === lines || left === lines;
}

/**
 * Share of a line's own mean ink from which ink just beyond its end, lying on the line's rows and
 * not above or below them, may be the line going on, faded (see `endsBlank`). Session 22: fresh
 * frames 430109 and 430472 (MRV-A, glare over the lines' tails) kept 0.29-0.46 of it there, twice
 * to four times the rows beside, and their first 36 cells were reported valid as MRV-B.
 */
const FADED_TAIL = 0.2;

/** Glyph rhythm (see `cellRhythm`) of a line's last cells below which it tells nothing. */
const MIN_RHYTHM = 0.1;
/**
 * Share of a line's own rhythm below which the two cells beyond it are not its glyphs. Measured on
 * the exact cuts of bench 70000's 36- and 44-character frames: a 44-cell cut cut short after 36
 * cells keeps at least 0.45 of its rhythm beyond that (368 lines, most about 1); the ink beyond
 * 70132's whole 36-cell lines (a glare ring and the card's edge) keeps 0.01-0.04.
 */
const RHYTHM_ENDS = 0.25;

/**
 * Glyph rhythm of a line over cells `k0..k1` (exclusive; cells past the cut continue at its
 * pitch): mean ink of the cells' middles less the mean ink at their left boundaries.
 */
function cellRhythm(ink: InkMap, c: CellLine, n: number, k0: number, k1: number): number {
  const p = c.pitch;
  const xAt = (k: number): number => (k <= n ? (c.bounds[k] as number) : (c.bounds[n] as number) + (k - n) * p);
  let mid = 0;
  let edge = 0;
  for (let k = k0; k < k1; k++) {
    const xa = xAt(k);
    const w = xAt(k + 1) - xa;
    mid += meanInk(ink, xa + 0.3 * w, xa + 0.7 * w, c.top, c.bottom);
    edge += meanInk(ink, xa - 0.1 * w, xa + 0.1 * w, c.top, c.bottom);
  }
  return (mid - edge) / (k1 - k0);
}

/**
 * Correlation from which the two cells beyond a line's end, compared pixel for pixel with its last
 * two cells, repeat them: the line goes on in the same glyphs (a filler tail, however light).
 * Session 23: fresh frame 460445 (MRV-A, glare over line 2's tail) kept only 0.36-0.39 of the
 * lines' ink beyond 36 cells, 1.8 times the rows beside, which `endsBlank` took for blank paper,
 * and its first 36 cells were reported valid as MRV-B. Measured on five sets (2,820 frames): the
 * 36-cell cuts that read a 44-character MRZ exactly repeat at 0.55-0.86 on some line, in every
 * reading of the 6 such frames; the exact readings of 537 36-character documents at most 0.38 on
 * any line.
 */
const REPEATS_BEYOND = 0.5;

/**
 * Pearson correlation of a line's last two cells with the two cells beyond its end (at its
 * pitch), over the line's rows: near 0 for paper, a desk or a card's edge; high where the line
 * goes on repeating its glyphs.
 */
function repeatsBeyond(ink: InkMap, c: CellLine, n: number): number {
  const x0 = c.bounds[n - 2] as number;
  const xn = c.bounds[n] as number;
  const w = Math.round(xn - x0);
  const y0 = Math.max(0, Math.round(c.top));
  const y1 = Math.min(ink.height - 1, Math.round(c.bottom));
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let k = 0;
  for (let y = y0; y <= y1; y++) {
    const o = y * ink.width;
    for (let dx = 0; dx < w; dx++) {
      const xb = Math.round(xn + dx);
      if (xb >= ink.width) break;
      const a = ink.data[o + Math.round(x0 + dx)] as number;
      const b = ink.data[o + xb] as number;
      sa += a;
      sb += b;
      saa += a * a;
      sbb += b * b;
      sab += a * b;
      k++;
    }
  }
  if (k < 2) return 0;
  const va = saa / k - (sa / k) ** 2;
  const vb = sbb / k - (sb / k) ** 2;
  return va > 0 && vb > 0 ? (sab / k - (sa / k) * (sb / k)) / Math.sqrt(va * vb) : 0;
}

/**
 * True when some line of the cut goes on beyond its end repeating its last two cells (see
 * `REPEATS_BEYOND`): the cut stops inside a longer line. Exported for its test.
 */
export function goesOnRepeating(ink: InkMap, group: LineGroup): boolean {
  return group.cells.some((c) => repeatsBeyond(ink, c, group.n) >= REPEATS_BEYOND);
}

/**
 * True when every line of the cut is followed, within the window, by two cells of little ink (mean
 * below half the line's own mean), of ink no darker than the rows just above or below the line
 * there (the document's edge or a desk, not glyphs), or of ink without the line's glyph rhythm
 * (see `cellRhythm`: a glare ring, the card's edge seen at an angle): the line ends there.
 * Exported for its test (a 44-character line cut after 36 cells must not end there).
 */
export function endsBlank(ink: InkMap, group: LineGroup): boolean {
  return group.cells.every((c) => {
    const xn = c.bounds[group.n] as number;
    const p = c.pitch;
    if (xn + 2 * p >= ink.width) return false;
    const level = meanInk(ink, c.bounds[0] as number, xn, c.top, c.bottom);
    const xa = xn + 0.15 * p;
    const xb = xn + 1.85 * p;
    const m = meanInk(ink, xa, xb, c.top, c.bottom);
    const lh = c.bottom - c.top + 1;
    const gap = Math.min(meanInk(ink, xa, xb, c.top - 0.7 * lh, c.top - 0.25 * lh), meanInk(ink, xa, xb, c.bottom + 0.25 * lh, c.bottom + 0.7 * lh));
    // Little ink is blank paper, unless it lies on the line's rows only: glare fading the tail of a
    // longer line (it is then judged by its rhythm, below).
    if (m < 0.5 * level && !(m >= FADED_TAIL * level && m > 2 * gap)) return true;
    if (m <= 1.5 * gap) return true;
    // Ink without the line's rhythm (a glare ring, the document's edge, a shadow): a line going on,
    // even in faint fillers, keeps its cells' dark middles and light boundaries.
    const inside = cellRhythm(ink, c, group.n, group.n - 4, group.n);
    return inside >= MIN_RHYTHM && cellRhythm(ink, c, group.n, group.n, group.n + 2) < RHYTHM_ENDS * inside;
  });
}

/** True when a line of the cut ends less than 1.5 cells from the rectified window's edge. */
function runsOffWindow(ink: InkMap, group: LineGroup): boolean {
  return group.cells.some((c) => (c.bounds[group.n] as number) > ink.width - 1.5 * c.pitch || (c.bounds[0] as number) < 1.5 * c.pitch);
}

/** Window margin (line lengths per side) of the second look at a band whose cut ran into the edge. */
const WIDE_MARGIN = 0.16;

/**
 * Window margin of the widest look: a band whose cut ran into the wider window's edge too (a band
 * found only in part, its tail too faint for the mask). Looked at last, in readFrame's queue of
 * last looks (after the fused reading, its valid reading witnessed as the sharpened looks' are):
 * as WIDE_MARGIN it lost bench 70004 and 70268 and held-out 90099, 90270, 240114 and 240125, and
 * read bench 70045 falsely; read before the fused reading, 70045 still. Its four best cuts are
 * read, as a cut anchored at the lines' start can rank below a part-found band's shorter cuts.
 */
const WIDEST_MARGIN = 0.25;

/** A band to rectify and read, with its window margin (undefined: the default one). */
interface BandLook {
  readonly band: BandCandidate;
  readonly margin?: number;
  /**
   * A fallback look at the band from its first look: in the loose window (`loose`) or sheared
   * upright at full resolution (`upright`).
   */
  readonly fallback?: () => BandAnalysis | null;
  /** The loose look: its cuts are read by the first classifier only (no second opinion). */
  readonly loose?: boolean;
}

/** Whole-cell moves of the best cut tried when no cut of a band reads validly. */
const SHIFTS = [1, -1, 2, -2] as const;

/**
 * Whole-line moves of the glyph windows ([pitches, cap heights]) of the second-opinion cut, read
 * when its ensemble reading did not validate (see `bestMovedReading`).
 */
const LINE_MOVES = [
  [0.08, 0],
  [-0.08, 0],
  [0, 0.06],
  [0, -0.06],
] as const;

/**
 * Rectifies, segments and classifies the bands in order; `visit` returns true to stop. Per band,
 * the best group of the likely layout (see `likelyLayout`) is read first, so a frame that reads
 * validly there cuts no other layout; otherwise the three best-fitting groups of every layout follow.
 * A band whose cut ran into its window's edge is looked at again in a wider window. Only when all of
 * that failed, each band is looked at in its loose window (see `BandAnalysis.loose`; the first look's
 * window is tight), then its two best cuts are tried with their lines aligned and moved by whole
 * cells, then it is sheared upright: the frames the first cuts read cost nothing more. With
 * `secondOpinion` (readMrz), a look's best-ranked cut whose first reading `visit` did not accept is
 * read again by the second-opinion classifier (cnn.ts: the CNN and MLP ensemble) and visited once
 * more before the next cut; when that reading fails too, its lines are read by the ensemble with
 * their glyph windows moved as a whole ({@link LINE_MOVES}) and the surest reading of each line is
 * visited (only when some line's changed), once everything else failed. After those, the other
 * ranked cuts of every look (and the loose look's cuts), which the first classifier alone read, are
 * read by the second opinion and visited (session 15: held-out 90000 258 -> 259, the other sets the
 * same, 0 false accepts; frames that read earlier cost nothing more, failing ones more: Node p95).
 */
function readBands(
  g: Gray8,
  pyramid: Map<number, Gray8>,
  bands: readonly BandCandidate[],
  prep: Prepared,
  quarterTurns: number,
  options: LookOptions,
  timings: MrzTimings,
  visit: Visit,
  secondOpinion = false,
  lastLooks?: (() => boolean)[],
  regroupLooks?: (() => boolean)[],
  extentLooks?: (() => boolean)[],
  deblurLooks?: (() => boolean)[],
): boolean {
  let t = 0;
  let t2 = 0;
  const sizes = sizesFor(options.formats);
  // Each band once with the default window, then (only when a cut ran into that window's edge)
  // once more with a wider one; the fallback cuts of a band only once every band's own cuts failed.
  const queue: BandLook[] = bands.map((band) => ({ band }));
  const fallbacks: (() => boolean)[] = [];
  // Bands already queued for the wider look: the loose and upright fallback looks also have the
  // default margin, and their cuts running into the edge queued the same wider look (and its moved
  // cuts) once more, on frames that read nothing (the same readings again).
  const widened = new Set<BandCandidate>();
  // Bands whose wider look's cut ran into its edge too: for the widest look, last.
  const widest = new Set<BandCandidate>();
  // The moved readings of the second-opinion cuts (see `read`), after every fallback.
  const lastResorts: (() => boolean)[] = [];
  // The second opinion of the other ranked cuts (see `read`), after the moved readings.
  const lateSeconds: (() => boolean)[] = [];
  const look = ({ band, margin, fallback, loose }: BandLook): boolean => {
    if (options.spent()) return false;
    t = now();
    const a = fallback ? fallback() : analyseBand(g, band, pyramid, margin);
    t2 = now();
    timings.rectify += t2 - t;
    if (!a) return false;
    let widen = margin === undefined;
    const read = (group: LineGroup, second = false, late = false): boolean => {
      // A cut that stops inside a longer line (a band found only in part, or a 44-character line
      // cut as 36) can pass every check digit of the shorter format; skip it.
      if (continuesBeyond(a.ink, group)) {
        if (widen && !widened.has(band) && runsOffWindow(a.ink, group)) {
          widen = false;
          widened.add(band);
          queue.push({ band, margin: WIDE_MARGIN });
        } else if (margin === WIDE_MARGIN && runsOffWindow(a.ink, group)) widest.add(band);
        return false;
      }
      // Every 36-cell cut must end in blank paper: faint filler cells beyond it (too light for
      // continuesBeyond's glyph test: glare, light print) may be the tail of a 44-character line (an
      // MRV-A cut as 36 passes MRV-B's digits). A 44-cell cut has no longer line to be the start of:
      // until session 19 the wider window's 44-cell cuts had to end blank too, which refused
      // held-out 170186's exact, valid cut (a shadow beyond it kept 0.32 of the line's rhythm).
      // A 36-cell cut whose lines go on repeating their last cells, however faintly, is the start
      // of a longer line: read only as a witness of the longer reading (bench 70131's widest look).
      const part = group.n === 36 && goesOnRepeating(a.ink, group);
      if (group.n === 36 && !part && !endsBlank(a.ink, group)) return false;
      t = now();
      const lines = group.cells.map((c) => classifyGlyphs(c.glyphs, c.n));
      t2 = now();
      timings.classify += t2 - t;
      const local = groupCorners(group, a.spec);
      const corners = local.map((p) => {
        const q = unrotatePoint(p.x, p.y, quarterTurns, prep.gray.width, prep.gray.height);
        return { x: q.x * prep.factor, y: q.y * prep.factor };
      }) as [Point, Point, Point, Point];
      const rec = { lines, lineLength: group.n, corners, fitCost: group.fitCost, quarterTurns };
      // Confirmed only when asked (a reading about to validate): other cuts cost nothing more
      // (confirming every first reading cost p95 +22% Chromium, the real samples' median +45%).
      const confirm = (): LineCandidates[] => {
        const t0 = now();
        const out = group.cells.map((c, i) => confirmDoubtful(lines[i] as LineCandidates, c.glyphs));
        timings.classify += now() - t0;
        return out;
      };
      let fadedCut: Uint8Array[] | undefined;
      const glyphs: CutGlyphs = {
        faded: () => (fadedCut ??= group.cells.map((c) => fadedGlyphs(c.glyphs, c.n))),
        // The ensemble's reading of re-lit glyphs counts as classifying (it ran untimed, in no stage).
        relit: (read) => {
          const t0 = now();
          const out = group.cells.map((c, i) => relitLetters(read[i] ?? '', c.glyphs));
          timings.classify += now() - t0;
          return out;
        },
      };
      // The witness of a check-blind swap (see correctMrz's `witnesses`) is the classifier that did
      // not make the reading: the CNN alone for the first classifier's (the MLP's), the MLP for the
      // ensemble's (bench 70309: U read at 0.93 with 0 at 0.07 by the ensemble, 0.004 by the MLP).
      let cnnCut: LineCandidates[] | undefined;
      const cnnAlone = (): LineCandidates[] => {
        if (!cnnCut) {
          const t0 = now();
          cnnCut = group.cells.map((c) => classifyGlyphsSecond(c.glyphs, c.n, 4, 0.002, shippedCnn(), null));
          timings.classify += now() - t0;
        }
        return cnnCut;
      };
      const byCnn = (): LineCandidates[][] => [cnnAlone()];
      const byFirstOnly = (): LineCandidates[][] => [lines];
      if (part) return visit(rec, undefined, true);
      if (visit(rec, confirm, false, glyphs, byCnn)) return true;
      // The ensemble's readings of this cut are witnessed by the first classifier's reading of it
      // (see witnessedReading); a moved reading by the unmoved one too (its windows are moved by
      // a tenth of a pitch at most).
      const byFirst = (ens: LineCandidates[]) => (): LineCandidates[] => ens.map((l, i) => witnessedReading(l, lines[i] as LineCandidates, glyphs.faded()[i] as Uint8Array));
      if (!second) {
        // A ranked cut the second opinion did not read at once: read by it only once everything
        // else failed (every such cut read at once cost the bench's median frame about 8%).
        if (late) {
          lateSeconds.push(() => {
            if (options.spent()) return false;
            t = now();
            const lines2 = group.cells.map((c) => classifyGlyphsSecond(c.glyphs, c.n));
            timings.classify += now() - t;
            return visit({ ...rec, lines: lines2 }, byFirst(lines2), false, glyphs, byFirstOnly);
          });
        }
        return false;
      }
      t = now();
      const again = group.cells.map((c) => classifyGlyphsSecond(c.glyphs, c.n));
      timings.classify += now() - t;
      if (visit({ ...rec, lines: again }, byFirst(again), false, glyphs, byFirstOnly)) return true;
      // Once every look and fallback of every band failed: each line of that cut read by the
      // ensemble with its glyph windows moved as a whole (a cut a little off its glyphs), visited
      // when a moved reading of some line is surer. Last, so a frame that any other cut reads costs
      // nothing more (read right after the second opinion, it cost the bench's frames read by a
      // later cut: paired median ratio 1.06, p95 +47%, Chromium). The cut's buffers are the frame's.
      lastResorts.push(() => {
        if (options.spent()) return false;
        t = now();
        const moved = group.cells.map((c, i) => bestMovedReading(c, again[i] as LineCandidates, LINE_MOVES));
        timings.classify += now() - t;
        return moved.some((l, i) => l !== again[i]) && visit({ ...rec, lines: moved }, byFirst(moved), false, glyphs, byFirstOnly);
      });
      return false;
    };
    t = now();
    const likely = likelyLayout(a, sizes);
    const bySize = new Map<number, LineGroup[]>();
    if (likely !== null) bySize.set(likely, lineGroups(a, [likely], { jointExtent: true }));
    const first = likely !== null ? bySize.get(likely)?.[0] : undefined;
    timings.segment += now() - t;
    // The second opinion reads only the look's best-ranked cut again: on every failed cut it cost
    // 8-10% of the median frame and doubled the p95 (frames whose later cuts read).
    // The loose look's cuts are read once: its second opinions cost about 9% of the time of a
    // frame that reads nothing (per-frame median over the bench's 62 such frames, Node), and the
    // frames it rescued on the bench and held-out 90000 were read by the first classifier.
    const second = secondOpinion && !loose;
    if (first && read(first, second, secondOpinion && !second)) return true;
    t = now();
    const all: LineGroup[] = [];
    for (const n of sizes) for (const x of bySize.get(n) ?? lineGroups(a, [n], { jointExtent: true })) all.push(x);
    // Stable sort: the same order as lineGroups(a, sizes).
    all.sort((x, y) => x.fitCost - y.fitCost);
    timings.segment += now() - t;
    for (const group of all.slice(0, margin === WIDEST_MARGIN ? 4 : 3)) {
      if (group === first) continue;
      const atOnce = second && !first && group === all[0];
      if (read(group, atOnce, secondOpinion && !atOnce)) return true;
    }
    // Then the two best cuts placed from the lines' last glyph (see lineGroups' `lastGlyph`), made
    // only now: among the three best they pushed out a cut that read (held-out 90188).
    t = now();
    const ends = lineGroups(a, sizes, { jointExtent: true, lastGlyph: true }).slice(0, 2);
    timings.segment += now() - t;
    for (const group of ends) if (read(group, false, secondOpinion)) return true;
    // Nothing valid: the two best cuts (the likely layout's first) with their lines aligned on one
    // another, or moved by a cell (see alignedGroups, shiftedGroup), later.
    // A fallback look adds no fallbacks.
    if (fallback) return false;
    // First, the band in the loose window (a tight one can leave too few blank rows for the ink
    // map's levels, or cut a line the half-resolution box missed): before the moved cuts, as the
    // loose window was the only one before the tight one.
    const looseLook = a.loose;
    if (margin === undefined && looseLook) fallbacks.push(() => look({ band, fallback: looseLook, loose: true }));
    for (const best of [...new Set([first ?? all[0], all[0], all[1]])].slice(0, 2)) {
      if (!best) continue;
      fallbacks.push(() => {
        t = now();
        const more = alignedGroups(a, best);
        for (const s of SHIFTS) {
          const moved = shiftedGroup(a, best, s);
          if (moved) more.push(moved);
        }
        timings.segment += now() - t;
        return more.some((m) => read(m));
      });
    }
    // Last, the band sheared upright at full resolution when its glyphs still lean (a document seen
    // at an angle whose half-resolution slant was off): a second rectification only for a band
    // nothing else read, its lean measured on this look's ink map.
    const uprightLook = a.upright;
    if (margin === undefined && uprightLook) fallbacks.push(() => look({ band, fallback: uprightLook }));
    // Then the band rectified again without the foreshortening its lines still show (see
    // BandAnalysis.refocus): its cells drift along a line whose pitch changes beyond a comb's reach.
    const refocusLook = a.refocus;
    if (margin === undefined && refocusLook) {
      fallbacks.push(() => look({ band, fallback: () => refocusLook() }));
      // Last, where the lines' thirds gave that look its ratio, the ratio the search over ratios
      // finds when it differs (see searchedRefocusRatio): the thirds misjudge strong or uneven changes.
      fallbacks.push(() => {
        const r = searchedRefocusRatio(a);
        return r > 0 && look({ band, fallback: () => refocusLook(r) });
      });
    }
    return false;
  };
  for (let qi = 0, fi = 0; qi < queue.length || fi < fallbacks.length; ) {
    // Queued looks first: a fallback's cut can still queue a wider look, taken before the next fallback.
    const found = qi < queue.length ? look(queue[qi++] as BandLook) : (fallbacks[fi++] as () => boolean)();
    if (found) return true;
  }
  for (const moved of lastResorts) if (moved()) return true;
  for (const again of lateSeconds) if (again()) return true;
  // The widest looks at the bands whose wider look ran off too, then the sharpened looks (see readFrame).
  if (lastLooks && widest.size > 0) lastLooks.push(() => [...widest].some((band) => look({ band, margin: WIDEST_MARGIN })));
  if (lastLooks) lastLooks.push(() => sharpLooks(bands, (band) => look({ band, fallback: () => analyseBand(g, band, pyramid, undefined, true) }), lastResorts, lateSeconds));
  // After those (see readFrame): every band with its perspective box measured on other
  // half-resolution groups (see analyseBand's `regroup`): the MRZ's lines when the preferred group
  // held print, or over their common extent.
  if (regroupLooks) {
    const regrouped = bands.flatMap((band) => REGROUPS.map((k) => () => look({ band, fallback: () => analyseBand(g, band, pyramid, undefined, false, k) })));
    regroupLooks.push(() => looksThenResorts(regrouped, lastResorts, lateSeconds));
  }
  // After every regrouped look of every pass: the first band with its box measured on the preferred
  // group cut over its lines' periodic extent (see engine-band.ts `periodicGroup`).
  const firstBand = bands[0];
  if (extentLooks && firstBand) extentLooks.push(() => looksThenResorts([() => look({ band: firstBand, fallback: () => analyseBand(g, firstBand, pyramid, undefined, false, PERIODIC_EXTENT) })], lastResorts, lateSeconds));
  // Last of all (see readFrame): the first band read again in the frame with its motion blur undone
  // (see deblur.ts), through every look of a band, when the band shows one.
  if (deblurLooks && firstBand) {
    deblurLooks.push(() => {
      if (options.spent()) return false;
      const t0 = now();
      readyGray(g);
      const blur = bandMotion(g, firstBand);
      timings.rectify += now() - t0;
      if (!blur) return false;
      const t1 = now();
      const sharp = deblurBand(g, firstBand, blur);
      timings.rectify += now() - t1;
      return sharp !== null && readBands(sharp, new Map<number, Gray8>(), [firstBand], prep, quarterTurns, options, timings, visit, secondOpinion);
    });
  }
  return false;
}

/**
 * The regrouped boxes (see engine-band.ts `boxGroup`) each band is looked at with in readFrame's
 * regrouped looks. Session 23: 24 of the 29 frames they read over the twenty lists were read
 * directly by one of them: 13 by the first, 7 by the second, 4 by the third; 21 in the first band
 * of a locate pass. Bench failing frames cost 1.29x main's time (first bands only: 1.21x).
 */
const REGROUPS = [1, 2, 3] as const;

/**
 * The looks in order, then the moved readings and late second opinions their cuts queued (their
 * band's own ones were all tried before): true when one reads.
 */
function looksThenResorts(looks: readonly (() => boolean)[], lastResorts: (() => boolean)[], lateSeconds: (() => boolean)[]): boolean {
  const r0 = lastResorts.length;
  const l0 = lateSeconds.length;
  if (looks.some((l) => l())) return true;
  for (const moved of lastResorts.slice(r0)) if (moved()) return true;
  for (const again of lateSeconds.slice(l0)) if (again()) return true;
  return false;
}

/**
 * readMrz's last looks at a frame that nothing read validly, not even the fused reading (queued by
 * `readBands` with `lastLooks`, run by `readFrame`): the first band of each locate pass of every
 * orientation looked at again with its full-resolution rectification sharpened (`analyseBand`'s
 * `sharpen`: blurred glyphs whose strokes merge), its cuts read as a fallback look's are, then the
 * moved readings and late second opinions those cuts queued. Last, so every frame read before costs
 * and reads as before. Every band looked at so read no more frames on the five synthetic sets and
 * cost more on the frames that read nothing (bench p95 +25% against main, Chromium).
 */
function sharpLooks(bands: readonly BandCandidate[], look: (band: BandCandidate) => boolean, lastResorts: (() => boolean)[], lateSeconds: (() => boolean)[]): boolean {
  const first = bands[0];
  return looksThenResorts(first ? [() => look(first)] : [], lastResorts, lateSeconds);
}

/**
 * Lower-level reading for video: returns the classifier alternatives of every plausible MRZ
 * hypothesis in the frame (for `MrzVoter`), without correction. Never throws.
 */
export function recognizeMrz(image: RgbaImage | GrayImage, options: ReadMrzOptions = {}): MrzRecognitionSet {
  // The frame's buffers come from pools kept between frames (see scratch.ts); nothing pooled escapes.
  return withFramePool(() => recognizeFrame(image, options));
}

function recognizeFrame(image: RgbaImage | GrayImage, options: ReadMrzOptions): MrzRecognitionSet {
  const timings = zeroTimings();
  const t0 = now();
  const candidates: MrzRecognition[] = [];
  try {
    const prep = prepare(image);
    if (prep) {
      const turns = options.rotations ? [0, 1, 2, 3] : [0];
      const looks = lookOptions(options, t0);
      for (const q of turns) scan(prep, q, looks, timings, (r, _confirm, part) => (part || candidates.push(r), false));
    }
  } catch {
    // Defensive: malformed input must never escape as an exception.
  }
  timings.total = now() - t0;
  return { candidates, timings };
}

/** One visited recognition and its correction, with its cut's glyphs (see Visit). */
interface Reading {
  readonly r: MrzResult;
  readonly rec: MrzRecognition;
  readonly glyphs?: CutGlyphs;
}

/** The print as a reading saw it (see `asPrinted`), and where. */
interface PrintedReading {
  readonly r: MrzResult;
  readonly corners: MrzRecognition['corners'];
}

/**
 * The fuller letters the glyphs of `readings`' cuts read re-lit under the letters of `lines` (see
 * `CutGlyphs.relit`), the first cut's that marks a position; null when none marks any.
 */
function relitOfCuts(readings: readonly Reading[], lines: readonly string[]): string[][] | null {
  let out: string[][] | null = null;
  for (const x of readings) {
    if (!x.glyphs || x.rec.lines.length !== lines.length || x.rec.lineLength !== (lines[0] ?? '').length) continue;
    x.glyphs.relit(lines).forEach((marks, l) => {
      marks.forEach((ch, c) => {
        if (!ch) return;
        out ??= lines.map((line) => Array.from(line, () => ''));
        const row = out[l] as string[];
        if (!row[c]) row[c] = ch;
      });
    });
  }
  return out;
}

/**
 * A frame none of whose readings validated: the text the most distinct looks agree on, read again
 * from their fused evidence (see `fuseAgreeingReadings`), per orientation in reading order; its
 * corners are those of the most confident agreeing reading. Null when no fused read validates.
 */
function agreedReading(readings: readonly Reading[], turns: readonly number[]): Reading | null {
  for (const q of turns) {
    const own = readings.filter((x) => x.rec.quarterTurns === q);
    const frameReadings = own.map((x) => ({ candidates: x.rec.lines, result: x.r }));
    let agreed = fuseAgreeingReadings(frameReadings);
    if (!agreed) continue;
    // The glare rule on the fused text, with the glyphs of every cut that read it (fresh 550143's
    // washed-out E was reported valid as F by the fused reading once its cuts' were refused).
    const relit = relitOfCuts(agreed.agreeing.map((i) => own[i] as Reading), agreed.result.lines);
    if (relit) agreed = fuseAgreeingReadings(frameReadings, { relit });
    if (!agreed) continue;
    const corners = agreed.agreeing.map((i) => own[i] as Reading).reduce((a, b) => (b.r.confidence > a.r.confidence ? b : a)).rec;
    return { r: agreed.result, rec: corners };
  }
  return null;
}

/** True when column `k` of line `li` is a check digit of `layout` or lies under one. */
function checked(layout: MrzLayout, li: number, k: number): boolean {
  return layout.checks.some((c) => (c.line === li && c.pos === k) || c.covers.some((sp) => sp.line === li && k >= sp.start && k < sp.end));
}

/**
 * Look-alikes a deblurred look can read for each other (see correct.ts's TWINS): a box along the
 * text blurs away the widths that tell O from 0, and the inverse does not bring them back.
 */
const DEBLUR_TWINS: Readonly<Record<string, string>> = { O: '0', '0': 'O', D: '0', Q: '0', U: '0', I: '1', '1': 'I', Z: '2', '2': 'Z', S: '5', '5': 'S', B: '8', '8': 'B', G: '6', '6': 'G' };

/**
 * True when a deblurred look's valid reading `r` reads a look-alike (`DEBLUR_TWINS`) where the
 * earlier reading `before` (of the frame as it is) reads its twin, in a checked mixed field
 * (alphanumeric), and the check digits cannot tell the two: swapped back, alone or with one more of
 * the reading's look-alikes, every check digit still passes (O for 0 at weights 7 and 3 adds 240 to
 * the sum; G for 6 always adds 10). The corrector weighs such swaps by the classifier's odds
 * (correct.ts `hiddenLookalikeSwap`), which a deblurred look makes too sure: held-out 350441,
 * document number OOW7OLAC, read 0OW70LAC before and 00W7OLAC deblurred, which was reported valid
 * at 0.97. A reading the check digits refuse is not blind to anything: false.
 */
export function blindAgainst(r: Pick<MrzResult, 'format' | 'lines'>, before: Pick<MrzResult, 'format' | 'lines'>): boolean {
  if (before.format !== r.format) return false;
  const layout = LAYOUTS[r.format];
  if (!checksPassWith(layout, r.lines)) return false;
  const classes = positionClasses(layout);
  // The reading's look-alikes in checked mixed fields, and whether the earlier reading reads the twin.
  const swaps: { l: number; c: number; twin: string; disputed: boolean }[] = [];
  r.lines.forEach((line, l) => {
    for (let c = 0; c < line.length; c++) {
      const twin = DEBLUR_TWINS[line[c] as string];
      if (twin && classes[l]?.[c] === 'alnum' && checked(layout, l, c)) swaps.push({ l, c, twin, disputed: before.lines[l]?.[c] === twin });
    }
  });
  return swaps.some((a, i) => a.disputed && (checksPassWith(layout, r.lines, [a]) || swaps.some((b, j) => j !== i && checksPassWith(layout, r.lines, [a, b]))));
}

/**
 * True when some reading `w` of `witnesses` (the frame's most confident reading before the
 * sharpened looks) has the format of `r` and reads every character of `r` that no check digit
 * covers (names, nationality, state) as `r` does: a sharpened look's halo can turn a name's
 * letter into another one, which nothing checks (bench 70045: FATIMA, read right but invalid
 * before, read FATTMA, valid; a less confident earlier reading had FATTMA too). A reading of the
 * same band found in part (as many lines, each shorter: a 44-character band cut as 36) witnesses
 * the characters it covers; the unchecked ones beyond it must be fillers (bench 70131).
 */
function witnessed(r: MrzResult, witnesses: readonly Reading[]): boolean {
  const layout = LAYOUTS[r.format];
  return witnesses.some(({ r: w }) => {
    const shorter = w.lines.length === r.lines.length && w.lines.every((l, li) => l.length < (r.lines[li]?.length ?? 0));
    if (w.format !== r.format && !shorter) return false;
    return r.lines.every((line, li) => [...line].every((ch, k) => ch === w.lines[li]?.[k] || checked(layout, li, k) || (shorter && ch === '<' && k >= (w.lines[li]?.length ?? 0))));
  });
}

/**
 * Least probability the deblurred reading's own classifier gives each character no check digit
 * covers, for the reading to stand alone (see `standsAlone`). The deblurred look's wrong valid
 * readings on main's 2,670 unread frames of the 46 lists (18 readings of 10 frames) gave their
 * least such character 0.973 at most (fresh 590247). Main's own false accepts on the fresh sets
 * (other looks; both classifiers agreed on the two session 25 examined) read their wrong
 * unchecked character at 0.90-0.983 in six of eight (one at 0.992, one a G/Q swap in checked
 * data). At 0.98 the standard read 4 frames more (17), at 0.95 10 more (23), with no false accept
 * either: the bar keeps a margin instead.
 */
const ALONE_P = 0.99;

/**
 * True when a deblurred look's valid reading `r` may count with no earlier reading to witness it
 * (see `witnessed`): every character no check digit covers (names, codes, nationality) is read as
 * `r` reads it at {@link ALONE_P} or more by the classifier that made the reading (`read`, the
 * cut's candidates) and is the first choice of the other classifier of the same glyphs (`other`:
 * the CNN for the MLP's reading, the MLP for the ensemble's); and every character of a checked
 * mixed field (document number, personal and optional data) is the other classifier's first
 * choice too: with no witness, `blindAgainst` has no earlier reading to hold a check-blind
 * look-alike swap against. A letter the corrector mapped from a digit (a name's O read 0) counts
 * at the letter's own probability. Measured (session 27, every deblurred reading of main's 2,670
 * unread frames of the 46 lists): 13 frames more read, none lost, no false accept. Of the 18
 * wrong valid readings (10 frames: held-out 330240, 350441, 480497, 550268, 560281, fresh 590247,
 * 600245, 5020420, 5120084, 5150299), all but one fail the classifiers' agreement on an unchecked
 * character; fresh 5120084 (a personal number's 00 read OO by both) fails the bar (0.818), the
 * mixed fields' agreement and `blindAgainst`.
 */
export function standsAlone(r: Pick<MrzResult, 'format' | 'lines'>, read: readonly LineCandidates[], other: readonly LineCandidates[]): boolean {
  const layout = LAYOUTS[r.format];
  const classes = positionClasses(layout);
  return r.lines.every((line, li) =>
    [...line].every((ch, k) => {
      const agreed = other[li]?.[k]?.[0]?.ch === ch;
      if (checked(layout, li, k)) return agreed || classes[li]?.[k] !== 'alnum';
      return agreed && (read[li]?.[k]?.find((a) => a.ch === ch)?.p ?? 0) >= ALONE_P;
    }),
  );
}

/**
 * Least probability at which an earlier reading's character disputes another reading of it (see
 * `disputed`): the corrector's own bar on a character. Weaker disputes are common and wrong: the
 * earlier readings of frames whose sharpened looks read right gave their other characters 0.44-0.55
 * (the line's last cells, a name's O read Q: held-out 260091, 330180, 340253, 340522).
 */
const DISPUTE_P = 0.9;

/**
 * Most characters in which a reading can differ from another and still dispute it (see `disputed`):
 * a reading that differs in more is of another cut (a name line shifted by a cell, or cut into
 * fillers: held-out 330180, 340253), not a second opinion on the same glyphs.
 */
const DISPUTE_MAX = 2;

/**
 * True when an earlier reading of `readings` reads the same document as `r` (its format, and every
 * character a check digit covers or is, read alike) but up to {@link DISPUTE_MAX} unchecked
 * characters otherwise, its cut giving one of them {@link DISPUTE_P} or more: the frame's own
 * looks dispute a character nothing checks, and a sharpened look cannot settle it (fresh 590247: a
 * look read THOMAS's H at 0.953, B at 0.046; the most confident reading, TBOMAS at 0.865,
 * witnessed a sharpened look's B at 0.995, and the passport was reported valid with TBOMAS).
 */
function disputed(r: MrzResult, readings: readonly Reading[]): boolean {
  const layout = LAYOUTS[r.format];
  return readings.some(({ r: x, rec }) => {
    if (x.format !== r.format || x.lines.length !== r.lines.length || x.lines.some((l, li) => l.length !== r.lines[li]?.length)) return false;
    let differ = 0;
    let sure = false;
    for (let li = 0; li < r.lines.length; li++) {
      const a = r.lines[li] as string;
      const b = x.lines[li] as string;
      for (let k = 0; k < a.length; k++) {
        if (a[k] === b[k]) continue;
        if (checked(layout, li, k) || ++differ > DISPUTE_MAX) return false;
        if ((rec.lines[li]?.[k]?.find((alt) => alt.ch === b[k])?.p ?? 0) >= DISPUTE_P) sure = true;
      }
    }
    return sure;
  });
}

/**
 * True when reading `r` has doubts (see `MrzResult.doubts`) and its characters are narrower than
 * `MIN_DOUBTFUL_PITCH` in the frame the engine read (`factor`: that frame's downscale): such a
 * reading is not valid, however its check digits and confidence stand.
 */
function tooSmallForDoubts(r: MrzResult, rec: MrzRecognition, factor: number): boolean {
  return r.doubts.length > 0 && characterPitch(rec.corners, rec.lineLength) / factor < MIN_DOUBTFUL_PITCH;
}

/** Correction confidence below which an invalid read is not worth returning (but see {@link asPrinted}). */
const MIN_REPORT_CONFIDENCE = 0.3;

/**
 * The print of `x` as it stands, when every character's first choice was read at {@link MRZ_DOUBT_P}
 * or more and that text breaks its own rules (`breaksOwnRules`): its check digits fail (a misprinted
 * or altered MRZ, a specimen with made-up digits), or they pass and it is off the standard (an old
 * Romanian identity card's nationality `132`, which no check digit covers and correction turns into
 * letters). The fault is then the document's, not the reading's: the print is returned, not valid,
 * with its text and `checks`, where correction's confidence would drop it. Null otherwise.
 */
function asPrinted(x: Reading): MrzResult | null {
  const { r, rec } = x;
  let least = 1;
  for (const line of rec.lines) for (const alts of line) least = Math.min(least, alts[0]?.p ?? 0);
  if (least < MRZ_DOUBT_P) return null;
  const lines = rec.lines.map((line) => line.map((alts) => alts[0]?.ch ?? '<').join(''));
  const printed = lines.join('\n') === r.lines.join('\n') ? r : interpretMrz(r.format, lines, { confidence: +least.toFixed(4) });
  return breaksOwnRules(printed) ? printed : null;
}

/**
 * Reads the MRZ of a still image or video frame: locates the band (any position, scale, tilt up to
 * about 20 degrees; with `rotations`, also 90/180/270), segments and classifies the characters and
 * corrects them with the check digits. Returns the first valid read, else the text the frame's
 * looks agree on when their fused evidence validates it (see `agreedReading`), else the most
 * confident invalid one (with `valid: false`), else the print as it stands when it was read surely
 * and breaks its own rules (`valid: false`, any failing check digits in `checks`; see `asPrinted`),
 * else null. Never throws.
 */
export function readMrz(image: RgbaImage | GrayImage, options: ReadMrzOptions = {}): MrzImageResult | null {
  return withFramePool(() => readFrame(image, options));
}

function readFrame(image: RgbaImage | GrayImage, options: ReadMrzOptions): MrzImageResult | null {
  const timings = zeroTimings();
  const t0 = now();
  const looks = lookOptions(options, t0);
  let best: Reading | null = null;
  // The most confident reading of a cut that stops inside a longer line (see Visit): a witness only.
  let bestPart: Reading | null = null;
  const readings: Reading[] = [];
  let stopped = false;
  // The first reading that is the print as it stands (see asPrinted), with where it is; the readings
  // before `printedLooked` have been asked, each once.
  let printed: PrintedReading | null = null;
  let printedLooked = 0;
  const lookForPrinted = (): void => {
    for (; !printed && printedLooked < readings.length; printedLooked++) {
      const x = readings[printedLooked] as Reading;
      const r = asPrinted(x);
      if (r) printed = { r, corners: x.rec.corners };
    }
  };
  // Kept for the sighting's blur (see onSighting).
  let prepared: Prepared | null = null;
  try {
    const prep = prepare(image);
    prepared = prep;
    if (prep) {
      const turns = options.rotations ? [0, 2, 1, 3] : [0];
      const formats = options.formats;
      // The widest and sharpened looks of every orientation's bands (see WIDEST_MARGIN,
      // `sharpLooks`), after all the others and the fused reading; the most confident reading
      // before them, their witness.
      const lastLooks: (() => boolean)[] = [];
      // The regrouped looks (see readBands), after the last looks.
      const regroupLooks: (() => boolean)[] = [];
      // The periodic-extent looks (see readBands), after the regrouped looks.
      const extentLooks: (() => boolean)[] = [];
      // The rescued bands (see scan), after the periodic-extent looks.
      const rescueLooks: (() => boolean)[] = [];
      // The deblurred looks (see readBands), after the rescued bands.
      const deblurLooks: (() => boolean)[] = [];
      let witnesses: readonly Reading[] | null = null;
      // Set for the deblurred looks: their readings must also not be told from a witness's by
      // a check-blind look-alike swap alone (see blindAgainst).
      let deblurred = false;
      for (const q of turns) {
        if (looks.spent()) break;
        const stop = scan(prep, q, looks, timings, (first, confirm, part, glyphs, others) => {
          // The other classifiers' readings are made only for a reading a check-blind swap or an
          // unchecked O or 0 alone refuses.
          const w = others ? { witnesses: others } : {};
          const timedCorrect = (lines: readonly LineCandidates[], opts: MrzCorrectOptions): MrzResult | null => {
            const t0 = now();
            try {
              return correctMrz(lines, opts);
            } catch {
              return null;
            } finally {
              timings.correct += now() - t0;
            }
          };
          const correct = (lines: readonly LineCandidates[]): MrzResult | null => timedCorrect(lines, w);
          // The glare rules (correctMrz's `faded` and `relit`) can only refuse a valid reading: the
          // glyphs are measured for those alone (every reading cost the paired median 1.5-2%), and
          // last, on the reading as confirmed. Before the confirmation, a reading they refused kept
          // the confidence the confirmation would have lowered, and outranked the right reading a
          // later look needed as its witness (held-out 410292).
          const glare = (x: MrzResult | null, lines: readonly LineCandidates[]): MrzResult | null =>
            x?.valid && glyphs ? timedCorrect(lines, { faded: glyphs.faded(), relit: glyphs.relit(x.lines), ...w }) : x;
          let rec = first;
          let r = correct(rec.lines);
          if (part) {
            r = glare(r, rec.lines);
            if (r && !witnesses && (!bestPart || r.confidence > bestPart.r.confidence)) bestPart = { r, rec };
            return false;
          }
          // A first classifier's valid reading counts only as its glyphs confirmed read.
          if (r?.valid && confirm) {
            const lines = confirm();
            if (lines.some((l, i) => l !== rec.lines[i])) {
              rec = { ...rec, lines };
              r = correct(lines);
            }
          }
          r = glare(r, rec.lines);
          if (!r || (formats && formats.length > 0 && !formats.includes(r.format))) return false;
          // A sharpened or deblurred look's reading counts only when valid, with the earlier reading
          // as its witness (see `witnessed`) or, a deblurred look's, standing alone (see
          // `standsAlone`), and no earlier reading disputing it (see `disputed`): a frame it does
          // not read returns what it returned before.
          if (witnesses) {
            const vouched = r.valid && (witnessed(r, witnesses) || (deblurred && others !== undefined && standsAlone(r, rec.lines, others()[0] ?? [])));
            if (!vouched || disputed(r, readings)) return false;
          }
          if (deblurred && witnesses?.some((w) => blindAgainst(r, w.r))) return false;
          const reading = r.valid && tooSmallForDoubts(r, rec, prep.factor) ? { ...r, valid: false } : r;
          readings.push({ r: reading, rec, glyphs });
          if (!best || (reading.valid && !best.r.valid) || (reading.valid === best.r.valid && reading.confidence > best.r.confidence)) best = { r: reading, rec };
          return reading.valid;
        }, true, lastLooks, regroupLooks, extentLooks, rescueLooks, deblurLooks);
        if (stop) {
          stopped = true;
          break;
        }
        // A print read surely that breaks its own rules ends the read (see asPrinted): the fault is
        // the document's, and no other turn or look would read it valid. Such a reading came from
        // none of 2,000 fresh synthetic frames (seeds 600000-601999) nor the bench's 340; of the 23
        // real samples, from the off-standard Romanian card alone, whose further looks took 1-4 s.
        lookForPrinted();
        if (printed) break;
      }
      if (!stopped && !printed) {
        const t = now();
        const agreed = agreedReading(readings, turns);
        timings.correct += now() - t;
        if (agreed && !tooSmallForDoubts(agreed.r, agreed.rec, prep.factor)) best = agreed;
        else {
          // The sharpened looks only when the fused reading did not validate either (their readings
          // joining the fusion changed frames it read: bench 70004 lost, 70045 a false accept), and
          // only when some earlier reading can witness theirs (without one none would count): the
          // best reading and the best part reading (bench 70131: its 36-cell start witnesses the
          // widest look's reading).
          let read = false;
          const found = [best as Reading | null, bestPart as Reading | null].filter((x): x is Reading => x !== null);
          if (found.length > 0) {
            witnesses = found;
            read = lastLooks.some((s) => s());
          }
          // Then the regrouped looks, unwitnessed (their cuts are a first look's, of other lines):
          // last, so every frame read before reads as before.
          witnesses = null;
          if (!read) read = regroupLooks.some((s) => s());
          if (!read) read = extentLooks.some((s) => s());
          // Last, the rescued bands (see scan), unwitnessed too: bands no earlier look examined.
          if (!read) read = rescueLooks.some((s) => s());
          // Last, the first bands with their motion blur undone (see deblur.ts), witnessed like the
          // sharpened looks' readings or standing alone (see `standsAlone`): unwitnessed, they read
          // names wrong and were reported valid (fresh 550268 PETER read PETEB; 350441's O and 0
          // swapped). The witnesses are the best readings so far, the later looks' included. A frame
          // with no reading at all is not looked at: of main's 2,670 unread frames of the 46 lists,
          // one had none (5020036) and its deblurred reading did not stand alone (session 27), while
          // frames without a document (most of a camera's) would pay for the look.
          const seen = [best as Reading | null, bestPart as Reading | null].filter((x): x is Reading => x !== null);
          if (!read && seen.length > 0) {
            witnesses = seen;
            deblurred = true;
            deblurLooks.some((s) => s());
          }
        }
      }
    }
  } catch {
    best = null;
  }
  timings.total = now() - t0;
  const found = best as Reading | null;
  if (found && !found.r.valid && found.r.confidence >= MRZ_SIGHTING_CONFIDENCE && options.onSighting) {
    const { corners, lineLength } = found.rec;
    // Both measured on the working frame (corners in its pixels), where the characters were read;
    // the blur is the same ratio to the pitch as in the frame's.
    const f = prepared?.factor ?? 1;
    const at = (p: Point): Point => ({ x: p.x / f, y: p.y / f });
    const blur = prepared ? printBlur(prepared.gray, [at(corners[0]), at(corners[1]), at(corners[2]), at(corners[3])], lineLength) : 0;
    options.onSighting({ corners, lineLength, confidence: found.r.confidence, pitch: characterPitch(corners, lineLength) / f, blur });
  }
  if (!found) return null;
  if (!found.r.valid && found.r.confidence < MIN_REPORT_CONFIDENCE) {
    lookForPrinted();
    // The cast undoes TypeScript's narrowing of `printed` to null: it does not see the closure assign it.
    const asStands = printed as PrintedReading | null;
    return asStands ? { ...asStands.r, corners: asStands.corners, timings } : null;
  }
  return { ...found.r, corners: found.rec.corners, timings };
}
