// Encryption at rest with sync against the REFERENCE SERVER (SQLite) over HTTP, in headless Chromium: two
// agencies in separate browser profiles. What reaches the server is the plaintext record; what each browser
// stores is sealed; a locked client sends nothing and pulls nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { serveBenchPage, type BenchPage } from '../../bench/page-server.ts';
import { createServer, type TimporaServer } from '../../server/app.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { launchChromium } from '../e2e/static-browser.ts';

const SECRET = 'encrypted-sync-e2e-secret-0123456789';

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('encryption at rest + sync with the reference server', () => {
  let api: TimporaServer;
  let apiUrl: string;
  let page: BenchPage;
  let browser: Browser;
  /** Requests per agency, by the bearer token each page uses. */
  const tokens = new Map<string, string>();
  const requests: Record<string, number> = {};

  before(async () => {
    api = await createServer({ store: new SqliteStore({ path: ':memory:' }), jwtSecret: SECRET, corsOrigins: ['*'], authFailures: { max: 1000, windowMs: 60_000 } });
    apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
    // Count real HTTP requests per agency (by bearer token) next to Fastify's own handler.
    api.app.server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
      const agency = tokens.get(String(req.headers['authorization'] ?? '').replace(/^Bearer /, ''));
      if (agency) requests[agency] = (requests[agency] ?? 0) + 1;
    });
    page = await serveBenchPage(fileURLToPath(new URL('./encrypted-sync-page.ts', import.meta.url)));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    page?.close();
    await api?.close();
  });

  async function open(agency: string): Promise<Page> {
    const p = await (await browser.createBrowserContext()).newPage();
    p.on('pageerror', (e) => assert.fail(`page error: ${String(e)}`));
    await p.goto(page.url);
    await p.waitForFunction(() => 'encSync' in window);
    const token = await api.tokens.issue({ userId: `${agency}-officer`, agency, role: 'officer' });
    tokens.set(token, agency);
    await p.evaluate((u: string, t: string, a: string) => window.encSync.start(u, t, `enc-e2e-${a}`, a), apiUrl, token, agency);
    return p;
  }

  test('records travel between two agencies; both browsers keep only ciphertext; locked sends and pulls nothing', async () => {
    const imi = await open('imi-jakut');
    const polda = await open('polda-metro');
    const id = await imi.evaluate(() =>
      window.encSync.put({
        identity: { surname: 'KOWALCZYK', givenNames: 'AGNIESZKA', sex: 'F', birthDate: '1990-07-01', nationality: 'POL' },
        document: { type: 'passport', issuingState: 'POL', number: 'EK4419027', expiryDate: '2031-05-06' },
        notes: 'Kos Anggrek kamar 4',
      } as never),
    );
    const admin = await api.tokens.issue({ userId: 'admin', agency: 'timpora-pusat', role: 'admin' });
    const onServer = async (): Promise<Record<string, unknown> | null> => {
      const r = await api.app.inject({ method: 'GET', url: `/records/${id}`, headers: { authorization: `Bearer ${admin}` } });
      return r.statusCode === 200 ? (JSON.parse(r.body) as Record<string, unknown>) : null;
    };
    await waitFor('the server to hold the record', async () => (await onServer()) !== null);
    const stored = (await onServer())!;
    assert.equal((stored['identity'] as { surname: string }).surname, 'KOWALCZYK', 'the server received the decrypted record');
    assert.equal(stored['notes'], 'Kos Anggrek kamar 4');
    await waitFor('the other agency to pull it', async () => (await polda.evaluate((i: string) => window.encSync.get(i), id)) !== null);
    assert.deepEqual(await polda.evaluate((i: string) => window.encSync.get(i), id), { surname: 'KOWALCZYK', notes: 'Kos Anggrek kamar 4', version: 1 });
    for (const p of [imi, polda]) {
      const dump = await p.evaluate(() => window.encSync.dump());
      assert.equal(dump.counts['records'], 1);
      for (const secret of ['kowalczyk', 'agnieszka', 'ek4419027', 'anggrek']) assert.ok(!dump.text.includes(secret), `${secret} in clear in IndexedDB`);
    }

    // Locked: no request leaves the browser (the pull interval is 200 ms), and a change on the server is not pulled.
    await imi.evaluate(() => window.encSync.lock());
    await new Promise((r) => setTimeout(r, 300));
    const imiBefore = requests['imi-jakut'] ?? 0;
    assert.ok(imiBefore > 0, 'control: requests are counted');
    const owner = await api.tokens.issue({ userId: 'imi2', agency: 'imi-jakut', role: 'officer' });
    const put = await api.app.inject({ method: 'PUT', url: `/records/${id}`, headers: { authorization: `Bearer ${owner}`, 'if-match': '"1"', 'content-type': 'application/json' }, payload: JSON.stringify({ ...stored, notes: 'Pindah ke Jl. Cempaka 9' }) });
    assert.equal(put.statusCode, 200, put.body);
    await waitFor('polda to pull the change', async () => (await polda.evaluate((i: string) => window.encSync.get(i), id))?.notes === 'Pindah ke Jl. Cempaka 9');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(requests['imi-jakut'] ?? 0, imiBefore, 'no request from the locked client');
    const imiDump = await imi.evaluate(() => window.encSync.dump());
    assert.ok(!imiDump.text.includes('cempaka'));
    await imi.evaluate(() => window.encSync.unlock());
    await waitFor('imi to pull the change after unlock', async () => (await imi.evaluate((i: string) => window.encSync.get(i), id))?.notes === 'Pindah ke Jl. Cempaka 9');
    assert.ok((requests['imi-jakut'] ?? 0) > imiBefore, 'unlock resumed syncing');
    const unlocked = await imi.evaluate(() => window.encSync.dump());
    assert.ok(!unlocked.text.includes('cempaka'), 'pulled change stored sealed');
  });
});
