/**
 * Stress of the check-digit correction with real classifier outputs (a development aid, not a
 * test): every position of a random document (scripts/mrz/random-mrz.ts) takes the ensemble's
 * candidate list (top 4, p >= 0.002, as the engine lists them) of a real via-band glyph of the same
 * character, drawn from a glyph cache written by `scripts/mrz/tta-eval.ts --cache`; glyphs whose
 * first choice is below 0.999 are drawn `--boost` times as often as their share. Counts the
 * documents `correctMrz` reports valid and the wrong ones among them (each printed). The cache holds
 * few doubtful glyphs per character, so the same bad glyph recurs: read the wrong ones, not only
 * their count.
 *
 * `node --import tsx scripts/mrz/replay-stress.ts --cache f.bin [--docs 3000] [--boost 1]
 *   [--formats TD1,TD2,TD3,MRVA,MRVB,FRA_ID] [--tree .] [--explain] [--witness mlp|cnn]` (`--tree`:
 *   the checkout whose correct.ts runs; `--explain`: under each wrong read, the positions it got
 *   wrong with the candidates they were given; `--witness`: that net's own reading of the same
 *   glyphs is correctMrz's `witnesses`, as the engine gives the ensemble's readings the MLP's).
 *
 * Session 15 (cache of seeds 720000-720299, 20042 glyphs; 6000 documents of all six formats):
 * main f0c9210 reports 1863 valid, 28 of them wrong: 21 an unchecked letter read wrong at 0.91-0.96
 * (names and the code's second letter: A->G, D->B, D->S, E->C, K-><), the others characters no check
 * digit tells apart and no look-alike rule covers (K/< and 3/X differ by 20 and 30 in value; one K
 * read < at 0.997 as a document number's first character) and one visa optional-data 5 read 3.
 * TD1/TD2/TD3/FRA_ID only: 1893 valid, 35 wrong. This measure made session 15 drop a correct.ts
 * change that read more frames (its header has the figures).
 *
 * Session 16: a second cache, `scripts/mrz/tta-eval.ts --count 300 --seed 800000 --cache
 * /tmp/tta-reads-800000.bin` (19650 glyphs, 607 wrong first choices against 213 in the first, so
 * far fewer valid documents; harder seeds or changed glyphs since session 14, not checked): main
 * 297 valid, 15 wrong. correct.ts's INFERRED_LETTER_P, unlisted floor and 3/X, 4/E twins: 1765 /
 * 15 and 270 / 5 (its header lists the rest).
 * @module
 */
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import type { correctMrz as CorrectMrz } from '../../sdk/mrz/correct.ts';
import type { CharAlternative, MrzFormat } from '../../sdk/mrz/types.ts';
import { createRng, randomMrz } from './random-mrz.ts';
import { cliArgs } from './train-io.ts';

const cli = cliArgs();
const tree = resolve(cli.get('tree', '.'));
const { correctMrz } = (await import(pathToFileURL(`${tree}/sdk/mrz/correct.ts`).href)) as { correctMrz: typeof CorrectMrz };
const docs = Number(cli.get('docs', '3000'));
const boost = Number(cli.get('boost', '1'));
const explain = cli.has('explain');
const formats = cli.get('formats', 'TD1,TD2,TD3,MRVA,MRVB,FRA_ID').split(',') as MrzFormat[];
const cache = deserialize(readFileSync(cli.get('cache', '/tmp/tta-reads-720000.bin'))) as {
  reads: { label: number; baseTop: number; baseP: number; probs: Float32Array[]; mlp?: Float32Array; cnn?: Float32Array }[];
};

// Candidate lists per true character: sure glyphs (first choice >= 0.999) and doubtful ones.
// Per glyph: the ensemble's list, then the MLP's and the CNN's own (as the engine lists them).
type Lists = [CharAlternative[], CharAlternative[], CharAlternative[]];
const sure = new Map<string, Lists[]>();
const doubt = new Map<string, Lists[]>();
const listOf = (v: Float32Array | undefined): CharAlternative[] =>
  v ? [...v.keys()].sort((a, b) => (v[b] as number) - (v[a] as number)).slice(0, 4).filter((i) => (v[i] as number) >= 0.002).map((i) => ({ ch: CLASSES[i] as string, p: v[i] as number })) : [];
const witness = cli.get('witness', '');
for (const r of cache.reads) {
  const label = CLASSES[r.label] as string;
  const v = r.probs[0];
  const alts: CharAlternative[] = v ? listOf(v) : [{ ch: CLASSES[r.baseTop] as string, p: r.baseP }];
  const into = r.baseP < 0.999 ? doubt : sure;
  const list = into.get(label) ?? [];
  list.push([alts, listOf(r.mlp), listOf(r.cnn)]);
  into.set(label, list);
}

const rng = createRng(4242);
const NOW = new Date('2026-06-01T00:00:00Z');
let valid = 0;
let wrong = 0;
for (let i = 0; i < docs; i++) {
  const lines = randomMrz(900000 + i, { allowSpecimen: true, format: formats[i % formats.length] as MrzFormat }).lines;
  const drawn = lines.map((l) =>
    [...l].map((ch): Lists => {
      const s = sure.get(ch) ?? [];
      const u = doubt.get(ch) ?? [];
      const x = rng() * (s.length + u.length * boost);
      const none = [{ ch, p: 0.999 }];
      return (x < s.length ? s[Math.floor(x)] : u[Math.floor(rng() * u.length)]) ?? [none, none, none];
    }),
  );
  const cands = drawn.map((l) => l.map((g) => g[0]));
  const own = witness === 'mlp' ? 1 : witness === 'cnn' ? 2 : 0;
  const witnesses = own > 0 ? [drawn.map((l) => l.map((g) => g[own] as CharAlternative[]))] : [];
  const r = correctMrz(cands, own > 0 ? { now: NOW, witnesses: () => witnesses } : { now: NOW });
  if (!r?.valid) continue;
  valid++;
  if (r.lines.join('|') !== lines.join('|')) {
    wrong++;
    console.log(`WRONG ${r.format} ${r.confidence.toFixed(3)} ${lines.join('|')} -> ${r.lines.join('|')}`);
    if (explain) {
      // Each differing position: line, column, truth -> read, and the candidates it was given.
      lines.forEach((l, li) => [...l].forEach((ch, c) => {
        if ((r.lines[li] as string)[c] === ch) return;
        const alts = ((cands[li] as CharAlternative[][])[c] as CharAlternative[]).map((a) => `${a.ch}:${a.p.toFixed(3)}`).join(' ');
        console.log(`  L${li + 1}:${c + 1} ${ch} -> ${(r.lines[li] as string)[c]}  [${alts}]`);
      }));
    }
  }
}
console.log(`SUMMARY ${tree} docs ${docs} boost ${boost}: valid ${valid}, wrong-but-valid ${wrong}`);
