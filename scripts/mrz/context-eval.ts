/**
 * Feasibility check (not a shipped model): does a glyph classifier read blurred glyphs better when it
 * also sees the glyph's neighbours? A hand-shake blur of half a character or more smears each
 * neighbour into a glyph's cell, and a classifier of one cell cannot tell that ink from the glyph's.
 *
 * Trains two MLPs the same way (hidden ReLU layer, Adam with a cosine schedule, batch 32, ink gain
 * and noise augmentation, seeded): `--mode narrow` on the glyph's raster alone, `--mode wide` on the
 * rasters of its left neighbour, itself and its right neighbour side by side (each contrast-normalised
 * as classify.ts `normaliseGlyph`). Data: `train-data-true.ts --context` records; evaluation on the
 * glyphs as cut (not their jittered copies): accuracy, mean negative log-likelihood, letters right and
 * wrong at p >= 0.9 (what a name's letters need, correct.ts).
 *
 * `node --import tsx scripts/mrz/context-eval.ts --mode narrow|wide --data a.bin,b.bin --eval x.bin,y.bin
 *   [--epochs 4] [--hidden 128] [--seed 7]`
 *
 * Session 35, glyph files (train-data-true.ts `--via-band --context`; hand-shake: `--motion-blur 1`):
 * training hand-shake seeds 7000000, 7200000, 7400000 and all-preset seeds 7600000, 7800000 (`--count 200`
 * each, 130276 records); evaluation hand-shake 7900000 and all-preset 7950000 (`--count 100`, 6144 and
 * 6814 glyphs as cut). Narrow -> wide, after 4 epochs and after 8 (a second run, its own schedule):
 * - hand-shake: accuracy 95.62% -> 95.96% and 96.21% -> 96.16%; NLL 0.165 -> 0.147 and 0.150 -> 0.133;
 *   letters right at p >= 0.9 77.4% -> 78.7% and 80.2% -> 80.7%
 * - all presets: 98.11% -> 98.56% and 98.11% -> 98.58%; NLL 0.071 -> 0.058 and 0.066 -> 0.051;
 *   letters 89.4% -> 90.1% and 90.9% -> 91.4%
 * So the neighbours help, but on the all-preset glyphs (a quarter fewer errors), not on the hand-shake
 * ones, where trained longer the two read alike. That is far from what the hand-shake frames need: the
 * shipped CNN + MLP ensemble already reads these hand-shake glyphs at 96.2% (train-calib.ts `--cut-only`),
 * and the bench's missed frames have a median of 27% of characters wrong at top 1 (bench/mrz/diagnose.ts).
 * Not built into the engine.
 * @module
 */
import { readFileSync } from 'node:fs';
import { normaliseGlyph } from '../../sdk/mrz/classify.ts';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { GLYPH_SIZE } from '../../sdk/mrz/segment.ts';
import { createRng } from './random-mrz.ts';
import { adamOptimiser, denseBackward, denseForward, shuffledOrder } from './train-glyphs.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const WIDE = cli.get('mode', 'wide') === 'wide';
const RECORD = 1 + 3 * GLYPH_SIZE;
const IN = WIDE ? 3 * GLYPH_SIZE : GLYPH_SIZE;
const HIDDEN = Number(cli.get('hidden', '128'));
const EPOCHS = Number(cli.get('epochs', '4'));
const C = CLASSES.length;
const rng = createRng(Number(cli.get('seed', '7')));
const train = Buffer.concat(cli.get('data', '').split(',').map((f) => readFileSync(f)));
const evalFiles = cli.get('eval', '').split(',').filter((f) => f.length > 0);

const w1 = new Float32Array(HIDDEN * IN).map(() => (rng() - 0.5) * 2 * Math.sqrt(6 / IN));
const b1 = new Float32Array(HIDDEN);
const w2 = new Float32Array(C * HIDDEN).map(() => (rng() - 0.5) * 2 * Math.sqrt(6 / HIDDEN));
const b2 = new Float32Array(C);
const params = [w1, b1, w2, b2];
const grads = params.map((p) => new Float32Array(p.length));
const step = adamOptimiser(params, grads);

const x = new Float32Array(IN);
const raw = new Float32Array(GLYPH_SIZE);
const norm = new Float32Array(GLYPH_SIZE);
const hid = new Float32Array(HIDDEN);
const probs = new Float32Array(C);

/** Loads record `i` of `buf` into `x`; returns its label. */
function load(buf: Buffer, i: number): number {
  const o = i * RECORD;
  const parts = WIDE ? [0, 1, 2] : [1];
  parts.forEach((part, k) => {
    for (let j = 0; j < GLYPH_SIZE; j++) raw[j] = (buf[o + 1 + part * GLYPH_SIZE + j] as number) / 255;
    normaliseGlyph(raw, 0, norm);
    x.set(norm, k * GLYPH_SIZE);
  });
  return buf[o] as number;
}

function forward(): void {
  denseForward(x, IN, w1, b1, HIDDEN, hid, true);
  denseForward(hid, HIDDEN, w2, b2, C, probs, false);
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, probs[c] as number);
  let z = 0;
  for (let c = 0; c < C; c++) z += probs[c] = Math.exp((probs[c] as number) - max);
  for (let c = 0; c < C; c++) probs[c] = (probs[c] as number) / z;
}

const isLetter = (c: number): boolean => /[A-Z]/.test(CLASSES[c] as string);

function evaluate(file: string): string {
  const buf = readFileSync(file);
  let glyphs = 0;
  let right = 0;
  let nll = 0;
  let letters = 0;
  let lettersSure = 0;
  let lettersWrongSure = 0;
  // The glyphs as cut: train-data-true.ts writes each one's jittered copy right after it.
  for (let i = 0; i < buf.length / RECORD; i += 2) {
    const y = load(buf, i);
    forward();
    let best = 0;
    for (let c = 1; c < C; c++) if ((probs[c] as number) > (probs[best] as number)) best = c;
    const sure = (probs[best] as number) >= 0.9;
    glyphs++;
    if (best === y) right++;
    nll -= Math.log(Math.max(1e-9, probs[y] as number));
    if (isLetter(y)) {
      letters++;
      if (best === y && sure) lettersSure++;
      if (best !== y && sure) lettersWrongSure++;
    }
  }
  const pc = (a: number, b: number): string => `${((100 * a) / b).toFixed(2)}%`;
  return `${file}: ${glyphs} glyphs, accuracy ${pc(right, glyphs)}, NLL ${(nll / glyphs).toFixed(4)}, letters right at p >= 0.9 ${pc(lettersSure, letters)}, wrong at p >= 0.9 ${lettersWrongSure}`;
}

const dOut = new Float32Array(C);
const dHid = new Float32Array(HIDDEN);
const n = train.length / RECORD;
const steps = EPOCHS * Math.ceil(n / 32);
const t0 = Date.now();
let it = 0;
console.log(`${WIDE ? 'wide' : 'narrow'}: ${n} records, ${IN} inputs, hidden ${HIDDEN}`);
for (let e = 0; e < EPOCHS; e++) {
  const order = shuffledOrder(n, rng);
  for (let b = 0; b < n; b += 32) {
    const lr = 0.002 * 0.5 * (1 + Math.cos((Math.PI * it++) / steps));
    const end = Math.min(n, b + 32);
    for (let k = b; k < end; k++) {
      const y = load(train, order[k] as number);
      const gain = 0.8 + 0.4 * rng();
      for (let i = 0; i < IN; i++) x[i] = Math.min(1, Math.max(0, (x[i] as number) * gain + (rng() - 0.5) * 0.06));
      forward();
      for (let c = 0; c < C; c++) dOut[c] = (probs[c] as number) - (c === y ? 1 : 0);
      denseBackward(dOut, C, hid, HIDDEN, w2, grads[2] as Float32Array, grads[3] as Float32Array, dHid);
      denseBackward(dHid, HIDDEN, x, IN, w1, grads[0] as Float32Array, grads[1] as Float32Array, null);
    }
    step(lr, end - b);
  }
  console.log(`epoch ${e + 1} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  for (const f of evalFiles) console.log(`  ${evaluate(f)}`);
}
