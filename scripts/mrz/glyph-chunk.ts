/**
 * Child process of train-io.ts `writeGlyphFile`: runs one chunk of a glyph generator and writes
 * its records to a file, its counts to stdout as JSON.
 * `node --import tsx scripts/mrz/glyph-chunk.ts <module URL> <export> <n> <seed> <options JSON> <out>`
 * @module
 */
import { writeFileSync } from 'node:fs';
import { glyphRecord, type GlyphCounts, type GlyphSink } from './train-io.ts';

const [moduleUrl, name, n, seed, options, out] = process.argv.slice(2);
if (!moduleUrl || !name || !n || !seed || !options || !out) throw new Error('usage: glyph-chunk.ts <module URL> <export> <n> <seed> <options JSON> <out>');
const generator = ((await import(moduleUrl)) as Record<string, unknown>)[name];
if (typeof generator !== 'function') throw new Error(`${moduleUrl} exports no function ${name}`);
const records: Buffer[] = [];
const sink: GlyphSink = (label, raster) => records.push(glyphRecord(label, raster));
const counts = (generator as (n: number, seed: number, sink: GlyphSink, options: unknown) => GlyphCounts)(Number(n), Number(seed), sink, JSON.parse(options) as unknown);
writeFileSync(out, Buffer.concat(records));
process.stdout.write(JSON.stringify(counts));
