/**
 * bench/scanner/prompt: the scanner's prompts for an MRZ it sees but cannot read. Chromium's fake
 * camera plays a clip of a synthetic page at a given share of the frame's width (optionally shaken:
 * every frame blurred sideways over `shake` pixels), the real engine reads it in its worker, and
 * `<timpora-mrz-scanner>`'s status is followed for a while after start(): when each status came (the
 * "move closer" prompt `closer`, the "hold still" prompt `steady`, the read), and per frame answered
 * `ms since start:engine ms` with `V` valid read, `i` invalid read, `S` an MRZ seen without a valid
 * read (`S0.52`: its print's blur in pitches), `T` out of its time budget.
 *
 * `node --import tsx bench/scanner/prompt.ts [preset clean|normal|hard] [width share 0.28] [seed 4242] [seconds 12] [shake 0]`
 * (session 29: ten seeds 4242-4251 per preset at 0.28, no shake; session 36: shaken pages; figures in
 * docs/en/mrz-reading.md).
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScannerClip } from '../../test/e2e/scanner-clip.ts';
import { launchBrowser, startPageServer } from '../../test/e2e/scanner-harness.ts';
const [preset = 'clean', scale = '0.28', seed = '4242', secs = '12', shake = '0'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'timpora-prompt-'));
const s = Number(scale);
const clip = await makeScannerClip(join(dir, 'c.y4m'), { preset: preset as 'clean' | 'normal' | 'hard', docScale: [s, s + 0.02], seed: Number(seed), shake: Number(shake) });
const server = await startPageServer();
const browser = await launchBrowser({ clip: clip.path });
const page = await browser.newPage();
await page.goto(server.pageUrl(''));
await page.waitForFunction(() => !!(window as unknown as { __probe?: unknown }).__probe);
await new Promise((r) => setTimeout(r, 3000));
const log = await page.evaluate(async (ms: number) => {
  const el = (window as unknown as { __probe: { el: { status: string; start(): Promise<void> } } }).__probe.el;
  const out: [number, string][] = [];
  const t0 = performance.now();
  void el.start().catch(() => undefined);
  const frames: string[] = [];
  await new Promise((r) => setTimeout(r, 0));
  const sc = (el as unknown as { scanner: EventTarget | null }).scanner;
  sc?.addEventListener('frame', (e) => {
    const d = (e as CustomEvent<{ result: { valid: boolean } | null; sighting?: { blur: number }; timings: { engine: number; decode: number }; outOfTime?: boolean }>).detail;
    frames.push(`${Math.round(performance.now() - t0)}:${Math.round(d.timings.engine)}${d.result ? (d.result.valid ? 'V' : 'i') : ''}${d.sighting ? `S${d.sighting.blur.toFixed(2)}` : ''}${d.outOfTime ? 'T' : ''}`);
  });
  let last = '';
  while (performance.now() - t0 < ms) {
    if (el.status !== last) { last = el.status; out.push([Math.round(performance.now() - t0), last]); }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { out, frames };
}, Number(secs) * 1000);
console.log(preset, scale, seed, `shake ${shake}`, JSON.stringify(log));
await browser.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
