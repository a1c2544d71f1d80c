// End-to-end test of <timpora-mrz-scanner> in headless Debian Chromium: the fake camera plays a y4m
// clip of a synthetic passport page (made here, in set-up), the REAL MRZ engine reads it in its Web
// Worker, and the element must emit the printed MRZ and end every camera track. Also: a denied
// permission and a machine without any camera show their localised messages, and a desk MRZ reader
// typing real key events is captured; a passport too far from the camera brings up the "move closer" prompt, one
// shaken sideways the "hold still" one, and one whose MRZ fails its own check digit the "check digits do not match"
// one with its text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { makeScannerClip, type ScannerClip, type ScannerClipOptions } from './scanner-clip.ts';
import { launchBrowser, startPageServer, typeBurst, type PageServer } from './scanner-harness.ts';

interface ProbeEvent {
  type: 'read' | 'error';
  t: number;
  lines?: string[];
  valid?: boolean;
  source?: string;
  imageType?: string;
  imageSize?: number;
  code?: string;
}

const READ_TIMEOUT_MS = Number(process.env['SCANNER_E2E_TIMEOUT_MS'] ?? 90_000);

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e instanceof Error ? e.message : String(e)));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => !!document.querySelector('timpora-mrz-scanner')?.shadowRoot?.querySelector('video'));
  return page;
}

async function waitForEvent(page: Page, timeout = READ_TIMEOUT_MS): Promise<ProbeEvent> {
  await page.waitForFunction(() => (window as unknown as { __probe: { events: unknown[] } }).__probe.events.length > 0, {
    timeout,
    polling: 100,
  });
  return page.evaluate(() => (window as unknown as { __probe: { events: ProbeEvent[] } }).__probe.events[0]!);
}


type ProbeWindow = {
  __probe: {
    el: HTMLElement & { start(): Promise<void>; stop(): void; status: string };
    trackStates(): string[];
    shadowText(s: string): string;
    /** The read events the element sent. */
    events: unknown[];
  };
};

/** Starts the camera and waits until a track is live and the "camera on" badge shows. */
async function startLive(page: Page): Promise<void> {
  await page.evaluate(() => {
    void (window as unknown as ProbeWindow).__probe.el.start().catch(() => undefined);
  });
  await page.waitForFunction(
    () => {
      const p = (window as unknown as ProbeWindow).__probe;
      // Live, and the worker's clone of the track opened (so the checks below cover it too).
      return p.trackStates().filter((s) => s === 'live').length >= 2 && p.shadowText('[part="live-indicator"]') !== '';
    },
    { timeout: 20_000, polling: 50 },
  );
}

async function cameraState(page: Page): Promise<{ tracks: string[]; badge: string; status: string }> {
  return page.evaluate(() => {
    const p = (window as unknown as ProbeWindow).__probe;
    return { tracks: p.trackStates(), badge: p.shadowText('[part="live-indicator"]'), status: p.el.status };
  });
}

/** What a describe block's tests share: the fake camera's clip, the page server, the browser playing the clip. */
interface Stage {
  clip: ScannerClip;
  server: PageServer;
  browser: Browser;
}

/** Sets up (before) and tears down (after) a {@link Stage} for the enclosing describe block, its clip made with `options`. */
function stageFor(options: ScannerClipOptions = {}): Stage {
  const stage = {} as Stage;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'timpora-scanner-e2e-'));
    stage.clip = await makeScannerClip(join(dir, 'passport.y4m'), options);
    stage.server = await startPageServer();
    stage.browser = await launchBrowser({ clip: stage.clip.path });
  });
  after(async () => {
    await stage.browser?.close();
    await stage.server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return stage;
}

describe('<timpora-mrz-scanner> end to end (Chromium fake camera, real engine)', { timeout: 300_000 }, () => {
  const stage = stageFor();

  for (const [name, query, mode] of [
    ['in the worker from the camera track', '', 'track'],
    ['from frames posted by the preview (no MediaStreamTrackProcessor)', 'pump=video', 'video'],
  ] as const) {
    it(`reads the MRZ printed on the document ${name} and ends every camera track`, async () => {
      const page = await openPage(stage.browser, stage.server.pageUrl(query));
      await page.evaluate(() => {
        void (window as unknown as { __probe: { el: { start(): Promise<void> } } }).__probe.el.start().catch(() => undefined);
      });
      const event = await waitForEvent(page);
      assert.equal(event.type, 'read', `expected a read, got ${JSON.stringify(event)}`);
      assert.deepEqual(event.lines, stage.clip.lines);
      assert.equal(event.valid, true);
      assert.equal(event.source, 'camera');
      assert.equal(event.imageType, 'image/jpeg');
      assert.ok((event.imageSize ?? 0) > 500, 'band image has content');
      // The camera is released in the tasks right after the read event (the read comes first).
      await page.waitForFunction(() => (window as unknown as ProbeWindow).__probe.trackStates().every((s) => s === 'ended'), { timeout: 2000, polling: 10 });
      const state = await page.evaluate(() => {
        const p = (window as unknown as {
          __probe: {
            el: { scanStats: { mode: string | null } | null };
            trackStates(): string[];
            cloneCount(): number;
            submits: number;
            shadowText(s: string): string;
          };
        }).__probe;
        return {
          tracks: p.trackStates(),
          clones: p.cloneCount(),
          mode: p.el.scanStats?.mode,
          submits: p.submits,
          status: p.shadowText('[role="status"]'),
        };
      });
      assert.equal(state.mode, mode);
      assert.equal(state.clones, mode === 'track' ? 1 : 0, 'the worker reads a clone of the track');
      assert.ok(state.tracks.length > 0, 'a camera was opened');
      assert.deepEqual([...new Set(state.tracks)], ['ended'], 'all camera tracks (and clones) ended');
      assert.equal(state.submits, 0, 'surrounding form not submitted');
      assert.match(state.status, /Terbaca/);
      await page.close();
    });
  }

  it('camera privacy: stop() ends every track and hides the "camera on" badge', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl());
    await startLive(page);
    assert.equal((await cameraState(page)).badge, 'Kamera menyala');
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.stop());
    const state = await cameraState(page);
    assert.deepEqual([...new Set(state.tracks)], ['ended']);
    assert.equal(state.badge, '');
    await page.close();
  });

  it('camera privacy: removing the element ends every track', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl());
    await startLive(page);
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.remove());
    assert.deepEqual([...new Set((await cameraState(page)).tracks)], ['ended']);
    await page.close();
  });

  it('camera privacy: a hidden page (tab frozen through CDP) ends every track', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl());
    await startLive(page);
    // Chromium hides the page (a real visibilitychange) before freezing it.
    const cdp = await page.createCDPSession();
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    const hidden = await page.evaluate(() => document.visibilityState);
    assert.equal(hidden, 'hidden');
    const state = await cameraState(page);
    assert.deepEqual([...new Set(state.tracks)], ['ended'], 'tracks ended while hidden');
    assert.equal(state.status, 'paused');
    assert.equal(state.badge, '');
    // (Resuming when shown again is covered by test/sdk/camera/scanner.test.ts with a simulated
    // visibilityState; in this headless set-up the reopened camera did not come back after the freeze.)
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.stop());
    assert.deepEqual([...new Set((await cameraState(page)).tracks)], ['ended']);
    await page.close();
  });

  it('camera privacy: navigating away (pagehide) ends every track before the page goes', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl());
    await startLive(page);
    // A pagehide listener added after the scanner's runs after it: it records what the scanner left.
    await page.evaluate(() => {
      addEventListener('pagehide', () => {
        sessionStorage.setItem('tracks-at-pagehide', JSON.stringify((window as unknown as ProbeWindow).__probe.trackStates()));
      });
    });
    await page.goto(`${stage.server.origin}/test/e2e/scanner-page.html?after-navigation`, { waitUntil: 'load' });
    const recorded = await page.evaluate(() => sessionStorage.getItem('tracks-at-pagehide'));
    assert.ok(recorded, 'pagehide fired');
    const tracks = JSON.parse(recorded) as string[];
    assert.ok(tracks.length > 0);
    assert.deepEqual([...new Set(tracks)], ['ended']);
    await page.close();
  });

  it('denied permission shows the Indonesian message and emits permission_denied', async () => {
    // A camera exists, but the origin's camera permission is denied (no auto-accepting fake UI).
    const strict = await launchBrowser({ clip: stage.clip.path, fakeUi: false });
    try {
      const context = strict.defaultBrowserContext();
      await context.overridePermissions(stage.server.origin, []);
      const page = await openPage(strict, stage.server.pageUrl());
      await page.evaluate(() => {
        void (window as unknown as { __probe: { el: { start(): Promise<void> } } }).__probe.el.start().catch(() => undefined);
      });
      const event = await waitForEvent(page, 20_000);
      assert.equal(event.type, 'error');
      assert.equal(event.code, 'permission_denied');
      const alert = await page.evaluate(() =>
        (window as unknown as { __probe: { shadowText(s: string): string } }).__probe.shadowText('[role="alert"]'),
      );
      assert.match(alert, /Akses kamera ditolak/);
      const tracks = await page.evaluate(() => (window as unknown as { __probe: { trackStates(): string[] } }).__probe.trackStates());
      assert.deepEqual(tracks, []);
    } finally {
      await strict.close();
    }
  });

  it('a machine without a camera shows the English no-camera message', async () => {
    const bare = await launchBrowser({ fakeCamera: false });
    try {
      const page = await bare.newPage();
      await page.goto(stage.server.pageUrl('lang=en'), { waitUntil: 'load' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      await page.evaluate(() => {
        void (window as unknown as { __probe: { el: { start(): Promise<void> } } }).__probe.el.start().catch(() => undefined);
      });
      const event = await waitForEvent(page, 20_000);
      assert.equal(event.type, 'error');
      assert.equal(event.code, 'no_camera');
      const alert = await page.evaluate(() =>
        (window as unknown as { __probe: { shadowText(s: string): string } }).__probe.shadowText('[role="alert"]'),
      );
      assert.match(alert, /No camera was found/);
    } finally {
      await bare.close();
    }
  });

  it('captures a desk MRZ reader typing real key events, and ignores the same text typed into a page field', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl('desk'));
    // Typed into another field of the page: the person's input, not the scanner's.
    await page.focus('#other-field');
    await typeBurst(page, `${stage.clip.lines.join('\n')}\n`);
    await new Promise((r) => setTimeout(r, 300));
    const none = await page.evaluate(() => (window as unknown as { __probe: { events: unknown[] } }).__probe.events.length);
    assert.equal(none, 0, JSON.stringify(await page.evaluate(() => (window as unknown as { __probe: { events: unknown[] } }).__probe.events)));
    // Nothing focused: the reader's burst goes to the document.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // (Enter in the page's own field submitted its form, as it should; count from here.)
    const submitsBefore = await page.evaluate(() => (window as unknown as { __probe: { submits: number } }).__probe.submits);
    await typeBurst(page, `${stage.clip.lines.join('\n')}\n`);
    const event = await waitForEvent(page, 10_000);
    assert.equal(event.type, 'read');
    assert.equal(event.source, 'keyboard');
    assert.deepEqual(event.lines, stage.clip.lines);
    const submits = await page.evaluate(() => (window as unknown as { __probe: { submits: number } }).__probe.submits);
    assert.equal(submits, submitsBefore, 'the burst to the document did not submit the form');
    await page.close();
  });
});

describe('<timpora-mrz-scanner> end to end, a passport whose MRZ fails its own check digit', { timeout: 300_000 }, () => {
  // The ICAO specimen with its document-number check digit misprinted (6 -> 7).
  const lines = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'];
  const stage = stageFor({ lines });

  it('says so, shows the text as printed to compare with the document, and sends no read', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl(''));
    await startLive(page);
    await page.waitForFunction(() => (window as unknown as ProbeWindow).__probe.el.status === 'misprint', { timeout: READ_TIMEOUT_MS, polling: 50 });
    const seen = await page.evaluate(() => {
      const p = (window as unknown as ProbeWindow).__probe;
      return {
        line: p.shadowText('[part="status"]'),
        spoken: p.shadowText('[role="status"]'),
        text: p.el.shadowRoot?.querySelector('textarea')?.value,
        events: p.events.length,
      };
    });
    assert.match(seen.line, /digit pemeriksanya tidak cocok/);
    assert.match(seen.spoken, /digit pemeriksanya tidak cocok/);
    assert.equal(seen.text, lines.join('\n'));
    assert.equal(seen.events, 0);
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.stop());
    const tracks = await page.evaluate(() => (window as unknown as ProbeWindow).__probe.trackStates());
    assert.deepEqual([...new Set(tracks)], ['ended']);
    await page.close();
  });
});

describe('<timpora-mrz-scanner> end to end, a passport too far from the camera', { timeout: 300_000 }, () => {
  // The page at 28-30% of the frame's width: its MRZ characters are about 8 pixels wide, which the
  // engine reads invalid (seed 4244; session 29, 52 frames in 12 s, none valid).
  const stage = stageFor({ seed: 4244, docScale: [0.28, 0.3] });

  it('asks for the document closer, on screen and to screen readers, and outlines where it sees the MRZ', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl(''));
    await startLive(page);
    await page.waitForFunction(() => (window as unknown as ProbeWindow).__probe.el.status === 'closer', { timeout: READ_TIMEOUT_MS, polling: 50 });
    const seen = await page.evaluate(() => {
      const p = (window as unknown as ProbeWindow).__probe;
      return { line: p.shadowText('[part="status"]'), spoken: p.shadowText('[role="status"]'), outline: p.el.shadowRoot?.querySelector('[part="outline"]') !== null };
    });
    assert.match(seen.line, /Dekatkan dokumen ke kamera/);
    assert.match(seen.spoken, /Dekatkan dokumen ke kamera/);
    assert.equal(seen.outline, true);
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.stop());
    const tracks = await page.evaluate(() => (window as unknown as ProbeWindow).__probe.trackStates());
    assert.deepEqual([...new Set(tracks)], ['ended']);
    await page.close();
  });
});

describe('<timpora-mrz-scanner> end to end, a passport shaken sideways', { timeout: 300_000 }, () => {
  // The page at 75-77% of the frame's width (about 14.5 pixels per character), every frame blurred
  // sideways over 11 pixels (three quarters of a character): each of the clip's frames shows its MRZ
  // with a print blur of 0.37-0.39 pitches and reads nothing valid (session 36, read in Node).
  const stage = stageFor({ seed: 4242, docScale: [0.75, 0.77], shake: 11 });

  it('asks to hold the document and the camera still, on screen and to screen readers, and reads nothing', async () => {
    const page = await openPage(stage.browser, stage.server.pageUrl(''));
    await startLive(page);
    await page.waitForFunction(() => (window as unknown as ProbeWindow).__probe.el.status === 'steady', { timeout: READ_TIMEOUT_MS, polling: 50 });
    const seen = await page.evaluate(() => {
      const p = (window as unknown as ProbeWindow).__probe;
      return { line: p.shadowText('[part="status"]'), spoken: p.shadowText('[role="status"]'), events: p.events.length };
    });
    assert.match(seen.line, /Gambar MRZ kabur: tahan dokumen dan kamera agar diam/);
    assert.match(seen.spoken, /Gambar MRZ kabur: tahan dokumen dan kamera agar diam/);
    assert.equal(seen.events, 0);
    await page.evaluate(() => (window as unknown as ProbeWindow).__probe.el.stop());
    const tracks = await page.evaluate(() => (window as unknown as ProbeWindow).__probe.trackStates());
    assert.deepEqual([...new Set(tracks)], ['ended']);
    await page.close();
  });
});
