/**
 * Seeded synthetic MRZ document-image generator (training data, tests and benchmarks).
 *
 * Renders a fake identity document (TD1 card, TD2 card, TD3 passport page, MRV-A / MRV-B visa, French
 * identity card) with a textured background, guilloche-like lines, a photo box and printed labels, the
 * MRZ set in OCR-B (Debian `fonts-ocr-b`, public domain) at the ICAO pitch (2.54 mm per character, 10
 * per inch), then places it in a larger frame with tilt, perspective, scale, lighting gradient, glare, blur, noise and
 * JPEG compression. Same seed + same options = same image (byte-identical on the same machine).
 *
 * ## Options ({@link SynthOptions}, all optional)
 * | option | default | meaning |
 * |---|---|---|
 * | `format` | random ICAO format | `TD1`, `TD2`, `TD3`, `MRVA`, `MRVB`, or `FRA_ID` (French identity card, only when asked for) |
 * | `lines` | random valid MRZ | explicit MRZ lines to print (format inferred from them) |
 * | `width`, `height` | 1280 x 720 | frame size in pixels |
 * | `randomSize` | false | random frame size between 480x360 and 1920x1080 (landscape or portrait) |
 * | `preset` | `'normal'` | `'clean'` (no tilt, blur, noise; PNG), `'normal'`, `'hard'` (stronger everything) |
 * | `maxTilt` | 20 (clean: 0) | max in-plane rotation in degrees (uniform in ±maxTilt) |
 * | `perspective` | 0.06 (hard 0.12) | max corner displacement as a fraction of the document size |
 * | `docScale` | [0.5, 0.95] | document width as a fraction of the largest that fits the frame |
 * | `rotation` | 0 | final frame rotation for still images: 0, 90, 180, 270 or `'random'` |
 * | `blur` | 1.2 (hard 2.2) | max Gaussian blur radius in pixels (uniform in [0, blur]) |
 * | `motionBlur` | 0.25 | probability of an extra directional (hand-shake) blur |
 * | `noise` | 10 (hard 20) | max standard deviation of per-pixel Gaussian noise (0-255 scale) |
 * | `glare` | 0.35 | probability of one or more glare spots |
 * | `lighting` | true | random lighting gradient / vignette over the frame |
 * | `clutter` | 0.3 | probability of printed text very close above the MRZ (Romanian-ID style) |
 * | `darkBackground` | 0.2 | probability of a dark desk / dark document colour |
 * | `encoding` | `'jpeg'` (clean: `'png'`) | output encoding |
 * | `jpegQuality` | [55, 95] | JPEG quality range |
 * | `noMrz` | false | render the document without its MRZ (negative sample; `lines` is then empty) |
 * | `quirkRate`, `allowSpecimen` | 0.25, false | passed to the random MRZ generator |
 *
 * ## Result ({@link SynthResult})
 * `image` (encoded Buffer), `mime`, `width`, `height`, `lines`, `format`, `fields`, `corners` (MRZ text
 * box corners in output-image pixels: top-left, top-right, bottom-right, bottom-left in reading
 * order, i.e. they rotate with the document), `lineCorners` (one quad per MRZ line: the cells of all
 * its characters, so character cell k of n lies at fraction k/n..(k+1)/n along the top and bottom
 * edges), `docCorners`, and `params` (the drawn random parameters).
 *
 * ## CLI
 * `node --import tsx scripts/mrz/synth.ts --out DIR [--count N] [--seed S] [--preset clean|normal|hard]
 *  [--format TD3] [--rotation random] [--random-size] [--width W --height H] [--no-mrz-rate 0.1]`
 * writes `DIR/<seed>.jpg|png` and `DIR/ground-truth.json` (array of `{ file, seed, format, lines,
 * corners, lineCorners, width, height, params }`).
 * @module
 */
import { createCanvas, GlobalFonts, type SKRSContext2D, type Canvas } from '@napi-rs/canvas';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MrzFormat, Point } from '../../sdk/mrz/types.ts';
import { createRng, pick, randomMrz, type Rng, type RandomMrzFields } from './random-mrz.ts';

/** A quadrilateral: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

/** Options of {@link renderSynthetic}; see the module documentation for defaults. */
export interface SynthOptions {
  format?: MrzFormat;
  lines?: readonly string[];
  width?: number;
  height?: number;
  randomSize?: boolean;
  preset?: 'clean' | 'normal' | 'hard';
  maxTilt?: number;
  perspective?: number;
  docScale?: readonly [number, number];
  rotation?: 0 | 90 | 180 | 270 | 'random';
  blur?: number;
  motionBlur?: number;
  noise?: number;
  glare?: number;
  lighting?: boolean;
  clutter?: number;
  darkBackground?: number;
  encoding?: 'jpeg' | 'png';
  jpegQuality?: readonly [number, number];
  noMrz?: boolean;
  quirkRate?: number;
  allowSpecimen?: boolean;
}

/** One rendered synthetic frame with its ground truth. */
export interface SynthResult {
  image: Buffer;
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  format: MrzFormat;
  /** MRZ lines printed (empty with `noMrz`). */
  lines: string[];
  /** Field values behind the lines (when generated at random; null for explicit `lines`). */
  fields: RandomMrzFields | null;
  /** MRZ text box in output-image coordinates (TL, TR, BR, BL in reading order). */
  corners: Quad;
  /** One quad per MRZ line covering its character cells. */
  lineCorners: Quad[];
  /** Document outline in output-image coordinates. */
  docCorners: Quad;
  params: Record<string, number | string | boolean>;
}

// ---------------------------------------------------------------------------------------------
// Fonts

const OCRB_CANDIDATES = [
  '/usr/share/fonts/opentype/ocr-b/OCRB.otf',
  '/usr/share/fonts/truetype/ocr-b/OCRB.ttf',
  '/usr/share/fonts/opentype/ocr-b/ocrb.otf',
];
let fontsReady = false;
/** OCR-B advance width per em (measured at registration). */
let ocrbAdvance = 0.723;
/** OCR-B cap height per em. */
const OCRB_CAP = 0.7;

/** Registers OCR-B (throws a clear error when `fonts-ocr-b` is missing). Returns the font file used. */
export function ensureFonts(): string {
  const path = OCRB_CANDIDATES.find((p) => existsSync(p));
  if (!path) throw new Error('OCR-B font not found: install Debian package fonts-ocr-b');
  if (!fontsReady) {
    GlobalFonts.registerFromPath(path, 'SynthOCRB');
    const c = createCanvas(10, 10).getContext('2d');
    c.font = '100px SynthOCRB';
    ocrbAdvance = c.measureText('<').width / 100;
    fontsReady = true;
  }
  return path;
}

const SANS = ['Liberation Sans', 'DejaVu Sans', 'Noto Sans'];
const SERIF = ['Liberation Serif', 'DejaVu Serif'];

// ---------------------------------------------------------------------------------------------
// Geometry

/** Document size in mm (width x height) per format. */
const DOC_MM: Record<MrzFormat, [number, number]> = {
  TD1: [85.6, 53.98],
  TD2: [105, 74],
  TD3: [125, 88],
  MRVA: [120, 80],
  MRVB: [105, 74],
  FRA_ID: [105, 74],
};
const PITCH_MM = 2.54;

function lineSpec(format: MrzFormat): { count: number; length: number } {
  if (format === 'TD1') return { count: 3, length: 30 };
  if (format === 'TD3' || format === 'MRVA') return { count: 2, length: 44 };
  return { count: 2, length: 36 };
}

/** Format from explicit lines. */
function formatOf(lines: readonly string[]): MrzFormat {
  const len = lines[0]?.length ?? 0;
  if (lines.length === 3) return 'TD1';
  const visa = (lines[0] ?? '').startsWith('V');
  if (len === 44) return visa ? 'MRVA' : 'TD3';
  return visa ? 'MRVB' : (lines[0] ?? '').startsWith('IDFRA') ? 'FRA_ID' : 'TD2';
}

/** Solves the homography mapping src[i] -> dst[i] (4 points). Returns 3x3 row-major. */
export function homography(src: readonly Point[], dst: readonly Point[]): number[] {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const s = src[i] as Point;
    const d = dst[i] as Point;
    a.push([s.x, s.y, 1, 0, 0, 0, -d.x * s.x, -d.x * s.y]);
    b.push(d.x);
    a.push([0, 0, 0, s.x, s.y, 1, -d.y * s.x, -d.y * s.y]);
    b.push(d.y);
  }
  // Gaussian elimination with partial pivoting.
  const n = 8;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[p] as number[])[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    [b[c], b[p]] = [b[p] as number, b[c] as number];
    const rowC = a[c] as number[];
    const piv = rowC[c] as number;
    for (let r = c + 1; r < n; r++) {
      const row = a[r] as number[];
      const f = (row[c] as number) / piv;
      for (let k = c; k < n; k++) row[k] = (row[k] as number) - f * (rowC[k] as number);
      b[r] = (b[r] as number) - f * (b[c] as number);
    }
  }
  const h = new Array<number>(8).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = a[r] as number[];
    let s = b[r] as number;
    for (let k = r + 1; k < n; k++) s -= (row[k] as number) * (h[k] as number);
    h[r] = s / (row[r] as number);
  }
  return [...h, 1];
}

function applyH(h: readonly number[], p: Point): Point {
  const w = (h[6] as number) * p.x + (h[7] as number) * p.y + (h[8] as number);
  return {
    x: ((h[0] as number) * p.x + (h[1] as number) * p.y + (h[2] as number)) / w,
    y: ((h[3] as number) * p.x + (h[4] as number) * p.y + (h[5] as number)) / w,
  };
}

function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
}

function gauss(rng: Rng): number {
  const u = Math.max(rng(), 1e-9);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A fixed table of standard normal samples (fast per-pixel noise: one rng() call per value). */
const GAUSS_TABLE = (() => {
  const r = createRng(0x6a09e667);
  const t = new Float32Array(8192);
  for (let i = 0; i < t.length; i++) t[i] = gauss(r);
  return t;
})();
function fastGauss(rng: Rng): number {
  return GAUSS_TABLE[(rng() * 8192) | 0] as number;
}

function uniform(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng();
}

function hsl(h: number, s: number, l: number, a = 1): string {
  return `hsla(${h.toFixed(1)},${s.toFixed(1)}%,${l.toFixed(1)}%,${a.toFixed(3)})`;
}

// ---------------------------------------------------------------------------------------------
// Document rendering

interface DocRender {
  canvas: Canvas;
  /** MRZ text box in document pixels (TL, TR, BR, BL). */
  mrzBox: Quad;
  lineBoxes: Quad[];
}

function drawGuilloche(ctx: SKRSContext2D, rng: Rng, w: number, h: number, hue: number): void {
  const curves = 2 + Math.floor(rng() * 4);
  for (let c = 0; c < curves; c++) {
    ctx.strokeStyle = hsl((hue + uniform(rng, -60, 60) + 360) % 360, uniform(rng, 20, 60), uniform(rng, 55, 80), uniform(rng, 0.25, 0.6));
    ctx.lineWidth = uniform(rng, 0.4, 1.2) * (w / 1000);
    const cx = uniform(rng, 0.1, 0.9) * w;
    const cy = uniform(rng, 0.1, 0.9) * h;
    const R = uniform(rng, 0.15, 0.45) * w;
    const r = R * uniform(rng, 0.2, 0.7);
    const d = R * uniform(rng, 0.2, 0.9);
    const k = 3 + Math.floor(rng() * 9);
    ctx.beginPath();
    const steps = 1400;
    for (let s = 0; s <= steps; s++) {
      const t = (s / steps) * Math.PI * 2 * k;
      const x = cx + (R - r) * Math.cos(t) + d * Math.cos(((R - r) / r) * t);
      const y = cy + (R - r) * Math.sin(t) - d * Math.sin(((R - r) / r) * t);
      if (s === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  // Wavy horizontal security lines.
  const waves = Math.floor(rng() * 25);
  const amp = uniform(rng, 2, 10) * (w / 1000);
  const freq = uniform(rng, 0.005, 0.03) * (1000 / w);
  ctx.strokeStyle = hsl(hue, 40, 70, 0.35);
  ctx.lineWidth = 0.8 * (w / 1000);
  for (let i = 0; i < waves; i++) {
    const y0 = (i / Math.max(1, waves)) * h;
    ctx.beginPath();
    for (let x = 0; x <= w; x += 4) {
      const y = y0 + amp * Math.sin(x * freq + i * 0.7);
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.arcTo(x + w, y, x + w, y + r, r);
  ctx.lineTo(x + w, y + h - r);
  ctx.arcTo(x + w, y + h, x + w - r, y + h, r);
  ctx.lineTo(x + r, y + h);
  ctx.arcTo(x, y + h, x, y + h - r, r);
  ctx.lineTo(x, y + r);
  ctx.arcTo(x, y, x + r, y, r);
  ctx.closePath();
}

const TITLES: Record<MrzFormat, readonly string[]> = {
  TD1: ['IDENTITY CARD', 'KARTU IDENTITAS', 'CARTE D\'IDENTITE', 'PERSONALAUSWEIS', 'RESIDENCE PERMIT'],
  TD2: ['IDENTITY CARD', 'RESIDENCE PERMIT', 'TRAVEL DOCUMENT', 'CARTE DE SEJOUR'],
  TD3: ['PASSPORT', 'PASPOR', 'PASSEPORT', 'REISEPASS', 'PASAPORTE'],
  MRVA: ['VISA', 'VISA / VISA', 'VISUM'],
  MRVB: ['VISA', 'VISUM', 'VISA / VISA'],
  FRA_ID: ['CARTE NATIONALE D\'IDENTITE'],
};

const LABELS = [
  'Surname / Nom', 'Given names / Prenoms', 'Nationality', 'Date of birth', 'Sex', 'Place of birth',
  'Date of issue', 'Date of expiry', 'Authority', 'Document No.', 'Nama / Name', 'Tanggal lahir',
  'Kewarganegaraan', 'Tempat lahir', 'Holder\'s signature', 'Type / Code', 'Personal No.',
];

function drawDocument(
  rng: Rng,
  format: MrzFormat,
  lines: readonly string[],
  fields: RandomMrzFields | null,
  pxPerMm: number,
  opts: { dark: boolean; clutter: boolean; noMrz: boolean },
): DocRender {
  const [wMm, hMm] = DOC_MM[format];
  const w = Math.round(wMm * pxPerMm);
  const h = Math.round(hMm * pxPerMm);
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const mm = (v: number): number => v * pxPerMm;

  // Base colour: pastel paper, sometimes darker/saturated.
  const hue = uniform(rng, 0, 360);
  const light = opts.dark ? uniform(rng, 55, 72) : uniform(rng, 82, 96);
  const sat = uniform(rng, 10, opts.dark ? 45 : 35);
  const grad = ctx.createLinearGradient(0, 0, w * uniform(rng, 0.3, 1), h);
  grad.addColorStop(0, hsl(hue, sat, light));
  grad.addColorStop(1, hsl((hue + uniform(rng, -40, 40) + 360) % 360, sat, light - uniform(rng, 0, 10)));
  ctx.fillStyle = grad;
  const radius = format === 'TD1' || format === 'TD2' ? mm(3.2) : mm(uniform(rng, 0, 1.5));
  roundRect(ctx, 0, 0, w, h, radius);
  ctx.fill();
  ctx.save();
  roundRect(ctx, 0, 0, w, h, radius);
  ctx.clip();

  // Paper speckle texture.
  const speckles = Math.min(4000, Math.floor((w * h) / 300));
  for (let i = 0; i < speckles; i++) {
    if (i % 16 === 0) ctx.fillStyle = hsl(hue, sat, light + uniform(rng, -18, 8), uniform(rng, 0.05, 0.25));
    ctx.fillRect(rng() * w, rng() * h, mm(uniform(rng, 0.05, 0.3)), mm(uniform(rng, 0.05, 0.3)));
  }
  drawGuilloche(ctx, rng, w, h, hue);

  // Header.
  const ink = opts.dark ? hsl(hue, 30, 15) : hsl(uniform(rng, 200, 250), uniform(rng, 10, 60), uniform(rng, 15, 35));
  ctx.fillStyle = ink;
  ctx.font = `bold ${mm(uniform(rng, 3, 4.5)).toFixed(1)}px "${pick(rng, SERIF)}"`;
  ctx.fillText(pick(rng, TITLES[format]), mm(uniform(rng, 4, 30)), mm(uniform(rng, 5, 8)));

  // Photo box.
  const photoW = mm(format === 'TD1' ? uniform(rng, 20, 25) : uniform(rng, 28, 35));
  const photoH = photoW * 1.28;
  const mrzLines = lineSpec(format).count;
  const mrzTopMm = hMm - (mrzLines === 3 ? 19 : 15) - uniform(rng, 0, 2);
  const photoX = mm(uniform(rng, 3, 7));
  const photoY = Math.max(mm(9), mm(mrzTopMm) - photoH - mm(uniform(rng, 1, 3)));
  const ph = Math.min(photoH, mm(mrzTopMm) - photoY - mm(1));
  ctx.fillStyle = hsl(uniform(rng, 0, 360), uniform(rng, 5, 25), uniform(rng, 55, 85));
  ctx.fillRect(photoX, photoY, photoW, ph);
  ctx.fillStyle = hsl(uniform(rng, 10, 40), uniform(rng, 10, 50), uniform(rng, 20, 70));
  ctx.beginPath();
  ctx.ellipse(photoX + photoW / 2, photoY + ph * 0.4, photoW * 0.22, ph * 0.24, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.ellipse(photoX + photoW / 2, photoY + ph * 1.02, photoW * 0.45, ph * 0.35, 0, Math.PI, Math.PI * 2);
  ctx.fill();

  // Printed fields right of the photo.
  const textX = photoX + photoW + mm(uniform(rng, 3, 6));
  let y = photoY + mm(2.5);
  const values = fields
    ? [fields.surname, fields.givenNames, fields.nationality, fields.birthDate, fields.sex, fields.documentNumber, fields.expiryDate]
    : ['SPECIMEN', 'SAMPLE', 'UTO', '01.01.1980'];
  const labelSize = mm(uniform(rng, 1.3, 1.8));
  const valueSize = mm(uniform(rng, 2.0, 2.8));
  const sans = pick(rng, SANS);
  for (let i = 0; y < mm(mrzTopMm) - mm(3) && i < 8; i++) {
    ctx.fillStyle = ink;
    ctx.globalAlpha = 0.75;
    ctx.font = `${labelSize.toFixed(1)}px "${sans}"`;
    ctx.fillText(pick(rng, LABELS), textX, y);
    ctx.globalAlpha = 1;
    ctx.font = `bold ${valueSize.toFixed(1)}px "${sans}"`;
    ctx.fillText(values[i % values.length] ?? '', textX, y + valueSize * 1.05);
    y += labelSize + valueSize * 1.6;
  }
  // Signature scribble.
  ctx.strokeStyle = hsl(230, 60, 25, 0.8);
  ctx.lineWidth = mm(0.3);
  ctx.beginPath();
  const sx = textX + mm(uniform(rng, 20, 40));
  const sy = mm(mrzTopMm) - mm(uniform(rng, 2, 5));
  ctx.moveTo(sx, sy);
  for (let i = 0; i < 8; i++) ctx.lineTo(sx + mm(i * 2.2), sy + mm(uniform(rng, -2, 2)));
  ctx.stroke();

  // MRZ zone.
  const { count, length } = lineSpec(format);
  const pitch = mm(PITCH_MM * uniform(rng, 0.985, 1.015));
  const fontPx = pitch / ocrbAdvance;
  const capH = fontPx * OCRB_CAP;
  const linePitch = mm(count === 3 ? uniform(rng, 4.2, 4.9) : uniform(rng, 4.3, 6.0));
  const mrzWidth = pitch * length;
  const left = (w - mrzWidth) / 2 + mm(uniform(rng, -1, 1));
  const lastBaseline = h - mm(uniform(rng, 3.2, 5));
  const firstBaseline = lastBaseline - linePitch * (count - 1);
  // A plain (lighter) band behind the MRZ on most documents.
  if (rng() < 0.6) {
    ctx.fillStyle = hsl(hue, sat * 0.5, Math.min(98, light + uniform(rng, 0, 8)), uniform(rng, 0.5, 0.95));
    ctx.fillRect(0, firstBaseline - capH - mm(2.5), w, h);
  }
  if (opts.clutter) {
    // Printed text very close above the MRZ (the Romanian-ID problem).
    ctx.fillStyle = ink;
    ctx.font = `${mm(uniform(rng, 1.8, 2.6)).toFixed(1)}px "${pick(rng, SANS)}"`;
    const cy = firstBaseline - capH - mm(uniform(rng, 0.8, 2));
    let cx = mm(uniform(rng, 2, 10));
    while (cx < w - mm(10)) {
      const word = pick(rng, LABELS);
      ctx.fillText(word, cx, cy);
      cx += ctx.measureText(word).width + mm(uniform(rng, 2, 6));
    }
  }
  const mrzInk = hsl(uniform(rng, 0, 360), uniform(rng, 0, 20), uniform(rng, 3, 14));
  ctx.fillStyle = mrzInk;
  ctx.font = `${fontPx.toFixed(2)}px SynthOCRB`;
  ctx.textBaseline = 'alphabetic';
  const bold = rng() < 0.3 ? mm(uniform(rng, 0.03, 0.1)) : 0;
  const jitter = mm(uniform(rng, 0, 0.08));
  const lineBoxes: Quad[] = [];
  for (let li = 0; li < count; li++) {
    const baseline = firstBaseline + li * linePitch;
    const line = lines[li] ?? '';
    if (!opts.noMrz) {
      for (let ci = 0; ci < length; ci++) {
        const ch = line[ci] ?? '<';
        const x = left + ci * pitch + uniform(rng, -jitter, jitter);
        const yy = baseline + uniform(rng, -jitter, jitter);
        ctx.fillText(ch, x, yy);
        if (bold > 0) {
          ctx.strokeStyle = mrzInk;
          ctx.lineWidth = bold;
          ctx.strokeText(ch, x, yy);
        }
      }
    }
    lineBoxes.push([
      { x: left, y: baseline - capH },
      { x: left + mrzWidth, y: baseline - capH },
      { x: left + mrzWidth, y: baseline },
      { x: left, y: baseline },
    ]);
  }
  ctx.restore();
  const mrzBox: Quad = [
    { x: left, y: firstBaseline - capH },
    { x: left + mrzWidth, y: firstBaseline - capH },
    { x: left + mrzWidth, y: lastBaseline },
    { x: left, y: lastBaseline },
  ];
  return { canvas, mrzBox, lineBoxes };
}

// ---------------------------------------------------------------------------------------------
// Frame composition

function drawFrameBackground(ctx: SKRSContext2D, rng: Rng, w: number, h: number, dark: boolean): void {
  const hue = uniform(rng, 0, 360);
  const l = dark ? uniform(rng, 3, 20) : uniform(rng, 25, 80);
  const g = ctx.createLinearGradient(0, 0, w, h * uniform(rng, 0, 1));
  g.addColorStop(0, hsl(hue, uniform(rng, 0, 40), l));
  g.addColorStop(1, hsl((hue + 30) % 360, uniform(rng, 0, 40), Math.max(0, l - uniform(rng, -10, 20))));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  const kind = rng();
  if (kind < 0.3) {
    // Wood-like stripes.
    for (let i = 0; i < 60; i++) {
      ctx.strokeStyle = hsl(hue, 30, l + uniform(rng, -10, 10), 0.25);
      ctx.lineWidth = uniform(rng, 1, 6);
      ctx.beginPath();
      const y0 = rng() * h;
      ctx.moveTo(0, y0);
      ctx.bezierCurveTo(w / 3, y0 + uniform(rng, -40, 40), (2 * w) / 3, y0 + uniform(rng, -40, 40), w, y0 + uniform(rng, -30, 30));
      ctx.stroke();
    }
  } else if (kind < 0.55) {
    // Distracting printed text (a newspaper or form under the document).
    ctx.fillStyle = hsl(0, 0, dark ? 70 : 10, 0.6);
    const size = uniform(rng, 10, 22);
    ctx.font = `${size.toFixed(1)}px "${pick(rng, SANS)}"`;
    for (let yy = size; yy < h; yy += size * uniform(rng, 1.3, 2)) {
      let xx = uniform(rng, -20, 20);
      while (xx < w) {
        const word = pick(rng, LABELS);
        ctx.fillText(word, xx, yy);
        xx += ctx.measureText(word).width + size * 0.5;
      }
    }
  } else if (kind < 0.7) {
    // Random rectangles (other cards, keyboard).
    for (let i = 0; i < 12; i++) {
      ctx.fillStyle = hsl(uniform(rng, 0, 360), uniform(rng, 0, 50), uniform(rng, 10, 90), uniform(rng, 0.3, 0.9));
      ctx.fillRect(rng() * w, rng() * h, uniform(rng, 20, w / 3), uniform(rng, 10, h / 3));
    }
  }
}

function boxBlurChannel(src: Float32Array, w: number, h: number, r: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const n = 2 * r + 1;
  if (horizontal) {
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += src[row + Math.min(w - 1, Math.max(0, k))] as number;
      for (let x = 0; x < w; x++) {
        out[row + x] = acc / n;
        acc += (src[row + Math.min(w - 1, x + r + 1)] as number) - (src[row + Math.max(0, x - r)] as number);
      }
    }
  } else {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += src[Math.min(h - 1, Math.max(0, k)) * w + x] as number;
      for (let y = 0; y < h; y++) {
        out[y * w + x] = acc / n;
        acc += (src[Math.min(h - 1, y + r + 1) * w + x] as number) - (src[Math.max(0, y - r) * w + x] as number);
      }
    }
  }
  return out;
}

interface Preset {
  maxTilt: number;
  perspective: number;
  blur: number;
  motionBlur: number;
  noise: number;
  glare: number;
  lighting: boolean;
  clutter: number;
  darkBackground: number;
  encoding: 'jpeg' | 'png';
  jpegQuality: readonly [number, number];
  docScale: readonly [number, number];
}

const PRESETS: Record<'clean' | 'normal' | 'hard', Preset> = {
  clean: { maxTilt: 0, perspective: 0, blur: 0, motionBlur: 0, noise: 0, glare: 0, lighting: false, clutter: 0, darkBackground: 0, encoding: 'png', jpegQuality: [92, 92], docScale: [0.8, 0.9] },
  normal: { maxTilt: 20, perspective: 0.06, blur: 1.2, motionBlur: 0.25, noise: 10, glare: 0.35, lighting: true, clutter: 0.3, darkBackground: 0.2, encoding: 'jpeg', jpegQuality: [55, 95], docScale: [0.5, 0.95] },
  hard: { maxTilt: 20, perspective: 0.12, blur: 2.2, motionBlur: 0.4, noise: 20, glare: 0.6, lighting: true, clutter: 0.5, darkBackground: 0.35, encoding: 'jpeg', jpegQuality: [35, 85], docScale: [0.4, 0.95] },
};

/**
 * Renders one synthetic frame. Deterministic for a given `seed` and `options`.
 */
export function renderSynthetic(seed: number, options: SynthOptions = {}): SynthResult {
  ensureFonts();
  const rng = createRng(seed * 2654435761 + 17);
  const preset = PRESETS[options.preset ?? 'normal'];
  const maxTilt = options.maxTilt ?? preset.maxTilt;
  const perspective = options.perspective ?? preset.perspective;
  const blurMax = options.blur ?? preset.blur;
  const motionP = options.motionBlur ?? preset.motionBlur;
  const noiseMax = options.noise ?? preset.noise;
  const glareP = options.glare ?? preset.glare;
  const lighting = options.lighting ?? preset.lighting;
  const clutterP = options.clutter ?? preset.clutter;
  const darkP = options.darkBackground ?? preset.darkBackground;
  const encoding = options.encoding ?? preset.encoding;
  const [qMin, qMax] = options.jpegQuality ?? preset.jpegQuality;
  const [sMin, sMax] = options.docScale ?? preset.docScale;

  // MRZ content.
  let lines: string[];
  let format: MrzFormat;
  let fields: RandomMrzFields | null = null;
  if (options.lines) {
    lines = [...options.lines];
    format = formatOf(lines);
  } else {
    const m = randomMrz(createRng(seed), {
      ...(options.format ? { format: options.format } : {}),
      ...(options.quirkRate !== undefined ? { quirkRate: options.quirkRate } : {}),
      ...(options.allowSpecimen !== undefined ? { allowSpecimen: options.allowSpecimen } : {}),
    });
    lines = m.lines;
    format = m.format;
    fields = m.fields;
  }

  // Frame size.
  let W = options.width ?? 1280;
  let H = options.height ?? 720;
  if (options.randomSize) {
    W = Math.round(uniform(rng, 480, 1920));
    H = Math.round(W * uniform(rng, 0.5, 0.8));
    if (rng() < 0.25) [W, H] = [H, W];
  }

  // Placement: document width in frame pixels.
  const [docWmm, docHmm] = DOC_MM[format];
  const tilt = (uniform(rng, -1, 1) * maxTilt * Math.PI) / 180;
  const cos = Math.abs(Math.cos(tilt));
  const sin = Math.abs(Math.sin(tilt));
  // Largest scale (px/mm) such that the rotated document fits the frame.
  const fit = Math.min(W / (docWmm * cos + docHmm * sin), H / (docWmm * sin + docHmm * cos)) * 0.96;
  const scaleFrac = uniform(rng, sMin, sMax);
  const framePxPerMm = fit * scaleFrac;
  const docPxPerMm = Math.max(4, Math.min(12, framePxPerMm * 1.4));
  const dark = rng() < darkP;
  const clutter = rng() < clutterP;
  const noMrz = options.noMrz ?? false;
  const doc = drawDocument(rng, format, lines, fields, docPxPerMm, { dark: dark && rng() < 0.5, clutter, noMrz });
  const dw = doc.canvas.width;
  const dh = doc.canvas.height;

  // Destination quad: similarity + perspective jitter, kept inside the frame.
  const k = framePxPerMm / docPxPerMm;
  const bw = (dw * cos + dh * sin) * k;
  const bh = (dw * sin + dh * cos) * k;
  const cx = uniform(rng, bw / 2, Math.max(bw / 2, W - bw / 2));
  const cy = uniform(rng, bh / 2, Math.max(bh / 2, H - bh / 2));
  const ca = Math.cos(tilt);
  const sa = Math.sin(tilt);
  const src: Point[] = [{ x: 0, y: 0 }, { x: dw, y: 0 }, { x: dw, y: dh }, { x: 0, y: dh }];
  const jit = perspective * Math.max(dw, dh) * k;
  const dst: { x: number; y: number }[] = src.map((p) => {
    const x = (p.x - dw / 2) * k;
    const y = (p.y - dh / 2) * k;
    return {
      x: cx + x * ca - y * sa + uniform(rng, -jit, jit),
      y: cy + x * sa + y * ca + uniform(rng, -jit, jit),
    };
  });
  // Keep the whole document inside the frame (perspective jitter can push corners out).
  {
    const margin = 2;
    let x0 = Math.min(...dst.map((p) => p.x));
    let x1 = Math.max(...dst.map((p) => p.x));
    let y0 = Math.min(...dst.map((p) => p.y));
    let y1 = Math.max(...dst.map((p) => p.y));
    const shrink = Math.min(1, (W - 2 * margin) / (x1 - x0), (H - 2 * margin) / (y1 - y0));
    if (shrink < 1) {
      const mx = (x0 + x1) / 2;
      const my = (y0 + y1) / 2;
      for (const p of dst) {
        p.x = mx + (p.x - mx) * shrink;
        p.y = my + (p.y - my) * shrink;
      }
      x0 = mx + (x0 - mx) * shrink;
      x1 = mx + (x1 - mx) * shrink;
      y0 = my + (y0 - my) * shrink;
      y1 = my + (y1 - my) * shrink;
    }
    const dx = x0 < margin ? margin - x0 : x1 > W - margin ? W - margin - x1 : 0;
    const dy = y0 < margin ? margin - y0 : y1 > H - margin ? H - margin - y1 : 0;
    for (const p of dst) {
      p.x += dx;
      p.y += dy;
    }
  }
  const Hm = homography(src, dst);
  const Hinv = invert3(Hm);

  // Frame background.
  const frame = createCanvas(W, H);
  const fctx = frame.getContext('2d');
  drawFrameBackground(fctx, rng, W, H, dark);
  // Soft shadow under the document.
  fctx.save();
  fctx.filter = `blur(${Math.max(2, k * dw * 0.01).toFixed(1)}px)`;
  fctx.fillStyle = 'rgba(0,0,0,0.35)';
  fctx.beginPath();
  dst.forEach((p, i) => (i === 0 ? fctx.moveTo(p.x + 4, p.y + 6) : fctx.lineTo(p.x + 4, p.y + 6)));
  fctx.closePath();
  fctx.fill();
  fctx.restore();

  // Warp the document into the frame (bilinear, inverse mapping, supersampled edge).
  const fimg = fctx.getImageData(0, 0, W, H);
  const fd = fimg.data;
  const dimg = doc.canvas.getContext('2d').getImageData(0, 0, dw, dh);
  const dd = dimg.data;
  const minX = Math.max(0, Math.floor(Math.min(...dst.map((p) => p.x))));
  const maxX = Math.min(W - 1, Math.ceil(Math.max(...dst.map((p) => p.x))));
  const minY = Math.max(0, Math.floor(Math.min(...dst.map((p) => p.y))));
  const maxY = Math.min(H - 1, Math.ceil(Math.max(...dst.map((p) => p.y))));
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = Hinv as [number, number, number, number, number, number, number, number, number];
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const wq = h6 * px + h7 * py + h8;
      const u = (h0 * px + h1 * py + h2) / wq - 0.5;
      const v = (h3 * px + h4 * py + h5) / wq - 0.5;
      if (u < -0.5 || v < -0.5 || u > dw - 0.5 || v > dh - 0.5) continue;
      const x0 = Math.max(0, Math.min(dw - 1, Math.floor(u)));
      const y0 = Math.max(0, Math.min(dh - 1, Math.floor(v)));
      const x1 = Math.min(dw - 1, x0 + 1);
      const y1 = Math.min(dh - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, u - x0));
      const fy = Math.max(0, Math.min(1, v - y0));
      const i00 = (y0 * dw + x0) * 4;
      const i10 = (y0 * dw + x1) * 4;
      const i01 = (y1 * dw + x0) * 4;
      const i11 = (y1 * dw + x1) * 4;
      const o = (y * W + x) * 4;
      const a00 = (dd[i00 + 3] as number) / 255;
      const a10 = (dd[i10 + 3] as number) / 255;
      const a01 = (dd[i01 + 3] as number) / 255;
      const a11 = (dd[i11 + 3] as number) / 255;
      const w00 = (1 - fx) * (1 - fy) * a00;
      const w10 = fx * (1 - fy) * a10;
      const w01 = (1 - fx) * fy * a01;
      const w11 = fx * fy * a11;
      const alpha = w00 + w10 + w01 + w11;
      if (alpha <= 0) continue;
      for (let c = 0; c < 3; c++) {
        const val = ((dd[i00 + c] as number) * w00 + (dd[i10 + c] as number) * w10 + (dd[i01 + c] as number) * w01 + (dd[i11 + c] as number) * w11) / alpha;
        fd[o + c] = Math.round(val * alpha + (fd[o + c] as number) * (1 - alpha));
      }
    }
  }
  fctx.putImageData(fimg, 0, 0);

  // Lighting gradient / vignette.
  const params: Record<string, number | string | boolean> = {
    tiltDeg: +((tilt * 180) / Math.PI).toFixed(2),
    framePxPerMm: +framePxPerMm.toFixed(3),
    perspective: +perspective.toFixed(3),
    dark,
    clutter,
  };
  if (lighting) {
    const g = fctx.createLinearGradient(uniform(rng, 0, W), uniform(rng, 0, H), uniform(rng, 0, W), uniform(rng, 0, H));
    const strength = uniform(rng, 0, 0.45);
    g.addColorStop(0, `rgba(0,0,0,${strength.toFixed(3)})`);
    g.addColorStop(1, `rgba(255,255,240,${(strength * 0.3).toFixed(3)})`);
    fctx.fillStyle = g;
    fctx.fillRect(0, 0, W, H);
    params.lighting = +strength.toFixed(3);
  }
  if (rng() < glareP) {
    const spots = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < spots; i++) {
      // Glare tends to hit the document, sometimes right on the MRZ.
      const t = rng();
      const onMrz = rng() < 0.5;
      const box = doc.mrzBox;
      const base = onMrz ? applyH(Hm, { x: (box[0].x + box[1].x) * t, y: (box[0].y + box[3].y) / 2 }) : { x: rng() * W, y: rng() * H };
      const r = uniform(rng, 0.03, 0.18) * Math.min(W, H);
      const g = fctx.createRadialGradient(base.x, base.y, 0, base.x, base.y, r);
      const a = uniform(rng, 0.35, 0.9);
      g.addColorStop(0, `rgba(255,255,255,${a.toFixed(3)})`);
      g.addColorStop(0.4, `rgba(255,255,255,${(a * 0.6).toFixed(3)})`);
      g.addColorStop(1, 'rgba(255,255,255,0)');
      fctx.fillStyle = g;
      fctx.beginPath();
      fctx.ellipse(base.x, base.y, r * uniform(rng, 1, 2.5), r, uniform(rng, 0, Math.PI), 0, Math.PI * 2);
      fctx.fill();
    }
    params.glare = spots;
  }

  // Blur (Gaussian via canvas filter), optional motion blur, then noise.
  let out: Canvas = frame;
  const blur = uniform(rng, 0, blurMax);
  if (blur > 0.15) {
    const b = createCanvas(W, H);
    const bctx = b.getContext('2d');
    bctx.filter = `blur(${blur.toFixed(2)}px)`;
    bctx.drawImage(out, 0, 0);
    out = b;
    params.blur = +blur.toFixed(2);
  }
  const octx = out.getContext('2d');
  const img = octx.getImageData(0, 0, W, H);
  const data = img.data;
  if (rng() < motionP) {
    // Horizontal or vertical hand-shake blur of a few pixels.
    const r = Math.max(1, Math.round(uniform(rng, 1, 3 + blurMax)));
    const horizontal = rng() < 0.6;
    for (let c = 0; c < 3; c++) {
      const ch = new Float32Array(W * H);
      for (let i = 0; i < W * H; i++) ch[i] = data[i * 4 + c] as number;
      const bl = boxBlurChannel(ch, W, H, r, horizontal);
      for (let i = 0; i < W * H; i++) data[i * 4 + c] = bl[i] as number;
    }
    params.motionBlur = r;
    params.motionAxis = horizontal ? 'horizontal' : 'vertical';
  }
  const noise = uniform(rng, 0, noiseMax);
  if (noise > 0.5) {
    const mono = rng() < 0.5;
    const px = W * H;
    for (let i = 0; i < px; i++) {
      const n0 = fastGauss(rng) * noise;
      const o = i * 4;
      if (mono) {
        data[o] = (data[o] as number) + n0; // Uint8ClampedArray clamps and rounds
        data[o + 1] = (data[o + 1] as number) + n0;
        data[o + 2] = (data[o + 2] as number) + n0;
      } else {
        data[o] = (data[o] as number) + n0;
        data[o + 1] = (data[o + 1] as number) + fastGauss(rng) * noise;
        data[o + 2] = (data[o + 2] as number) + fastGauss(rng) * noise;
      }
    }
    params.noise = +noise.toFixed(2);
  }
  octx.putImageData(img, 0, 0);

  // Final rotation (still images).
  let rotation = options.rotation ?? 0;
  if (rotation === 'random') rotation = pick(rng, [0, 90, 180, 270] as const);
  params.rotation = rotation;
  let finalCanvas = out;
  let OW = W;
  let OH = H;
  let rot = (p: Point): Point => p;
  if (rotation !== 0) {
    if (rotation === 90 || rotation === 270) [OW, OH] = [H, W];
    const r = createCanvas(OW, OH);
    const rctx = r.getContext('2d');
    rctx.translate(OW / 2, OH / 2);
    rctx.rotate((rotation * Math.PI) / 180);
    rctx.drawImage(out, -W / 2, -H / 2);
    finalCanvas = r;
    const rad = (rotation * Math.PI) / 180;
    const rc = Math.round(Math.cos(rad));
    const rs = Math.round(Math.sin(rad));
    rot = (p: Point): Point => {
      const x = p.x - W / 2;
      const y = p.y - H / 2;
      return { x: OW / 2 + x * rc - y * rs, y: OH / 2 + x * rs + y * rc };
    };
  }

  const mapQuad = (q: Quad): Quad => q.map((p) => {
    const m = rot(applyH(Hm, p));
    return { x: +m.x.toFixed(2), y: +m.y.toFixed(2) };
  }) as unknown as Quad;
  let image: Buffer;
  let mime: 'image/jpeg' | 'image/png';
  if (encoding === 'png') {
    image = finalCanvas.encodeSync('png');
    mime = 'image/png';
  } else {
    const q = Math.round(uniform(rng, qMin, qMax));
    image = finalCanvas.encodeSync('jpeg', q);
    mime = 'image/jpeg';
    params.jpegQuality = q;
  }
  return {
    image,
    mime,
    width: OW,
    height: OH,
    format,
    lines: noMrz ? [] : lines,
    fields: noMrz ? null : fields,
    corners: mapQuad(doc.mrzBox),
    lineCorners: doc.lineBoxes.map(mapQuad),
    docCorners: mapQuad(src as unknown as Quad),
    params,
  };
}

/** One augmented single-glyph sample (greyscale, 0 = black). */
export interface GlyphSample {
  ch: string;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Renders `count` augmented single OCR-B glyph crops of `width` x `height` pixels (the character cell,
 * 2.54 mm wide, scaled so the cap height fills about 70 % of the height), with random sub-pixel shift,
 * scale, stroke weight, blur, contrast and noise. A simple aid for classifier training; full frames
 * from {@link renderSynthetic} with `lineCorners` are the more realistic source.
 */
export function renderGlyphSamples(
  seed: number,
  options: { count?: number; width?: number; height?: number; chars?: string } = {},
): GlyphSample[] {
  ensureFonts();
  const rng = createRng(seed ^ 0x9e3779b9);
  const count = options.count ?? 100;
  const width = options.width ?? 16;
  const height = options.height ?? 24;
  const chars = options.chars ?? '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const S = 4; // supersampling
  const canvas = createCanvas(width * S, height * S);
  const ctx = canvas.getContext('2d');
  const out: GlyphSample[] = [];
  for (let n = 0; n < count; n++) {
    const ch = chars[Math.floor(rng() * chars.length)] as string;
    const bg = uniform(rng, 150, 255);
    const fg = uniform(rng, 0, Math.max(0, bg - 80));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.filter = 'none';
    ctx.fillStyle = `rgb(${bg},${bg},${bg})`;
    ctx.fillRect(0, 0, width * S, height * S);
    const capPx = height * S * uniform(rng, 0.6, 0.8);
    const fontPx = capPx / OCRB_CAP;
    const adv = fontPx * ocrbAdvance;
    ctx.font = `${fontPx.toFixed(2)}px SynthOCRB`;
    ctx.fillStyle = `rgb(${fg},${fg},${fg})`;
    const x = (width * S - adv) / 2 + uniform(rng, -0.12, 0.12) * adv;
    const y = (height * S + capPx) / 2 + uniform(rng, -0.1, 0.1) * capPx;
    ctx.translate(x + adv / 2, y);
    ctx.rotate((uniform(rng, -4, 4) * Math.PI) / 180);
    ctx.fillText(ch, -adv / 2, 0);
    const weight = uniform(rng, -0.02, 0.06) * fontPx;
    if (weight > 0) {
      ctx.strokeStyle = ctx.fillStyle;
      ctx.lineWidth = weight;
      ctx.strokeText(ch, -adv / 2, 0);
    }
    const img = ctx.getImageData(0, 0, width * S, height * S).data;
    const data = new Uint8Array(width * height);
    const noise = uniform(rng, 0, 18);
    const blurMix = uniform(rng, 0, 0.6);
    // Downsample (box) and mix with a 3x3 blur for softness.
    const small = new Float32Array(width * height);
    for (let yy = 0; yy < height; yy++) {
      for (let xx = 0; xx < width; xx++) {
        let s = 0;
        for (let dy = 0; dy < S; dy++) for (let dx = 0; dx < S; dx++) s += img[((yy * S + dy) * width * S + xx * S + dx) * 4] as number;
        small[yy * width + xx] = s / (S * S);
      }
    }
    for (let yy = 0; yy < height; yy++) {
      for (let xx = 0; xx < width; xx++) {
        let s = 0;
        let c = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const X = xx + dx;
            const Y = yy + dy;
            if (X < 0 || Y < 0 || X >= width || Y >= height) continue;
            s += small[Y * width + X] as number;
            c++;
          }
        }
        const v = (small[yy * width + xx] as number) * (1 - blurMix) + (s / c) * blurMix + fastGauss(rng) * noise;
        data[yy * width + xx] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    out.push({ ch, width, height, data });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) m.set(a.slice(2), 'true');
    else {
      m.set(a.slice(2), next);
      i++;
    }
  }
  return m;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[1]?.endsWith('synth.ts')) {
  const args = parseArgs(process.argv.slice(2));
  const outDir = args.get('out');
  if (!outDir) {
    process.stderr.write('usage: synth.ts --out DIR [--count N] [--seed S] [--preset clean|normal|hard] [--format F] [--rotation 0|90|180|270|random] [--random-size] [--width W --height H] [--no-mrz-rate R]\n');
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  const count = Number(args.get('count') ?? 10);
  const seed0 = Number(args.get('seed') ?? 1);
  const noMrzRate = Number(args.get('no-mrz-rate') ?? 0);
  const rotArg = args.get('rotation');
  const truth: unknown[] = [];
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const seed = seed0 + i;
    const opts: SynthOptions = {};
    const preset = args.get('preset');
    if (preset === 'clean' || preset === 'normal' || preset === 'hard') opts.preset = preset;
    const fmt = args.get('format');
    if (fmt) opts.format = fmt as MrzFormat;
    if (rotArg) opts.rotation = rotArg === 'random' ? 'random' : (Number(rotArg) as 0 | 90 | 180 | 270);
    if (args.has('random-size')) opts.randomSize = true;
    if (args.has('width')) opts.width = Number(args.get('width'));
    if (args.has('height')) opts.height = Number(args.get('height'));
    if (noMrzRate > 0 && createRng(seed ^ 0x5bd1e995)() < noMrzRate) opts.noMrz = true;
    const r = renderSynthetic(seed, opts);
    const file = `${String(seed).padStart(6, '0')}.${r.mime === 'image/png' ? 'png' : 'jpg'}`;
    writeFileSync(join(outDir, file), r.image);
    truth.push({ file, seed, format: r.format, lines: r.lines, corners: r.corners, lineCorners: r.lineCorners, width: r.width, height: r.height, params: r.params });
  }
  writeFileSync(join(outDir, 'ground-truth.json'), JSON.stringify(truth, null, 1) + '\n');
  process.stderr.write(`wrote ${count} images to ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
