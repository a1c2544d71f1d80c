/**
 * The axis-aligned box around a set of points (e.g. the MRZ band's corners), widened by a fraction of its own
 * width and height on each side and clamped to a `width` x `height` frame. Shared by the scanner (where to
 * read the next frame) and the worker (the band image it crops), so both agree on the geometry.
 * Also the size of an MRZ's characters in the frame (`characterPitch`) and the size below which the
 * engine often cannot read them (`MRZ_READABLE_PITCH`), for the scanner's "move closer" prompt.
 * @module
 */
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
 * Pixels per character along the MRZ lines of a band at `corners` (top-left, top-right, bottom-right,
 * bottom-left in reading order) with `lineLength` characters per line: the mean of the band's top and
 * bottom edges over the line length.
 */
export function characterPitch(corners: readonly [Point, Point, Point, Point], lineLength: number): number {
  const [a, b, c, d] = corners;
  return (Math.hypot(b.x - a.x, b.y - a.y) + Math.hypot(c.x - d.x, c.y - d.y)) / 2 / Math.max(1, lineLength);
}
