// The element reference in docs/elements is generated from the manifest; this fails when it has drifted
// from the JSDoc on the element classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allPages } from '../../scripts/docs-elements.mjs';

test('docs/elements matches the custom-elements manifest built from the sources', () => {
  // The analyzer resolves --outdir against the working directory.
  mkdirSync('.tmp', { recursive: true });
  const out = relative(process.cwd(), mkdtempSync(join('.tmp', 'cem-')));
  try {
    execFileSync(process.execPath, ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--outdir', out], { stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
    const pages = allPages(manifest);
    assert.ok(Object.keys(pages).length > 1, 'the manifest lists elements');
    assert.deepEqual(readdirSync('docs/elements').sort(), Object.keys(pages).sort(), 'one page per element (run npm run docs)');
    for (const [file, content] of Object.entries(pages)) {
      assert.equal(readFileSync(join('docs/elements', file), 'utf8'), content, `${file} is stale (run npm run docs)`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
