/**
 * Quad helpers for the MRZ diagnostics (not a test): IoU of convex quads and the quad of a band
 * candidate.
 * @module
 */
import type { BandCandidate } from '../../sdk/mrz/locate.ts';
import type { Point } from '../../sdk/mrz/types.ts';

/** A quadrilateral (4 corners in order). */
export type Quad = readonly Point[];

function inQuad(q: Quad, x: number, y: number): boolean {
  // Convex quad, either winding: all cross products share a sign.
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    const c = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (c > 0) pos++;
    else if (c < 0) neg++;
  }
  return pos === 0 || neg === 0;
}

/** IoU of two convex quads by rasterising on a 2 px grid over their joint bounding box. */
export function iou(a: Quad, b: Quad): number {
  const xs = [...a, ...b].map((p) => p.x);
  const ys = [...a, ...b].map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  let inter = 0;
  let uni = 0;
  for (let y = y0; y <= y1; y += 2) {
    for (let x = x0; x <= x1; x += 2) {
      const ia = inQuad(a, x, y);
      const ib = inQuad(b, x, y);
      if (ia && ib) inter++;
      if (ia || ib) uni++;
    }
  }
  return uni ? inter / uni : 0;
}

/** The rotated rectangle of a band candidate as a quad (frame coordinates). */
export function candQuad(c: BandCandidate): Quad {
  const co = Math.cos(c.angle);
  const si = Math.sin(c.angle);
  const at = (u: number, v: number): Point => ({ x: c.cx + u * co - v * si, y: c.cy + u * si + v * co });
  return [at(c.u0, c.v0), at(c.u1, c.v0), at(c.u1, c.v1), at(c.u0, c.v1)];
}

/** Share of quad `a` (0-1) that lies inside quad `b` (2 px grid). */
export function covered(a: Quad, b: Quad): number {
  const xs = a.map((p) => p.x);
  const ys = a.map((p) => p.y);
  let inA = 0;
  let both = 0;
  for (let y = Math.min(...ys); y <= Math.max(...ys); y += 2) {
    for (let x = Math.min(...xs); x <= Math.max(...xs); x += 2) {
      if (!inQuad(a, x, y)) continue;
      inA++;
      if (inQuad(b, x, y)) both++;
    }
  }
  return inA ? both / inA : 0;
}

/** The region `analyseBand` rectifies for a candidate (its margins), as a quad. */
export function analysedQuad(c: BandCandidate): Quad {
  const len = c.u1 - c.u0;
  const t = Math.max(2, Math.min(c.lineThickness, len / 8));
  const mv = Math.max(1.6 * t, 0.05 * len);
  return candQuad({ ...c, u0: c.u0 - 0.06 * len, u1: c.u1 + 0.06 * len, v0: c.v0 - mv, v1: c.v1 + mv });
}

function area(q: Quad): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

/**
 * A candidate "finds" the MRZ when the region analysed for it covers at least 90% of the true
 * box, is at most 8 times its area, and its angle is within 4 degrees of the truth.
 */
export function matches(c: BandCandidate, truth: Quad): boolean {
  const t0 = truth[0] as Point;
  const t1 = truth[1] as Point;
  const ta = Math.atan2(t1.y - t0.y, t1.x - t0.x);
  let d = c.angle - ta;
  while (d > Math.PI / 2) d -= Math.PI;
  while (d < -Math.PI / 2) d += Math.PI;
  if (Math.abs(d) > (4 * Math.PI) / 180) return false;
  const r = analysedQuad(c);
  return covered(truth, r) >= 0.9 && area(r) <= 8 * area(truth);
}
