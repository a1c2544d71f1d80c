import { fixture, html, expect, oneEvent } from '@open-wc/testing';
import '../../../components/foreigner-form/define.ts';
import type { TimporaForeignerForm, RecordOpenEvent, RecordSavedEvent, RecordInvalidEvent, DraftRestoredEvent } from '../../../components/foreigner-form/foreigner-form.ts';
import { validationMessage, msg } from '../../../components/foreigner-form/messages.ts';
import type { ValidationIssue } from '../../../sdk/model/validation.ts';
import type { TimporaClient } from '../../../sdk/client.ts';
import type { MrzResult } from '../../../sdk/mrz/types.ts';
import { newClient, dropClient, failingPuts, q, qa, type, choose, typeDate, fillValid, sleep, until } from './helpers.ts';

const REF = new Date('2025-06-01T03:00:00Z');

async function mount(client: unknown, extra: Partial<TimporaForeignerForm> = {}): Promise<TimporaForeignerForm> {
  const el = await fixture<TimporaForeignerForm>(
    html`<timpora-foreigner-form .client=${client} .referenceDate=${REF} draft-key=${extra.draftKey ?? 'k-' + Math.random()} autosave-delay="50"></timpora-foreigner-form>`,
  );
  return el;
}

function summaryTexts(el: TimporaForeignerForm): string[] {
  return qa(el, '.error-summary a').map((a) => a.textContent!.trim());
}

function inlineText(el: TimporaForeignerForm, path: string): string {
  const id = `f-${path.replace(/\./g, '-')}-msg`;
  return el.shadowRoot!.getElementById(id)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function issue(el: TimporaForeignerForm, code: string, path: string): ValidationIssue {
  const found = el.issues.find((i) => i.code === code && i.path === path);
  expect(found, `${code} at ${path} in ${JSON.stringify(el.issues)}`).to.exist;
  return found!;
}

/** Asserts an issue is shown with the same words in the summary (errors) and inline, linked by aria-describedby. */
function expectSurfaced(el: TimporaForeignerForm, code: string, path: string): void {
  const i = issue(el, code, path);
  const text = validationMessage('id', i);
  if (i.severity === 'error') expect(summaryTexts(el)).to.include(text);
  expect(inlineText(el, path)).to.contain(text);
  const msgId = `f-${path.replace(/\./g, '-')}-msg`;
  const describer = el.shadowRoot!.querySelector(`[aria-describedby~="${msgId}"]`);
  expect(describer, `something described by ${msgId}`).to.exist;
}

const mrzResult = (over: Partial<MrzResult['fields']> = {}, valid = true): MrzResult => ({
  format: 'TD3',
  lines: ['P<GBRSMITH<<JOHN<PAUL<<<<<<<<<<<<<<<<<<<<<<<', '1234567890GBR8003077M3002012<<<<<<<<<<<<<<02'],
  fields: {
    documentCode: 'P',
    issuingState: 'GBR',
    documentNumber: '123456789',
    nationality: 'GBR',
    surname: 'SMITH',
    givenNames: 'JOHN PAUL',
    sex: 'M',
    birthDate: '1980-03-07',
    expiryDate: '2030-02-01',
    optional1: '',
    optional2: '',
    ...over,
  },
  checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
  valid,
  confidence: 0.99,
  corrections: [],
  doubts: [],
});

describe('<timpora-foreigner-form>', function () {
  this.timeout(20000);
  let c: { client: TimporaClient; db: string };
  beforeEach(() => {
    c = newClient();
  });
  afterEach(async () => {
    await dropClient(c);
  });

  describe('validation surfaced from sdk/model', () => {
    it('empty submit: summary with every required field, focused, role=alert, inline the same words', async () => {
      const el = await mount(c.client);
      const invalid = oneEvent(el, 'timpora-record-invalid') as Promise<RecordInvalidEvent>;
      q<HTMLButtonElement>(el, 'button[type=submit]').click();
      const ev = await invalid;
      await el.updateComplete;
      const summary = q(el, '.error-summary');
      expect(summary.getAttribute('role')).to.equal('alert');
      expect(el.shadowRoot!.activeElement).to.equal(summary);
      for (const path of ['identity.surname', 'identity.sex', 'identity.birthDate', 'identity.nationality', 'document.issuingState', 'document.number', 'document.expiryDate']) {
        expectSurfaced(el, 'required', path);
      }
      expect(ev.detail.issues.filter((i) => i.severity === 'error').length).to.equal(summaryTexts(el).length);
      expect((await c.client.records.query()).items).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('each summary link focuses its field (text, radio, date, combobox)', async () => {
      const el = await mount(c.client);
      await el.save();
      await el.updateComplete;
      const cases: [string, string][] = [
        ['identity.surname', 'f-identity-surname'],
        ['identity.sex', 'f-identity-sex'],
        ['identity.birthDate', 'f-identity-birthDate-day'],
        ['identity.nationality', 'f-identity-nationality'],
        ['document.expiryDate', 'f-document-expiryDate-day'],
      ];
      for (const [path, id] of cases) {
        const link = q<HTMLAnchorElement>(el, `.error-summary a[data-path="${path}"]`);
        expect(link.getAttribute('href')).to.equal(`#${id}`);
        link.click();
        expect(el.shadowRoot!.activeElement?.id, path).to.equal(id);
      }
    });

    it('dates: impossible date, future birth, issue before birth, expiry before issue', async () => {
      const el = await mount(c.client);
      await typeDate(el, 'f-identity-birthDate', '31', '2', '2024');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'invalid_date', 'identity.birthDate');
      await typeDate(el, 'f-identity-birthDate', '1', '1', '2030');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'date_in_future', 'identity.birthDate');
      await typeDate(el, 'f-identity-birthDate', '1', '1', '1990');
      await typeDate(el, 'f-document-issueDate', '1', '1', '1985');
      await typeDate(el, 'f-document-expiryDate', '1', '1', '1984');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'date_order', 'document.issueDate');
      expectSurfaced(el, 'date_order', 'document.expiryDate');
      expect(inlineText(el, 'document.expiryDate')).to.contain('Tanggal terbit');
    });

    it('unknown country, document number pattern, too long, and expiry warnings (saving still allowed)', async () => {
      const el = await mount(c.client);
      await fillValid(el);
      await type(el, 'f-identity-nationality', 'Atlantis');
      q(el, '#f-identity-nationality').dispatchEvent(new FocusEvent('blur'));
      await type(el, 'f-document-number', 'AB12');
      await type(el, 'f-identity-birthPlace', 'x'.repeat(201));
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'invalid_country', 'identity.nationality');
      expectSurfaced(el, 'invalid_document_number', 'document.number');
      expectSurfaced(el, 'too_long', 'identity.birthPlace');
      // The long value is kept as typed (no maxlength truncation).
      expect(q<HTMLInputElement>(el, '#f-identity-birthPlace').value).to.have.length(201);

      await type(el, 'f-identity-nationality', 'GBR');
      q(el, '#f-identity-nationality').dispatchEvent(new FocusEvent('blur'));
      await type(el, 'f-document-number', '123456789');
      await type(el, 'f-identity-birthPlace', 'London');
      await typeDate(el, 'f-document-expiryDate', '1', '1', '2025');
      expectSurfaced(el, 'document_expired', 'document.expiryDate');
      expect(q(el, '[data-field="document.expiryDate"] .warning-message').textContent).to.contain('kedaluwarsa');
      await typeDate(el, 'f-document-expiryDate', '1', '9', '2025');
      expectSurfaced(el, 'document_expiring', 'document.expiryDate');
      expect(inlineText(el, 'document.expiryDate')).to.contain(`${issue(el, 'document_expiring', 'document.expiryDate').params!['days']} hari`);
      const saved = await el.save();
      expect(saved, 'warnings do not block saving').to.not.equal(null);
    });

    it('stay permit: required once used, number and visa index formats, expired / expiring / not started', async () => {
      const el = await mount(c.client);
      await fillValid(el);
      await choose(el, 'f-permit-type', 'ITAS');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'required', 'permit.number');
      expectSurfaced(el, 'required', 'permit.validFrom');
      expectSurfaced(el, 'required', 'permit.validUntil');
      await type(el, 'f-permit-number', 'ab c#1');
      await type(el, 'f-permit-visaIndex', '312C!');
      await typeDate(el, 'f-permit-validFrom', '1', '1', '2024');
      await typeDate(el, 'f-permit-validUntil', '1', '1', '2025');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'invalid_permit_number', 'permit.number');
      expectSurfaced(el, 'invalid_visa_index', 'permit.visaIndex');
      expectSurfaced(el, 'permit_expired', 'permit.validUntil');
      await typeDate(el, 'f-permit-validUntil', '15', '6', '2025');
      expectSurfaced(el, 'permit_expiring', 'permit.validUntil');
      await typeDate(el, 'f-permit-validFrom', '1', '12', '2025');
      await typeDate(el, 'f-permit-validUntil', '1', '12', '2026');
      expectSurfaced(el, 'permit_not_started', 'permit.validFrom');
      await typeDate(el, 'f-permit-validUntil', '1', '1', '2025');
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'date_order', 'permit.validUntil');
    });

    it('sponsor, address, arrival, findings rules', async () => {
      const el = await mount(c.client);
      await fillValid(el);
      q<HTMLInputElement>(el, '#f-sponsor-kind').click();
      await type(el, 'f-sponsor-idNumber', '123');
      await type(el, 'f-sponsor-phone', 'call me');
      await type(el, 'f-sponsor-email', 'not-an-email');
      await type(el, 'f-address-postalCode', '0123');
      await type(el, 'f-address-rt', 'abcd');
      await typeDate(el, 'f-arrival-date', '1', '1', '2026');
      q<HTMLButtonElement>(el, '.findings + button').click();
      await el.updateComplete;
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'required', 'sponsor.name');
      expectSurfaced(el, 'invalid_nik', 'sponsor.idNumber');
      expectSurfaced(el, 'invalid_phone', 'sponsor.phone');
      expectSurfaced(el, 'invalid_email', 'sponsor.email');
      expectSurfaced(el, 'required', 'address.street');
      expect(summaryTexts(el)).to.include(validationMessage('id', issue(el, 'required', 'address.region')));
      expectSurfaced(el, 'invalid_postal_code', 'address.postalCode');
      expectSurfaced(el, 'invalid_format', 'address.rt');
      expectSurfaced(el, 'date_in_future', 'arrival.date');
      expectSurfaced(el, 'required', 'arrival.checkpoint');
      expectSurfaced(el, 'required', 'findings.0.date');
      expectSurfaced(el, 'required', 'findings.0.category');
      expectSurfaced(el, 'required', 'findings.0.description');
      // The region summary link goes to the province select.
      q<HTMLAnchorElement>(el, '.error-summary a[data-path="address.region"]').click();
      expect(el.shadowRoot!.activeElement?.id).to.equal('f-address-region-province');
      // Company id numbers follow NIB/NPWP.
      q<HTMLInputElement>(el, '#f-sponsor-kind-company').click();
      await el.save();
      await el.updateComplete;
      expectSurfaced(el, 'invalid_format', 'sponsor.idNumber');
      await expect(el).to.be.accessible();
    });

    it('errors appear inline only after the field was left, warnings at once', async () => {
      const el = await mount(c.client);
      const input = q<HTMLInputElement>(el, '#f-sponsor-email');
      input.value = 'x';
      input.dispatchEvent(new Event('input'));
      await el.updateComplete;
      expect(inlineText(el, 'sponsor.email')).to.equal('');
      expect(input.getAttribute('aria-invalid')).to.equal('false');
      input.dispatchEvent(new Event('change'));
      await el.updateComplete;
      expect(inlineText(el, 'sponsor.email')).to.contain('email');
      expect(input.getAttribute('aria-invalid')).to.equal('true');
    });
  });

  describe('saving', () => {
    it('saves through client.records.put, emits timpora-record-saved, deletes the draft', async () => {
      const el = await mount(c.client, { draftKey: 'save-1' } as Partial<TimporaForeignerForm>);
      await fillValid(el);
      await el.flushDraft();
      expect(await c.client.drafts.get('save-1')).to.exist;
      const savedEv = oneEvent(el, 'timpora-record-saved') as Promise<RecordSavedEvent>;
      q<HTMLButtonElement>(el, 'button[type=submit]').click();
      const { detail } = await savedEv;
      expect(detail.record.version).to.equal(1);
      expect(detail.record.identity.surname).to.equal('SMITH');
      expect(detail.record.document.number).to.equal('123456789');
      const stored = await c.client.records.get(detail.record.id);
      expect(stored?.identity.birthDate).to.equal('1980-03-07');
      expect(await c.client.drafts.get('save-1')).to.equal(undefined);
      // Saving again updates the same record (version carried).
      await type(el, 'f-identity-birthPlace', 'Leeds');
      const again = await el.save();
      expect(again?.id).to.equal(detail.record.id);
      expect(again?.version).to.equal(2);
    });

    it('failed save keeps everything: values in the form, the draft in IndexedDB, an error in an alert', async () => {
      const failing = failingPuts(c.client);
      const el = await mount(failing, { draftKey: 'fail-1' } as Partial<TimporaForeignerForm>);
      await fillValid(el);
      const result = await el.save();
      await el.updateComplete;
      expect(result).to.equal(null);
      expect(failing.attempts).to.equal(1);
      const alert = q(el, '.save-error');
      expect(alert.getAttribute('role')).to.equal('alert');
      expect(alert.textContent).to.contain('belum tersimpan');
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('SMITH');
      const draft = await c.client.drafts.get<{ state: { text: Record<string, string> } }>('fail-1');
      expect(draft?.value.state.text['identity.surname']).to.equal('SMITH');
      // Offline wording when the browser is offline.
      const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      try {
        await el.save();
        await el.updateComplete;
        expect(q(el, '.save-error').textContent).to.contain('tidak ada koneksi');
      } finally {
        delete (navigator as unknown as Record<string, unknown>)['onLine'];
        Object.defineProperty(Navigator.prototype, 'onLine', original);
      }
    });

    it('without a client, says so instead of pretending', async () => {
      const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .referenceDate=${REF}></timpora-foreigner-form>`);
      await fillValid(el);
      expect(await el.save()).to.equal(null);
      await el.updateComplete;
      expect(q(el, '.save-error').textContent).to.contain(msg('id', 'noClient'));
    });
  });

  describe('drafts', () => {
    it('restores a draft (incl. an impossible date as typed) after re-creating the element', async () => {
      const el = await mount(c.client, { draftKey: 'draft-1' } as Partial<TimporaForeignerForm>);
      await type(el, 'f-identity-surname', 'NGUYEN');
      await typeDate(el, 'f-identity-birthDate', '31', '2', '1990');
      await type(el, 'f-notes', 'catatan lapangan');
      await sleep(120);
      el.remove();
      const again = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form draft-key="draft-1" .referenceDate=${REF}></timpora-foreigner-form>`);
      const restored = oneEvent(again, 'timpora-draft-restored') as Promise<DraftRestoredEvent>;
      again.client = c.client;
      const ev = await restored;
      await again.updateComplete;
      expect(ev.detail.key).to.equal('draft-1');
      expect(q<HTMLInputElement>(again, '#f-identity-surname').value).to.equal('NGUYEN');
      expect(q<HTMLInputElement>(again, '#f-identity-birthDate-day').value).to.equal('31');
      expect(q<HTMLInputElement>(again, '#f-identity-birthDate-month').value).to.equal('2');
      expect(q<HTMLTextAreaElement>(again, '#f-notes').value).to.equal('catatan lapangan');
      expect(q(again, '.notice').textContent).to.contain(msg('id', 'draft.restored'));
    });

    it('ignores a corrupted or foreign draft instead of breaking', async () => {
      await c.client.drafts.put('bad-1', { kind: 'timpora-foreigner-form', state: { v: 1, text: 'nope' } });
      await c.client.drafts.put('bad-2', { kind: 'something-else', state: {} });
      for (const key of ['bad-1', 'bad-2']) {
        let restored = false;
        const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form draft-key=${key} @timpora-draft-restored=${() => (restored = true)} .client=${c.client}></timpora-foreigner-form>`);
        await sleep(100);
        await el.updateComplete;
        expect(restored, key).to.equal(false);
        expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('');
      }
    });

    it('flushes a pending draft when disconnected before the debounce fires', async () => {
      const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .client=${c.client} draft-key="draft-2" autosave-delay="5000"></timpora-foreigner-form>`);
      await type(el, 'f-identity-surname', 'OKAFOR');
      el.remove();
      await sleep(100);
      const d = await c.client.drafts.get<{ state: { text: Record<string, string> } }>('draft-2');
      expect(d?.value.state.text['identity.surname']).to.equal('OKAFOR');
    });
  });

  describe('MRZ', () => {
    it('prefills from a synthetic timpora-mrz-read, badges the fields, records later edits', async () => {
      const el = await mount(c.client);
      el.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result: mrzResult() }, bubbles: true, composed: true }));
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('SMITH');
      expect(q<HTMLInputElement>(el, '#f-identity-givenNames').value).to.equal('JOHN PAUL');
      expect(q<HTMLInputElement>(el, '#f-identity-sex').checked).to.equal(true);
      expect(q<HTMLInputElement>(el, '#f-identity-birthDate-year').value).to.equal('1980');
      expect(q<HTMLInputElement>(el, '#f-identity-nationality').value).to.match(/\(GBR\)$/);
      expect(q<HTMLInputElement>(el, '#f-document-number').value).to.equal('123456789');
      const badge = q(el, 'label[for="f-identity-surname"] .mrz-badge');
      expect(badge.textContent).to.contain('MRZ');
      expect(badge.querySelector('.visually-hidden')!.textContent).to.contain('diisi dari MRZ');
      expect(qa(el, '.mrz-badge').length).to.equal(9);
      expect(el.formState.mrz?.fields).to.include.members(['identity.surname', 'document.number', 'document.expiryDate']);

      await type(el, 'f-identity-surname', 'SMYTH');
      expect(el.formState.mrz?.edited).to.deep.equal(['identity.surname']);
      expect(q(el, 'label[for="f-identity-surname"] .mrz-badge').textContent).to.contain('lalu diubah');
      const saved = await el.save();
      expect(saved?.mrz?.edited).to.deep.equal(['identity.surname']);
      expect(saved?.mrz?.lines).to.have.length(2);
      expect(saved?.identity.surname).to.equal('SMYTH');
      await expect(el).to.be.accessible();
    });

    it('takes a read dispatched on the document when it is the only form; flags a read that failed its checks', async () => {
      const el = await mount(c.client);
      document.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result: mrzResult({ surname: 'DOE' }, false) } }));
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('DOE');
      expect(q(el, '.notice').textContent).to.contain(msg('id', 'mrz.invalid'));
    });

    it('marks the characters no check digit protects that the read was unsure of, for eyes and screen readers', async () => {
      const el = await mount(c.client);
      // SMITH's T (line 1, column 9) and the document code's P: a misread there passes every check digit.
      el.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result: { ...mrzResult(), doubts: [[0, 8], [0, 0], [5, 1], [0, 99]] } }, bubbles: true }));
      await el.updateComplete;
      const doubts = q(el, '.notice .mrz-doubts');
      expect(doubts.textContent).to.contain(msg('id', 'mrz.doubts', { n: 2 }));
      expect(qa(el, '.mrz-doubts mark').map((m) => m.textContent)).to.deep.equal(['P', 'T']);
      expect(qa(el, '.mrz-doubts code')).to.have.length(1);
      expect(q(el, '.mrz-doubts code').getAttribute('aria-hidden')).to.equal('true');
      const spoken = q(el, '.mrz-doubts .visually-hidden').textContent ?? '';
      expect(spoken).to.contain(msg('id', 'mrz.doubtAt', { line: 1, column: 1, char: 'P' }));
      expect(spoken).to.contain(msg('id', 'mrz.doubtAt', { line: 1, column: 9, char: 'T' }));
      await expect(el).to.be.accessible();
      // A read without doubts (or an older sender without the field) marks nothing.
      const { doubts: _none, ...older } = mrzResult();
      el.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result: older }, bubbles: true }));
      await el.updateComplete;
      expect(q(el, '.notice').textContent).to.contain(msg('id', 'mrz.filled', { n: 9 }));
      expect(el.shadowRoot!.querySelector('.mrz-doubts')).to.equal(null);
    });

    it('ignores malformed read events', async () => {
      const el = await mount(c.client);
      el.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result: { nope: true } }, bubbles: true }));
      el.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: null, bubbles: true }));
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('');
      expect(el.formState.mrz).to.equal(null);
    });
  });

  describe('duplicates', () => {
    it('warns about the same document and the same name + birth date, with a link that emits timpora-record-open', async () => {
      const existing = await c.client.records.put({
        identity: { surname: 'SMITH', givenNames: 'JOHN PAUL', sex: 'M', birthDate: '1980-03-07', nationality: 'GBR' },
        document: { type: 'passport', issuingState: 'GBR', number: '123456789', expiryDate: '2030-01-01' },
        findings: [],
        status: 'active',
      });
      const el = await mount(c.client);
      await type(el, 'f-document-issuingState', 'GBR');
      q(el, '#f-document-issuingState').dispatchEvent(new FocusEvent('blur'));
      await type(el, 'f-document-number', '1234 56789');
      await until(el, () => qa(el, '.duplicates a').length > 0);
      const link = q<HTMLAnchorElement>(el, `.duplicates a[data-record-id="${existing.id}"]`);
      expect(q(el, '.duplicates').textContent).to.contain('GBR 123456789');
      const opened = oneEvent(el, 'timpora-record-open') as Promise<RecordOpenEvent>;
      link.click();
      const ev = await opened;
      expect(ev.detail.id).to.equal(existing.id);
      expect(ev.detail.reason).to.equal('document');
      await expect(el).to.be.accessible();

      const el2 = await mount(c.client);
      await type(el2, 'f-identity-surname', 'smith');
      await typeDate(el2, 'f-identity-birthDate', '7', '3', '1980');
      await until(el2, () => qa(el2, '.duplicates a').length > 0);
      expect(q(el2, '.duplicates').textContent).to.contain(msg('id', 'dup.byName', { name: 'SMITH, JOHN PAUL' }));
      await typeDate(el2, 'f-identity-birthDate', '8', '3', '1980');
      await until(el2, () => qa(el2, '.duplicates a').length === 0);
      expect(qa(el2, '.duplicates a')).to.have.length(0);
    });
  });

  describe('native form participation', () => {
    it('submits its value as JSON under its name, reports validity, resets, follows disabled', async () => {
      const form = await fixture<HTMLFormElement>(html`<form>
        <input name="officer" value="budi" />
        <fieldset><timpora-foreigner-form name="record" .client=${c.client} .referenceDate=${REF}></timpora-foreigner-form></fieldset>
      </form>`);
      const el = form.querySelector('timpora-foreigner-form')!;
      await el.updateComplete;
      expect(form.checkValidity()).to.equal(false);
      expect(el.validationMessage).to.contain('wajib diisi');
      await fillValid(el);
      expect(form.checkValidity()).to.equal(true);
      const data = new FormData(form);
      const value = JSON.parse(String(data.get('record'))) as { identity: { surname: string }; document: { number: string } };
      expect(value.identity.surname).to.equal('SMITH');
      expect(value.document.number).to.equal('123456789');
      expect(data.get('officer')).to.equal('budi');

      form.reset();
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('');
      expect(JSON.parse(String(new FormData(form).get('record'))).identity).to.deep.equal({});

      form.querySelector('fieldset')!.disabled = true;
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').disabled).to.equal(true);
      expect(q<HTMLButtonElement>(el, 'button[type=submit]').disabled).to.equal(true);
      form.querySelector('fieldset')!.disabled = false;
      await el.updateComplete;
      expect(q<HTMLInputElement>(el, '#f-identity-surname').disabled).to.equal(false);
    });
  });

  describe('editing and restore', () => {
    it('edits an existing record (version carried, MRZ provenance kept) and restores browser form state', async () => {
      const existing = await c.client.records.put({
        identity: { surname: 'TANAKA', givenNames: 'YUKI', sex: 'F', birthDate: '1992-11-30', nationality: 'JPN' },
        document: { type: 'passport', issuingState: 'JPN', number: 'TR1234567', expiryDate: '2031-05-05' },
        findings: [],
        status: 'active',
        mrz: { fields: ['identity.surname'], edited: [] },
      });
      const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .client=${c.client} .referenceDate=${REF} .record=${existing}></timpora-foreigner-form>`);
      await el.updateComplete;
      expect(el.effectiveDraftKey).to.equal(`foreigner-form:${existing.id}`);
      expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('TANAKA');
      expect(q(el, 'label[for="f-identity-surname"] .mrz-badge')).to.exist;
      await type(el, 'f-identity-surname', 'TANAKA-SATO');
      const saved = await el.save();
      expect(saved?.id).to.equal(existing.id);
      expect(saved?.version).to.equal(existing.version + 1);
      expect(saved?.mrz?.edited).to.deep.equal(['identity.surname']);

      const fresh = await mount(c.client);
      const state = { ...el.formState, text: { ...el.formState.text, 'identity.surname': 'RESTORED' } };
      fresh.formStateRestoreCallback(JSON.stringify(state));
      await fresh.updateComplete;
      expect(q<HTMLInputElement>(fresh, '#f-identity-surname').value).to.equal('RESTORED');
      fresh.formStateRestoreCallback('{broken');
      await fresh.updateComplete;
      expect(q<HTMLInputElement>(fresh, '#f-identity-surname').value).to.equal('RESTORED');
    });

    it('a native submit of an invalid record shows the summary (invalid event)', async () => {
      const form = await fixture<HTMLFormElement>(html`<form><timpora-foreigner-form name="r" .client=${c.client} .referenceDate=${REF}></timpora-foreigner-form><button>Kirim</button></form>`);
      const el = form.querySelector('timpora-foreigner-form')!;
      await el.updateComplete;
      let submitted = false;
      form.addEventListener('submit', (e) => {
        submitted = true;
        e.preventDefault();
      });
      form.requestSubmit();
      await el.updateComplete;
      expect(submitted).to.equal(false);
      expect(qa(el, '.error-summary a').length).to.be.greaterThan(0);
      expect(inlineText(el, 'identity.surname')).to.contain('wajib diisi');
    });

    it('duplicate link honours record-href and a cancelled timpora-record-open', async () => {
      const existing = await c.client.records.put({
        identity: { surname: 'ROSSI', givenNames: 'MARIO', sex: 'M', birthDate: '1970-01-01', nationality: 'ITA' },
        document: { type: 'passport', issuingState: 'ITA', number: 'YA1234567', expiryDate: '2030-01-01' },
        findings: [],
        status: 'active',
      });
      const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .client=${c.client} .referenceDate=${REF} record-href="#/records/{id}"></timpora-foreigner-form>`);
      await type(el, 'f-document-issuingState', 'ITA');
      q(el, '#f-document-issuingState').dispatchEvent(new FocusEvent('blur'));
      await type(el, 'f-document-number', 'YA1234567');
      await until(el, () => qa(el, '.duplicates a').length > 0);
      const link = q<HTMLAnchorElement>(el, '.duplicates a');
      expect(link.getAttribute('href')).to.equal(`#/records/${existing.id}`);
      el.addEventListener('timpora-record-open', (e) => e.preventDefault(), { once: true });
      const before = location.hash;
      link.click();
      expect(location.hash).to.equal(before);
    });

    it('is accessible in English with errors and warnings showing', async () => {
      const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form lang="en" .client=${c.client} .referenceDate=${REF}></timpora-foreigner-form>`);
      await typeDate(el, 'f-document-expiryDate', '1', '1', '2025');
      await el.save();
      await el.updateComplete;
      expect(q(el, '.error-summary h2').textContent).to.equal('There is a problem');
      expect(inlineText(el, 'document.expiryDate')).to.contain('The travel document has expired');
      await expect(el).to.be.accessible();
    });
  });

  describe('hostile input', () => {
    it('stores script tags, emoji, RTL and long text verbatim and shows them inert', async () => {
      const el = await mount(c.client);
      const script = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
      const rtl = 'مُحَمَّد عَبْدُ الله';
      await fillValid(el);
      await type(el, 'f-identity-surname', script);
      await type(el, 'f-identity-givenNames', `👩🏽‍💻 ${rtl}`);
      const long = 'Catatan '.repeat(2000);
      await type(el, 'f-notes', long);
      const saved = await el.save();
      expect(saved).to.not.equal(null);
      expect(saved!.identity.surname).to.equal(script);
      expect(saved!.identity.givenNames).to.equal(`👩🏽‍💻 ${rtl}`);
      expect(saved!.notes).to.equal(long.trim());
      const stored = await c.client.records.get(saved!.id);
      expect(stored!.identity.surname).to.equal(script);
      expect(el.shadowRoot!.querySelectorAll('script, img:not(.photo-img)')).to.have.length(0);
      expect((window as unknown as Record<string, unknown>)['__pwned']).to.equal(undefined);
      expect(q<HTMLInputElement>(el, '#f-identity-givenNames').getAttribute('dir')).to.equal('auto');

      // A second form shows the stored record as a duplicate: the name appears as text, not markup.
      const el2 = await mount(c.client);
      await type(el2, 'f-document-issuingState', 'GBR');
      q(el2, '#f-document-issuingState').dispatchEvent(new FocusEvent('blur'));
      await type(el2, 'f-document-number', '123456789');
      await until(el2, () => qa(el2, '.duplicates a').length > 0);
      expect(q(el2, '.duplicates').textContent).to.contain(script);
      expect(el2.shadowRoot!.querySelectorAll('script, img')).to.have.length(0);

      // Over the limit: reported, not truncated.
      await type(el2, 'f-notes', 'x'.repeat(20_001));
      await el2.save();
      await el2.updateComplete;
      expectSurfaced(el2, 'too_long', 'notes');
      expect(q<HTMLTextAreaElement>(el2, '#f-notes').value).to.have.length(20_001);
    });
  });

  describe('language', () => {
    it('switches between Bahasa Indonesia and English at run time, labels and messages alike', async () => {
      const el = await mount(c.client);
      await el.save();
      await el.updateComplete;
      expect(q(el, 'label[for="f-identity-surname"]').textContent).to.contain('Nama keluarga');
      expect(q(el, '.error-summary h2').textContent).to.equal('Ada masalah');
      el.setAttribute('lang', 'en');
      await sleep(0);
      await el.updateComplete;
      expect(q(el, 'label[for="f-identity-surname"]').textContent).to.contain('Surname');
      expect(q(el, '.error-summary h2').textContent).to.equal('There is a problem');
      expect(summaryTexts(el)).to.include('Enter Surname');
      expect(q(el, '.scan-button').textContent).to.equal('Scan document');
      el.setAttribute('lang', 'id');
      await sleep(0);
      await el.updateComplete;
      expect(q(el, '.scan-button').textContent).to.equal('Pindai dokumen');
    });
  });

  describe('address cascade', () => {
    it('province -> regency -> district -> village on Kemendagri codes, lower levels cleared on change', async () => {
      const el = await mount(c.client);
      await fillValid(el);
      await type(el, 'f-address-street', 'Jl. Medan Merdeka Barat 1');
      await choose(el, 'f-address-region-province', '31');
      expect(qa<HTMLOptionElement>(el, '#f-address-region-regency option').map((o) => o.value)).to.include('31.71');
      await choose(el, 'f-address-region-regency', '31.71');
      for (let i = 0; i < 50 && qa(el, '#f-address-region-district option').length < 2; i++) await sleep(20);
      await choose(el, 'f-address-region-district', '31.71.01');
      for (let i = 0; i < 50 && qa(el, '#f-address-region-village option').length < 2; i++) await sleep(20);
      const villages = qa<HTMLOptionElement>(el, '#f-address-region-village option');
      expect(villages.map((o) => o.textContent!.trim())).to.include('Gambir');
      await choose(el, 'f-address-region-village', '31.71.01.1001');
      const saved = await el.save();
      expect(saved?.address?.region).to.deep.equal({ province: '31', regency: '31.71', district: '31.71.01', village: '31.71.01.1001' });
      await choose(el, 'f-address-region-province', '51');
      expect(el.formState.text['address.region.regency']).to.equal('');
      expect(el.formState.text['address.region.village']).to.equal('');
    });
  });

  describe('country combobox (ARIA 1.2)', () => {
    it('filters as you type, arrows move aria-activedescendant, Enter chooses, Escape closes', async () => {
      const el = await mount(c.client);
      const input = q<HTMLInputElement>(el, '#f-identity-nationality');
      expect(input.getAttribute('role')).to.equal('combobox');
      expect(input.getAttribute('aria-expanded')).to.equal('false');
      input.focus();
      input.value = 'indo';
      input.dispatchEvent(new Event('input'));
      await el.updateComplete;
      expect(input.getAttribute('aria-expanded')).to.equal('true');
      const listbox = el.shadowRoot!.getElementById(input.getAttribute('aria-controls')!)!;
      expect(listbox.getAttribute('role')).to.equal('listbox');
      expect(listbox.querySelectorAll('[role=option]').length).to.be.greaterThan(0);
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      await el.updateComplete;
      const active = input.getAttribute('aria-activedescendant')!;
      expect(el.shadowRoot!.getElementById(active)?.getAttribute('aria-selected')).to.equal('true');
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await el.updateComplete;
      expect(el.formState.text['identity.nationality']).to.equal('IDN');
      expect(input.value).to.equal('Indonesia (IDN)');
      expect(input.getAttribute('aria-expanded')).to.equal('false');
      input.value = 'jep';
      input.dispatchEvent(new Event('input'));
      await el.updateComplete;
      expect(input.getAttribute('aria-expanded')).to.equal('true');
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await el.updateComplete;
      expect(input.getAttribute('aria-expanded')).to.equal('false');
      await expect(el).to.be.accessible();
    });
  });

  describe('photo', () => {
    it('captures a JPEG from the (fake) camera and releases it; cancel and disconnect release too', async () => {
      const el = await mount(c.client);
      q<HTMLButtonElement>(el, '#f-photo').click();
      for (let i = 0; i < 100 && !el.cameraActive; i++) await sleep(20);
      expect(el.cameraActive).to.equal(true);
      await el.updateComplete;
      const video = q<HTMLVideoElement>(el, 'video.camera');
      for (let i = 0; i < 100 && !video.videoWidth; i++) await sleep(20);
      q<HTMLButtonElement>(el, '.capture-button').click();
      await el.updateComplete;
      expect(el.cameraActive).to.equal(false);
      expect(el.formState.photo).to.match(/^data:image\/jpeg;base64,/);
      expect(q<HTMLImageElement>(el, '.photo-img').alt).to.equal(msg('id', 'photo.alt'));

      q<HTMLButtonElement>(el, '#f-photo').click();
      for (let i = 0; i < 100 && !el.cameraActive; i++) await sleep(20);
      await el.updateComplete;
      qa<HTMLButtonElement>(el, '.photo .actions button')[1]!.click();
      await el.updateComplete;
      expect(el.cameraActive).to.equal(false);

      q<HTMLButtonElement>(el, '#f-photo').click();
      for (let i = 0; i < 100 && !el.cameraActive; i++) await sleep(20);
      el.remove();
      expect(el.cameraActive).to.equal(false);
    });
  });
});
