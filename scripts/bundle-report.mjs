// Size of each public entry point, minified and gzipped, two ways: as an integrator's bundler sees it
// (runtime dependencies lit, @lit/context, idb, mrz, ical.js external) and standalone (everything bundled,
// as when a portal loads dist/define.js with no bundler). Prints a Markdown table; `--json` for machines.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readdirSync, existsSync } from 'node:fs';

const DEPS = ['lit', 'lit/*', '@lit/*', 'idb', 'mrz', 'ical.js'];
const entries = {
  'timpora-kit': 'src/index.ts',
  'timpora-kit/define': 'src/define.ts',
  'timpora-kit/sdk': 'sdk/index.ts',
  ...Object.fromEntries(
    readdirSync('components', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(`components/${d.name}/define.ts`))
      .map((d) => [`timpora-kit/components/${d.name}`, `components/${d.name}/define.ts`]),
  ),
  'MRZ engine + weights (worker)': 'sdk/mrz/worker.ts',
};

async function size(entry, external) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    external,
    // Lazily loaded chunks (region villages, workers) are not part of the entry's first load.
    splitting: true,
    metafile: true,
    outdir: '/tmp/timpora-bundle-report',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const outputs = out.metafile.outputs;
  const entryOut = Object.keys(outputs).find((k) => outputs[k].entryPoint === entry);
  // The entry file plus every chunk it imports statically, transitively: what loads before it runs.
  const seen = new Set();
  const queue = [entryOut];
  while (queue.length) {
    const path = queue.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imp of outputs[path].imports) if (imp.kind === 'import-statement' && !imp.external) queue.push(imp.path);
  }
  const files = out.outputFiles.filter((f) => [...seen].some((p) => f.path.endsWith(p.replace(/^.*timpora-bundle-report/, ''))));
  return {
    min: files.reduce((n, f) => n + f.contents.length, 0),
    gzip: files.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0),
  };
}

const rows = [];
for (const [name, entry] of Object.entries(entries)) {
  const own = await size(entry, DEPS);
  const standalone = await size(entry, []);
  rows.push({ name, own, standalone });
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log('| entry | min+gzip (deps external) | min+gzip (standalone) |');
  console.log('|---|---:|---:|');
  for (const r of rows) console.log(`| \`${r.name}\` | ${kb(r.own.gzip)} | ${kb(r.standalone.gzip)} |`);
}
