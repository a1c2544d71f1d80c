// Test helpers for <timpora-foreigner-form>: an in-memory client double (records + drafts) that behaves like
// the SDK client's contract, plus small DOM helpers that type into the form's shadow root like a person.
import type { ForeignerRecord } from '../../../sdk/model/types.ts';
import type { ForeignerFormClient } from '../../../components/foreigner-form/foreigner-form.ts';
import type { TimporaForeignerForm } from '../../../components/foreigner-form/foreigner-form.ts';
import { normalizeDocumentNumber } from '../../../sdk/model/rules.ts';

export class MemoryClient implements ForeignerFormClient {
  readonly store = new Map<string, ForeignerRecord>();
  readonly draftStore = new Map<string, unknown>();
  failPut: Error | null = null;
  puts = 0;
  records = {
    put: async (record: ForeignerRecord): Promise<ForeignerRecord> => {
      this.puts++;
      if (this.failPut) throw this.failPut;
      const saved = structuredClone({ ...record, version: record.version + 1 });
      this.store.set(record.id, saved);
      return structuredClone(saved);
    },
    findByDocument: async (issuingState: string, number: string): Promise<ForeignerRecord[]> =>
      [...this.store.values()].filter(
        (r) => r.document.issuingState === issuingState && normalizeDocumentNumber(r.document.number) === normalizeDocumentNumber(number),
      ),
    searchByName: async (prefix: string): Promise<ForeignerRecord[]> =>
      [...this.store.values()].filter((r) => r.identity.surname.toUpperCase().startsWith(prefix.toUpperCase())),
  };
  drafts = {
    get: async (key: string): Promise<unknown> => structuredClone(this.draftStore.get(key)),
    put: async (key: string, value: unknown): Promise<void> => {
      this.draftStore.set(key, structuredClone(value));
    },
    delete: async (key: string): Promise<void> => {
      this.draftStore.delete(key);
    },
  };
}

export function q<T extends Element = HTMLElement>(el: TimporaForeignerForm, selector: string): T {
  const found = el.shadowRoot!.querySelector<T>(selector);
  if (!found) throw new Error(`not found: ${selector}`);
  return found;
}

export function qa<T extends Element = HTMLElement>(el: TimporaForeignerForm, selector: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(selector)];
}

/** Types into an input/textarea like a person: value, input event, then change (as on leaving the field). */
export async function type(el: TimporaForeignerForm, id: string, value: string): Promise<void> {
  const input = q<HTMLInputElement>(el, `#${id}`);
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

export async function choose(el: TimporaForeignerForm, id: string, value: string): Promise<void> {
  const select = q<HTMLSelectElement>(el, `#${id}`);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

export async function typeDate(el: TimporaForeignerForm, id: string, d: string, m: string, y: string): Promise<void> {
  for (const [part, v] of [['day', d], ['month', m], ['year', y]] as const) {
    const input = q<HTMLInputElement>(el, `#${id}-${part}`);
    input.value = v;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  q<HTMLInputElement>(el, `#${id}-year`).dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: null }));
  await el.updateComplete;
}

/** Fills every required field with valid values (reference date 2025-06-01). */
export async function fillValid(el: TimporaForeignerForm): Promise<void> {
  await type(el, 'f-identity-surname', 'SMITH');
  await type(el, 'f-identity-givenNames', 'JOHN PAUL');
  q<HTMLInputElement>(el, '#f-identity-sex').click();
  await el.updateComplete;
  await typeDate(el, 'f-identity-birthDate', '7', '3', '1980');
  await type(el, 'f-identity-nationality', 'GBR');
  q<HTMLInputElement>(el, '#f-identity-nationality').dispatchEvent(new FocusEvent('blur'));
  await type(el, 'f-document-issuingState', 'GBR');
  q<HTMLInputElement>(el, '#f-document-issuingState').dispatchEvent(new FocusEvent('blur'));
  await type(el, 'f-document-number', '123456789');
  await typeDate(el, 'f-document-issueDate', '1', '2', '2020');
  await typeDate(el, 'f-document-expiryDate', '1', '2', '2030');
  await el.updateComplete;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
