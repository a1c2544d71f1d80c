/**
 * Training-data generator (second source) for the MRZ glyph classifier: seeded synthetic frames
 * (presets clean / normal / hard, all formats) whose band is straightened with the homography of
 * the generator's TRUE text box (scripts/mrz/eval-half.ts); with `--via-band`, every other frame
 * goes through the engine's own analyseBand on a band candidate built from the true corners
 * (skew and perspective residue as at run time). The current segmenter then cuts the lines; glyphs are kept from every
 * line whose cells all line up with the truth (checked in frame coordinates), each as cut plus one
 * jittered copy (position, pitch, height), so training sees what the engine sees.
 *
 * Output: records `[label byte][GLYPH_SIZE bytes]`, appended per chunk.
 * `node --import tsx scripts/mrz/train-data-true.ts --out .cache/mrz-glyphs-t.bin --count 1200 --seed 200000
 *   [--via-band] [--max-px-per-mm P] [--motion-blur P] [--context]` (`--max-px-per-mm`: keep only documents drawn at most P frame
 * pixels per mm, synth.ts `framePxPerMm`: small bands; at 4.5 about a quarter of the documents
 * are kept and about 2000-3700 glyphs come out of `--count 90`; session 17, see train-cnn.ts).
 * `--motion-blur P`: the share of documents given a hand-shake blur (synth.ts `motionBlur`; 1: every
 * one; default the preset's). `--context`: each record holds three rasters, the glyph's left
 * neighbour, the glyph and its right neighbour (cut the same way; past a line's end, one pitch
 * further), `[label byte][3 x GLYPH_SIZE bytes]`, for classifiers that see a glyph's neighbours
 * (session 35, see context-eval.ts).
 * @module
 */
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { analyseBand, lineGroups, type BandAnalysis } from '../../sdk/mrz/engine-band.ts';
import { toFrame } from '../../sdk/mrz/rectify.ts';
import { GLYPH_SIZE, rasterGlyph, type CellLine } from '../../sdk/mrz/segment.ts';
import type { MrzFormat, Point } from '../../sdk/mrz/types.ts';
import { trueAnalysis, trueBand, type HalfFrame } from './eval-half.ts';
import { createRng, pick } from './random-mrz.ts';
import { homography, renderSynthetic, type Quad } from './synth.ts';
import { decodeGray } from './train-data.ts';
import { cliArgs, writeGlyphFile, type GlyphSink } from './train-io.ts';

const FORMATS: readonly MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];

/** True centre of cell `k` of a line quad (frame coordinates; projective, not linear). */
function cellCentre(q: Quad, k: number, n: number): Point {
  const h = homography(
    [
      { x: 0, y: 0 },
      { x: n, y: 0 },
      { x: n, y: 1 },
      { x: 0, y: 1 },
    ],
    q,
  );
  const x = k + 0.5;
  const y = 0.5;
  const d = (h[6] as number) * x + (h[7] as number) * y + (h[8] as number);
  return { x: ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / d, y: ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / d };
}

/**
 * How far a line's cut strays from the truth: the largest distance between a cell's centre as cut
 * (`cells`, on analysis `a`) and the true centre of that cell of line quad `q`, in character pitches.
 */
export function cutOffset(a: BandAnalysis, cells: CellLine, q: Quad): number {
  const n = cells.n;
  const a0 = cellCentre(q, 0, n);
  const a1 = cellCentre(q, n - 1, n);
  const pitch = Math.hypot(a1.x - a0.x, a1.y - a0.y) / (n - 1);
  let worst = 0;
  for (let k = 0; k < n; k++) {
    const yc = ((cells.tops[k] as number) + (cells.bottoms[k] as number)) / 2;
    const p = toFrame(a.spec, ((cells.bounds[k] as number) + (cells.bounds[k + 1] as number)) / 2, yc);
    const t = cellCentre(q, k, n);
    worst = Math.max(worst, Math.hypot(p.x - t.x, p.y - t.y) / pitch);
  }
  return worst;
}

/** Generation statistics. */
export interface TrueDataStats {
  docs: number;
  lines: number;
  alignedLines: number;
  glyphs: number;
}

/** How {@link generateTrue} draws and cuts (the command line's flags, see the module header). */
export interface TrueDataOptions {
  /** Every other frame through analyseBand on a band built from the true corners (`--via-band`). */
  readonly viaBand?: boolean;
  /** Only documents drawn at most this many frame pixels per mm (`--max-px-per-mm`). */
  readonly maxPxPerMm?: number;
  /** Share of documents given a hand-shake blur (`--motion-blur`; default the preset's). */
  readonly motionBlur?: number;
  /** Records with the neighbours' rasters either side (`--context`). */
  readonly context?: boolean;
}

/** Generates glyph records for `count` frames starting at `seed`. */
export function generateTrue(count: number, seed: number, onRecord: GlyphSink, stats: TrueDataStats, options: TrueDataOptions = {}): void {
  const { viaBand = false, maxPxPerMm = Infinity, motionBlur, context = false } = options;
  const raster = new Float32Array(GLYPH_SIZE);
  const bytes = new Uint8Array(context ? 3 * GLYPH_SIZE : GLYPH_SIZE);
  for (let i = 0; i < count; i++) {
    const s = seed + i;
    const rng = createRng(s ^ 0x5a5a5a);
    const r0 = rng();
    const preset = r0 < 0.1 ? 'clean' : r0 < 0.6 ? 'normal' : 'hard';
    const format = pick(rng, FORMATS);
    const doc = renderSynthetic(s, { preset, format, randomSize: rng() < 0.3, ...(motionBlur === undefined ? {} : { motionBlur }) });
    // `--max-px-per-mm`: only documents drawn at most this large (small bands).
    if ((doc.params.framePxPerMm as number) > maxPxPerMm) continue;
    stats.docs++;
    const gray = decodeGray(doc.image);
    const f: HalfFrame = { seed: s, preset: preset === 'hard' ? 'hard' : 'normal', format, lines: doc.lines, corners: doc.corners, lineCorners: doc.lineCorners, gray };
    const n = doc.lines[0]?.length ?? 0;
    const a: BandAnalysis | null = viaBand && i % 2 === 1 ? analyseBand(gray, trueBand(doc.corners, doc.lines.length)) : trueAnalysis(f);
    if (!a) continue;
    const g = lineGroups(a, [n as 30 | 36 | 44]).find((x) => x.cells.length === doc.lines.length);
    if (!g) continue;
    g.cells.forEach((c, li) => {
      const text = doc.lines[li];
      const q = doc.lineCorners[li];
      if (!text || !q) return;
      stats.lines++;
      if (cutOffset(a, c, q) > 0.4) return;
      stats.alignedLines++;
      for (let k = 0; k < n; k++) {
        const label = CLASSES.indexOf(text[k] as string);
        if (label < 0) continue;
        const cx = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2;
        const lh = (c.bottoms[k] as number) - (c.tops[k] as number) + 1;
        const cy = ((c.tops[k] as number) + (c.bottoms[k] as number)) / 2;
        const pk = (c.bounds[k + 1] as number) - (c.bounds[k] as number);
        const pitch = 0.5 * pk + 0.5 * c.pitch;
        for (let v = 0; v < 2; v++) {
          const jx = v === 0 ? 0 : (rng() - 0.5) * 0.24 * c.pitch;
          const jy = v === 0 ? 0 : (rng() - 0.5) * 0.16 * lh;
          const sp = v === 0 ? 1 : 1 + (rng() - 0.5) * 0.14;
          const sh = v === 0 ? 1 : 1 + (rng() - 0.5) * 0.16;
          const [from, to] = context ? [k - 1, k + 1] : [k, k];
          for (let m = from; m <= to; m++) {
            // A neighbour past the line's end sits one pitch further (the margin's paper).
            const inLine = m >= 0 && m < n;
            const mx = inLine ? ((c.bounds[m] as number) + (c.bounds[m + 1] as number)) / 2 : cx + (m - k) * c.pitch;
            const my = inLine ? ((c.tops[m] as number) + (c.bottoms[m] as number)) / 2 : cy;
            rasterGlyph(a.ink, mx + jx, my + jy, pitch * sp, lh * sh, raster, 0);
            const o = (m - from) * GLYPH_SIZE;
            for (let j = 0; j < GLYPH_SIZE; j++) bytes[o + j] = Math.round((raster[j] as number) * 255);
          }
          onRecord(label, bytes);
          stats.glyphs++;
        }
      }
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = cliArgs();
  const stats: TrueDataStats = { docs: 0, lines: 0, alignedLines: 0, glyphs: 0 };
  const options: TrueDataOptions = {
    viaBand: cli.has('via-band'),
    maxPxPerMm: Number(cli.get('max-px-per-mm', 'Infinity')),
    ...(cli.has('motion-blur') ? { motionBlur: Number(cli.get('motion-blur', '1')) } : {}),
    context: cli.has('context'),
  };
  await writeGlyphFile(cli.get('out', '.cache/mrz-glyphs-t.bin'), Number(cli.get('count', '1200')), Number(cli.get('seed', '200000')), 25, (n, seed, sink) => generateTrue(n, seed, sink, stats, options), () => JSON.stringify(stats));
}
