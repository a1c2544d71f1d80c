// The demo as `npm start` runs it: the reference server (SQLite) and the built demo under its CSP. Two browser
// windows signed in as two agencies (separate profiles, so separate IndexedDB) see each other's records, and a
// record saved in one window reaches the other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import type { StaticServer } from './static-browser.ts';
import { startDemoWithServer, type DemoWithServer } from './demo-server.ts';

/** Text of the demo's record list. */
function recordList(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('#records')?.textContent ?? '');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('demo: two agencies share records through the reference server', () => {
  let demo: DemoWithServer;
  let web: StaticServer;
  let browser: Browser;

  before(async () => {
    demo = await startDemoWithServer('demo-sync');
    ({ web, browser } = demo);
  });

  after(async () => {
    await demo?.close();
  });

  test('each window receives the other agency\'s records, and a new record travels', async () => {
    const immigration = await (await browser.createBrowserContext()).newPage();
    const police = await (await browser.createBrowserContext()).newPage();
    const errors: string[] = [];
    for (const p of [immigration, police]) p.on('pageerror', (e) => errors.push(String(e)));
    await immigration.goto(`${web.origin}/index.html?agency=imi-jakut#orang-asing`);
    await police.goto(`${web.origin}/index.html?agency=polres-jakut#orang-asing`);

    // Sample data: Kanim Jakut owns WANG, Polres Jakut owns OKAFOR; each sees the other's after sync.
    await waitFor('police to see the immigration office record', async () => (await recordList(police)).includes('WANG, XIAOMING'));
    await waitFor('immigration to see the police record', async () => (await recordList(immigration)).includes('OKAFOR'));

    // A record written in the police window (through the SDK the widgets use) reaches the immigration window.
    await police.evaluate(async () => {
      const provider = document.querySelector('timpora-provider') as HTMLElement & { client: { records: { put(r: unknown): Promise<unknown> } } };
      await provider.client.records.put({
        identity: { surname: 'LINDQVIST', givenNames: 'ERIK', sex: 'M', birthDate: '1985-03-04', nationality: 'SWE' },
        document: { type: 'passport', issuingState: 'SWE', number: 'AA1234567', expiryDate: '2031-05-06' },
      });
    });
    await immigration.evaluate(() => {
      const search = document.querySelector<HTMLInputElement>('#record-search')!;
      search.value = 'lindq';
      search.dispatchEvent(new Event('input'));
    });
    await waitFor('the new record to reach the other agency', async () => {
      await immigration.evaluate(() => document.querySelector('#record-search')!.dispatchEvent(new Event('input')));
      return (await recordList(immigration)).includes('LINDQVIST');
    });
    assert.deepEqual(errors, []);
  });
});
