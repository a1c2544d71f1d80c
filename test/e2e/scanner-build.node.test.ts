// The scanner as users get it: a production build (vite) of the scanner test page. The MRZ worker must
// come out as one self-contained module (one request and one compile when a scan starts, no module
// graph to load one file at a time) that carries the warm-up image, and the page must not carry it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScannerPage } from './scanner-harness.ts';
import { WARM_UP_IMAGE } from '../../sdk/mrz/worker-warm-up-image.ts';

describe('scanner production build', () => {
  let dir = '';
  let files: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'timpora-scanner-build-'));
    files = await buildScannerPage(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles the MRZ worker as one module that imports nothing', () => {
    const workers = files.filter((f) => /(^|\/)worker-[^/]*\.js$/.test(f));
    assert.equal(workers.length, 1, `expected one worker file, got ${files.join(', ')}`);
    const code = readFileSync(join(dir, workers[0] as string), 'utf8');
    assert.doesNotMatch(code, /\bimport\s*[\s({*"'`]/, 'the worker bundle imports another module');
    // The engine is inside (its entry and the warm-up image).
    assert.ok(code.includes(WARM_UP_IMAGE.runs), 'the warm-up image is not in the worker bundle');
  });

  it('starts the worker from the page bundle, which does not carry the warm-up image', () => {
    const worker = files.find((f) => /(^|\/)worker-[^/]*\.js$/.test(f)) as string;
    const pages = files.filter((f) => f !== worker);
    assert.ok(pages.length >= 1);
    const page = pages.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    assert.ok(page.includes(worker.replace(/^.*\//, '')), 'the page does not reference the worker file');
    assert.ok(!page.includes(WARM_UP_IMAGE.runs), 'the warm-up image leaked into the page bundle');
  });
});
