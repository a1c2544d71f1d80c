// The `timpora-mrz` CLI: text and JSON output, doubtful characters marked, exit codes and clear
// errors for bad input (other files still read), and the CLI as an installed package runs it: its
// build without sources, tsx or dev dependencies, and without the optional image decoder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { formatReport, main, type CliOutput, type FileReport } from '../../bin/timpora-mrz-cli.ts';
import { renderSynthetic } from '../../scripts/mrz/synth.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function capture(): CliOutput & { stdout: string; stderr: string } {
  const c = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (c.stdout += t),
    err: (t: string) => void (c.stderr += t),
  };
  return c;
}

describe('timpora-mrz CLI', () => {
  let dir: string;
  let passport: string;
  let lines: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'timpora-cli-'));
    const doc = renderSynthetic(101, { preset: 'clean', format: 'TD3' });
    lines = doc.lines;
    passport = join(dir, 'passport.png');
    writeFileSync(passport, doc.image);
    writeFileSync(join(dir, 'broken.jpg'), Buffer.from('not an image at all'));
    mkdirSync(join(dir, 'folder'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a passport photo: text with the lines, exit 0', async () => {
    const io = capture();
    assert.equal(await main(['read', passport], io), 0);
    assert.match(io.stdout, /passport\.png: VALID TD3/);
    for (const l of lines) assert.ok(io.stdout.includes(`  ${l}\n`), `line ${l} printed`);
    assert.equal(io.stderr, '');
  });

  test('--json lists every file; bad files get a clear error, the others are still read, exit 1', async () => {
    const io = capture();
    const files = [join(dir, 'missing.png'), join(dir, 'folder'), join(dir, 'broken.jpg'), passport];
    assert.equal(await main(['read', '--json', ...files], io), 1);
    const reports = JSON.parse(io.stdout) as FileReport[];
    assert.deepEqual(reports.map((r) => r.file), files);
    assert.equal(reports[0]?.error, 'file not found');
    assert.equal(reports[1]?.error, 'not a file');
    assert.match(reports[2]?.error ?? '', /^not a readable JPEG or PNG image/);
    const read = reports[3]?.result;
    assert.ok(read?.valid);
    assert.deepEqual(read.lines, lines);
    assert.equal(read.corners.length, 4);
    assert.equal(reports[3]?.error, undefined);
  });

  test('usage errors exit 2 on stderr; --help exits 0', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^usage:/],
      [['scan', passport], /unknown command scan/],
      [['read'], /no image given/],
      [['read', '--jsno', passport], /unknown option --jsno/],
    ];
    for (const [argv, why] of cases) {
      const io = capture();
      assert.equal(await main(argv, io), 2, argv.join(' '));
      assert.equal(io.stdout, '');
      assert.match(io.stderr, why);
      assert.match(io.stderr, /usage: timpora-mrz read/);
    }
    const help = capture();
    assert.equal(await main(['--help'], help), 0);
    assert.match(help.stdout, /--no-rotations/);
  });

  test('doubtful characters are marked under their columns', async () => {
    const io = capture();
    await main(['read', '--json', passport], io);
    const report = (JSON.parse(io.stdout) as FileReport[])[0] as FileReport;
    const result = report.result;
    assert.ok(result);
    const text = formatReport({ ...report, result: { ...result, doubts: [[0, 5], [0, 7]] } });
    const rows = text.split('\n');
    const i = rows.indexOf(`  ${lines[0]}`);
    assert.equal(rows[i + 1], '       ^ ^');
    assert.equal(rows[i + 2], `  ${lines[1]}`);
    assert.match(text, /unsure 2 \(\^\)/);
    assert.doesNotMatch(formatReport(report), /\^|unsure/);
  });

  test('as installed: the build runs without sources or dev dependencies, and asks for the decoder when missing', async () => {
    // The package's layout: bin/timpora-mrz.js and dist/ (package.json "files"), no sdk/, no tsx.
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'bin', 'timpora-mrz.js'), join(pkg, 'bin', 'timpora-mrz.js'));
    await build({ configFile: join(ROOT, 'vite.cli.config.ts'), logLevel: 'silent', build: { outDir: join(pkg, 'dist', 'cli') } });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'timpora-kit', type: 'module' }));
    const run = (): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, [join(pkg, 'bin', 'timpora-mrz.js'), 'read', '--json', passport], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

    const bare = run();
    assert.equal(bare.status, 2, String(bare.stderr));
    assert.match(String(bare.stderr), /npm install @napi-rs\/canvas/);
    assert.equal(bare.stdout, '');

    mkdirSync(join(pkg, 'node_modules', '@napi-rs'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', '@napi-rs', 'canvas'), join(pkg, 'node_modules', '@napi-rs', 'canvas'), 'dir');
    const withDecoder = run();
    assert.equal(withDecoder.status, 0, String(withDecoder.stderr));
    const reports = JSON.parse(String(withDecoder.stdout)) as FileReport[];
    assert.ok(reports[0]?.result?.valid);
    assert.deepEqual(reports[0]?.result?.lines, lines);
  });
});
