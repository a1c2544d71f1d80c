/// <reference types="mocha" />
import { fixture, html, expect, oneEvent } from '@open-wc/testing';
import '../../../components/mrz-scanner/define.ts';
import type { TimporaMrzScanner, MrzReadEventDetail, MrzErrorEventDetail } from '../../../components/mrz-scanner/mrz-scanner.ts';
import {
  OFF_STANDARD_TD2,
  RepeatVoter,
  MISPRINTED_TD3,
  SPECIMEN_TD3,
  ScriptedReader,
  failGetUserMedia,
  imageResult,
  resetVisibility,
  setVisibility,
  sightingOf,
  spyStreams,
  until,
} from '../../sdk/camera/fixtures.ts';

function shadow(el: TimporaMrzScanner): ShadowRoot {
  return el.shadowRoot!;
}

function buttonByText(el: TimporaMrzScanner, text: string): HTMLButtonElement {
  const b = [...shadow(el).querySelectorAll('button')].find((x) => x.textContent?.trim() === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
}

async function mount(template = html`<timpora-mrz-scanner></timpora-mrz-scanner>`): Promise<TimporaMrzScanner> {
  const el = await fixture<TimporaMrzScanner>(template);
  el.createVoter = () => new RepeatVoter(2);
  return el;
}

/** Types `text` as keydown events on `target` (fast like a desk reader unless `gapMs`). */
async function typeKeys(target: EventTarget, text: string, gapMs = 0): Promise<void> {
  for (const ch of text) {
    const key = ch === '\n' ? 'Enter' : ch;
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
}

describe('<timpora-mrz-scanner>', () => {
  let spy: ReturnType<typeof spyStreams>;
  beforeEach(() => {
    spy = spyStreams();
  });
  afterEach(() => {
    spy.restore();
  });

  it('renders in Bahasa Indonesia by default and is accessible', async () => {
    const el = await mount();
    expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain('Kamera belum aktif');
    expect(buttonByText(el, 'Mulai kamera').type).to.equal('button');
    await expect(el).to.be.accessible();
  });

  it('starts and warms the engine up as soon as it is connected, with a reader set right after', async () => {
    class PreparedReader extends ScriptedReader {
      prepared = 0;
      prepare(): Promise<void> {
        this.prepared++;
        return Promise.resolve();
      }
    }
    const reader = new PreparedReader(() => null);
    const el = document.createElement('timpora-mrz-scanner');
    document.body.append(el);
    el.reader = reader;
    try {
      await el.updateComplete;
      // Not left for an idle period: the first update already started it.
      expect(reader.prepared).to.equal(1);
    } finally {
      el.remove();
    }
  });

  it('speaks English with lang="en" and switches at run time', async () => {
    const el = await mount(html`<timpora-mrz-scanner lang="en"></timpora-mrz-scanner>`);
    expect(buttonByText(el, 'Start camera')).to.exist;
    el.setAttribute('lang', 'id');
    await until(() => shadow(el).textContent?.includes('Mulai kamera') === true, 2000, 'relocalise');
  });

  it('scans from the camera: guide, outline, read event with image, camera released', async () => {
    const el = await mount(html`<timpora-mrz-scanner allow-specimen></timpora-mrz-scanner>`);
    el.reader = new ScriptedReader((n) => (n <= 1 ? null : imageResult()));
    const read = oneEvent(el, 'timpora-mrz-read');
    await el.start();
    expect(spy.states()).to.deep.equal(['live']);
    expect(shadow(el).querySelector('[part="guide"]')).to.exist;
    await until(() => el.status === 'holding' || el.status === 'read', 8000, 'holding');
    const event = (await read) as CustomEvent<MrzReadEventDetail>;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.source).to.equal('camera');
    expect(event.detail.result.lines).to.deep.equal(SPECIMEN_TD3);
    expect(event.detail.image?.type).to.equal('image/jpeg');
    // The camera is released in the tasks right after the read event; the badge goes with it.
    await until(() => spy.states().every((s) => s === 'ended'), 2000, 'camera released');
    expect(spy.states()).to.deep.equal(['ended']);
    // The badge goes with the scanner's 'release' event, after the last release step (a task or
    // more after the tracks end).
    await until(() => shadow(el).querySelector('[part="live-indicator"]') === null, 2000, 'live badge gone');
    await el.updateComplete;
    expect(shadow(el).querySelector('[role="status"]')?.textContent).to.contain('Terbaca');
    expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain('Terbaca');
  });

  it('uses MrzVoter by default and refuses specimens unless allow-specimen', async () => {
    const el = await fixture<TimporaMrzScanner>(html`<timpora-mrz-scanner></timpora-mrz-scanner>`);
    const reader = new ScriptedReader(() => imageResult());
    el.reader = reader;
    let reads = 0;
    el.addEventListener('timpora-mrz-read', () => reads++);
    await el.start();
    await until(() => reader.calls >= 4, 8000, 'frames');
    expect(reads).to.equal(0);
    el.stop();
    el.allowSpecimen = true;
    await el.updateComplete;
    const read = oneEvent(el, 'timpora-mrz-read');
    await el.start();
    const e = (await read) as CustomEvent<MrzReadEventDetail>;
    expect(e.detail.result.fields.issuingState).to.equal('UTO');
    await until(() => spy.states().every((s) => s === 'ended'), 2000, 'camera released');
  });

  it('draws the detected outline scaled in frame coordinates', async () => {
    const el = await mount();
    el.reader = new ScriptedReader(() => ({ ...imageResult(), valid: false }));
    await el.start();
    await until(() => !!shadow(el).querySelector('[part="outline"]'), 8000, 'outline');
    const polygon = shadow(el).querySelector('[part="outline"]')!;
    expect(polygon.getAttribute('points')).to.equal('100,500 1100,500 1100,600 100,600');
    const svg = shadow(el).querySelector('svg')!;
    const video = shadow(el).querySelector('video')!;
    expect(svg.getAttribute('viewBox')).to.equal(`0 0 ${video.videoWidth} ${video.videoHeight}`);
    el.stop();
    expect(spy.states()).to.deep.equal(['ended']);
  });

  it('asks to hold the document and the camera still when the MRZ is blurred, shown and announced, in Indonesian and English', async () => {
    for (const [lang, text] of [['id', 'Gambar MRZ kabur: tahan dokumen dan kamera agar diam'], ['en', 'The MRZ is blurred: hold the document and the camera still']] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang}></timpora-mrz-scanner>`);
      // A TD3 MRZ seen at 14 pixels per character, its print blurred over half a character, not read.
      const reader = new ScriptedReader(() => null);
      reader.sighting = () => sightingOf(14, 0.5, { height: 40 });
      el.reader = reader;
      await el.start();
      await until(() => el.status === 'steady', 8000, 'steady');
      await el.updateComplete;
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      expect(shadow(el).querySelector('[role="status"]')?.textContent).to.contain(text);
      el.stop();
      el.remove();
    }
  });

  it('asks for the document to come closer, shown and announced, in Indonesian and English', async () => {
    for (const [lang, text] of [['id', 'Dekatkan dokumen ke kamera'], ['en', 'Move the document closer to the camera']] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang}></timpora-mrz-scanner>`);
      // A TD3 MRZ seen at 7 pixels per character, not read.
      const reader = new ScriptedReader(() => null);
      reader.sighting = () => sightingOf(7);
      el.reader = reader;
      await el.start();
      await until(() => el.status === 'closer', 8000, 'closer');
      await el.updateComplete;
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      expect(shadow(el).querySelector('[role="status"]')?.textContent).to.contain(text);
      expect(shadow(el).querySelector('[part="outline"]')?.getAttribute('points')).to.equal('100,500 408,500 408,520 100,520');
      el.stop();
      el.remove();
    }
  });

  it('says when the camera reads an MRZ whose own check digits fail, or that is off the standard, shows its text, and sends no read', async () => {
    for (const [lang, lines, text] of [
      ['id', MISPRINTED_TD3, 'digit pemeriksanya tidak cocok'],
      ['en', MISPRINTED_TD3, 'check digits do not match'],
      ['id', OFF_STANDARD_TD2, 'digit pemeriksanya cocok, tetapi tidak sesuai standar'],
      ['en', OFF_STANDARD_TD2, 'check digits match, but it does not follow the standard'],
    ] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang} allow-specimen></timpora-mrz-scanner>`);
      el.reader = new ScriptedReader(() => imageResult(lines));
      let reads = 0;
      el.addEventListener('timpora-mrz-read', () => reads++);
      await el.start();
      await until(() => el.status === 'misprint', 8000, 'misprint');
      await el.updateComplete;
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      expect(shadow(el).querySelector('[role="status"]')?.textContent).to.contain(text);
      expect(shadow(el).querySelector('textarea')?.value).to.equal(lines.join('\n'));
      expect(reads).to.equal(0);
      el.stop();
      el.remove();
    }
  });

  it('frame-budget sets the camera frames\' time limit (250 ms by default, 0 for none)', async () => {
    for (const [markup, expected] of [[html`<timpora-mrz-scanner></timpora-mrz-scanner>`, 250], [html`<timpora-mrz-scanner frame-budget="0"></timpora-mrz-scanner>`, undefined], [html`<timpora-mrz-scanner frame-budget="600"></timpora-mrz-scanner>`, 600]] as const) {
      const el = await mount(markup);
      const reader = new ScriptedReader(() => null);
      el.reader = reader;
      await el.start();
      await until(() => reader.calls >= 1, 8000, 'a frame');
      el.stop();
      expect(reader.requests[0]?.budgetMs).to.equal(expected);
      el.remove();
    }
  });

  it('autostart opens the camera on connect; removal releases it', async () => {
    const el = document.createElement('timpora-mrz-scanner');
    el.reader = new ScriptedReader(() => null);
    el.autostart = true;
    document.body.append(el);
    try {
      await until(() => spy.states().includes('live'), 8000, 'autostart');
    } finally {
      el.remove();
    }
    expect(spy.states().every((st) => st === 'ended')).to.equal(true);
  });

  it('shows a "camera on" badge with text exactly while the camera is open (start, hidden page, stop)', async () => {
    const el = await mount();
    el.reader = new ScriptedReader(() => null);
    const badge = (): Element | null => shadow(el).querySelector('[part="live-indicator"]');
    expect(badge()).to.equal(null);
    await el.start();
    await el.updateComplete;
    expect(spy.states()).to.deep.equal(['live']);
    expect(badge()?.textContent?.trim()).to.equal('Kamera menyala');
    await expect(el).to.be.accessible();
    setVisibility('hidden');
    try {
      await el.updateComplete;
      expect(spy.states()).to.deep.equal(['ended']);
      expect(badge()).to.equal(null);
    } finally {
      setVisibility('visible');
      resetVisibility();
    }
    await until(() => spy.states().includes('live') && !!badge(), 8000, 'resumed');
    el.stop();
    await el.updateComplete;
    expect(spy.states().every((st) => st === 'ended')).to.equal(true);
    expect(badge()).to.equal(null);
  });

  it('stops the camera when removed from the page', async () => {
    const el = await mount();
    el.reader = new ScriptedReader(() => null);
    await el.start();
    expect(spy.states()).to.deep.equal(['live']);
    el.remove();
    expect(spy.states()).to.deep.equal(['ended']);
  });

  it('shows the localised permission message and emits timpora-mrz-error', async () => {
    const restore = failGetUserMedia('NotAllowedError');
    try {
      const el = await mount();
      el.reader = new ScriptedReader(() => null);
      const errorEvent = oneEvent(el, 'timpora-mrz-error');
      await el.start().catch(() => undefined);
      const e = (await errorEvent) as CustomEvent<MrzErrorEventDetail>;
      expect(e.detail.error.code).to.equal('permission_denied');
      await el.updateComplete;
      expect(shadow(el).querySelector('[role="alert"]')?.textContent).to.contain('Akses kamera ditolak');
      await expect(el).to.be.accessible();
    } finally {
      restore();
    }
  });

  it('shows the no-camera message in English', async () => {
    const restore = failGetUserMedia('NotFoundError');
    try {
      const el = await mount(html`<timpora-mrz-scanner lang="en"></timpora-mrz-scanner>`);
      el.reader = new ScriptedReader(() => null);
      await el.start().catch(() => undefined);
      await el.updateComplete;
      expect(shadow(el).querySelector('[role="alert"]')?.textContent).to.contain('No camera was found');
    } finally {
      restore();
    }
  });

  it('reads pasted MRZ text', async () => {
    const el = await mount(html`<timpora-mrz-scanner allow-specimen></timpora-mrz-scanner>`);
    const textarea = shadow(el).querySelector('textarea')!;
    const read = oneEvent(el, 'timpora-mrz-read');
    textarea.value = SPECIMEN_TD3.join('\n');
    textarea.dispatchEvent(new Event('paste'));
    const e = (await read) as CustomEvent<MrzReadEventDetail>;
    expect(e.detail.source).to.equal('text');
    expect(e.detail.result.fields.documentNumber).to.equal('L898902C3');
  });

  it('reads typed text on the button and explains invalid text', async () => {
    const el = await mount(html`<timpora-mrz-scanner allow-specimen></timpora-mrz-scanner>`);
    const textarea = shadow(el).querySelector('textarea')!;
    let reads = 0;
    el.addEventListener('timpora-mrz-read', () => reads++);
    textarea.value = SPECIMEN_TD3[0] + '\n' + SPECIMEN_TD3[1]!.replace('C36', 'C35');
    textarea.dispatchEvent(new Event('input'));
    buttonByText(el, 'Baca teks MRZ').click();
    await el.updateComplete;
    expect(reads).to.equal(0);
    expect(shadow(el).querySelector('[role="status"]')?.textContent).to.contain('tidak valid');
    textarea.value = SPECIMEN_TD3.join('\n');
    textarea.dispatchEvent(new Event('input'));
    buttonByText(el, 'Baca teks MRZ').click();
    expect(reads).to.equal(1);
  });

  it('respects formats and specimens: refused unless allowed', async () => {
    const el = await mount(html`<timpora-mrz-scanner formats="TD1"></timpora-mrz-scanner>`);
    expect(el.formats).to.deep.equal(['TD1']);
    el.allowSpecimen = true;
    expect(el.readText(SPECIMEN_TD3.join('\n'))).to.equal(null);
    el.formats = ['TD3'];
    el.allowSpecimen = false;
    expect(el.readText(SPECIMEN_TD3.join('\n'))).to.equal(null);
    el.allowSpecimen = true;
    expect(el.readText(SPECIMEN_TD3.join('\n'))?.format).to.equal('TD3');
  });

  it('captures a desk reader burst without a focused field', async () => {
    const el = await mount(html`<timpora-mrz-scanner desk-reader allow-specimen></timpora-mrz-scanner>`);
    const read = oneEvent(el, 'timpora-mrz-read');
    await typeKeys(document.body, `${SPECIMEN_TD3[0]}\n${SPECIMEN_TD3[1]}\n`);
    const e = (await read) as CustomEvent<MrzReadEventDetail>;
    expect(e.detail.source).to.equal('keyboard');
    expect(e.detail.result.lines).to.deep.equal(SPECIMEN_TD3);
  });

  it('ignores slow typing and typing into another input; ignores everything when desk-reader is off', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <input aria-label="other" />
      <timpora-mrz-scanner desk-reader allow-specimen></timpora-mrz-scanner>
    </div>`);
    const el = wrapper.querySelector('timpora-mrz-scanner')!;
    const input = wrapper.querySelector('input')!;
    let reads = 0;
    el.addEventListener('timpora-mrz-read', () => reads++);
    await typeKeys(input, `${SPECIMEN_TD3[0]}\n${SPECIMEN_TD3[1]}\n`);
    expect(reads).to.equal(0);
    // A person typing 40 ms per key in the page body (not a burst).
    await typeKeys(document.body, `${SPECIMEN_TD3[0]!.slice(0, 12)}`, 45);
    expect(reads).to.equal(0);
    el.deskReader = false;
    await el.updateComplete;
    await typeKeys(document.body, `${SPECIMEN_TD3[0]}\n${SPECIMEN_TD3[1]}\n`);
    expect(reads).to.equal(0);
  });

  it('reads an uploaded photo through the reader with rotations', async () => {
    const el = await mount(html`<timpora-mrz-scanner allow-specimen></timpora-mrz-scanner>`);
    const reader = new ScriptedReader(() => imageResult());
    el.reader = reader;
    const canvas = new OffscreenCanvas(64, 48);
    canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const read = oneEvent(el, 'timpora-mrz-read');
    await el.readImage(blob);
    const e = (await read) as CustomEvent<MrzReadEventDetail>;
    expect(e.detail.source).to.equal('upload');
    expect(reader.requests[0]?.rotations).to.equal(true);
    expect(spy.streams.length).to.equal(0); // no camera needed
  });

  it('shows the text of a photo or pasted text whose MRZ fails its own check digit, or passes them but is off the standard, and says which, in Indonesian and English; no read event', async () => {
    expect(imageResult(MISPRINTED_TD3).checks.documentNumber).to.equal(false);
    for (const [lang, lines, photoText, text] of [
      ['en', MISPRINTED_TD3, 'check digits do not match', 'not valid'],
      ['id', MISPRINTED_TD3, 'digit pemeriksanya tidak cocok', 'tidak valid'],
      ['en', OFF_STANDARD_TD2, 'does not follow the standard', 'does not follow the standard'],
      ['id', OFF_STANDARD_TD2, 'tidak sesuai standar', 'tidak sesuai standar'],
    ] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang} allow-specimen></timpora-mrz-scanner>`);
      el.reader = new ScriptedReader(() => imageResult(lines));
      let reads = 0;
      el.addEventListener('timpora-mrz-read', () => reads++);
      const canvas = new OffscreenCanvas(8, 8);
      canvas.getContext('2d')!.fillRect(0, 0, 4, 4);
      expect(await el.readImage(await canvas.convertToBlob())).to.equal(null);
      await el.updateComplete;
      expect(shadow(el).querySelector('textarea')?.value).to.equal(lines.join('\n'));
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(photoText);
      expect(el.readText(lines.join('\n'))).to.equal(null);
      await el.updateComplete;
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      expect(reads).to.equal(0);
      el.remove();
    }
  });

  it('shows the text of a photo read under the confidence bar with every check digit passing, says some characters were not read surely, and takes the text once the person confirms it', async () => {
    for (const [lang, text, button] of [
      ['en', 'some characters were not read surely', 'Read MRZ text'],
      ['id', 'beberapa karakter terbaca kurang yakin', 'Baca teks MRZ'],
    ] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang} allow-specimen></timpora-mrz-scanner>`);
      // As the engine reports a reading refused for its confidence alone: checks pass, not valid.
      el.reader = new ScriptedReader(() => ({ ...imageResult(), valid: false, confidence: 0.86, doubts: [[0, 5], [0, 9]] }));
      const reads: MrzReadEventDetail[] = [];
      el.addEventListener('timpora-mrz-read', (e) => reads.push((e as CustomEvent<MrzReadEventDetail>).detail));
      const canvas = new OffscreenCanvas(8, 8);
      canvas.getContext('2d')!.fillRect(0, 0, 4, 4);
      expect(await el.readImage(await canvas.convertToBlob())).to.equal(null);
      await el.updateComplete;
      expect(reads).to.have.length(0);
      expect(shadow(el).querySelector('textarea')?.value).to.equal(SPECIMEN_TD3.join('\n'));
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      // The unsure characters are marked in the read lines, and named for screen readers.
      const doubts = shadow(el).querySelector('[part="mrz-doubts"]')!;
      expect([...doubts.querySelectorAll('mark')].map((m) => m.textContent)).to.deep.equal(['E', 'S']);
      expect(doubts.querySelector('.visually-hidden')?.textContent).to.contain(lang === 'en' ? 'line 1, character 6: E' : 'baris 1, karakter ke-6: E');
      expect(shadow(el).querySelector('textarea')?.getAttribute('aria-describedby')).to.contain('mrz-text-doubts');
      // The person compared it with the document and presses the button: the text is read.
      buttonByText(el, button).click();
      await el.updateComplete;
      expect(reads.map((r) => r.source)).to.deep.equal(['text']);
      expect(reads[0]?.result.valid).to.equal(true);
      expect(shadow(el).querySelector('[part="mrz-doubts"]')).to.equal(null);
      el.remove();
    }
  });

  it('says when a photo shows an MRZ it cannot read, and whether its letters are too small or blurred, in Indonesian and English', async () => {
    // Too small comes first (a small print measures blurred too), as from the camera.
    for (const [lang, pitch, blur, text] of [
      ['en', 8, 0.5, 'The photo shows an MRZ, but its letters are too small'],
      ['en', 14, 0.5, 'The photo shows an MRZ, but it is blurred'],
      ['en', 14, 0.15, 'The photo shows an MRZ, but it could not be read'],
      ['id', 8, 0.15, 'MRZ terlihat pada foto, tetapi hurufnya terlalu kecil'],
      ['id', 14, 0.5, 'MRZ terlihat pada foto, tetapi kabur'],
      ['id', 14, 0.15, 'MRZ terlihat pada foto, tetapi tidak terbaca'],
    ] as const) {
      const el = await mount(html`<timpora-mrz-scanner lang=${lang}></timpora-mrz-scanner>`);
      const reader = new ScriptedReader(() => null);
      reader.sighting = () => sightingOf(pitch, blur, { height: 40 });
      el.reader = reader;
      const canvas = new OffscreenCanvas(8, 8);
      canvas.getContext('2d')!.fillRect(0, 0, 4, 4);
      expect(await el.readImage(await canvas.convertToBlob())).to.equal(null);
      await el.updateComplete;
      expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain(text);
      el.remove();
    }
  });

  it('says so when a photo has no MRZ, and reports undecodable files', async () => {
    const el = await mount(html`<timpora-mrz-scanner lang="en"></timpora-mrz-scanner>`);
    el.reader = new ScriptedReader(() => null);
    const canvas = new OffscreenCanvas(8, 8);
    canvas.getContext('2d')!.fillRect(0, 0, 4, 4);
    expect(await el.readImage(await canvas.convertToBlob())).to.equal(null);
    await el.updateComplete;
    expect(shadow(el).querySelector('[part="status"]')?.textContent).to.contain('No MRZ found');
    const errorEvent = oneEvent(el, 'timpora-mrz-error');
    await el.readImage(new Blob(['not an image'], { type: 'image/png' }));
    const e = (await errorEvent) as CustomEvent<MrzErrorEventDetail>;
    expect(e.detail.error.code).to.equal('upload_failed');
  });

  it('never submits a surrounding form', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><timpora-mrz-scanner></timpora-mrz-scanner></form>`);
    let submits = 0;
    form.addEventListener('submit', (e) => {
      submits++;
      e.preventDefault();
    });
    const el = form.querySelector('timpora-mrz-scanner')!;
    el.reader = new ScriptedReader(() => null);
    for (const b of shadow(el).querySelectorAll('button')) expect(b.type).to.equal('button');
    buttonByText(el, 'Baca teks MRZ').click();
    const textarea = shadow(el).querySelector('textarea')!;
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    expect(submits).to.equal(0);
  });

  it('is keyboard operable: the start button toggles the camera', async () => {
    const el = await mount();
    el.reader = new ScriptedReader(() => null);
    const start = buttonByText(el, 'Mulai kamera');
    start.focus();
    expect(shadow(el).activeElement).to.equal(start);
    start.click(); // Enter/Space on a focused button dispatch click
    await until(() => spy.states().includes('live'), 8000, 'camera on');
    await el.updateComplete;
    buttonByText(el, 'Hentikan kamera').click();
    expect(spy.states()).to.deep.equal(['ended']);
  });
});
