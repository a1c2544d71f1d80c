/**
 * Locate-only evaluation (not a test): for the cached synthetic bench frames, the share whose true
 * MRZ box is matched (`matches` in quad.ts: the analysed region covers it, angle within 4 degrees) by one of the first `--max` band candidates, the rank of the
 * match, and the median locate time. The true box is each cached frame's (frames.ts `cachedFrame`).
 *
 * `node --import tsx bench/mrz/locate-eval.ts [--n 320] [--max 4] [--verbose]`
 * @module
 */
import { toGray } from '../../sdk/mrz/image.ts';
import { locateBands } from '../../sdk/mrz/locate.ts';
import { loadRgba } from '../../scripts/mrz/train-io.ts';
import { BENCH_SEED0, boxTiltScale, cachedFrame, framesDir } from './frames.ts';
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
  const frame = cachedFrame(CACHE, BENCH_SEED0 + i);
  if (!frame.drawn) continue;
  const img = await loadRgba(frame.file);
  const truth = { corners: frame.drawn.corners, ...boxTiltScale(frame.drawn, img.width) };
  const gray = toGray(img);
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
  if (VERBOSE && rank !== 0) console.log(`${BENCH_SEED0 + i} tilt=${truth.tilt.toFixed(1)} scale=${truth.scale.toFixed(2)} rank=${rank} ious=${ious.map((x) => x.toFixed(2)).join(',')}`);
}
ms.sort((a, b) => a - b);
console.log(`frames ${total}; matched at rank: ${[...ranks].sort((a, b) => a[0] - b[0]).map(([r, c]) => `${r < 0 ? 'none' : r}=${c}`).join(' ')}; locate median ${ms[ms.length >> 1]?.toFixed(1)} ms CPU`);
