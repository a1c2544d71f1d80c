// The demo, built and served under the strict policy of demo/csp.js (no unsafe-inline, no unsafe-eval,
// Trusted Types enforced), is used widget by widget; not one CSP or Trusted Types violation may occur,
// in the page or in its workers (the scanner's engine compiles WebAssembly there: caught by the
// policy's violation reports, which page listeners do not see).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, serveStatic, type StaticServer } from './static-browser.ts';

import { timporaCsp } from '../../demo/csp.js';

const SPECIMEN = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

/** Click every button of a shadow-root part that is safe to press (not submit, not destructive). */
async function clickAll(page: Page, host: string, selector: string): Promise<number> {
  return page.evaluate(
    (hostSel, sel) => {
      const root = document.querySelector(hostSel)?.shadowRoot;
      const buttons = [...(root?.querySelectorAll<HTMLButtonElement>(sel) ?? [])].filter((b) => !b.disabled && b.type !== 'submit');
      for (const b of buttons) b.click();
      return buttons.length;
    },
    host,
    selector,
  );
}

describe('demo under a strict Content Security Policy', () => {
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'demo/vite.config.js', '--logLevel', 'error'], { stdio: 'inherit' });
    assert.equal(built.status, 0, 'demo builds');
    server = await serveStatic('.tmp/demo', { 'Content-Security-Policy': `${timporaCsp()}; report-uri /csp-report` });
    browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('every widget used, zero violations', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction('__reportViolation', (text: string) => violations.push(text));
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __reportViolation(t: string): void }).__reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Trusted Type/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/csp-report') violations.push(`report: ${r.postData() ?? ''}`);
    });

    await page.goto(`${server.origin}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('#stats')?.textContent?.match(/\d/), { timeout: 30000 });

    // Scanner: read pasted MRZ text, then start and stop the (fake) camera, which starts the worker.
    await page.evaluate(() => (location.hash = '#pindai'));
    await page.waitForFunction(() => !!document.querySelector('timpora-mrz-scanner')?.shadowRoot?.querySelector('textarea'));
    await page.evaluate((text) => {
      const root = document.querySelector('timpora-mrz-scanner')!.shadowRoot!;
      const area = root.querySelector('textarea')!;
      area.value = text;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }, SPECIMEN);
    await page.evaluate(() => location.hash === '#pindai');
    const startStop = async () =>
      page.evaluate(() => document.querySelector('timpora-mrz-scanner')!.shadowRoot!.querySelector<HTMLButtonElement>('.controls button')?.click());
    await startStop();
    await new Promise((r) => setTimeout(r, 2500));
    await page.evaluate(() => (document.querySelector('timpora-mrz-scanner') as HTMLElement & { stop?: () => void }).stop?.());

    // Form: type, submit (error summary), switch language.
    await page.evaluate(() => (location.hash = '#orang-asing'));
    await page.waitForFunction(() => !!document.querySelector('timpora-foreigner-form')?.shadowRoot?.querySelector('#f-identity-surname'));
    await page.evaluate(() => {
      const root = document.querySelector('timpora-foreigner-form')!.shadowRoot!;
      const input = root.querySelector<HTMLInputElement>('#f-identity-surname')!;
      input.value = '<img src=x onerror=alert(1)>';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      root.querySelector<HTMLButtonElement>('[part~="submit"]')?.click();
    });
    await page.click('[data-lang="en"]');
    await new Promise((r) => setTimeout(r, 500));

    // Calendar: every toolbar button (views, navigation), then keyboard moves on the grid.
    await page.evaluate(() => (location.hash = '#kalender'));
    await page.waitForFunction(() => !!document.querySelector('timpora-operation-calendar')?.shadowRoot?.querySelector('[part~="toolbar"]'));
    await clickAll(page, 'timpora-operation-calendar', '[part~="toolbar"] button');
    await new Promise((r) => setTimeout(r, 500));
    await page.click('[data-lang="id"]');
    await new Promise((r) => setTimeout(r, 500));

    assert.deepEqual(violations, [], 'no CSP or Trusted Types violation');
    assert.deepEqual(errors, [], 'no uncaught page error');
    await page.close();
  });
});
