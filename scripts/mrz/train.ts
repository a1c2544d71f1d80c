/**
 * Trains the MRZ glyph classifier and writes `sdk/mrz/weights.ts`.
 *
 * Data: glyph rasters cut by the engine's own segmenter from seeded synthetic documents
 * (scripts/mrz/train-data.ts; generated on demand into `.cache/` when missing). Model: MLP
 * GLYPH_SIZE -> HIDDEN (ReLU) -> 37, trained with Adam and mild on-line augmentation (ink gain,
 * noise, one-pixel shifts), seeded and single-threaded so a run is reproducible. After training,
 * a softmax temperature is fitted on held-out data (calibrated probabilities), and the weights
 * are quantised to int8 with one scale per output row.
 *
 * `node --import tsx scripts/mrz/train.ts [--data a.bin,b.bin] [--epochs 10] [--hidden 128] [--seed 7]`
 *
 * The shipped weights (see the header of sdk/mrz/weights.ts for the exact data files and flags):
 * ```
 * node --import tsx scripts/mrz/train-data.ts --out .cache/mrz-glyphs-a.bin --count 500 --seed 1000
 * node --import tsx scripts/mrz/train-lines.ts --out .cache/mrz-lines.bin --count 1500 --seed 1
 * node --import tsx scripts/mrz/train-data-true.ts --out .cache/mrz-glyphs-t.bin --count 500 --seed 200000
 * node --import tsx scripts/mrz/train-data-true.ts --out .cache/mrz-glyphs-t2.bin --count 250 --seed 300000
 * node --import tsx scripts/mrz/train-data-true.ts --out .cache/mrz-glyphs-t3.bin --count 225 --seed 400000 --via-band
 * node --import tsx scripts/mrz/train.ts \
 *   --data .cache/mrz-glyphs-a.bin,.cache/mrz-lines.bin,.cache/mrz-glyphs-t.bin,.cache/mrz-glyphs-t2.bin,.cache/mrz-glyphs-t3.bin \
 *   --calib .cache/mrz-glyphs-t.bin,.cache/mrz-glyphs-t2.bin,.cache/mrz-glyphs-t3.bin --epochs 5 --seed 7
 * ```
 * (t2/t3: 34484 + 29228 glyphs cut by the segmenter of commit 0585703; the evaluation frames of
 * eval-half.ts are seeds 50000..50299, disjoint from every training seed range.)
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { GLYPH_H, GLYPH_SIZE, GLYPH_W } from '../../sdk/mrz/segment.ts';
import { createRng } from './random-mrz.ts';
import { generate } from './train-data.ts';
import { cliArgs, writeGlyphFile } from './train-io.ts';

const cli = cliArgs();
const get = cli.get;
const dataFiles = get('data', '.cache/mrz-glyphs-a.bin').split(',');
const EPOCHS = Number(get('epochs', '10'));
const HIDDEN = Number(get('hidden', '128'));
const SEED = Number(get('seed', '7'));
const OUT = get('out', 'sdk/mrz/weights.ts');
const C = CLASSES.length;
const D = GLYPH_SIZE;
const REC = D + 1;

// ---- data
const bufs: Buffer[] = [];
for (const f of dataFiles) {
  if (!existsSync(f)) {
    process.stderr.write(`${f} missing: generating (500 synthetic documents)...\n`);
    writeGlyphFile(f, 500, 1000, 25, generate, () => f);
  }
  bufs.push(readFileSync(f));
}
const all = Buffer.concat(bufs);
const N = Math.floor(all.length / REC);
// Records of the files named in --calib (default: all) calibrate the softmax temperature.
const calibFiles = new Set(get('calib', dataFiles.join(',')).split(','));
const calibMask = new Uint8Array(N);
{
  let start = 0;
  dataFiles.forEach((f, i) => {
    const count = Math.floor((bufs[i] as Buffer).length / REC);
    if (calibFiles.has(f)) calibMask.fill(1, start, Math.min(N, start + count));
    start += count;
  });
}
const rng = createRng(SEED);
const order = new Int32Array(N);
for (let i = 0; i < N; i++) order[i] = i;
for (let i = N - 1; i > 0; i--) {
  const j = Math.floor(rng() * (i + 1));
  const t = order[i] as number;
  order[i] = order[j] as number;
  order[j] = t;
}
// Hold out whole records (the jittered twin of a held-out glyph may be in train: acceptable for
// calibration; the accuracy that matters is measured end-to-end by the bench).
const nVal = Math.floor(N * 0.08);
const valIdx = order.subarray(0, nVal);
const trainIdx = order.subarray(nVal);
const counts = new Float64Array(C);
for (const i of trainIdx) counts[all[i * REC] as number]! += 1;
const meanCount = trainIdx.length / C;
const classW = new Float32Array(C);
for (let c = 0; c < C; c++) classW[c] = Math.min(3, Math.sqrt(meanCount / Math.max(1, counts[c] as number)));
process.stderr.write(`samples ${N} (train ${trainIdx.length}, val ${nVal}); per class min ${Math.min(...counts)} max ${Math.max(...counts)}\n`);

// ---- model
const w1 = new Float32Array(HIDDEN * D);
const b1 = new Float32Array(HIDDEN);
const w2 = new Float32Array(C * HIDDEN);
const b2 = new Float32Array(C);
const gauss = (): number => {
  const u = Math.max(1e-12, rng());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
};
for (let i = 0; i < w1.length; i++) w1[i] = gauss() * Math.sqrt(2 / D);
for (let i = 0; i < w2.length; i++) w2[i] = gauss() * Math.sqrt(2 / HIDDEN);
const params = [w1, b1, w2, b2];
const grads = params.map((p) => new Float32Array(p.length));
const m1 = params.map((p) => new Float32Array(p.length));
const m2 = params.map((p) => new Float32Array(p.length));

const x = new Float32Array(D);
const h = new Float32Array(HIDDEN);
const o = new Float32Array(C);
const dh = new Float32Array(HIDDEN);

function load(idx: number, augment: boolean): number {
  const off = idx * REC;
  const label = all[off] as number;
  if (!augment) {
    for (let p = 0; p < D; p++) x[p] = (all[off + 1 + p] as number) / 255;
    return label;
  }
  const gain = 0.75 + 0.5 * rng();
  const noise = rng() * 0.08;
  const sx = rng() < 0.15 ? (rng() < 0.5 ? -1 : 1) : 0;
  const sy = rng() < 0.15 ? (rng() < 0.5 ? -1 : 1) : 0;
  for (let yy = 0; yy < GLYPH_H; yy++) {
    for (let xx = 0; xx < GLYPH_W; xx++) {
      const X = Math.min(GLYPH_W - 1, Math.max(0, xx + sx));
      const Y = Math.min(GLYPH_H - 1, Math.max(0, yy + sy));
      let v = ((all[off + 1 + Y * GLYPH_W + X] as number) / 255) * gain + (rng() - 0.5) * 2 * noise;
      if (v < 0) v = 0;
      else if (v > 1) v = 1;
      x[yy * GLYPH_W + xx] = v;
    }
  }
  return label;
}

function forward(): void {
  for (let j = 0; j < HIDDEN; j++) {
    let s = b1[j] as number;
    const off = j * D;
    for (let i = 0; i < D; i++) s += (w1[off + i] as number) * (x[i] as number);
    h[j] = s > 0 ? s : 0;
  }
  let max = -Infinity;
  for (let k = 0; k < C; k++) {
    let s = b2[k] as number;
    const off = k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) s += (w2[off + j] as number) * (h[j] as number);
    o[k] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let k = 0; k < C; k++) {
    o[k] = Math.exp((o[k] as number) - max);
    z += o[k] as number;
  }
  for (let k = 0; k < C; k++) o[k] = (o[k] as number) / z;
}

function backward(label: number, weight: number): void {
  const [g1, gb1, g2, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
  dh.fill(0);
  for (let k = 0; k < C; k++) {
    const d = ((o[k] as number) - (k === label ? 1 : 0)) * weight;
    if (d === 0) continue;
    gb2[k] = (gb2[k] as number) + d;
    const off = k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) {
      g2[off + j] = (g2[off + j] as number) + d * (h[j] as number);
      dh[j] = (dh[j] as number) + d * (w2[off + j] as number);
    }
  }
  for (let j = 0; j < HIDDEN; j++) {
    if ((h[j] as number) <= 0) continue;
    const d = dh[j] as number;
    gb1[j] = (gb1[j] as number) + d;
    const off = j * D;
    for (let i = 0; i < D; i++) g1[off + i] = (g1[off + i] as number) + d * (x[i] as number);
  }
}

let step = 0;
function adam(lr: number, batch: number): void {
  step++;
  const b1c = 1 - Math.pow(0.9, step);
  const b2c = 1 - Math.pow(0.999, step);
  for (let p = 0; p < params.length; p++) {
    const P = params[p] as Float32Array;
    const G = grads[p] as Float32Array;
    const M = m1[p] as Float32Array;
    const V = m2[p] as Float32Array;
    const decay = p === 0 || p === 2 ? 1e-4 : 0;
    for (let i = 0; i < P.length; i++) {
      const g = (G[i] as number) / batch + decay * (P[i] as number);
      const m = 0.9 * (M[i] as number) + 0.1 * g;
      const v = 0.999 * (V[i] as number) + 0.001 * g * g;
      M[i] = m;
      V[i] = v;
      P[i] = (P[i] as number) - (lr * (m / b1c)) / (Math.sqrt(v / b2c) + 1e-8);
    }
    G.fill(0);
  }
}

function evaluate(idx: Int32Array, temperature = 1): { acc: number; nll: number } {
  let ok = 0;
  let nll = 0;
  for (const i of idx) {
    const label = load(i, false);
    forward();
    if (temperature !== 1) {
      // Re-softmax with temperature from log-probabilities.
      let z = 0;
      for (let k = 0; k < C; k++) {
        o[k] = Math.pow(Math.max(1e-30, o[k] as number), 1 / temperature);
        z += o[k] as number;
      }
      for (let k = 0; k < C; k++) o[k] = (o[k] as number) / z;
    }
    let arg = 0;
    for (let k = 1; k < C; k++) if ((o[k] as number) > (o[arg] as number)) arg = k;
    if (arg === label) ok++;
    nll -= Math.log(Math.max(1e-12, o[label] as number));
  }
  return { acc: ok / idx.length, nll: nll / idx.length };
}

const BATCH = 32;
const t0 = Date.now();
const totalSteps = Math.ceil(trainIdx.length / BATCH) * EPOCHS;
let s = 0;
for (let ep = 0; ep < EPOCHS; ep++) {
  // Reshuffle the training order each epoch.
  for (let i = trainIdx.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = trainIdx[i] as number;
    trainIdx[i] = trainIdx[j] as number;
    trainIdx[j] = t;
  }
  let inBatch = 0;
  for (const i of trainIdx) {
    const label = load(i, true);
    forward();
    backward(label, classW[label] as number);
    if (++inBatch === BATCH) {
      const lr = 0.002 * 0.5 * (1 + Math.cos((Math.PI * s) / totalSteps));
      adam(lr, BATCH);
      s++;
      inBatch = 0;
    }
  }
  const v = evaluate(valIdx);
  process.stderr.write(`epoch ${ep + 1}/${EPOCHS}: val acc ${(v.acc * 100).toFixed(2)}% nll ${v.nll.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}

// ---- quantise (int8, one scale per output row) and calibrate the temperature on the quantised net
function quantise(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c] as number));
    const sc = m / 127 || 1e-8;
    scale[r] = sc;
    for (let c = 0; c < cols; c++) {
      const v = Math.round((w[r * cols + c] as number) / sc);
      q[r * cols + c] = v;
      w[r * cols + c] = v * sc;
    }
  }
  return { q, scale };
}
const q1 = quantise(w1, HIDDEN, D);
const q2 = quantise(w2, C, HIDDEN);
let bestT = 1;
let bestNll = Infinity;
const calibIdx = valIdx.filter((i) => calibMask[i] === 1);
for (let T = 0.5; T <= 3.01; T += 0.05) {
  const r = evaluate(calibIdx.length > 100 ? calibIdx : valIdx, T);
  if (r.nll < bestNll) {
    bestNll = r.nll;
    bestT = T;
  }
}
const fin = evaluate(valIdx, bestT);
const finCal = evaluate(calibIdx.length > 0 ? calibIdx : valIdx, bestT);
process.stderr.write(`quantised: val acc ${(fin.acc * 100).toFixed(2)}% nll ${fin.nll.toFixed(4)}; calibration subset acc ${(finCal.acc * 100).toFixed(2)}% nll ${finCal.nll.toFixed(4)} at temperature ${bestT.toFixed(2)}\n`);

const floats = [q1.scale, b1, q2.scale, b2];
const nF = floats.reduce((a, f) => a + f.length, 0);
const bytes = new Uint8Array(nF * 4 + q1.q.length + q2.q.length);
const dv = new DataView(bytes.buffer);
let off = 0;
for (const f of floats) for (const v of f) {
  dv.setFloat32(off, v, true);
  off += 4;
}
bytes.set(new Uint8Array(q1.q.buffer), off);
off += q1.q.length;
bytes.set(new Uint8Array(q2.q.buffer), off);
const b64 = Buffer.from(bytes).toString('base64');
const src = `// Generated by scripts/mrz/train.ts (seed ${SEED}, ${EPOCHS} epochs, ${N} glyphs; calibration: ${[...calibFiles].join(', ')}). Do not edit.
// Data: ${dataFiles.join(', ')}. Held-out glyph accuracy after int8 quantisation: ${(fin.acc * 100).toFixed(2)}%
// (calibration subset ${(finCal.acc * 100).toFixed(2)}%), softmax temperature ${bestT.toFixed(2)}.

/** Packed int8 MLP weights of the MRZ glyph classifier (see classify.ts for the layout). */
export const MODEL = {
  inputs: ${D},
  hidden: ${HIDDEN},
  outputs: ${C},
  temperature: ${bestT.toFixed(3)},
  data:
    '${b64}',
} as const;
`;
writeFileSync(OUT, src);
process.stderr.write(`wrote ${OUT} (${bytes.length} bytes, ${b64.length} base64 chars)\n`);
