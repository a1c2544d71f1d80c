import { fixture, html, expect } from '@open-wc/testing';
import '../../../components/foreigner-form/define.ts';
import type { TimporaForeignerForm } from '../../../components/foreigner-form/foreigner-form.ts';
import { MemoryClient } from './helpers.ts';

describe('smoke', () => {
  it('renders', async () => {
    const client = new MemoryClient();
    const el = await fixture<TimporaForeignerForm>(html`<timpora-foreigner-form .client=${client}></timpora-foreigner-form>`);
    expect(el.shadowRoot!.querySelector('#f-identity-surname')).to.exist;
    await expect(el).to.be.accessible();
  });
});
