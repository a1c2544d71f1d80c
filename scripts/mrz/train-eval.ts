/**
 * Quick evaluation of the image side alone (no correction): for synthetic documents and the real
 * samples with ground truth, runs `recognizeMrz` and scores the classifier's first choices against
 * the truth (best hypothesis per image). A development aid for training; the real figures come
 * from bench/mrz/run.ts.
 * `node --import tsx scripts/mrz/train-eval.ts [--synth 60] [--seed 50000] [--real]`
 * @module
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recognizeMrz } from '../../sdk/mrz/engine.ts';
import { decodeGray } from './train-data.ts';
import { renderSynthetic } from './synth.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const get = cli.get;
const verbose = cli.has('verbose');

function score(lines: readonly (readonly { ch: string; p: number }[][])[] | readonly (readonly (readonly { ch: string }[])[])[], truth: readonly string[]): number {
  let ok = 0;
  let tot = 0;
  truth.forEach((t, li) => {
    const l = lines[li];
    for (let k = 0; k < t.length; k++) {
      tot++;
      if (l && l[k]?.[0]?.ch === t[k]) ok++;
    }
  });
  return ok / Math.max(1, tot);
}

function evalImage(name: string, gray: { width: number; height: number; data: Uint8Array }, truth: readonly string[], rotations = false): { exact: boolean; acc: number; ms: number } {
  const t0 = performance.now();
  const rec = recognizeMrz(gray, { rotations });
  const ms = performance.now() - t0;
  let best = 0;
  let bestText = '';
  for (const c of rec.candidates) {
    if (c.lines.length !== truth.length || c.lineLength !== truth[0]?.length) continue;
    const s = score(c.lines, truth);
    if (s > best) {
      best = s;
      bestText = c.lines.map((l) => l.map((a) => a[0]?.ch ?? '?').join('')).join('|');
    }
  }
  if (verbose || best < 1) console.log(`${name} acc=${(best * 100).toFixed(1)}% ${ms.toFixed(0)}ms\n   got ${bestText}\n  want ${truth.join('|')}`);
  return { exact: best === 1, acc: best, ms };
}

const results: { exact: boolean; acc: number; ms: number }[] = [];
const nSynth = Number(get('synth', '0'));
const seed0 = Number(get('seed', '50000'));
for (let i = 0; i < nSynth; i++) {
  const doc = renderSynthetic(seed0 + i, { preset: i % 5 === 0 ? 'hard' : 'normal' });
  results.push(evalImage(`synth ${seed0 + i} ${doc.format}`, decodeGray(doc.image), doc.lines));
}
if (nSynth) summary('synthetic', results.splice(0));
if (cli.has('real')) {
  const root = resolve('..', 'shared', 'mrz-samples');
  const gt = JSON.parse(readFileSync(join(root, 'ground-truth.json'), 'utf8')) as Record<string, { mrz?: string[] } | null | string>;
  for (const [file, v] of Object.entries(gt)) {
    if (typeof v !== 'object' || !v || !v.mrz) continue;
    const buf = readFileSync(join(root, file));
    results.push(evalImage(file, decodeGray(buf), v.mrz));
  }
  summary('real', results);
}
function summary(name: string, r: { exact: boolean; acc: number; ms: number }[]): void {
  const ex = r.filter((x) => x.exact).length;
  const acc = r.reduce((a, x) => a + x.acc, 0) / Math.max(1, r.length);
  const ms = r.map((x) => x.ms).sort((a, b) => a - b);
  console.log(`${name}: exact ${ex}/${r.length}, char acc ${(acc * 100).toFixed(2)}%, median ${ms[ms.length >> 1]?.toFixed(1)} ms`);
}
