/**
 * Glyph-level check of test-time averaging for doubtful glyphs, on glyphs as the engine cuts them
 * (a development aid, not a test): seeded synthetic frames (seeds far from every frame set and
 * training file; presets and formats drawn as scripts/mrz/train-data-true.ts does) go through
 * analyseBand on a band built from the true corners; the lines whose cells all line up with the
 * truth are read by the ensemble (cnn.ts `classifyGlyphsSecond`), and every glyph below 0.999 is
 * read again from variant windows (moved by fractions of the pitch and cap height, scaled; see
 * VARIANTS). Pools are then formed offline for every bar, variant set, mode (mean of the
 * probabilities, or normalised mean of their logs) and sharpening exponent, and scored against the
 * truth: accuracy, errors, wrong at p >= 0.9 / 0.99 (confidently wrong), right at p < 0.9 / 0.99
 * (the doubtful reads the correction rejects). `--combine`: the ensemble's CNN share and
 * temperature; `--nets`: averaging one net before the ensemble's pool.
 *
 * `node --import tsx scripts/mrz/tta-eval.ts [--count 300] [--seed 720000] [--cache f.bin]
 *   [--gammas 1,1.2] [--sets none,x.06,...] [--combine] [--nets]` (`--cache`: the reads are
 * written there on the first run, read from there on the next; about 4 min for 300 frames).
 *
 * Session 14 (seeds 720000-720299: 280 frames, 540 aligned lines, 20042 glyphs, 2385 below 0.999):
 * the ensemble as cut: 213 errors, 15 wrong at p >= 0.9, 392 right at p < 0.9. Averaging removes
 * some errors (195-205, best: log pool of +-0.12 pitch) but softens the right reads: a mean pool at
 * bar 0.99 gives fewer confident wrongs (7-11) and more doubtful rights (466-687); sharpened to the
 * same count of confident wrongs it is no better than the ensemble at another temperature (the
 * `none` set: gamma 1.2 gives 28 wrong / 296 doubtful, log pool of +-0.06 pitch at gamma 1.2 gives
 * 27 / 297). Averaging the MLP alone before the pool: errors 209-212, nothing else. CNN share 0.70
 * at T 1.05: 209 errors, 15 / 373 / 1068 (0.80: 213, 15 / 392 / 1077). See cnn.ts for the frames.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { forward as mlpForward, normaliseGlyph, shippedModel } from '../../sdk/mrz/classify.ts';
import { classifyGlyphsSecond, cnnForward, ensembleForward, shippedCnn } from '../../sdk/mrz/cnn.ts';
import { analyseBand, lineGroups, type BandAnalysis } from '../../sdk/mrz/engine-band.ts';
import { toFrame } from '../../sdk/mrz/rectify.ts';
import { GLYPH_SIZE, rasterGlyph, type CellLine } from '../../sdk/mrz/segment.ts';
import type { MrzFormat, Point } from '../../sdk/mrz/types.ts';
import { trueBand } from './eval-half.ts';
import { createRng, pick } from './random-mrz.ts';
import { homography, renderSynthetic, type Quad } from './synth.ts';
import { decodeGray } from './train-data.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const COUNT = Number(cli.get('count', '150'));
const SEED = Number(cli.get('seed', '720000'));
const FORMATS: readonly MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];
const MAX_BAR = 0.999;

/** A variant of a glyph's window: moved by `dx` pitches and `dy` cap heights, scaled by `scale`. */
interface GlyphVariant {
  readonly dx: number;
  readonly dy: number;
  readonly scale: number;
}

/**
 * Cell `k`'s glyph window moved and scaled as `v` says, into `out` (the window of segment.ts
 * cutLine, with the line's mean pitch for the comb's local one; variant 0 is read from
 * `c.glyphs`, the engine's own raster).
 */
function rasterVariant(ink: BandAnalysis['ink'], c: CellLine, k: number, v: GlyphVariant, out: Float32Array): void {
  const t = c.tops[k] as number;
  const b = c.bottoms[k] as number;
  const cx = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2 + v.dx * c.pitch;
  rasterGlyph(ink, cx, (t + b) / 2 + v.dy * (b - t + 1), v.scale * c.pitch, v.scale * (b - t + 1), out, 0);
}

/** Every variant read (index 0: the glyph as cut); the pools below are subsets. */
const VARIANTS: readonly GlyphVariant[] = [
  { dx: 0, dy: 0, scale: 1 },
  { dx: 0.06, dy: 0, scale: 1 },
  { dx: -0.06, dy: 0, scale: 1 },
  { dx: 0, dy: 0.05, scale: 1 },
  { dx: 0, dy: -0.05, scale: 1 },
  { dx: 0, dy: 0, scale: 0.95 },
  { dx: 0, dy: 0, scale: 1.05 },
  { dx: 0.12, dy: 0, scale: 1 },
  { dx: -0.12, dy: 0, scale: 1 },
  { dx: 0.03, dy: 0, scale: 1 },
  { dx: -0.03, dy: 0, scale: 1 },
  { dx: 0, dy: 0.025, scale: 1 },
  { dx: 0, dy: -0.025, scale: 1 },
];
const SETS: Record<string, number[]> = {
  'x.06': [0, 1, 2],
  'x.03': [0, 9, 10],
  'x.12': [0, 7, 8],
  'y.05': [0, 3, 4],
  'y.025': [0, 11, 12],
  'xy.06/.05': [0, 1, 2, 3, 4],
  'xy.03/.025': [0, 9, 10, 11, 12],
  'xy+s': [0, 1, 2, 3, 4, 5, 6],
  's.05': [0, 5, 6],
  'x.03,.06': [0, 1, 2, 9, 10],
  'all': VARIANTS.map((_, i) => i),
  'none': [0],
};
const BARS = [0.9, 0.99, 0.999];

function cellCentre(q: Quad, k: number, n: number): Point {
  const h = homography([{ x: 0, y: 0 }, { x: n, y: 0 }, { x: n, y: 1 }, { x: 0, y: 1 }], q);
  const x = k + 0.5;
  const y = 0.5;
  const d = (h[6] as number) * x + (h[7] as number) * y + (h[8] as number);
  return { x: ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / d, y: ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / d };
}

interface GlyphRead {
  label: number;
  /** Ensemble probabilities of each variant (only for glyphs below MAX_BAR; else just the first). */
  probs: Float32Array[];
  baseTop: number;
  baseP: number;
  /** The MLP's and the CNN's own calibrated probabilities of the glyph as cut (every glyph). */
  mlp?: Float32Array;
  cnn?: Float32Array;
  /** Each net's own probabilities of each variant (as `probs`). */
  mlpV?: Float32Array[];
  cnnV?: Float32Array[];
}

const CACHE = cli.get('cache', '');
const cnn = shippedCnn();
const mlp = shippedModel();
const C = CLASSES.length;
const reads: GlyphRead[] = [];
const raw = new Float32Array(GLYPH_SIZE);
const x = new Float32Array(GLYPH_SIZE);
let frames = 0;
let lines = 0;
let asked = COUNT;
const cached = CACHE && existsSync(CACHE) ? (deserialize(readFileSync(CACHE)) as { reads: GlyphRead[]; frames: number; lines: number; asked: number }) : null;
if (cached) {
  reads.push(...cached.reads);
  frames = cached.frames;
  lines = cached.lines;
  asked = cached.asked;
}
for (let i = 0; i < (cached ? 0 : COUNT); i++) {
  const s = SEED + i;
  const rng = createRng(s ^ 0x5a5a5a);
  const r0 = rng();
  const preset = r0 < 0.1 ? 'clean' : r0 < 0.6 ? 'normal' : 'hard';
  const format = pick(rng, FORMATS);
  const doc = renderSynthetic(s, { preset, format, randomSize: rng() < 0.3 });
  const gray = decodeGray(doc.image);
  const n = doc.lines[0]?.length ?? 0;
  const a = analyseBand(gray, trueBand(doc.corners, doc.lines.length));
  if (!a) continue;
  const g = lineGroups(a, [n as 30 | 36 | 44]).find((gg) => gg.cells.length === doc.lines.length);
  if (!g) continue;
  frames++;
  g.cells.forEach((c, li) => {
    const text = doc.lines[li];
    const q = doc.lineCorners[li];
    if (!text || !q) return;
    const a0 = cellCentre(q, 0, n);
    const a1 = cellCentre(q, n - 1, n);
    const pitchF = Math.hypot(a1.x - a0.x, a1.y - a0.y) / (n - 1);
    for (let k = 0; k < n; k++) {
      const p = toFrame(a.spec, ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2, ((c.tops[k] as number) + (c.bottoms[k] as number)) / 2);
      const t = cellCentre(q, k, n);
      if (Math.hypot(p.x - t.x, p.y - t.y) > 0.4 * pitchF) return;
    }
    lines++;
    const base = classifyGlyphsSecond(c.glyphs, n);
    for (let k = 0; k < n; k++) {
      const label = CLASSES.indexOf(text[k] as string);
      const top = base[k]?.[0];
      if (label < 0 || !top) continue;
      const read: GlyphRead = { label, probs: [], baseTop: CLASSES.indexOf(top.ch), baseP: top.p };
      normaliseGlyph(c.glyphs, k * GLYPH_SIZE, x);
      read.mlp = new Float32Array(C);
      mlpForward(mlp, x, 0, read.mlp);
      read.cnn = new Float32Array(C);
      cnnForward(cnn, x, 0, read.cnn);
      if (top.p < MAX_BAR) {
        for (const [vi, v] of VARIANTS.entries()) {
          if (vi === 0) normaliseGlyph(c.glyphs, k * GLYPH_SIZE, x);
          else {
            rasterVariant(a.ink, c, k, v, raw);
            normaliseGlyph(raw, 0, x);
          }
          const pr = new Float32Array(C);
          ensembleForward(cnn, mlp, x, 0, pr);
          read.probs.push(pr);
          const pm = new Float32Array(C);
          mlpForward(mlp, x, 0, pm);
          const pc = new Float32Array(C);
          cnnForward(cnn, x, 0, pc);
          (read.mlpV ??= []).push(pm);
          (read.cnnV ??= []).push(pc);
        }
      }
      reads.push(read);
    }
  });
}

if (CACHE && !cached) writeFileSync(CACHE, serialize({ reads, frames, lines, asked }));

/** Pools the variants `set` of a glyph, then sharpens the pool by the exponent `gamma` (renormalised). */
function pool(r: GlyphRead, set: number[], mode: 'prob' | 'log', gamma = 1): { top: number; p: number } {
  const out = new Float64Array(C);
  for (const i of set) {
    const pr = r.probs[i] as Float32Array;
    for (let c = 0; c < C; c++) out[c] = (out[c] as number) + (mode === 'prob' ? (pr[c] as number) : Math.log(Math.max(1e-30, pr[c] as number)));
  }
  if (mode === 'log') {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, (out[c] as number) / set.length);
    for (let c = 0; c < C; c++) out[c] = Math.exp((out[c] as number) / set.length - max);
  }
  if (gamma !== 1) for (let c = 0; c < C; c++) out[c] = Math.pow(out[c] as number, gamma);
  let z = 0;
  for (let c = 0; c < C; c++) z += out[c] as number;
  let top = 0;
  for (let c = 1; c < C; c++) if ((out[c] as number) > (out[top] as number)) top = c;
  return { top, p: (out[top] as number) / z };
}

function score(name: string, pick: (r: GlyphRead) => { top: number; p: number }): void {
  let err = 0;
  let wrong90 = 0;
  let wrong99 = 0;
  let right90 = 0;
  let right99 = 0;
  for (const r of reads) {
    const { top, p } = pick(r);
    if (top !== r.label) {
      err++;
      if (p >= 0.9) wrong90++;
      if (p >= 0.99) wrong99++;
    } else {
      if (p < 0.9) right90++;
      if (p < 0.99) right99++;
    }
  }
  const acc = (100 * (reads.length - err)) / reads.length;
  console.log(`${name.padEnd(28)} acc ${acc.toFixed(3)}% errors ${err} wrong>=0.9 ${wrong90} wrong>=0.99 ${wrong99} right<0.9 ${right90} right<0.99 ${right99}`);
}

console.log(`frames ${frames}/${asked}, aligned lines ${lines}, glyphs ${reads.length}, below ${MAX_BAR}: ${reads.filter((r) => r.probs.length > 0).length}`);
score('ensemble (as cut)', (r) => ({ top: r.baseTop, p: r.baseP }));
const GAMMAS = cli.get('gammas', '1').split(',').map(Number);
const ONLY = cli.get('sets', '');
for (const bar of BARS) {
  for (const mode of ['prob', 'log'] as const) {
    for (const gamma of GAMMAS) {
      for (const [name, set] of Object.entries(SETS)) {
        if (ONLY && !ONLY.split(',').includes(name)) continue;
        score(`bar ${bar} ${mode} g${gamma} ${name}`, (r) => (r.probs.length > 0 && r.baseP < bar ? pool(r, set, mode, gamma) : { top: r.baseTop, p: r.baseP }));
      }
    }
  }
}

/**
 * The ensemble's pool of one glyph (as cnn.ts `ensembleForward`): the CNN's and the MLP's log
 * probabilities weighted `share` : 1 - `share`, over temperature `t`; its top class and probability.
 */
function logPool(pm: ArrayLike<number>, pc: ArrayLike<number>, share: number, t: number): { top: number; p: number } {
  const out = new Float64Array(C);
  let max = -Infinity;
  for (let c = 0; c < C; c++) {
    out[c] = (share * Math.log(Math.max(1e-30, pc[c] as number)) + (1 - share) * Math.log(Math.max(1e-30, pm[c] as number))) / t;
    max = Math.max(max, out[c] as number);
  }
  let z = 0;
  for (let c = 0; c < C; c++) z += out[c] = Math.exp((out[c] as number) - max);
  let top = 0;
  for (let c = 1; c < C; c++) if ((out[c] as number) > (out[top] as number)) top = c;
  return { top, p: (out[top] as number) / z };
}

/**
 * `--combine`: the ensemble's pool p ∝ (p_cnn^a p_mlp^(1-a))^(1/T) for other shares and
 * temperatures, and the agreement rule (both nets' first choice the same: the larger of the two
 * nets' probabilities and the ensemble's).
 */
if (cli.has('combine')) {
  const withNets = reads.filter((r) => r.mlp && r.cnn);
  const combo = (r: GlyphRead, a: number, t: number): { top: number; p: number } => logPool(r.mlp as Float32Array, r.cnn as Float32Array, a, t);
  const argmax = (v: Float32Array): number => {
    let top = 0;
    for (let c = 1; c < C; c++) if ((v[c] as number) > (v[top] as number)) top = c;
    return top;
  };
  reads.length = 0;
  reads.push(...withNets);
  console.log(`combine: ${withNets.length} glyphs`);
  score('mlp alone', (r) => { const t = argmax(r.mlp as Float32Array); return { top: t, p: (r.mlp as Float32Array)[t] as number }; });
  score('cnn alone', (r) => { const t = argmax(r.cnn as Float32Array); return { top: t, p: (r.cnn as Float32Array)[t] as number }; });
  for (const a of [0.5, 0.6, 0.7, 0.8]) for (const t of [0.8, 0.9, 1.0, 1.05, 1.15, 1.3]) score(`share ${a} T ${t}`, (r) => combo(r, a, t));
  score('agree: max(mlp, ens)', (r) => {
    const e = combo(r, 0.8, 1.05);
    const tm = argmax(r.mlp as Float32Array);
    const tc = argmax(r.cnn as Float32Array);
    if (tm === tc && tm === e.top) return { top: e.top, p: Math.max(e.p, (r.mlp as Float32Array)[tm] as number) };
    return e;
  });
}

/**
 * `--nets`: averaging one net's probabilities over the variants before the ensemble's pool (the
 * MLP, a dense layer on pixels, is the shift-sensitive one), against averaging the ensemble.
 */
if (cli.has('nets')) {
  const a = cnn.ensembleCnnShare;
  const te = cnn.ensembleTemperature;
  const mean = (vs: Float32Array[], set: number[]): Float64Array => {
    const out = new Float64Array(C);
    for (const i of set) for (let c = 0; c < C; c++) out[c] = (out[c] as number) + ((vs[i] as Float32Array)[c] as number) / set.length;
    return out;
  };
  const pool = (pm: ArrayLike<number>, pc: ArrayLike<number>): { top: number; p: number } => logPool(pm, pc, a, te);
  const withV = (r: GlyphRead): boolean => !!r.mlpV && r.mlpV.length > 0;
  for (const bar of [0.9, 0.99]) {
    for (const name of ['x.06', 'x.12', 'xy.06/.05', 'xy+s', 'all']) {
      const set = SETS[name] as number[];
      score(`nets bar ${bar} avgMLP+cnn ${name}`, (r) => (withV(r) && r.baseP < bar ? pool(mean(r.mlpV as Float32Array[], set), (r.cnnV as Float32Array[])[0] as Float32Array) : { top: r.baseTop, p: r.baseP }));
      score(`nets bar ${bar} mlp+avgCNN ${name}`, (r) => (withV(r) && r.baseP < bar ? pool((r.mlpV as Float32Array[])[0] as Float32Array, mean(r.cnnV as Float32Array[], set)) : { top: r.baseTop, p: r.baseP }));
      score(`nets bar ${bar} avgMLP+avgCNN ${name}`, (r) => (withV(r) && r.baseP < bar ? pool(mean(r.mlpV as Float32Array[], set), mean(r.cnnV as Float32Array[], set)) : { top: r.baseTop, p: r.baseP }));
    }
  }
}
