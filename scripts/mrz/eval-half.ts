/**
 * Isolated measurement of the READING half of the MRZ engine (segment -> classify -> correct),
 * independent of band localisation: seeded synthetic frames (scripts/mrz/synth.ts, 'normal' and
 * 'hard' presets, all five formats in turn) are straightened with the generator's TRUE MRZ
 * corners through the engine's own rectify/analyseBand, then cut, classified and corrected.
 *
 * Prints exact reads (valid and equal to the truth), exact text regardless of validity, character
 * accuracy of the raw top-1 classifier output, and false accepts (valid but wrong).
 *
 * `--via-band` runs the engine's analyseBand (skew and perspective estimation) on a band candidate
 * built from the true corners instead of the exact homography.
 *
 * `node --import tsx scripts/mrz/eval-half.ts [--count 300] [--seed 50000] [--verbose] [--via-band] [--weights file.ts]`
 * Frames are cached as raw greyscale in `.cache/mrz-half/` (render once).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classifyGlyphs, decodeModel, type Mlp } from '../../sdk/mrz/classify.ts';
import { correctMrz } from '../../sdk/mrz/correct.ts';
import { analyseBand, lineGroups, TARGET_LEN, type BandAnalysis } from '../../sdk/mrz/engine-band.ts';
import type { Gray8 } from '../../sdk/mrz/image.ts';
import { homographyFromPoints, rectify, type RectSpec } from '../../sdk/mrz/rectify.ts';
import { findLines, inkMap } from '../../sdk/mrz/segment.ts';
import type { BandCandidate } from '../../sdk/mrz/locate.ts';
import type { LineCandidates, MrzFormat, Point } from '../../sdk/mrz/types.ts';
import { decodeGray } from './train-data.ts';
import { renderSynthetic, type Quad } from './synth.ts';
import { cliArgs } from './train-io.ts';

const FORMATS: readonly MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];

/** A cached evaluation frame. */
export interface HalfFrame {
  readonly seed: number;
  readonly preset: 'normal' | 'hard';
  readonly format: MrzFormat;
  readonly lines: string[];
  readonly corners: Quad;
  readonly lineCorners: Quad[];
  readonly gray: Gray8;
}

/** Renders (or loads from the cache) frame `i` of the evaluation set starting at `seed0`. */
export function halfFrame(i: number, seed0: number, cacheDir = '.cache/mrz-half'): HalfFrame {
  const seed = seed0 + i;
  const preset: 'normal' | 'hard' = i % 3 === 2 ? 'hard' : 'normal';
  const format = FORMATS[i % FORMATS.length] as MrzFormat;
  const meta = join(cacheDir, `${seed}.json`);
  const raw = join(cacheDir, `${seed}.gray`);
  if (existsSync(meta) && existsSync(raw)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as Omit<HalfFrame, 'gray'> & { width: number; height: number };
    const data = new Uint8Array(readFileSync(raw));
    return { ...m, gray: { width: m.width, height: m.height, data } };
  }
  mkdirSync(cacheDir, { recursive: true });
  const doc = renderSynthetic(seed, { preset, format, encoding: 'jpeg' });
  const gray = decodeGray(doc.image);
  const m = { seed, preset, format, lines: doc.lines, corners: doc.corners, lineCorners: doc.lineCorners, width: gray.width, height: gray.height };
  writeFileSync(meta, JSON.stringify(m));
  writeFileSync(raw, gray.data);
  return { ...m, gray };
}

/** A band candidate built from the true MRZ text box (what a perfect locator would return). */
export function trueBand(corners: Quad, nLines: number): BandCandidate {
  const [tl, tr, br, bl] = corners;
  const angle = Math.atan2(tr.y - tl.y + (br.y - bl.y), tr.x - tl.x + (br.x - bl.x));
  const cx = (tl.x + tr.x + br.x + bl.x) / 4;
  const cy = (tl.y + tr.y + br.y + bl.y) / 4;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (const p of corners as readonly Point[]) {
    const u = (p.x - cx) * c + (p.y - cy) * s;
    const v = -(p.x - cx) * s + (p.y - cy) * c;
    u0 = Math.min(u0, u);
    u1 = Math.max(u1, u);
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  const lineThickness = ((v1 - v0) / (nLines * 2 - 1)) * 0.9;
  return { cx, cy, angle, u0, u1, v0, v1, lineThickness, length: u1 - u0, score: 1 };
}

/**
 * Straightens the band with the homography of the TRUE text box onto an upright rectangle whose
 * lines are TARGET_LEN px long (the engine's working size, engine-band.ts), with margins, then
 * builds the ink map and finds the lines with the engine's own segmenter.
 */
export function trueAnalysis(f: HalfFrame): BandAnalysis | null {
  const L = TARGET_LEN;
  const [tl, tr, br, bl] = f.corners;
  const len = (Math.hypot(tr.x - tl.x, tr.y - tl.y) + Math.hypot(br.x - bl.x, br.y - bl.y)) / 2;
  const hgt = (Math.hypot(bl.x - tl.x, bl.y - tl.y) + Math.hypot(br.x - tr.x, br.y - tr.y)) / 2;
  const boxH = (L * hgt) / len;
  const lineH = boxH / (2 * f.lines.length - 1);
  const mx = 0.06 * L;
  const my = Math.max(1.6 * lineH, 0.05 * L);
  const W = Math.round(L + 2 * mx);
  const H = Math.round(boxH + 2 * my);
  const h = homographyFromPoints(
    [
      { x: mx, y: my },
      { x: mx + L, y: my },
      { x: mx + L, y: my + boxH },
      { x: mx, y: my + boxH },
    ],
    [tl, tr, br, bl],
  );
  if (!h) return null;
  const scale = L / len;
  const spec: RectSpec = { cx: 0, cy: 0, angle: 0, u0: 0, u1: W / scale, v0: 0, v1: H / scale, scale, homography: h };
  const rect = rectify(f.gray, spec);
  if (!rect) return null;
  const ink = inkMap(rect, L / 40);
  return { spec, ink, lines: findLines(ink) };
}

/** Outcome of reading one frame with the true band. */
export interface HalfOutcome {
  readonly exact: boolean;
  readonly valid: boolean;
  readonly falseAccept: boolean;
  readonly textExact: boolean;
  readonly chars: number;
  readonly charsRight: number;
  readonly segmented: boolean;
  readonly raw: string[];
  readonly read: string[];
}

/** Reads one frame through rectify -> segment -> classify -> correct with the true band. */
export function readHalf(f: HalfFrame, viaBand = false, classify: (glyphs: Float32Array, n: number) => LineCandidates = (g, n) => classifyGlyphs(g, n)): HalfOutcome {
  const n = f.lines[0]?.length ?? 0;
  const total = f.lines.length * n;
  const none: HalfOutcome = { exact: false, valid: false, falseAccept: false, textExact: false, chars: total, charsRight: 0, segmented: false, raw: [], read: [] };
  const a = viaBand ? analyseBand(f.gray, trueBand(f.corners, f.lines.length)) : trueAnalysis(f);
  if (!a) return none;
  const groups = lineGroups(a, [n as 30 | 36 | 44]).filter((g) => g.cells.length === f.lines.length);
  const g = groups[0];
  if (!g) return none;
  const cands = g.cells.map((c) => classify(c.glyphs, c.n));
  const raw = cands.map((l) => l.map((p) => p[0]?.ch ?? '?').join(''));
  let right = 0;
  raw.forEach((l, li) => {
    const t = f.lines[li] ?? '';
    for (let k = 0; k < n; k++) if (l[k] === t[k]) right++;
  });
  const r = correctMrz(cands);
  const read = r ? [...r.lines] : [];
  const textExact = read.length === f.lines.length && read.every((l, i) => l === f.lines[i]);
  const valid = !!r?.valid;
  return { exact: valid && textExact, valid, falseAccept: valid && !textExact, textExact, chars: total, charsRight: right, segmented: true, raw, read };
}

async function main(): Promise<void> {
  const cli = cliArgs();
  const get = cli.get;
  const count = Number(get('count', '300'));
  const seed0 = Number(get('seed', '50000'));
  const verbose = cli.has('verbose');
  const viaBand = cli.has('via-band');
  // --weights FILE: a weights module written by train.ts --out (compare before committing it).
  const wFile = get('weights', '');
  let net: Mlp | undefined;
  if (wFile) net = decodeModel(((await import(resolve(wFile))) as { MODEL: Parameters<typeof decodeModel>[0] }).MODEL);
  const cls = net ? (g: Float32Array, n: number): LineCandidates => classifyGlyphs(g, n, 4, 0.002, net) : undefined;
  const t0 = Date.now();
  let exact = 0;
  let textExact = 0;
  let fa = 0;
  let chars = 0;
  let right = 0;
  let segmented = 0;
  const per = new Map<string, [number, number]>();
  for (let i = 0; i < count; i++) {
    const f = halfFrame(i, seed0);
    const o = readHalf(f, viaBand, cls);
    if (o.exact) exact++;
    if (o.textExact) textExact++;
    if (o.falseAccept) fa++;
    if (o.segmented) segmented++;
    chars += o.chars;
    right += o.charsRight;
    const key = `${f.format}/${f.preset}`;
    const e = per.get(key) ?? [0, 0];
    e[0] += o.exact ? 1 : 0;
    e[1]++;
    per.set(key, e);
    if (verbose && !o.exact) {
      process.stdout.write(`${f.seed} ${key} valid=${o.valid} FA=${o.falseAccept} seg=${o.segmented}\n`);
      f.lines.forEach((l, li) => process.stdout.write(`  T ${l}\n  R ${o.raw[li] ?? ''}\n  C ${o.read[li] ?? ''}\n`));
    }
  }
  const pct = (a: number, b: number): string => ((100 * a) / Math.max(1, b)).toFixed(1);
  process.stdout.write(`frames ${count} (seed ${seed0}): exact&valid ${exact} (${pct(exact, count)}%), text exact ${textExact}, segmented ${segmented}, raw char acc ${pct(right, chars)}%, false accepts ${fa}  [${((Date.now() - t0) / 1000).toFixed(0)} s]\n`);
  process.stdout.write([...per.entries()].sort().map(([k, [a, b]]) => `${k} ${a}/${b}`).join('  ') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
