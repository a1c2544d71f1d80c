/**
 * Reads every ground-truth image of `../shared/mrz-samples` with the engine in Node (still images:
 * rotations on) and prints, per file, whether the read is exact and valid, exact but not valid,
 * wrong, or missing. The whole-engine figures with timings and the tesseract.js comparison are in
 * `npm run bench:mrz`; this is the quick check while working on the reading half.
 *
 * `node --import tsx scripts/mrz/eval-real.ts`
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMrz } from '../../sdk/mrz/engine.ts';
import { decodeGray } from './train-data.ts';

const SAMPLES = join(process.cwd(), '..', 'shared', 'mrz-samples');
const gt = JSON.parse(readFileSync(join(SAMPLES, 'ground-truth.json'), 'utf8')) as Record<string, { mrz?: string[] | null } | string>;
let exactValid = 0;
let exact = 0;
let fa = 0;
let total = 0;
for (const [file, v] of Object.entries(gt)) {
  if (typeof v !== 'object' || !v.mrz) continue;
  total++;
  const r = readMrz(decodeGray(readFileSync(join(SAMPLES, file))), { rotations: true });
  const same = !!r && r.lines.length === v.mrz.length && r.lines.every((l, i) => l === v.mrz?.[i]);
  if (same) exact++;
  if (same && r.valid) exactValid++;
  if (r?.valid && !same) fa++;
  const tag = same ? (r.valid ? 'OK     ' : 'INVALID') : r ? (r.valid ? 'FALSE-ACCEPT' : 'WRONG  ') : 'NONE   ';
  process.stdout.write(`${tag} ${file}${same ? '' : `\n   truth ${v.mrz.join(' / ')}\n   read  ${r ? r.lines.join(' / ') : '-'}`}\n`);
}
process.stdout.write(`real samples with ground truth: ${exactValid}/${total} exact&valid, ${exact}/${total} exact, false accepts ${fa}\n`);
