// The framework examples in docs/examples are built and used in headless Chromium: the element renders the
// record the framework handed it, its event reaches framework code, and its value round-trips through the
// framework's native <form>.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'puppeteer-core';
import { launchChromium, serveStatic, type StaticServer } from './static-browser.ts';

import * as examples from '../../scripts/build-examples.mjs';

describe('framework examples', () => {
  let server: StaticServer;
  let browser: Browser;

  before(async () => {
    for (const name of examples.exampleNames()) await examples.buildExample(name);
    server = await serveStatic(examples.EXAMPLES_OUT);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const name of examples.exampleNames()) {
    test(`${name}: renders, emits to framework code, round-trips a form value`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(`${server.origin}/${name}/index.html`, { waitUntil: 'load' });
        // The element rendered the record the framework set as a property.
        await page.waitForFunction(
          () => {
            const form = document.querySelector('timpora-foreigner-form');
            const input = form?.shadowRoot?.querySelector<HTMLInputElement>('#f-identity-surname');
            return input?.value === 'ERIKSSON';
          },
          { timeout: 20000 },
        );
        // Saving inside the element emits timpora-record-saved, which the framework renders.
        await page.evaluate(() => {
          const form = document.querySelector('timpora-foreigner-form');
          form?.shadowRoot?.querySelector<HTMLButtonElement>('[part~="submit"]')?.click();
        });
        await page.waitForFunction(() => document.querySelector('#saved')?.textContent === 'saved:ERIKSSON', { timeout: 20000 });
        // Submitting the framework's own form carries the element's value.
        await page.click('#host-form > button[type="submit"]');
        await page.waitForFunction(() => document.querySelector('#form-value')?.textContent === 'form:ERIKSSON', { timeout: 20000 });
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }
});
