/**
 * Fast glyph training data: renders bare MRZ bands (2 or 3 OCR-B lines at the format's pitch) with
 * moderate, realistic degradation (size, pitch/height ratio, stroke weight, print jitter, small
 * rotation and shear, paper texture and gradients, blur, noise, JPEG), then cuts them with the
 * engine's own rectify -> segment code (a band candidate built from the known geometry), exactly as
 * at run time. Complements train-data.ts (full synthetic documents through locate), which is
 * closer to camera frames but about 50x slower to produce.
 *
 * Output records as in train-data.ts: `[label byte][GLYPH_SIZE bytes]`.
 * `node --import tsx scripts/mrz/train-lines.ts --out .cache/mrz-lines.bin --count 1500 --seed 1`
 * @module
 */
import { createCanvas, GlobalFonts, Image } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { analyseBand, lineGroups } from '../../sdk/mrz/engine-band.ts';
import { toGray, type Gray8 } from '../../sdk/mrz/image.ts';
import type { BandCandidate } from '../../sdk/mrz/locate.ts';
import { toFrame } from '../../sdk/mrz/rectify.ts';
import { GLYPH_SIZE, rasterGlyph } from '../../sdk/mrz/segment.ts';
import type { MrzFormat } from '../../sdk/mrz/types.ts';
import { createRng, randomMrz, type Rng } from './random-mrz.ts';
import { cliArgs, writeGlyphFile, type GlyphSink } from './train-io.ts';

const FONT_FILES = ['/usr/share/fonts/opentype/ocr-b/OCRB.otf', '/usr/share/fonts/truetype/ocr-b/OCRB.ttf'];
let fontReady = false;
function ensureFont(): void {
  if (fontReady) return;
  const f = FONT_FILES.find((p) => existsSync(p));
  if (!f) throw new Error('OCR-B font not found: install Debian package fonts-ocr-b');
  GlobalFonts.registerFromPath(f, 'TrainOCRB');
  fontReady = true;
}

const u = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(Math.max(1e-12, rng()))) * Math.cos(2 * Math.PI * rng());
}

/** Random text lines: a valid MRZ most of the time, otherwise uniform characters (class balance). */
function textLines(rng: Rng, seed: number): string[] {
  const formats: MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];
  const format = formats[Math.floor(rng() * formats.length)] as MrzFormat;
  const m = randomMrz(seed, { format, quirkRate: 0.3, allowSpecimen: rng() < 0.1 });
  if (rng() < 0.35) {
    // Replace one line by uniformly random characters (letters are rare in real MRZs otherwise).
    const i = Math.floor(rng() * m.lines.length);
    const n = (m.lines[0] as string).length;
    let s = '';
    for (let k = 0; k < n; k++) s += CLASSES[1 + Math.floor(rng() * (CLASSES.length - 1))];
    m.lines[i] = s;
  }
  return m.lines;
}

/** Renders one band and returns the image plus line geometry (image pixels). */
function renderBand(rng: Rng, lines: string[]): { gray: Gray8; cand: BandCandidate; starts: number[]; pitch: number; lineY: number[] } {
  ensureFont();
  const n = (lines[0] as string).length;
  const cap = u(rng, 8, 34);
  const pitch = cap * u(rng, 1.0, 1.3);
  const spacing = cap * u(rng, 1.55, 2.3);
  const fontPx = cap / 0.7;
  const margin = pitch * u(rng, 2, 5);
  const W = Math.ceil(n * pitch + 2 * margin);
  const H = Math.ceil(spacing * (lines.length - 1) + cap + 2 * margin);
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  const bg = u(rng, 150, 250);
  const g2 = Math.max(90, bg - u(rng, 0, 70));
  const grad = ctx.createLinearGradient(0, 0, W * u(rng, 0.2, 1), H * u(rng, 0, 1));
  grad.addColorStop(0, `rgb(${bg},${bg},${bg})`);
  grad.addColorStop(1, `rgb(${g2},${g2},${g2})`);
  ctx.fillStyle = grad;
  ctx.fillRect(0, 0, W, H);
  // Paper texture: faint wavy lines (guilloche-like).
  const nLines = Math.floor(u(rng, 0, 12));
  for (let i = 0; i < nLines; i++) {
    const c = Math.max(0, bg - u(rng, 10, 60));
    ctx.strokeStyle = `rgb(${c},${c},${c})`;
    ctx.lineWidth = u(rng, 0.4, 1.5);
    ctx.beginPath();
    const y0 = u(rng, 0, H);
    const amp = u(rng, 2, H / 3);
    const per = u(rng, 30, 300);
    for (let x = 0; x <= W; x += 6) {
      const y = y0 + amp * Math.sin((x / per) * 2 * Math.PI);
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  const ink = u(rng, 0, Math.min(110, bg - 60));
  ctx.fillStyle = `rgb(${ink},${ink},${ink})`;
  ctx.strokeStyle = ctx.fillStyle;
  ctx.font = `${fontPx.toFixed(2)}px TrainOCRB`;
  const adv = ctx.measureText('<').width;
  const weight = rng() < 0.5 ? u(rng, 0, 0.07) * fontPx : 0;
  ctx.lineWidth = weight;
  // Small rotation / shear around the centre (the engine corrects skew, not shear).
  const rot = (u(rng, -1.5, 1.5) * Math.PI) / 180;
  const shear = u(rng, -0.04, 0.04);
  ctx.translate(W / 2, H / 2);
  ctx.rotate(rot);
  ctx.transform(1, 0, shear, 1, 0, 0);
  ctx.translate(-W / 2, -H / 2);
  const starts: number[] = [];
  const lineY: number[] = [];
  lines.forEach((text, li) => {
    const base = margin + cap + li * spacing;
    starts.push(margin);
    lineY.push(base - cap / 2);
    for (let k = 0; k < text.length; k++) {
      const ch = text[k] as string;
      const x = margin + k * pitch + (pitch - adv) / 2 + gauss(rng) * 0.02 * pitch;
      const y = base + gauss(rng) * 0.02 * cap;
      ctx.fillText(ch, x, y);
      if (weight > 0) ctx.strokeText(ch, x, y);
    }
  });
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const blur = rng() < 0.7 ? u(rng, 0, 0.09) * cap : 0;
  let buf: Buffer | null = null;
  let data: Uint8ClampedArray;
  if (blur > 0.3) {
    const c2 = createCanvas(W, H);
    const x2 = c2.getContext('2d');
    x2.filter = `blur(${blur.toFixed(2)}px)`;
    x2.drawImage(canvas, 0, 0);
    data = x2.getImageData(0, 0, W, H).data;
  } else data = ctx.getImageData(0, 0, W, H).data;
  const noise = u(rng, 0, 12);
  const gray = toGray({ width: W, height: H, data }) as Gray8;
  const gd = new Uint8Array(gray.data);
  for (let i = 0; i < gd.length; i++) gd[i] = Math.max(0, Math.min(255, Math.round((gd[i] as number) + gauss(rng) * noise)));
  let out: Gray8 = { width: W, height: H, data: gd };
  if (rng() < 0.6) {
    const c3 = createCanvas(W, H);
    const x3 = c3.getContext('2d');
    const id = x3.createImageData(W, H);
    for (let i = 0; i < gd.length; i++) {
      const v = gd[i] as number;
      id.data[i * 4] = v;
      id.data[i * 4 + 1] = v;
      id.data[i * 4 + 2] = v;
      id.data[i * 4 + 3] = 255;
    }
    x3.putImageData(id, 0, 0);
    buf = c3.toBuffer('image/jpeg', Math.round(u(rng, 35, 95)));
    const img = new Image();
    img.src = buf;
    const c4 = createCanvas(W, H);
    const x4 = c4.getContext('2d');
    x4.drawImage(img, 0, 0);
    out = toGray({ width: W, height: H, data: x4.getImageData(0, 0, W, H).data }) as Gray8;
  }
  const len = lines.length;
  const cand: BandCandidate = {
    cx: W / 2,
    cy: H / 2,
    angle: u(rng, -0.01, 0.01),
    u0: margin - W / 2 + u(rng, -0.3, 0.3) * pitch,
    u1: margin + n * pitch - W / 2 + u(rng, -0.3, 0.3) * pitch,
    v0: margin - H / 2 - cap * u(rng, 0, 0.3),
    v1: margin + cap + (len - 1) * spacing - H / 2 + cap * u(rng, 0, 0.3),
    lineThickness: cap * u(rng, 0.9, 1.3),
    length: n * pitch,
    score: 1,
  };
  return { gray: out, cand, starts, pitch, lineY };
}

/** Generates glyph records for `count` bands starting at `seed`. */
export function generateLines(count: number, seed: number, onRecord: GlyphSink): { bands: number; aligned: number; glyphs: number } {
  const stats = { bands: 0, aligned: 0, glyphs: 0 };
  const raster = new Float32Array(GLYPH_SIZE);
  const bytes = new Uint8Array(GLYPH_SIZE);
  for (let i = 0; i < count; i++) {
    const s = seed + i;
    const rng = createRng(s * 7919 + 3);
    const lines = textLines(rng, s);
    const n = (lines[0] as string).length;
    const band = renderBand(rng, lines);
    stats.bands++;
    const a = analyseBand(band.gray, band.cand);
    if (!a) continue;
    const g = lineGroups(a, [n as 30 | 36 | 44]).find((x) => x.cells.length === lines.length);
    if (!g) continue;
    // Alignment check: first/last boundaries near the known cell edges.
    let ok = true;
    g.cells.forEach((c, li) => {
      const yc = (c.top + c.bottom) / 2;
      const L = toFrame(a.spec, c.bounds[0] as number, yc);
      const R = toFrame(a.spec, c.bounds[n] as number, yc);
      const x0 = band.starts[li] as number;
      if (Math.abs(L.x - x0) > 0.4 * band.pitch || Math.abs(R.x - (x0 + n * band.pitch)) > 0.4 * band.pitch) ok = false;
      if (Math.abs(L.y - (band.lineY[li] as number)) > 0.8 * band.pitch) ok = false;
    });
    if (!ok) continue;
    stats.aligned++;
    g.cells.forEach((c, li) => {
      const text = lines[li] as string;
      
      for (let k = 0; k < n; k++) {
        const label = CLASSES.indexOf(text[k] as string);
        const cx = ((c.bounds[k] as number) + (c.bounds[k + 1] as number)) / 2;
        const lh = (c.bottoms[k] as number) - (c.tops[k] as number) + 1;
            const cy = ((c.tops[k] as number) + (c.bottoms[k] as number)) / 2;
        // '<' is frequent: keep a third of them.
        if (label === 0 && rng() < 0.67) continue;
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
    });
  }
  return stats;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = cliArgs();
  const total = { bands: 0, aligned: 0, glyphs: 0 };
  await writeGlyphFile(cli.get('out', '.cache/mrz-lines.bin'), Number(cli.get('count', '1500')), Number(cli.get('seed', '1')), 100, (n, seed, sink) => {
    const st = generateLines(n, seed, sink);
    total.bands += st.bands;
    total.aligned += st.aligned;
    total.glyphs += st.glyphs;
  }, () => JSON.stringify(total));
}
