import { TimporaForeignerForm, FOREIGNER_FORM_TAG } from './foreigner-form.ts';

if (!customElements.get(FOREIGNER_FORM_TAG)) customElements.define(FOREIGNER_FORM_TAG, TimporaForeignerForm);

declare global {
  interface HTMLElementTagNameMap {
    'timpora-foreigner-form': TimporaForeignerForm;
  }
}

export { TimporaForeignerForm };
