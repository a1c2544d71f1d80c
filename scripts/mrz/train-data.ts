/**
 * Training-data generator for the MRZ glyph classifier. Renders seeded synthetic documents with
 * scripts/mrz/synth.ts, runs the engine's own locate -> rectify -> segment code on them, keeps the
 * line groups whose cells line up with the generator's ground-truth line boxes, and stores every
 * cell's glyph raster with its label (plus a jittered copy). Train therefore sees exactly what the
 * engine sees at run time.
 *
 * Output: a binary file of records `[label byte][GLYPH_SIZE bytes]` (ink 0-255).
 * `node --import tsx scripts/mrz/train-data.ts --out .cache/mrz-glyphs.bin --count 500 --seed 1000`
 * @module
 */
import { Image } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';
import { analyseBand, lineGroups } from '../../sdk/mrz/engine-band.ts';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { toGray, type Gray8 } from '../../sdk/mrz/image.ts';
import { locateBands } from '../../sdk/mrz/locate.ts';
import { toFrame } from '../../sdk/mrz/rectify.ts';
import { GLYPH_SIZE, rasterGlyph } from '../../sdk/mrz/segment.ts';
import { createRng } from './random-mrz.ts';
import { renderSynthetic, type SynthOptions } from './synth.ts';
import { cliArgs, writeGlyphFile, type GlyphSink } from './train-io.ts';

/** Decodes an encoded image buffer synchronously to greyscale. */
export function decodeGray(buf: Buffer): Gray8 {
  const img = new Image();
  img.src = buf;
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height);
  const g = toGray({ width: d.width, height: d.height, data: d.data });
  if (!g) throw new Error('decode failed');
  return g;
}

/** Statistics of one generation run. */
export interface DataStats {
  docs: number;
  alignedDocs: number;
  glyphs: number;
}

/** Generates glyph records for `count` documents starting at `seed`. */
export function generate(count: number, seed: number, onRecord: GlyphSink): DataStats {
  const stats: DataStats = { docs: 0, alignedDocs: 0, glyphs: 0 };
  const raster = new Float32Array(GLYPH_SIZE);
  const bytes = new Uint8Array(GLYPH_SIZE);
  for (let i = 0; i < count; i++) {
    const s = seed + i;
    const rng = createRng(s ^ 0x1234567);
    const r0 = rng();
    const opts: SynthOptions = { preset: r0 < 0.15 ? 'clean' : r0 < 0.75 ? 'normal' : 'hard', randomSize: rng() < 0.5 };
    const doc = renderSynthetic(s, opts);
    stats.docs++;
    const gray = decodeGray(doc.image);
    const nLines = doc.lines.length;
    const n = doc.lines[0]?.length ?? 0;
    let done = false;
    for (const band of locateBands(gray)) {
      if (done) break;
      const a = analyseBand(gray, band);
      if (!a) continue;
      for (const g of lineGroups(a, [n as 30 | 36 | 44])) {
        if (g.cells.length !== nLines) continue;
        let ok = true;
        for (let li = 0; li < nLines && ok; li++) {
          const c = g.cells[li];
          const q = doc.lineCorners[li];
          if (!c || !q) {
            ok = false;
            break;
          }
          const yc = (c.top + c.bottom) / 2;
          const L = toFrame(a.spec, c.bounds[0] as number, yc);
          const R = toFrame(a.spec, c.bounds[n] as number, yc);
          const lm = { x: (q[0].x + q[3].x) / 2, y: (q[0].y + q[3].y) / 2 };
          const rm = { x: (q[1].x + q[2].x) / 2, y: (q[1].y + q[2].y) / 2 };
          const pitch = Math.hypot(rm.x - lm.x, rm.y - lm.y) / n;
          // Compare along the line direction (cell alignment); across it only loosely.
          const ux = (rm.x - lm.x) / (n * pitch);
          const uy = (rm.y - lm.y) / (n * pitch);
          const alongL = (L.x - lm.x) * ux + (L.y - lm.y) * uy;
          const alongR = (R.x - rm.x) * ux + (R.y - rm.y) * uy;
          const acrossL = Math.abs(-(L.x - lm.x) * uy + (L.y - lm.y) * ux);
          if (Math.abs(alongL) > 0.4 * pitch || Math.abs(alongR) > 0.4 * pitch || acrossL > 1.2 * pitch) ok = false;
        }
        if (!ok) continue;
        stats.alignedDocs++;
        done = true;
        for (let li = 0; li < nLines; li++) {
          const c = g.cells[li];
          const text = doc.lines[li];
          if (!c || !text) continue;
          
          for (let k = 0; k < n; k++) {
            const label = CLASSES.indexOf(text[k] as string);
            if (label < 0) continue;
            const cx = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2;
            const lh = (c.bottoms[k] as number) - (c.tops[k] as number) + 1;
            const cy = ((c.tops[k] as number) + (c.bottoms[k] as number)) / 2;
            // The exact cut plus one jittered copy (position, pitch and height).
            for (let v = 0; v < 2; v++) {
              const jx = v === 0 ? 0 : (rng() - 0.5) * 0.2 * c.pitch;
              const jy = v === 0 ? 0 : (rng() - 0.5) * 0.16 * lh;
              const sp = v === 0 ? 1 : 1 + (rng() - 0.5) * 0.12;
              const sh = v === 0 ? 1 : 1 + (rng() - 0.5) * 0.16;
              rasterGlyph(a.ink, cx + jx, cy + jy, c.pitch * sp, lh * sh, raster, 0);
              for (let p = 0; p < GLYPH_SIZE; p++) bytes[p] = Math.round((raster[p] as number) * 255);
              onRecord(label, bytes);
              stats.glyphs++;
            }
          }
        }
        break;
      }
    }
  }
  return stats;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = cliArgs();
  const stats: DataStats = { docs: 0, alignedDocs: 0, glyphs: 0 };
  await writeGlyphFile(cli.get('out', '.cache/mrz-glyphs.bin'), Number(cli.get('count', '500')), Number(cli.get('seed', '1000')), 25, (n, seed, sink) => {
    const st = generate(n, seed, sink);
    stats.docs += st.docs;
    stats.alignedDocs += st.alignedDocs;
    stats.glyphs += st.glyphs;
  }, () => JSON.stringify(stats));
}
