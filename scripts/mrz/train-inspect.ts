/**
 * Debug aid: runs locate -> rectify -> segment on images and prints what it found; with --out DIR
 * it writes the rectified ink maps as PNG. `node --import tsx scripts/mrz/train-inspect.ts a.jpg [--out DIR]`
 * @module
 */
import { basename, join } from 'node:path';
import { toGray } from '../../sdk/mrz/image.ts';
import { locateBands } from '../../sdk/mrz/locate.ts';
import { analyseBand, lineGroups } from '../../sdk/mrz/engine-band.ts';
import { loadRgba, writeGrayPng } from './train-io.ts';

const args = process.argv.slice(2);
const oi = args.indexOf('--out');
const out = oi >= 0 ? args[oi + 1] : undefined;
const files = args.filter((a, i) => !a.startsWith('--') && (oi < 0 || i !== oi + 1));
for (const f of files) {
  const rgba = await loadRgba(f);
  const gray = toGray(rgba);
  if (!gray) continue;
  const t0 = performance.now();
  const bands = locateBands(gray);
  const t1 = performance.now();
  console.log(`${basename(f)} ${gray.width}x${gray.height} bands=${bands.length} locate=${(t1 - t0).toFixed(1)}ms`);
  bands.forEach((b, bi) => {
    const a = analyseBand(gray, b);
    const groups = a ? lineGroups(a) : [];
    console.log(
      `  band${bi} c=(${b.cx.toFixed(0)},${b.cy.toFixed(0)}) ang=${((b.angle * 180) / Math.PI).toFixed(1)} len=${(b.u1 - b.u0).toFixed(0)} v=${(b.v1 - b.v0).toFixed(0)} T=${b.lineThickness.toFixed(1)} score=${b.score.toFixed(2)}` +
        (a ? ` lines=${a.lines.map((l) => `${l.top}-${l.bottom}[${l.xa}-${l.xb}]`).join(' ')} groups=${groups.slice(0, 3).map((g) => `${g.n}:${g.fitCost.toFixed(3)}`).join(',')}` : ' (no analysis)'),
    );
    if (a && out) writeGrayPng(join(out, `${basename(f)}.b${bi}.png`), a.ink.width, a.ink.height, (i) => 255 - 255 * (a.ink.data[i] as number));
  });
}
