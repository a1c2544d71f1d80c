// The `timpora-kit/sdk` entry is framework-free: nothing it loads, statically or lazily, comes from Lit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

test('sdk/index.ts pulls in no Lit module and no component', async () => {
  const result = await build({
    entryPoints: ['sdk/index.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: '/tmp/timpora-sdk-entry-check',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.startsWith('sdk/')), 'the bundle really contains the SDK');
  assert.deepEqual(inputs.filter((i) => /node_modules\/(lit|lit-html|lit-element|@lit)\//.test(i)), []);
  assert.deepEqual(inputs.filter((i) => i.startsWith('components/')), []);
});
