/**
 * Text-side benchmark (not a test): speed of parse and correct, side by side with the `mrz` npm
 * package's `parse`, and read/accept/false-accept rates of correct and the voter under simulated
 * classifier noise. Prints medians of 7 runs and ratios.
 *
 * `node --import tsx bench/mrz/text.ts [--n 2000] [--skip-speed]`
 */
import { parse as mrzParse } from 'mrz';
import { candidatesFromLines, correctMrz } from '../../sdk/mrz/correct.ts';
import { interpretMrz, parseMrz } from '../../sdk/mrz/parse.ts';
import { MrzVoter } from '../../sdk/mrz/vote.ts';
import type { CharAlternative, LineCandidates, MrzFormat } from '../../sdk/mrz/types.ts';
import { createRng, randomMrz, type Rng } from '../../scripts/mrz/random-mrz.ts';

const argN = process.argv.indexOf('--n');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 2000;
const NOW = new Date('2026-06-01T00:00:00Z');
const FORMATS: MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];
const A = '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOOKALIKE: Record<string, string> = {
  '0': 'O', O: '0', '1': 'I', I: '1', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2', '6': 'G', G: '6', D: '0',
  '<': 'K', K: '<', M: 'N', N: 'M', E: 'F', F: 'E', C: 'G', H: 'N', U: 'V', V: 'U', '3': '8', '7': '1',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function timeIt(label: string, items: number, fn: () => void): number {
  fn(); // warm-up
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const dc = process.cpuUsage(c);
    runs.push(((performance.now() - t) * 1000) / items);
    cpu.push((dc.user + dc.system) / items);
  }
  const m = median(runs);
  const mc = median(cpu);
  process.stdout.write(`${label.padEnd(52)} ${m.toFixed(1).padStart(8)} µs/call wall, ${mc.toFixed(1).padStart(8)} µs/call CPU (medians of 7)\n`);
  return mc;
}

/**
 * Noise model. `wrongTop`: range of the probability a wrong top choice gets; `miss`: chance the truth
 * is not among the alternatives at an erroneous position.
 */
function noisy(lines: readonly string[], rng: Rng, err: number, wrongTop: [number, number], miss: number): LineCandidates[] {
  return lines.map((l) =>
    [...l].map((ch): CharAlternative[] => {
      if (rng() < err) {
        const wrong = LOOKALIKE[ch] ?? (A[Math.floor(rng() * 37)] as string);
        if (wrong !== ch) {
          const pw = wrongTop[0] + rng() * (wrongTop[1] - wrongTop[0]);
          if (rng() < miss) return [{ ch: wrong, p: pw }, { ch: A[Math.floor(rng() * 37)] as string, p: (1 - pw) * 0.5 }];
          return [{ ch: wrong, p: pw }, { ch, p: (1 - pw) * 0.95 }];
        }
      }
      const p = 0.95 + rng() * 0.05;
      return [{ ch, p }, { ch: LOOKALIKE[ch] ?? 'X', p: (1 - p) * 0.8 }];
    }),
  );
}

const mrzs = Array.from({ length: N }, (_, i) => randomMrz(1_000_000 + i, { allowSpecimen: true, format: FORMATS[i % 5] as MrzFormat }));
const tdOnly = mrzs.filter((m) => m.format === 'TD1' || m.format === 'TD2' || m.format === 'TD3');

const skipSpeed = process.argv.includes('--skip-speed');
process.stdout.write(`\n# MRZ text side: ${N} random MRZs (${tdOnly.length} TD1/TD2/TD3), node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
process.stdout.write('# CPU time (process.cpuUsage) is the figure to compare when the machine is shared; ratios use it.\n\n');
if (!skipSpeed) {
const tPkg = timeIt('mrz package parse (TD1/TD2/TD3)', tdOnly.length, () => {
  for (const m of tdOnly) mrzParse(m.lines);
});
const tOwnTd = timeIt('ours: interpretMrz without package (TD1/TD2/TD3)', tdOnly.length, () => {
  for (const m of tdOnly) interpretMrz(m.format, m.lines, { now: NOW });
});
timeIt('ours: parseMrz (all formats, package cross-check)', N, () => {
  for (const m of mrzs) parseMrz(m.lines, { now: NOW });
});
const clean = mrzs.map((m) => candidatesFromLines(m.lines, 0.999));
const tClean = timeIt('ours: correctMrz, confident candidates', N, () => {
  for (const c of clean) correctMrz(c, { now: NOW });
});
const rngT = createRng(1);
const noisy2 = mrzs.map((m) => noisy(m.lines, rngT, 0.02, [0.4, 0.8], 0));
const tNoisy = timeIt('ours: correctMrz, 2 alternatives/position, 2% errors', N, () => {
  for (const c of noisy2) correctMrz(c, { now: NOW });
});
process.stdout.write(`\nratio own parser / mrz package: ${(tOwnTd / tPkg).toFixed(3)} (${(tPkg / tOwnTd).toFixed(1)}x faster)\n`);
process.stdout.write(`correct (clean) ${tClean.toFixed(0)} µs, correct (noisy) ${tNoisy.toFixed(0)} µs CPU per call\n`);
}

process.stdout.write(`\n# correct + voter under simulated classifier noise (${N} MRZs each)\n`);
process.stdout.write('model'.padEnd(44) + 'exact  valid  wrong-valid | voter(3 frames): stable  wrong\n');
const models: { name: string; err: number; top: [number, number]; miss: number }[] = [
  { name: 'no errors (p 0.95-1, 1 alternative)', err: 0, top: [0.4, 0.8], miss: 0 },
  { name: '1% errors, wrong top p 0.4-0.8', err: 0.01, top: [0.4, 0.8], miss: 0 },
  { name: '3% errors, wrong top p 0.4-0.8', err: 0.03, top: [0.4, 0.8], miss: 0 },
  { name: '3% errors, wrong top p 0.45-0.85, 30% missing', err: 0.03, top: [0.45, 0.85], miss: 0.3 },
  { name: '5% errors, wrong top p 0.5-0.95, 30% missing', err: 0.05, top: [0.5, 0.95], miss: 0.3 },
];
for (const model of models) {
  const rng = createRng(42);
  let exact = 0;
  let valid = 0;
  let wrong = 0;
  let vStable = 0;
  let vWrong = 0;
  for (const m of mrzs) {
    const truth = m.lines.join('\n');
    const c = noisy(m.lines, rng, model.err, model.top, model.miss);
    const r = correctMrz(c, { now: NOW });
    if (r && r.lines.join('\n') === truth) exact++;
    if (r?.valid) {
      valid++;
      if (r.lines.join('\n') !== truth) wrong++;
    }
    const voter = new MrzVoter({ now: NOW });
    voter.push(r, c);
    for (let f = 0; f < 2; f++) {
      const cf = noisy(m.lines, rng, model.err, model.top, model.miss);
      voter.push(correctMrz(cf, { now: NOW }), cf);
    }
    const s = voter.stable();
    if (s) {
      vStable++;
      if (s.lines.join('\n') !== truth) vWrong++;
    }
  }
  const pct = (x: number): string => `${((100 * x) / N).toFixed(1)}%`.padStart(6);
  process.stdout.write(`${model.name.padEnd(44)}${pct(exact)} ${pct(valid)} ${String(wrong).padStart(6)}      | ${pct(vStable)} ${String(vWrong).padStart(6)}\n`);
}
