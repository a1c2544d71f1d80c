// Hostile input through every widget and the store: XSS vectors, injection strings and awkward Unicode are
// stored as given, shown as text, and never run (each XSS vector would set window.__pwned).
import { expect, fixture, html, aTimeout } from '@open-wc/testing';
import '../../src/define.ts';
import { createTimporaClient, type TimporaClient } from '../../src/index.ts';
import { exportIcs } from '../../sdk/calendar/ics.ts';
import { createOperation, createRecord } from '../../sdk/model/index.ts';
import type { TimporaOperationCalendar, TimporaForeignerForm, TimporaMrzScanner } from '../../src/index.ts';
import { ALL_PAYLOADS, XSS_PAYLOADS } from '../fixtures/hostile-payloads.ts';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

/** Every element under a shadow root, recursively. */
function deepElements(root: ParentNode): Element[] {
  const out: Element[] = [];
  for (const el of root.querySelectorAll('*')) {
    out.push(el);
    if (el.shadowRoot) out.push(...deepElements(el.shadowRoot));
  }
  return out;
}

/** Elements a payload could have injected if it were parsed as HTML. */
function injected(root: ParentNode): Element[] {
  return deepElements(root).filter((el) => {
    const tag = el.localName;
    if (tag === 'script' || tag === 'iframe' || tag === 'details' || tag === 'math') return true;
    return [...el.attributes].some((a) => a.name.startsWith('on') || a.value.startsWith('javascript:'));
  });
}

describe('hostile input across the kit', () => {
  let client: TimporaClient;

  beforeEach(async () => {
    window.__pwned = undefined;
    client = createTimporaClient({ dbName: `hostile-${Math.random().toString(36).slice(2)}`, agencyId: 'imi-jakut' });
    await client.open();
  });

  afterEach(async () => {
    await client.close();
    expect(window.__pwned, 'no payload ran').to.equal(undefined);
  });

  it('the store keeps every payload byte-exact in every string field', async () => {
    const records = ALL_PAYLOADS.map((p, i) =>
      createRecord(
        {
          identity: { surname: p.slice(0, 200) || 'X', givenNames: p, sex: 'F', birthDate: '1980-01-01', nationality: 'NLD', birthPlace: p },
          document: { type: 'passport', issuingState: 'NLD', number: `NW8R4KL${String(i).padStart(2, '0')}`, expiryDate: '2031-01-01' },
          notes: p,
          occupation: { employer: p, title: p },
        },
        { sourceAgency: 'imi-jakut' },
      ),
    );
    // Some payloads exceed field limits on purpose: those must be refused with a typed error, the rest stored.
    let stored = 0;
    for (const r of records) {
      try {
        const saved = await client.records.put(r);
        const back = await client.records.get(saved.id);
        expect(back?.notes).to.equal(r.notes);
        expect(back?.identity.givenNames).to.equal(r.identity.givenNames);
        expect(back?.occupation?.employer).to.equal(r.occupation?.employer);
        stored++;
      } catch (error) {
        expect((error as { code?: string }).code, String(error)).to.equal('validation');
      }
    }
    expect(stored, 'all but the over-long payloads are stored').to.be.at.least(ALL_PAYLOADS.length - 1);
  });

  it('the foreigner form shows every payload as text in every text field', async () => {
    const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .client=${client}></timpora-foreigner-form>`);
    const inputs = [...el.shadowRoot!.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[type="text"], input:not([type]), textarea')];
    expect(inputs.length).to.be.greaterThan(10);
    inputs.forEach((input, i) => {
      input.value = XSS_PAYLOADS[i % XSS_PAYLOADS.length]!;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit"]')?.click();
    await aTimeout(300);
    await el.updateComplete;
    expect(injected(el.shadowRoot!)).to.deep.equal([]);
  });

  it('the calendar imports payloads in an iCalendar file and shows them inert', async () => {
    const ops = XSS_PAYLOADS.map((p, i) =>
      createOperation({
        kind: 'coordination_meeting', title: p, description: p, leadAgency: 'imi-jakut', participatingAgencies: [], team: [],
        location: { name: p }, start: `2026-12-${String(1 + (i % 27)).padStart(2, '0')}T09:00`, end: `2026-12-${String(1 + (i % 27)).padStart(2, '0')}T10:00`,
        timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [],
      }),
    );
    const ics = exportIcs(ops);
    const el = await fixture<TimporaOperationCalendar>(html`<timpora-operation-calendar></timpora-operation-calendar>`);
    const imported = await el.importIcs(ics);
    expect(imported.map((o) => o.title)).to.deep.equal(ops.map((o) => o.title));
    el.setView('agenda');
    el.go('2026-12-01');
    await el.updateComplete;
    await aTimeout(100);
    expect(injected(el.shadowRoot!)).to.deep.equal([]);
    expect(el.shadowRoot!.textContent).to.contain('<script>window.__pwned=1</script>');
  });

  it('the scanner refuses payloads pasted as MRZ text without running them', async () => {
    const el = await fixture<TimporaMrzScanner>(html`<timpora-mrz-scanner></timpora-mrz-scanner>`);
    for (const p of ALL_PAYLOADS) expect(el.readText(p)).to.equal(null);
    await el.updateComplete;
    expect(injected(el.shadowRoot!)).to.deep.equal([]);
  });
});
