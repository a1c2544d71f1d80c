/**
 * Locate-only evaluation (not a test): for the cached synthetic bench frames, the share whose true
 * MRZ box is matched (`matches` in quad.ts: the analysed region covers it, angle within 4 degrees) by one of the first `--max` band candidates, the rank of the
 * match, and the median locate time. Needs the corner side files written by `diagnose.ts`.
 *
 * `node --import tsx bench/mrz/locate-eval.ts [--n 320] [--max 4] [--verbose]`
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toGray } from '../../sdk/mrz/image.ts';
import { locateBands } from '../../sdk/mrz/locate.ts';
import type { Point } from '../../sdk/mrz/types.ts';
import { loadRgba } from '../../scripts/mrz/train-io.ts';
import { framesDir } from './frames.ts';
import { candQuad, iou, matches } from './quad.ts';

const args = process.argv.slice(2);
const get = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const N = Number(get('n', '320'));
const MAX = Number(get('max', '4'));
const VERBOSE = args.includes('--verbose');
const CACHE = framesDir();

const ranks = new Map<number, number>();
let total = 0;
const ms: number[] = [];
for (let i = 0; i < N; i++) {
  const file = join(CACHE, `syn-${70000 + i}.jpg`);
  const side = `${file}.corners.json`;
  if (!existsSync(side)) continue;
  const truth = JSON.parse(readFileSync(side, 'utf8')) as { corners: Point[]; tilt: number; scale: number };
  const gray = toGray(await loadRgba(file));
  if (!gray) continue;
  locateBands(gray, { maxCandidates: MAX });
  // CPU time, not wall time: the machine is shared.
  const t0 = process.cpuUsage();
  const cands = locateBands(gray, { maxCandidates: MAX });
  const dt = process.cpuUsage(t0);
  ms.push((dt.user + dt.system) / 1000);
  const ious = cands.map((c) => iou(candQuad(c), truth.corners));
  const rank = cands.findIndex((c) => matches(c, truth.corners));
  ranks.set(rank, (ranks.get(rank) ?? 0) + 1);
  total++;
  if (VERBOSE && rank !== 0) console.log(`${70000 + i} tilt=${truth.tilt.toFixed(1)} scale=${truth.scale.toFixed(2)} rank=${rank} ious=${ious.map((x) => x.toFixed(2)).join(',')}`);
}
ms.sort((a, b) => a - b);
console.log(`frames ${total}; matched at rank: ${[...ranks].sort((a, b) => a[0] - b[0]).map(([r, c]) => `${r < 0 ? 'none' : r}=${c}`).join(' ')}; locate median ${ms[ms.length >> 1]?.toFixed(1)} ms CPU`);
