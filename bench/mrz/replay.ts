/**
 * Correction replay (development aid, not a test, not the quoted figures): caches the classifier
 * alternatives of every MRZ hypothesis of the bench frames (`recognizeMrz`, fast locate pass) once
 * per weights version, then replays the text side (`correctMrz`, first valid hypothesis else the
 * most confident one, as `readMrz` picks) in seconds. Use it to try correction and threshold
 * changes; confirm kept changes with `npm run bench:mrz` (which also runs the fine locate pass).
 *
 * Frames: the cached synthetic bench frames (.cache/mrz-frames, run the bench once first) and the
 * real samples with ground truth (rotations on, turn order 0, 2, 1, 3 as in `readMrz`).
 *
 * `node --import tsx bench/mrz/replay.ts [--synth 320] [--verbose] [--real-only] [--tag NAME]`
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { correctMrz } from '../../sdk/mrz/correct.ts';
import { recognizeMrz } from '../../sdk/mrz/engine.ts';
import type { LineCandidates, MrzResult } from '../../sdk/mrz/types.ts';
import { MODEL } from '../../sdk/mrz/weights.ts';
import { cliArgs, loadRgba } from '../../scripts/mrz/train-io.ts';
import { framesDir, ROOT } from './frames.ts';

const cli = cliArgs();
const N_SYNTH = Number(cli.get('synth', '320'));
const VERBOSE = cli.has('verbose');
const SAMPLES = resolve(ROOT, '..', 'shared', 'mrz-samples');
const BENCH = framesDir();
const wHash = createHash('sha1').update(MODEL.data).digest('hex').slice(0, 10);
// --tag NAME: a separate cache (after an image-side change with the same weights).
const CACHE = join(ROOT, '.cache', 'mrz-replay', wHash + (cli.has('tag') ? `-${cli.get('tag', '')}` : ''));
mkdirSync(CACHE, { recursive: true });

interface Hyp {
  lines: LineCandidates[];
  turns: number;
}
interface Frame {
  id: string;
  truth: string[];
  hyps: Hyp[];
}

async function frame(id: string, path: string, truth: string[], rotations: boolean): Promise<Frame> {
  const file = join(CACHE, `${id.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Frame;
  const rec = recognizeMrz(await loadRgba(path), { rotations });
  const rank = [0, 2, 1, 3];
  const hyps = rec.candidates
    .map((c, i) => ({ lines: c.lines.map((l) => l.map((a) => a.map((x) => ({ ch: x.ch, p: +x.p.toPrecision(5) })))), turns: c.quarterTurns, i }))
    .sort((a, b) => rank.indexOf(a.turns) - rank.indexOf(b.turns) || a.i - b.i)
    .map(({ lines, turns }) => ({ lines, turns }));
  const f: Frame = { id, truth, hyps };
  writeFileSync(file, JSON.stringify(f));
  return f;
}

const frames: Frame[] = [];
const gt = JSON.parse(readFileSync(join(SAMPLES, 'ground-truth.json'), 'utf8')) as Record<string, { mrz?: unknown } | null>;
for (const [file, v] of Object.entries(gt)) {
  const mrz = v?.mrz;
  if (Array.isArray(mrz)) frames.push(await frame(`real/${file}`, join(SAMPLES, file), mrz as string[], true));
}
if (!cli.has('real-only')) {
  for (let i = 0; i < N_SYNTH; i++) {
    const path = join(BENCH, `syn-${70000 + i}.jpg`);
    if (!existsSync(path)) continue;
    const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { lines: string[] };
    frames.push(await frame(`synthetic/${70000 + i}`, path, meta.lines, false));
  }
}

function pick(f: Frame): MrzResult | null {
  let best: MrzResult | null = null;
  for (const h of f.hyps) {
    const r = correctMrz(h.lines);
    if (!r) continue;
    if (!best || (r.valid && !best.valid) || (r.valid === best.valid && r.confidence > best.confidence)) best = r;
    if (r.valid) break;
  }
  return best;
}

const t0 = performance.now();
const tally = new Map<string, { n: number; exactValid: number; exact: number; fa: number; hyps: number; hypFa: number }>();
for (const f of frames) {
  const set = f.id.split('/')[0] as string;
  const t = tally.get(set) ?? { n: 0, exactValid: 0, exact: 0, fa: 0, hyps: 0, hypFa: 0 };
  tally.set(set, t);
  const r = pick(f);
  const exact = !!r && r.lines.join('\n') === f.truth.join('\n');
  t.n++;
  if (exact) t.exact++;
  if (exact && r.valid) t.exactValid++;
  if (!exact && r?.valid) t.fa++;
  // Stricter: every hypothesis of the frame on its own (a wrong-but-valid one is a false accept in
  // waiting even when readMrz stopped earlier).
  for (const h of f.hyps) {
    const hr = correctMrz(h.lines);
    t.hyps++;
    if (hr?.valid && hr.lines.join('\n') !== f.truth.join('\n')) t.hypFa++;
  }
  if (VERBOSE && !(exact && r.valid)) {
    process.stdout.write(`${f.id} ${r ? (r.valid ? 'VALID' : 'invalid') : 'none'} conf=${r?.confidence ?? '-'} exact=${exact}\n`);
    f.truth.forEach((l, i) => process.stdout.write(`  T ${l}\n  R ${r?.lines[i] ?? ''}\n`));
  }
}
for (const [set, t] of tally) process.stdout.write(`${set}: exact&valid ${t.exactValid}/${t.n}, exact ${t.exact}, false accepts ${t.fa}; hypotheses ${t.hyps}, valid but wrong ${t.hypFa}\n`);
process.stdout.write(`weights ${wHash}; replay ${(performance.now() - t0).toFixed(0)} ms\n`);
