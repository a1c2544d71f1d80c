// Screenshots of each widget for the README, taken from the built demo in headless Chromium.
// Run: node --import tsx scripts/screenshots.ts   (writes docs/screenshots/*.png)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { launchChromium, serveStatic } from '../test/e2e/static-browser.ts';

const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'demo/vite.config.js', '--logLevel', 'error'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

mkdirSync('docs/screenshots', { recursive: true });
const server = await serveStatic('.tmp/demo');
const browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  // An officer in Jakarta: times read in WIB, with WITA/WIT sources visible.
  await page.emulateTimezone('Asia/Jakarta');
  const shots: { hash: string; selector: string; file: string; lang: 'id' | 'en' }[] = [
    { hash: 'beranda', selector: 'body', file: 'demo-portal.png', lang: 'id' },
    // The guided first run, open as on a first visit (step 1: the specimen passport and the ways to read it).
    { hash: 'beranda', selector: '#guide', file: 'demo-guide.png', lang: 'id' },
    { hash: 'pindai', selector: 'timpora-mrz-scanner', file: 'mrz-scanner.png', lang: 'id' },
    { hash: 'orang-asing', selector: 'timpora-foreigner-form', file: 'foreigner-form.png', lang: 'id' },
    { hash: 'kalender', selector: 'timpora-operation-calendar', file: 'operation-calendar.png', lang: 'id' },
    { hash: 'kalender', selector: 'timpora-operation-calendar', file: 'operation-calendar-en.png', lang: 'en' },
  ];
  await page.goto(`${server.origin}/index.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => /\d/.test(document.querySelector('#stats')?.textContent ?? ''), { timeout: 60000 });
  for (const shot of shots) {
    await page.evaluate((lang, hash) => {
      document.documentElement.lang = lang;
      location.hash = `#${hash}`;
    }, shot.lang, shot.hash);
    await new Promise((r) => setTimeout(r, 1500));
    const el = await page.$(shot.selector);
    if (!el) throw new Error(`${shot.selector} not found`);
    await el.screenshot({ path: `docs/screenshots/${shot.file}` });
    console.log(`docs/screenshots/${shot.file}`);
  }
} finally {
  await browser.close();
  await server.close();
}
