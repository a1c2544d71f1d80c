/**
 * Camera-path probe (development aid, not a test): what the scanner's two-frame vote makes of a
 * frame's misreading. Each cached synthetic frame (a `.jpg` with its `.json` ground truth) is read
 * as it is and then as `--captures` - 1 more captures of the same scene: the camera moved by under a
 * pixel (up to 0.6 px each way), fresh sensor noise (sigma 3 grey levels), JPEG at quality 85
 * again. Every capture goes through `readMrz` and into `MrzVoter` with its defaults, as
 * `<timpora-mrz-scanner>` does. Prints per frame one letter per capture (O exact and valid, F valid
 * but wrong, i exact but not valid, w wrong and not valid, N nothing) and what the vote reported
 * first (RIGHT or WRONG, at which capture) or `none`.
 *
 * Session 27, the 8 false accepts on fresh frames: the vote reported the wrong reading for 7 of
 * them (the same wrong reading came back in 2 to 8 of the 8 captures; 5020315 read it once, then
 * nothing valid); the misreading comes from the scene, which a still camera keeps. A model of a
 * still hand, not of a moving one: glare and blur stay.
 *
 * Session 39, whole sets (`bench/mrz/recapture.ts .cache/mrz-frames/syn-*.jpg`; other seed ranges
 * rendered as `diagnose.ts --seed0` does): see sdk/mrz/vote.ts `MrzVoter` for the figures.
 *
 * `node --import tsx bench/mrz/recapture.ts [--captures 8] <frame.jpg>...`
 * @module
 */
import { readFileSync } from 'node:fs';
import { createCanvas, loadImage, type Canvas, type Image } from '@napi-rs/canvas';
import { readMrz } from '../../sdk/mrz/engine.ts';
import { MrzVoter } from '../../sdk/mrz/vote.ts';
import type { RgbaImage } from '../../sdk/mrz/types.ts';
import { createRng, type Rng } from '../../scripts/mrz/random-mrz.ts';
import { cliArgs, nextTask } from '../../scripts/mrz/train-io.ts';

const cli = cliArgs();
const CAPTURES = Math.max(1, Number(cli.get('captures', '8')));
const frames = process.argv.slice(2).filter((a) => a.endsWith('.jpg'));
/** Largest camera move between captures, pixels each way. */
const MOVE = 0.6;
/** Sensor noise, grey levels (standard deviation). */
const NOISE = 3;

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-9))) * Math.cos(2 * Math.PI * rng());
}

function pixels(img: Image, dx = 0, dy = 0): { canvas: Canvas; rgba: Uint8ClampedArray } {
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, dx, dy);
  return { canvas, rgba: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** Another capture of the scene in `img`: moved, noisy, JPEG-encoded again. */
async function recapture(img: Image, rng: Rng): Promise<RgbaImage> {
  const { canvas } = pixels(img, (rng() - 0.5) * 2 * MOVE, (rng() - 0.5) * 2 * MOVE);
  const ctx = canvas.getContext('2d');
  const d = ctx.getImageData(0, 0, img.width, img.height);
  for (let i = 0; i < d.data.length; i += 4) {
    const n = NOISE * gauss(rng);
    for (let j = 0; j < 3; j++) d.data[i + j] = Math.max(0, Math.min(255, (d.data[i + j] as number) + n));
  }
  ctx.putImageData(d, 0, 0);
  const again = await loadImage(await canvas.encode('jpeg', 85));
  const { rgba } = pixels(again);
  return { width: img.width, height: img.height, data: rgba };
}

const totals = { right: 0, wrong: 0, none: 0 };
for (const file of frames) {
  const truth = (JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { lines: string[] }).lines.join('|');
  const img = await loadImage(file);
  let seed = 0x7ec0;
  for (const ch of file) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const rng = createRng(seed);
  const voter = new MrzVoter();
  let letters = '';
  let reported = 'none';
  for (let k = 0; k < CAPTURES; k++) {
    const frame = k === 0 ? { width: img.width, height: img.height, data: pixels(img).rgba } : await recapture(img, rng);
    const r = readMrz(frame, { rotations: false });
    const exact = r !== null && r.lines.join('|') === truth;
    letters += !r ? 'N' : exact ? (r.valid ? 'O' : 'i') : r.valid ? 'F' : 'w';
    voter.push(r);
    const stable = voter.stable();
    if (stable && reported === 'none') reported = `${stable.lines.join('|') === truth ? 'RIGHT' : 'WRONG'} at capture ${k + 1}`;
  }
  console.log(`${file} ${letters} vote: ${reported}`);
  if (reported.startsWith('RIGHT')) totals.right++;
  else if (reported.startsWith('WRONG')) totals.wrong++;
  else totals.none++;
  // The canvases' pixel buffers are freed only in a later task.
  await nextTask();
}
console.log(`${frames.length} frames: the vote reported ${totals.right} right, ${totals.wrong} wrong, nothing for ${totals.none}`);
