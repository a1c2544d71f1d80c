/**
 * Rectification: bilinear sampling of a rotated rectangle of the frame into an axis-aligned float
 * image, plus the mapping back to frame coordinates (for the overlay corners).
 * @module
 */

import { downscale, sampleBilinear, type FloatImage, type Gray8 } from './image.ts';
import type { Point } from './types.ts';

/** A rotated rectangle in frame coordinates: origin corner, unit direction, extents. */
export interface RectSpec {
  /** Centre used as the origin of the u/v axes. */
  readonly cx: number;
  readonly cy: number;
  /** Text direction angle (radians). */
  readonly angle: number;
  readonly u0: number;
  readonly u1: number;
  readonly v0: number;
  readonly v1: number;
  /** Output pixels per frame pixel. */
  readonly scale: number;
}

/** A rectified band with its mapping back to the frame. */
export interface Rectified extends FloatImage {
  readonly spec: RectSpec;
}

/** Maps a point of the rectified image back to frame coordinates. */
export function toFrame(spec: RectSpec, x: number, y: number): Point {
  const u = spec.u0 + x / spec.scale;
  const v = spec.v0 + y / spec.scale;
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  return { x: spec.cx + u * c - v * s, y: spec.cy + u * s + v * c };
}

const MAX_PIXELS = 600_000;

/**
 * Samples the rectangle `spec` of `gray` into a float image (values 0-255). When the output is much
 * smaller than the source region, a downscaled copy of the source is sampled (cached per factor)
 * so that bilinear sampling does not alias.
 */
export function rectify(gray: Gray8, spec: RectSpec, pyramid?: Map<number, Gray8>): Rectified | null {
  const W = Math.round((spec.u1 - spec.u0) * spec.scale);
  const H = Math.round((spec.v1 - spec.v0) * spec.scale);
  if (!(W >= 8 && H >= 8) || W * H > MAX_PIXELS) return null;
  let src = gray;
  let f = 1;
  if (spec.scale < 0.6) {
    f = Math.max(1, Math.floor(1 / spec.scale / 1.2));
    if (f > 1) {
      const cached = pyramid?.get(f);
      src = cached ?? downscale(gray, f);
      if (!cached && pyramid) pyramid.set(f, src);
    }
  }
  const out = new Float32Array(W * H);
  const c = Math.cos(spec.angle);
  const s = Math.sin(spec.angle);
  const inv = 1 / spec.scale;
  for (let y = 0; y < H; y++) {
    const v = spec.v0 + (y + 0.5) * inv;
    for (let x = 0; x < W; x++) {
      const u = spec.u0 + (x + 0.5) * inv;
      const fx = spec.cx + u * c - v * s;
      const fy = spec.cy + u * s + v * c;
      out[y * W + x] = sampleBilinear(src, fx / f - 0.5, fy / f - 0.5);
    }
  }
  return { width: W, height: H, data: out, spec };
}
