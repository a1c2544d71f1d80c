/**
 * Regenerates the small committed synthetic fixture set in test/fixtures/mrz/synth/ from fixed
 * seeds (one frame per format, a hard one, rotated stills, a random-size frame and a negative without
 * MRZ). Test code checks that the ground truth still matches what the generator produces.
 *
 * `node --import tsx scripts/mrz/synth-fixtures.ts`
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSynthetic, type SynthOptions } from './synth.ts';

/** The fixture list: file stem, seed, options. */
export const SYNTH_FIXTURES: readonly { name: string; seed: number; options: SynthOptions }[] = [
  { name: 'td1-normal', seed: 101, options: { format: 'TD1' } },
  { name: 'td2-normal', seed: 102, options: { format: 'TD2' } },
  { name: 'td3-normal', seed: 103, options: { format: 'TD3' } },
  { name: 'mrva-normal', seed: 104, options: { format: 'MRVA' } },
  { name: 'mrvb-normal', seed: 105, options: { format: 'MRVB' } },
  { name: 'td3-hard', seed: 106, options: { format: 'TD3', preset: 'hard' } },
  { name: 'td1-rot90', seed: 107, options: { format: 'TD1', rotation: 90 } },
  { name: 'td3-rot180', seed: 108, options: { format: 'TD3', rotation: 180 } },
  { name: 'td3-clean', seed: 109, options: { format: 'TD3', preset: 'clean', encoding: 'jpeg' } },
  { name: 'td1-random-size', seed: 110, options: { format: 'TD1', randomSize: true } },
  { name: 'negative', seed: 111, options: { format: 'TD3', noMrz: true } },
];

/** Directory of the fixture set. */
export const SYNTH_FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/mrz/synth');

if (import.meta.url === `file://${process.argv[1]}` && process.argv[1]?.endsWith('synth-fixtures.ts')) {
  mkdirSync(SYNTH_FIXTURE_DIR, { recursive: true });
  const truth = [];
  for (const f of SYNTH_FIXTURES) {
    const r = renderSynthetic(f.seed, f.options);
    const file = `${f.name}.${r.mime === 'image/png' ? 'png' : 'jpg'}`;
    writeFileSync(join(SYNTH_FIXTURE_DIR, file), r.image);
    truth.push({ file, seed: f.seed, options: f.options, format: r.format, lines: r.lines, width: r.width, height: r.height, corners: r.corners, lineCorners: r.lineCorners });
  }
  writeFileSync(join(SYNTH_FIXTURE_DIR, 'ground-truth.json'), JSON.stringify(truth, null, 1) + '\n');
  process.stderr.write(`wrote ${truth.length} fixtures to ${SYNTH_FIXTURE_DIR}\n`);
}
