/**
 * Small-photo probe (development aid, not a test): how the engine reads photos the size of the
 * sample images found on the web (frames.ts `renderSmallPhoto`: 260-500 pixels wide, the document
 * filling the picture), whose characters are 4.5 to 12 pixels wide, narrower than most of the
 * bench's 1280x720 frames (6.9 px at the least). Prints, per band of character pitch (frame pixels per
 * character), how many read exactly and validly, validly but wrong (false accepts), exactly but not
 * valid, wrongly, or not at all.
 *
 * Session 40: the real sample 25_pass-uto.jpg (275x184, 5.6 px per character) was reported valid
 * with ERIKSSON read FRIKSSON. These photos show the same below 6 px: on seeds 7700000-7700399, 6
 * false accepts, all under 5.7 px (3 of the 48 valid readings at 5-6 px, 3 of 11 under 5), none among
 * the 293 valid readings at 6 px or more. See `MIN_DOUBTFUL_PITCH` (sdk/mrz/region.ts) for the rule
 * this led to and its figures.
 *
 * `node --import tsx bench/mrz/small-photos.ts [--seed0 7700000] [--n 400]`
 * @module
 */
import { readMrz } from '../../sdk/mrz/engine.ts';
import { decodeGray } from '../../scripts/mrz/train-data.ts';
import { cliArgs, nextTask } from '../../scripts/mrz/train-io.ts';
import { drawnPitch, readStatus, renderSmallPhoto, type ReadStatus } from './frames.ts';

const cli = cliArgs();
const SEED0 = Number(cli.get('seed0', '7700000'));
const N = Number(cli.get('n', '400'));

/** Pitch bands reported, as [label, upper bound]. */
const BANDS: readonly [string, number][] = [
  ['< 5 px', 5],
  ['5-6 px', 6],
  ['6-7 px', 7],
  ['7-8 px', 8],
  ['8-9 px', 9],
  ['>= 9 px', Infinity],
];
const STATUSES: readonly ReadStatus[] = ['valid', 'FALSE-ACCEPT', 'exact', 'wrong', 'none'];
const tally = BANDS.map(() => new Map<ReadStatus, number>());

for (let i = 0; i < N; i++) {
  const seed = SEED0 + i;
  const doc = renderSmallPhoto(seed);
  const pitch = drawnPitch(doc);
  const status = readStatus(readMrz(decodeGray(doc.image)), doc.lines);
  const band = tally[BANDS.findIndex(([, top]) => pitch < top)] as Map<ReadStatus, number>;
  band.set(status, (band.get(status) ?? 0) + 1);
  if (status === 'FALSE-ACCEPT') process.stderr.write(`false accept: seed ${seed}, ${pitch.toFixed(2)} px per character\n`);
  await nextTask();
}

const rows = ['| pitch | frames | ' + STATUSES.join(' | ') + ' |', '|---|---|' + STATUSES.map(() => '---|').join('')];
BANDS.forEach(([label], b) => {
  const t = tally[b] as Map<ReadStatus, number>;
  const total = [...t.values()].reduce((x, y) => x + y, 0);
  rows.push(`| ${label} | ${total} | ${STATUSES.map((s) => t.get(s) ?? 0).join(' | ')} |`);
});
process.stdout.write(`\nsmall photos, seeds ${SEED0}-${SEED0 + N - 1}\n${rows.join('\n')}\n`);
