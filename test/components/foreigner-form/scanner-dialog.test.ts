import { fixture, html, expect } from '@open-wc/testing';
import '../../../components/mrz-scanner/define.ts';
import '../../../components/foreigner-form/define.ts';
import type { TimporaForeignerForm } from '../../../components/foreigner-form/foreigner-form.ts';
import type { MrzResult } from '../../../sdk/mrz/types.ts';
import { q, sleep } from './helpers.ts';

const result: MrzResult = {
  format: 'TD3',
  lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
  fields: {
    documentCode: 'P', issuingState: 'UTO', documentNumber: 'L898902C3', nationality: 'UTO', surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA', sex: 'F', birthDate: '1974-08-12', expiryDate: '2012-04-15', optional1: 'ZE184226B', optional2: '',
  },
  checks: { documentNumber: true, birthDate: true, expiryDate: true, personalNumber: true, composite: true },
  valid: true,
  confidence: 0.98,
  corrections: [],
  doubts: [],
};

describe('<timpora-foreigner-form> with <timpora-mrz-scanner> on the page', function () {
  this.timeout(20000);
  it('"Scan document" opens the scanner in a modal dialog; a read fills the form, closes the dialog and removes the scanner', async () => {
    const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .referenceDate=${new Date('2025-06-01')}></timpora-foreigner-form>`);
    q<HTMLButtonElement>(el, '.scan-button').click();
    await el.updateComplete;
    await sleep(50);
    const dialog = q<HTMLDialogElement>(el, 'dialog.scanner');
    expect(dialog.open).to.equal(true);
    const scanner = dialog.querySelector('timpora-mrz-scanner');
    expect(scanner).to.exist;
    scanner!.dispatchEvent(new CustomEvent('timpora-mrz-read', { detail: { result, source: 'text' }, bubbles: true, composed: true }));
    await el.updateComplete;
    await sleep(0);
    expect(dialog.open).to.equal(false);
    expect(scanner!.isConnected).to.equal(false);
    expect(q<HTMLInputElement>(el, '#f-identity-surname').value).to.equal('ERIKSSON');
    expect(q<HTMLInputElement>(el, '#f-document-number').value).to.equal('L898902C3');
    // Specimen issuer UTO is not a real state: the validator says so, the form shows it.
    expect(el.issues.some((i) => i.code === 'invalid_country' && i.path === 'document.issuingState')).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(q(el, '.scan-button'));
  });
});
