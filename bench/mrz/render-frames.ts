/**
 * Child process of frames.ts `renderMissingFrames`: renders and caches the given seeds' frames.
 * `node --import tsx bench/mrz/render-frames.ts <dir> <options JSON> <seed>...`
 * @module
 */
import { cachedFrame, type FrameOptions } from './frames.ts';

const [dir, options, ...seeds] = process.argv.slice(2);
if (!dir || !options) throw new Error('usage: render-frames.ts <dir> <options JSON> <seed>...');
const opts = JSON.parse(options) as FrameOptions;
for (const seed of seeds) cachedFrame(dir, Number(seed), opts);
