/**
 * Fits the calibration exponent (`sharpen` of correctMrz, temperature scaling) of the engine's
 * classifier on seeded synthetic frames, then checks it on other seeds: per-position negative
 * log-likelihood of the true character before/after, reliability of the top choice, and the
 * corrected read rate / false accepts with the fitted exponent.
 *
 * Only frames whose top-choice reading lines up with the truth (>= 80 % same characters) are used,
 * so segmentation failures do not pose as classifier uncertainty.
 *
 * `node --import tsx scripts/mrz/synth-calibrate.ts [--fit 60] [--eval 60] [--seed 700000]`
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { recognizeMrz } from '../../sdk/mrz/engine.ts';
import { correctMrz, sharpenAlternatives } from '../../sdk/mrz/correct.ts';
import type { CharAlternative, LineCandidates } from '../../sdk/mrz/types.ts';
import { renderSynthetic } from './synth.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const arg = (name: string, def: number): number => Number(cli.get(name, String(def)));
const N_FIT = arg('fit', 60);
const N_EVAL = arg('eval', 60);
const SEED = arg('seed', 700_000);
const NOW = new Date('2026-06-01T00:00:00Z');

interface Sample {
  truth: string[];
  lines: readonly LineCandidates[];
}

async function collect(seed0: number, n: number): Promise<{ aligned: Sample[]; all: Sample[] }> {
  const aligned: Sample[] = [];
  const all: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const r = renderSynthetic(seed0 + i, { preset: i % 4 === 3 ? 'hard' : 'normal' });
    const img = await loadImage(r.image);
    const c = createCanvas(img.width, img.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height);
    const set = recognizeMrz({ width: d.width, height: d.height, data: d.data });
    let best: Sample | null = null;
    let bestAgree = -1;
    for (const rec of set.candidates) {
      if (rec.lines.length !== r.lines.length || rec.lines[0]?.length !== r.lines[0]?.length) continue;
      let agree = 0;
      rec.lines.forEach((l, li) => l.forEach((p, ci) => (agree += p[0]?.ch === r.lines[li]?.[ci] ? 1 : 0)));
      if (agree > bestAgree) {
        bestAgree = agree;
        best = { truth: r.lines, lines: rec.lines };
      }
    }
    if (!best) continue;
    all.push(best);
    if (bestAgree >= 0.8 * r.lines.length * (r.lines[0]?.length ?? 0)) aligned.push(best);
  }
  return { aligned, all };
}

function nll(samples: readonly Sample[], gamma: number): number {
  let s = 0;
  let n = 0;
  for (const smp of samples) {
    smp.lines.forEach((l, li) =>
      l.forEach((pos: readonly CharAlternative[], ci) => {
        const sh = sharpenAlternatives(pos, gamma);
        const truth = smp.truth[li]?.[ci];
        let p = sh.find((a) => a.ch === truth)?.p;
        if (p === undefined) {
          const listed = sh.reduce((t, a) => t + a.p, 0);
          p = Math.max(0, 1 - listed) / Math.max(1, 37 - sh.length);
        }
        s -= Math.log(Math.max(1e-9, p));
        n++;
      }),
    );
  }
  return s / Math.max(1, n);
}

function reliability(samples: readonly Sample[], gamma: number): string {
  const bins = [0, 0.5, 0.7, 0.9, 0.97, 0.99, 1.01];
  const cnt = new Array<number>(bins.length - 1).fill(0);
  const ok = new Array<number>(bins.length - 1).fill(0);
  for (const smp of samples) {
    smp.lines.forEach((l, li) =>
      l.forEach((pos, ci) => {
        const top = sharpenAlternatives(pos, gamma)[0];
        if (!top) return;
        const b = bins.findIndex((x, k) => top.p >= x && top.p < (bins[k + 1] ?? 2));
        if (b < 0 || b >= cnt.length) return;
        cnt[b] = (cnt[b] as number) + 1;
        if (top.ch === smp.truth[li]?.[ci]) ok[b] = (ok[b] as number) + 1;
      }),
    );
  }
  return cnt.map((c, k) => `[${bins[k]}-${Math.min(1, bins[k + 1] as number)}): n=${c} acc=${c ? ((ok[k] as number) / c).toFixed(3) : '-'}`).join('  ');
}

const fit = await collect(SEED, N_FIT);
let bestG = 1;
let bestNll = Infinity;
for (let g = 0.5; g <= 8.001; g += 0.25) {
  const v = nll(fit.aligned, g);
  if (v < bestNll) {
    bestNll = v;
    bestG = g;
  }
}
process.stdout.write(`fit: ${fit.aligned.length}/${N_FIT} frames aligned; NLL gamma=1: ${nll(fit.aligned, 1).toFixed(4)}, best gamma=${bestG.toFixed(2)}: ${bestNll.toFixed(4)}\n`);
process.stdout.write(`reliability gamma=1:    ${reliability(fit.aligned, 1)}\n`);
process.stdout.write(`reliability gamma=${bestG.toFixed(2)}: ${reliability(fit.aligned, bestG)}\n`);

const ev = await collect(SEED + 100_000, N_EVAL);
for (const g of [1, bestG]) {
  let valid = 0;
  let exact = 0;
  let wrong = 0;
  for (const smp of ev.all) {
    const r = correctMrz(smp.lines, { now: NOW, sharpen: g });
    const same = r?.lines.join('\n') === smp.truth.join('\n');
    if (same) exact++;
    if (r?.valid) {
      valid++;
      if (!same) wrong++;
    }
  }
  process.stdout.write(`eval (${ev.all.length}/${N_EVAL} frames with a read of the right shape) sharpen=${g.toFixed(2)}: exact ${exact}, valid ${valid}, wrong-but-valid ${wrong}\n`);
}
