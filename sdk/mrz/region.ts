/**
 * The axis-aligned box around a set of points (e.g. the MRZ band's corners), widened by a fraction of its own
 * width and height on each side and clamped to a `width` x `height` frame. Shared by the scanner (where to
 * read the next frame) and the worker (the band image it crops), so both agree on the geometry.
 * Also the size of an MRZ's characters in the frame (`characterPitch`) and the size below which the
 * engine often cannot read them (`MRZ_READABLE_PITCH`), for the scanner's "move closer" prompt, and how
 * blurred its print is (`printBlur`, `MRZ_BLURRED`), for the "hold still" prompt.
 * @module
 */
// Types only: the scanner (main thread) imports this module, the engine's image code stays in the worker.
import type { Gray8 } from './image.ts';
import type { Point } from './types.ts';

/** Pixel box in frame coordinates: left/top inclusive, right/bottom exclusive. */
export interface PaddedBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The box around `points`, padded by `padX` x its width and `padY` x its height, inside the frame. */
export function paddedBox(points: readonly Point[], padX: number, padY: number, width: number, height: number): PaddedBox {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  const mx = (x1 - x0) * padX;
  const my = (y1 - y0) * padY;
  return {
    left: Math.max(0, Math.floor(x0 - mx)),
    top: Math.max(0, Math.floor(y0 - my)),
    right: Math.min(width, Math.ceil(x1 + mx)),
    bottom: Math.min(height, Math.ceil(y1 + my)),
  };
}

/**
 * Where to read the frame after one that found the MRZ at `corners` (a `width` x `height` frame): the
 * band's box widened by a quarter of its width on each side and one and a half of its height above and
 * below (room for a hand-held document's motion between frames), or undefined when too small to read.
 */
export function trackingRegion(corners: readonly Point[], width: number, height: number): { x: number; y: number; width: number; height: number } | undefined {
  const { left, top, right, bottom } = paddedBox(corners, 0.25, 1.5, width, height);
  if (right - left < 16 || bottom - top < 16) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Narrowest characters the engine reads reliably: pixels per character along the MRZ lines, in the
 * frame's full resolution. Synthetic frames at 1280x720, every preset, read exactly and validly
 * (session 29): under 11 pixels, 45 of 70 (the bench), 56 of 76 and 82 of 125 (held-out seeds
 * 90000 and 5150000); at 11 or more, 239 of 250, 213 of 224 and 445 of 475. The camera scanner asks
 * for the document closer below it (`closer` status).
 */
export const MRZ_READABLE_PITCH = 11;

/**
 * Narrowest characters at which a reading with doubts (characters no check digit proves, read under
 * `MRZ_DOUBT_P`: `MrzResult.doubts`) may be valid: pixels per character along the lines, in the
 * frame the engine reads. Narrower, a letter's telling stroke is a pixel or less (E and F differ by
 * the bottom bar), and the classifiers, trained on wider print, are sure of wrong letters: the real
 * sample 25_pass-uto.jpg (275x184, 5.6 px) read ERIKSSON as FRIKSSON, valid at 0.94. Session 40,
 * small synthetic photos (bench/mrz/small-photos.ts, seeds 7700000-7700399): under 6 px, 53
 * readings right and 6 wrong were valid, the 6 wrong all under 5.7 px and each with doubts; at 6 px
 * or more 293 right and none wrong. With the rule: under 6 px 28 right and none wrong (25 right
 * readings are returned not valid, with their text and doubts), at 6 px or more the same. No frame
 * of the bench's 1280x720 sets has characters that narrow (its narrowest: 6.9 px).
 */
export const MIN_DOUBTFUL_PITCH = 6;

/**
 * Pixels per character along the MRZ lines of a band at `corners` (top-left, top-right, bottom-right,
 * bottom-left in reading order) with `lineLength` characters per line: the mean of the band's top and
 * bottom edges over the line length.
 */
export function characterPitch(corners: readonly [Point, Point, Point, Point], lineLength: number): number {
  const [a, b, c, d] = corners;
  return (Math.hypot(b.x - a.x, b.y - a.y) + Math.hypot(c.x - d.x, c.y - d.y)) / 2 / Math.max(1, lineLength);
}

/**
 * Print blur above which the scanner asks to hold the document and the camera still (`steady` status),
 * in characters' pitch (see `printBlur`): above every sharp print measured (session 36). On the
 * drawn MRZ box of synthetic bench frames at 1280x720 (seeds 70000-70319) with characters at least
 * `MRZ_READABLE_PITCH` wide: without hand shake and with under half a pixel of focus blur, 0.08-0.27
 * (116 frames); the 27 real sample photos read at 10 or more pixels per character measure 0.08-0.20 on
 * the band read. A hand shake of half to two thirds of a pitch measures 0.36-0.59 (9 frames); of the
 * bench's 11 frames not read at that size, 7 measure 0.33 or more (of the 239 read, 26).
 */
export const MRZ_BLURRED = 0.33;

/**
 * How blurred the print inside a band at `corners` (frame coordinates of `gray`, reading order) is: the
 * width of its edges in characters' pitch (`lineLength` characters per line), from the band's ink-to-paper
 * contrast (3rd to 97th percentile of its grey levels) over its steepest gradients (98th percentile),
 * along the frame's rows and along its columns, the wider of the two (a hand shake smears one way).
 * A step blurred over `w` pixels rises by the contrast over `w` pixels, so that is `w`. About 0.15 for a
 * sharp print; 0 when the band is too small or without contrast to tell.
 */
export function printBlur(gray: Gray8, corners: readonly [Point, Point, Point, Point], lineLength: number): number {
  const pitch = characterPitch(corners, lineLength);
  const { width: w, height: h } = gray;
  let yTop = Infinity;
  let yBottom = -Infinity;
  let xLeft = Infinity;
  let xRight = -Infinity;
  for (const p of corners) {
    yTop = Math.min(yTop, p.y);
    yBottom = Math.max(yBottom, p.y);
    xLeft = Math.min(xLeft, p.x);
    xRight = Math.max(xRight, p.x);
  }
  // Inner pixels only: each gradient reads its four neighbours.
  const y0 = Math.max(1, Math.ceil(yTop));
  const y1 = Math.min(h - 2, Math.floor(yBottom));
  if (!(pitch >= 2) || y1 < y0 || !(xRight - xLeft >= 4)) return 0;
  // A frame converted on demand (image.ts readyGray).
  gray.ready?.(Math.max(0, Math.floor(xLeft) - 1), y0 - 1, Math.min(w - 1, Math.ceil(xRight) + 1), y1 + 1);
  const d = gray.data;
  // Histograms (levels; row and column differences, which span 0..255 twice over) instead of sorting.
  const levels = new Uint32Array(256);
  const alongRows = new Uint32Array(256);
  const alongColumns = new Uint32Array(256);
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    // The band's span on this row: between the crossings of its four edges (a convex quadrilateral).
    let xa = Infinity;
    let xb = -Infinity;
    for (let i = 0; i < 4; i++) {
      const a = corners[i] as Point;
      const b = corners[(i + 1) & 3] as Point;
      if ((a.y <= y && b.y >= y) || (b.y <= y && a.y >= y)) {
        const x = a.y === b.y ? Math.min(a.x, b.x) : a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y);
        const x2 = a.y === b.y ? Math.max(a.x, b.x) : x;
        xa = Math.min(xa, x);
        xb = Math.max(xb, x2);
      }
    }
    const x0 = Math.max(1, Math.ceil(xa));
    const x1 = Math.min(w - 2, Math.floor(xb));
    for (let x = x0, i = y * w + x0; x <= x1; x++, i++) {
      const v = d[i] as number;
      const r = Math.abs((d[i + 1] as number) - (d[i - 1] as number)) >> 1;
      const c = Math.abs((d[i + w] as number) - (d[i - w] as number)) >> 1;
      levels[v] = (levels[v] as number) + 1;
      alongRows[r] = (alongRows[r] as number) + 1;
      alongColumns[c] = (alongColumns[c] as number) + 1;
      count++;
    }
  }
  if (count < 64) return 0;
  const contrast = percentile(levels, count, 0.97) - percentile(levels, count, 0.03);
  if (contrast < 16) return 0;
  const steepest = Math.min(percentile(alongRows, count, 0.98), percentile(alongColumns, count, 0.98));
  return contrast / Math.max(1, steepest) / pitch;
}

/** The value below which a share `q` of a histogram's `count` entries lie. */
function percentile(histogram: Uint32Array, count: number, q: number): number {
  const rank = Math.floor(q * count);
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v] as number;
    if (seen > rank) return v;
  }
  return histogram.length - 1;
}
