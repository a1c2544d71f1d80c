/**
 * Band analysis shared by the engine and the training script: rectify a located band, flatten its
 * illumination, correct residual skew, find text lines and cut line groups into character cells
 * for every MRZ layout that fits.
 * @module
 */

import type { Gray8 } from './image.ts';
import type { BandCandidate } from './locate.ts';
import { rectify, type RectSpec } from './rectify.ts';
import { cutLine, estimateSkew, findLines, inkMap, type CellLine, type InkMap, type TextLine } from './segment.ts';

/** Rectified line length (px) the band is scaled to. */
const TARGET_LEN = 860;

/** A rectified, segmented band. */
export interface BandAnalysis {
  readonly spec: RectSpec;
  readonly ink: InkMap;
  readonly lines: readonly TextLine[];
}

/** A group of consecutive lines cut at a given number of characters per line. */
export interface LineGroup {
  /** Characters per line (30, 36 or 44). */
  readonly n: number;
  readonly cells: readonly CellLine[];
  /** Mean boundary ink of the cut (lower is better). */
  readonly fitCost: number;
}

/** Rectifies and segments the band `cand` of `gray`; null when nothing line-like is inside. */
export function analyseBand(gray: Gray8, cand: BandCandidate, pyramid?: Map<number, Gray8>): BandAnalysis | null {
  const len = cand.u1 - cand.u0;
  if (!(len > 8)) return null;
  const t = Math.max(2, Math.min(cand.lineThickness, len / 8));
  let spec: RectSpec = {
    cx: cand.cx,
    cy: cand.cy,
    angle: cand.angle,
    u0: cand.u0 - 0.06 * len,
    u1: cand.u1 + 0.06 * len,
    v0: cand.v0 - Math.max(1.6 * t, 0.05 * len),
    v1: cand.v1 + Math.max(1.6 * t, 0.05 * len),
    scale: TARGET_LEN / len,
  };
  const charSize = TARGET_LEN / 40;
  // Residual skew from a cheap half-resolution pass, then one full-resolution rectification.
  const low = rectify(gray, { ...spec, scale: spec.scale / 2 }, pyramid);
  if (!low) return null;
  const skew = estimateSkew(inkMap(low, charSize / 2));
  if (Math.abs(skew) > 0.001) spec = { ...spec, angle: spec.angle + skew };
  const rect = rectify(gray, spec, pyramid);
  if (!rect) return null;
  const ink = inkMap(rect, charSize);
  const lines = findLines(ink);
  if (lines.length === 0) return null;
  return { spec, ink, lines };
}

/**
 * Cuts groups of consecutive, similar lines into cells: 3 lines of 30 (TD1), 2 lines of 36 (TD2,
 * MRV-B) or 44 (TD3, MRV-A). Groups are returned best fit first.
 */
export function lineGroups(a: BandAnalysis, sizes: readonly (30 | 36 | 44)[] = [30, 36, 44]): LineGroup[] {
  const out: LineGroup[] = [];
  const L = a.lines;
  for (const n of sizes) {
    const count = n === 30 ? 3 : 2;
    for (let i = 0; i + count <= L.length; i++) {
      const group = L.slice(i, i + count);
      if (!similar(group)) continue;
      const cells: CellLine[] = [];
      let cost = 0;
      for (const line of group) {
        const c = cutLine(a.ink, line, n);
        if (!c) break;
        cells.push(c);
        cost += c.fitCost;
      }
      if (cells.length !== count) continue;
      out.push({ n, cells, fitCost: cost / count });
    }
  }
  out.sort((x, y) => x.fitCost - y.fitCost);
  return out;
}

function similar(group: readonly TextLine[]): boolean {
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
    // Horizontal overlap of the two lines.
    const ov = Math.min(g.xb, prev.xb) - Math.max(g.xa, prev.xa);
    if (ov < 0.6 * Math.min(g.xb - g.xa, prev.xb - prev.xa)) return false;
  }
  return true;
}
