/**
 * Glyph-level check of a weights module (not a test): accuracy, how often a wrong first choice is
 * confident (p >= the correction threshold: what the false-accept guard relies on) and how often
 * a right one is not (what rejects reads), plus the worst confusions, on glyph files written by
 * train-data*.ts that the weights were not trained on.
 * `node --import tsx scripts/mrz/train-calib.ts --weights sdk/mrz/weights.ts --data a.bin,b.bin [--temperature T]
 *   [--cnn sdk/mrz/cnn-weights.ts --mode cnn|ensemble] [--ensemble-temperature T] [--cut-only]` (with `--cnn`: the
 * second-opinion CNN of cnn.ts alone, or its ensemble with the MLP of `--weights`, as the engine's second reading;
 * `--ensemble-temperature` replaces the module's, to compare nets at the same count of confident errors;
 * `--cut-only`: only the glyphs as cut, not train-data-true.ts's jittered copies, which follow each).
 * Also printed: the letters' figures (right and wrong at p >= 0.9), since a name letter below the
 * correction threshold alone keeps a read from being valid (correct.ts `minUnchecked`).
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { classifyGlyphs, decodeModel, type PackedMlp } from '../../sdk/mrz/classify.ts';
import { classifyGlyphsSecond, decodeCnn, type PackedCnn } from '../../sdk/mrz/cnn.ts';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { GLYPH_SIZE } from '../../sdk/mrz/segment.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const packed = ((await import(pathToFileURL(resolve(cli.get('weights', 'sdk/mrz/weights.ts'))).href)) as { MODEL: PackedMlp }).MODEL;
const fixedT = Number(cli.get('temperature', '0'));
const net = { ...decodeModel(packed), ...(fixedT > 0 ? { temperature: fixedT } : {}) };
const cnnFile = cli.get('cnn', '');
const mode = cli.get('mode', 'ensemble');
const decoded = cnnFile ? decodeCnn(((await import(pathToFileURL(resolve(cnnFile)).href)) as { CNN_MODEL: PackedCnn }).CNN_MODEL) : null;
const ensembleT = Number(cli.get('ensemble-temperature', '0'));
const cnn = decoded && ensembleT > 0 ? { ...decoded, ensembleTemperature: ensembleT } : decoded;
const cutOnly = cli.has('cut-only');
const REC = GLYPH_SIZE + 1;
const x = new Float32Array(GLYPH_SIZE);
let n = 0;
let ok = 0;
let wrongConfident = 0;
let rightUnsure = 0;
let letters = 0;
let lettersSure = 0;
let lettersWrongSure = 0;
const confusion = new Map<string, number>();
for (const f of cli.get('data', '').split(',')) {
  const buf = readFileSync(f);
  for (let off = 0, i = 0; off + REC <= buf.length; off += REC, i++) {
    if (cutOnly && i % 2 === 1) continue;
    const label = buf[off] as number;
    for (let p = 0; p < GLYPH_SIZE; p++) x[p] = (buf[off + 1 + p] as number) / 255;
    const line = cnn ? classifyGlyphsSecond(x, 1, 1, 0, cnn, mode === 'cnn' ? null : net) : classifyGlyphs(x, 1, 1, 0, net);
    const top = line[0]?.[0] ?? { ch: '?', p: 0 };
    const arg = CLASSES.indexOf(top.ch);
    n++;
    const p = top.p;
    if (/[A-Z]/.test(CLASSES[label] as string)) {
      letters++;
      if (p >= 0.9) {
        if (arg === label) lettersSure++;
        else lettersWrongSure++;
      }
    }
    if (arg === label) {
      ok++;
      if (p < 0.9) rightUnsure++;
    } else {
      if (p >= 0.9) wrongConfident++;
      const key = `${CLASSES[label]}->${CLASSES[arg]}`;
      confusion.set(key, (confusion.get(key) ?? 0) + 1);
    }
  }
}
const worst = [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ');
console.log(`glyphs ${n}: acc ${((100 * ok) / n).toFixed(2)}%, wrong with p>=0.9 ${wrongConfident} (${((100 * wrongConfident) / n).toFixed(3)}%), right with p<0.9 ${rightUnsure} (${((100 * rightUnsure) / n).toFixed(2)}%), ${cnn ? `${mode} (cnn T ${cnn.temperature}, ensemble T ${cnn.ensembleTemperature}), mlp ` : ''}T ${net.temperature}\n  letters ${letters}: right with p>=0.9 ${((100 * lettersSure) / Math.max(1, letters)).toFixed(2)}%, wrong with p>=0.9 ${lettersWrongSure}\n  worst: ${worst}`);
