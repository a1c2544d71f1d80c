// <timpora-sync-status>: states in Bahasa Indonesia and English, live updates, accessible markup, actions.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../components/sync-status/define.ts';
import type { TimporaSyncStatus } from '../../../components/sync-status/sync-status.ts';
import { provideTimpora } from '../../../components/provider/define.ts';
import type { TimporaClient } from '../../../sdk/client.ts';
import { deriveState } from '../../../sdk/sync/sync-engine.ts';
import type { SyncStatus } from '../../../sdk/sync/types.ts';

class FakeSync extends EventTarget {
  status: SyncStatus = {
    state: 'idle',
    online: true,
    leader: true,
    syncing: false,
    pending: 0,
    failed: 0,
    conflicts: 0,
    error: null,
    lastSyncedAt: null,
  };
  syncNowCalls = 0;
  async syncNow(): Promise<void> {
    this.syncNowCalls += 1;
  }
  set(patch: Partial<SyncStatus>): void {
    const next = { ...this.status, ...patch };
    next.state = deriveState(next);
    this.status = next;
    this.dispatchEvent(new CustomEvent('statuschange', { detail: next }));
  }
}

function text(el: TimporaSyncStatus, part: string): string {
  return el.shadowRoot?.querySelector(`[part="${part}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

describe('<timpora-sync-status>', () => {
  it('shows "off" without an engine', async () => {
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status></timpora-sync-status>`);
    expect(el.getAttribute('state')).to.equal('off');
    expect(text(el, 'label')).to.equal('Sinkronisasi tidak aktif');
  });

  it('follows statuschange events, in Bahasa Indonesia by default', async () => {
    const sync = new FakeSync();
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status .sync=${sync}></timpora-sync-status>`);
    expect(text(el, 'label')).to.equal('Tersinkron');
    expect(text(el, 'details')).to.contain('Belum pernah sinkron');
    sync.set({ online: false, pending: 3 });
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('offline');
    expect(text(el, 'label')).to.equal('Luring');
    expect(text(el, 'details')).to.contain('3 perubahan belum terkirim');
    expect(text(el, 'message')).to.contain('tersimpan di perangkat ini');
    sync.set({ online: true, syncing: true });
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('syncing');
    sync.set({ syncing: false, pending: 0, lastSyncedAt: Date.UTC(2026, 0, 5, 3, 7) });
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('idle');
    expect(text(el, 'details')).to.match(/Terakhir sinkron \d/);
  });

  it('speaks English when lang="en" and switches at run time', async () => {
    const sync = new FakeSync();
    sync.set({ conflicts: 2, failed: 1 });
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="en"><timpora-sync-status .sync=${sync}></timpora-sync-status></div>`);
    const el = wrapper.querySelector('timpora-sync-status')!;
    await el.updateComplete;
    expect(text(el, 'label')).to.equal('Needs attention');
    expect(text(el, 'details')).to.contain('2 conflicts to decide');
    expect(text(el, 'details')).to.contain('1 change refused by the server');
    wrapper.setAttribute('lang', 'id');
    await new Promise((r) => setTimeout(r, 20));
    await el.updateComplete;
    expect(text(el, 'label')).to.equal('Perlu perhatian');
  });

  it('explains errors in words the officer can act on', async () => {
    const sync = new FakeSync();
    sync.set({ error: { code: 'unauthorized', message: 'x' } });
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status .sync=${sync}></timpora-sync-status>`);
    expect(text(el, 'message')).to.contain('Sesi berakhir');
  });

  it('has a polite live region and passes axe in every state', async () => {
    const sync = new FakeSync();
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status .sync=${sync}></timpora-sync-status>`);
    const live = el.shadowRoot!.querySelector('[part="label"]')!;
    expect(live.getAttribute('aria-live')).to.equal('polite');
    expect(live.getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
    sync.set({ online: false, pending: 5 });
    await el.updateComplete;
    await expect(el).to.be.accessible();
    sync.set({ online: true, conflicts: 1 });
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('"sync now" calls the engine and is disabled offline', async () => {
    const sync = new FakeSync();
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status .sync=${sync}></timpora-sync-status>`);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="sync-button"]')!;
    expect(button.textContent?.trim()).to.equal('Sinkronkan sekarang');
    button.click();
    expect(sync.syncNowCalls).to.equal(1);
    sync.set({ online: false });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="sync-button"]')!.disabled).to.equal(true);
  });

  it('asks the app to show conflicts', async () => {
    const sync = new FakeSync();
    sync.set({ conflicts: 2 });
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status .sync=${sync}></timpora-sync-status>`);
    const review = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="review-button"]')!;
    setTimeout(() => review.click());
    const event = await oneEvent(el, 'timpora-sync-show-conflicts');
    expect(event.detail).to.deep.equal({ conflicts: 2, failed: 0 });
    expect(event.composed).to.equal(true);
  });

  it('takes client.sync from <timpora-provider> context', async () => {
    const sync = new FakeSync();
    sync.set({ pending: 4 });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    provideTimpora(host, { sync } as unknown as TimporaClient);
    const el = document.createElement('timpora-sync-status');
    host.append(el);
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('pending');
    expect(text(el, 'details')).to.contain('4 perubahan belum terkirim');
    el.remove();
    sync.set({ pending: 0 });
    expect(el.getAttribute('state')).to.equal('pending', 'listener removed when disconnected');
  });

  it('compact mode keeps only icon and label visible', async () => {
    const sync = new FakeSync();
    sync.set({ pending: 1 });
    const el = await fixture<TimporaSyncStatus>(html`<timpora-sync-status compact .sync=${sync}></timpora-sync-status>`);
    const details = el.shadowRoot!.querySelector('[part="details"]')!;
    expect(getComputedStyle(details).display).to.equal('none');
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part="label"]')!).display).to.not.equal('none');
  });
});
